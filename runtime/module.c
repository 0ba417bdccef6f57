/* stap5 runtime: the module's life cycle.
 *
 *  insmod   allocate everything (contexts, globals, transport); no probe yet.
 *  "start"  (staprun5, via ctl) begin probes, then register the other probes.
 *  "stop"   (staprun5: exit() was called, Ctrl-C, -T, target exited...)
 *           unregister, run end (or error) probes, summary, DONE message.
 *  rmmod    stop if staprun5 did not, free everything.
 */

/* What the generated code hands the runtime (see STP_MODULE). */
struct stp_script {
	const char *name;		/* script file, for messages */
	size_t locals_size;		/* sizeof the generated locals union */
	struct stp_be_probe *be_probes;	/* begin, end and error probes */
	unsigned nbe_probes;
	/* Register every other probe, family by family in the registry's
	 * order: 0, or a negative errno once the failing family has reported
	 * and undone itself (the families before it stay registered). */
	int (*register_probes)(void);
	/* Unregister the families registered so far, in reverse order. */
	void (*unregister_probes)(void);
	/* Allocate / free the globals (maps, statistics, locks, initial
	 * values). init returns 0 or a negative errno after reporting what
	 * failed with stp_error(). */
	int (*globals_init)(void);
	void (*globals_free)(void);
};

static const struct stp_script *stp_script;
static struct dentry *stp_debugfs_dir;
static DEFINE_MUTEX(stp_session_mutex);
static bool stp_session_started, stp_session_stopped;
static bool stp_session_detached;	/* runs on without staprun5 */

/* "start": begin probes, then every other probe. */
static int stp_session_start(void)
{
	if (stp_session_started)
		return -EBUSY;
	stp_session_started = true;
	stp_session_set_state(STAP_SESSION_STARTING);

	stp_be_run(stp_script->be_probes, stp_script->nbe_probes, STP_BE_BEGIN,
		   STAP_SESSION_STARTING);

	/* No point placing probes if begin already ended the session. */
	if (stp_session_get_state() == STAP_SESSION_STARTING &&
	    stp_script->register_probes() != 0) {
		stp_script->unregister_probes();
		stp_session_set_state(STAP_SESSION_ERROR);
	}
	atomic_cmpxchg(&stp_session_state, STAP_SESSION_STARTING,
		       STAP_SESSION_RUNNING);
	return 0;
}

/* "stop": unregister, end/error probes, summary, DONE. */
static void stp_session_stop(void)
{
	struct stp_msg_done done = { 0 };
	int state;

	if (stp_session_stopped)
		return;
	stp_session_stopped = true;

	if (stp_session_started) {
		atomic_cmpxchg(&stp_session_state, STAP_SESSION_RUNNING,
			       STAP_SESSION_STOPPING);
		atomic_cmpxchg(&stp_session_state, STAP_SESSION_STARTING,
			       STAP_SESSION_STOPPING);
		stp_script->unregister_probes();
		/* Handlers that started before the state changed. */
		synchronize_rcu();
		stp_contexts_wait_idle();

		stp_be_run(stp_script->be_probes, stp_script->nbe_probes,
			   STP_BE_END, STAP_SESSION_STOPPING);
		stp_be_run(stp_script->be_probes, stp_script->nbe_probes,
			   STP_BE_ERROR, STAP_SESSION_ERROR);
	}
	state = stp_session_get_state();
	stp_session_set_state(STAP_SESSION_STOPPED);

	done.errors = atomic_read(&stp_error_count);
	done.skipped = atomic_read(&stp_skipped_count);
	done.aborted = state == STAP_SESSION_ERROR;
	done.dropped = atomic_read(&stp_relay.dropped) + atomic_read(&stp_ctl.dropped);
	if (done.errors || done.skipped)
		stp_warn("Number of errors: %d, skipped probes: %d\n",
			 done.errors, done.skipped);
	if (atomic_read(&stp_relay.dropped))
		stp_warn("There were %d transport failures. Try stap -s to increase the buffer size from %u.\n",
			 atomic_read(&stp_relay.dropped), stp_relay.mb_per_cpu);
	stp_ctl_send(STP_MSG_DONE, &done, sizeof(done));
}

/* "detach" / "attach": whether the session outlives staprun5's ctl, with
 * the data channel as a flight recorder meanwhile. */
static int stp_session_set_detached(bool detached)
{
	if (!stp_session_started || stp_session_stopped)
		return -EINVAL;
	stp_session_detached = detached;
	stp_relay_set_flight_recorder(detached);
	return 0;
}

/* A command written to ctl by staprun5. */
static int stp_session_command(const char *cmd)
{
	int rc = 0;

	mutex_lock(&stp_session_mutex);
	if (strcmp(cmd, STP_CMD_START) == 0)
		rc = stp_session_start();
	else if (strcmp(cmd, STP_CMD_STOP) == 0)
		stp_session_stop();
	else if (strcmp(cmd, STP_CMD_DETACH) == 0)
		rc = stp_session_set_detached(true);
	else if (strcmp(cmd, STP_CMD_ATTACH) == 0)
		rc = stp_session_set_detached(false);
	else
		rc = -EINVAL;
	mutex_unlock(&stp_session_mutex);
	return rc;
}

/* staprun5 closed ctl: do not leave probes running unattended, unless it
 * detached ("detach") to leave them running. True when the session is over
 * (only an unload is left to do). */
static bool stp_session_detach(void)
{
	bool over;

	mutex_lock(&stp_session_mutex);
	if (stp_session_started && !stp_session_detached)
		stp_session_stop();
	over = !stp_session_detached;
	mutex_unlock(&stp_session_mutex);
	return over;
}

static void stp_module_free(void)
{
	stp_relay_close();				/* removes trace files */
	debugfs_remove_recursive(stp_debugfs_dir);	/* ctl and the dir */
	stp_debugfs_dir = NULL;
	stp_ctl_free();
	if (stp_script->globals_free)
		stp_script->globals_free();
	stp_contexts_free();
}

static int stp_module_init(const struct stp_script *script)
{
	struct dentry *root;
	int rc;

	stp_script = script;
	rc = stp_contexts_alloc(script->locals_size);
	if (rc)
		goto fail;

	/* debugfs: stap5/MODULE/{ctl,trace0,trace1,...} */
	root = debugfs_lookup("stap5", NULL);
	if (!root)
		root = debugfs_create_dir("stap5", NULL);
	else
		dput(root);
	if (IS_ERR_OR_NULL(root)) {
		rc = root ? PTR_ERR(root) : -ENOENT;
		goto fail;
	}
	stp_debugfs_dir = debugfs_create_dir(THIS_MODULE->name, root);
	if (IS_ERR_OR_NULL(stp_debugfs_dir)) {
		rc = stp_debugfs_dir ? PTR_ERR(stp_debugfs_dir) : -ENOENT;
		stp_debugfs_dir = NULL;
		goto fail;
	}
	rc = stp_ctl_init(stp_debugfs_dir);
	if (rc)
		goto fail;
	rc = stp_relay_init(stp_debugfs_dir, _stp_bufsize);
	if (rc)
		goto fail;

	if (script->globals_init) {
		rc = script->globals_init();
		if (rc)
			goto fail;
	}
	return 0;
fail:
	printk(KERN_ERR "%s: initialization failed (rc %d)\n", THIS_MODULE->name, rc);
	stp_module_free();
	return rc;
}

static void stp_module_exit(void)
{
	mutex_lock(&stp_session_mutex);
	if (stp_session_started)
		stp_session_stop();
	mutex_unlock(&stp_session_mutex);
	stp_module_free();
}

/* The generated file ends with STP_MODULE(its struct stp_script). */
#define STP_MODULE(script)						\
	static int __init stp_generated_init(void)			\
	{								\
		return stp_module_init(&(script));			\
	}								\
	static void __exit stp_generated_exit(void)			\
	{								\
		stp_module_exit();					\
	}								\
	module_init(stp_generated_init);				\
	module_exit(stp_generated_exit);				\
	MODULE_LICENSE("GPL");						\
	MODULE_DESCRIPTION("stap5 probe module")
