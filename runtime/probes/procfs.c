/* stap5 runtime: procfs("name").read / .write probes, files under
 * /proc/systemtap/MODULE/.
 *
 * Reading the file runs the read probe once per open, and returns what it put
 * in $value; each write runs the write probes with (up to maxsize-1 bytes of)
 * the data written as $value. One opener at a time, as in stap. The written
 * data is copied into the kernel before the probe runs (handlers run with
 * preemption disabled and must not fault on user memory).
 */

struct stp_procfs_probe {
	struct stp_probe probe;
	const char *path;		/* under /proc/systemtap/MODULE/ */
	size_t maxsize;			/* 0: STP_PROCFS_BUFSIZE */
	umode_t mode;			/* 0: 0400 read, 0200 write */
	bool write;			/* .write (else .read) */
};

struct stp_procfs_data {
	char *buffer;
	size_t bufsize;
	size_t count;
};

struct stp_procfs_file {
	struct list_head list;
	const char *path;
	struct stp_procfs_probe *read_probe;
	struct stp_procfs_probe **write_probes;
	unsigned nwrite;
	size_t bufsize;
	char *buffer;			/* what a read returns */
	size_t count;
	bool needs_fill;
	char *wbuf;			/* the data of one write */
	struct mutex lock;
	int opencount;
	wait_queue_head_t waitq;
};

static LIST_HEAD(stp_procfs_files);
static struct proc_dir_entry *stp_procfs_root;	/* /proc/systemtap */
static struct proc_dir_entry *stp_procfs_dir;	/* /proc/systemtap/MODULE */
static bool stp_procfs_created_root;

/* Run probe p on data: 0 if it ran fine, 1 if it ran into an error, -1 if
 * it could not run (session not running, context busy). */
static int stp_procfs_run(struct stp_procfs_probe *p, struct stp_procfs_data *data)
{
	struct context *c = stp_probe_enter(&p->probe, STAP_SESSION_RUNNING);
	int rc;

	if (!c)
		return -1;
	c->ips.procfs = data;
	rc = stp_probe_handle(c) ? 0 : 1;
	stp_probe_leave(c);
	return rc;
}

static int stp_procfs_open(struct inode *inode, struct file *filp)
{
	struct stp_procfs_file *f = stp_pde_data(inode);
	int rc = 0;

	if (!f)
		return -EINVAL;
	mutex_lock(&f->lock);
	while (f->opencount) {
		if (filp->f_flags & O_NONBLOCK) {
			rc = -EAGAIN;
			break;
		}
		mutex_unlock(&f->lock);
		rc = wait_event_interruptible(f->waitq, READ_ONCE(f->opencount) == 0);
		mutex_lock(&f->lock);
		if (rc)
			break;
	}
	if (rc == 0) {
		f->opencount++;
		filp->private_data = f;
		if ((filp->f_flags & O_ACCMODE) == O_RDONLY && f->read_probe) {
			f->buffer[0] = '\0';
			f->count = 0;
			f->needs_fill = true;
		}
	}
	mutex_unlock(&f->lock);
	return rc;
}

static int stp_procfs_release(struct inode *inode, struct file *filp)
{
	struct stp_procfs_file *f = filp->private_data;

	if (f) {
		mutex_lock(&f->lock);
		f->opencount--;
		mutex_unlock(&f->lock);
		wake_up(&f->waitq);
	}
	return 0;
}

static ssize_t stp_procfs_read(struct file *filp, char __user *buf, size_t count,
			       loff_t *ppos)
{
	struct stp_procfs_file *f = filp->private_data;

	if (!f || !f->read_probe)
		return 0;
	if (f->needs_fill) {
		struct stp_procfs_data data = {
			.buffer = f->buffer, .bufsize = f->bufsize, .count = 0,
		};

		f->buffer[0] = '\0';
		f->needs_fill = false;
		/* Even after an error, the reader gets what the probe put. */
		if (stp_procfs_run(f->read_probe, &data) < 0)
			return -EIO;
		f->count = strlen(f->buffer);
	}
	return simple_read_from_buffer(buf, count, ppos, f->buffer, f->count);
}

static ssize_t stp_procfs_write(struct file *filp, const char __user *buf,
				size_t count, loff_t *ppos)
{
	struct stp_procfs_file *f = filp->private_data;
	bool ok = true;
	unsigned i;

	if (!f || f->nwrite == 0)
		return -EIO;
	if (count >= f->bufsize)
		count = f->bufsize - 1;
	if (copy_from_user(f->wbuf, buf, count))
		return -EFAULT;
	f->wbuf[count] = '\0';
	for (i = 0; i < f->nwrite; i++) {
		struct stp_procfs_data data = {
			.buffer = f->wbuf, .bufsize = f->bufsize, .count = count,
		};

		ok = stp_procfs_run(f->write_probes[i], &data) == 0 && ok;
	}
	if (!ok)
		return -EIO;
	*ppos += count;
	return count;
}

#ifdef STAPCONF_PROC_OPS
static const struct proc_ops stp_procfs_fops = {
	.proc_open = stp_procfs_open,
	.proc_read = stp_procfs_read,
	.proc_write = stp_procfs_write,
	.proc_lseek = generic_file_llseek,
	.proc_release = stp_procfs_release,
};
#else
static const struct file_operations stp_procfs_fops = {
	.owner = THIS_MODULE,
	.open = stp_procfs_open,
	.read = stp_procfs_read,
	.write = stp_procfs_write,
	.llseek = generic_file_llseek,
	.release = stp_procfs_release,
};
#endif

/* ---- $value, for the tapset's embedded C ---- */

/* Read probe: $value = s (or, with append, $value .= s). */
static void stp_procfs_value_set(struct context *c, const char *s, bool append)
{
	struct stp_procfs_data *d = c->ips.procfs;
	size_t want;

	if (!d || (s == d->buffer && !append))
		return;
	if (!append)
		d->buffer[0] = '\0';
	want = strlen(d->buffer) + strlen(s);
	strlcat(d->buffer, s, d->bufsize);
	d->count = strlen(d->buffer);
	if (want > d->bufsize - 1) {
		snprintf(c->error_buffer, sizeof(c->error_buffer),
			 "buffer size exceeded, consider .maxsize(%lu).",
			 (unsigned long)(want + 1));
		c->last_error = c->error_buffer;
	}
}

/* $value: the data written (write probes) or the reply so far (read). */
static void stp_procfs_value_get(struct context *c, char *dst)
{
	struct stp_procfs_data *d = c->ips.procfs;

	dst[0] = '\0';
	if (d)
		strscpy(dst, d->buffer, min_t(size_t, d->count + 1, MAXSTRINGLEN));
}

/* The same, as expressions: $value (NUL-terminated; "" outside procfs
 * probes), $value = s and $value .= s (both give the new value). */
static const char *stp_procfs_value(struct context *c)
{
	return c->ips.procfs ? c->ips.procfs->buffer : "";
}

static const char *stp_procfs_set_value(struct context *c, const char *s)
{
	stp_procfs_value_set(c, s, false);
	return stp_procfs_value(c);
}

static const char *stp_procfs_append_value(struct context *c, const char *s)
{
	stp_procfs_value_set(c, s, true);
	return stp_procfs_value(c);
}

/* ---- registration ---- */

static struct stp_procfs_file *stp_procfs_file_for(const char *path)
{
	struct stp_procfs_file *f;

	list_for_each_entry(f, &stp_procfs_files, list)
		if (strcmp(f->path, path) == 0)
			return f;
	return NULL;
}

static void stp_procfs_unregister(struct stp_procfs_probe *probes, unsigned n)
{
	struct stp_procfs_file *f, *tmp;

	if (stp_procfs_dir) {
		/* Waits for readers and writers in progress. */
		proc_remove(stp_procfs_dir);
		stp_procfs_dir = NULL;
	}
	if (stp_procfs_created_root) {
		remove_proc_entry("systemtap", NULL);
		stp_procfs_created_root = false;
	}
	stp_procfs_root = NULL;
	list_for_each_entry_safe(f, tmp, &stp_procfs_files, list) {
		list_del(&f->list);
		kfree(f->write_probes);
		kfree(f->buffer);
		kfree(f->wbuf);
		kfree(f);
	}
}

/* Group the probes by file, then create the files. */
static int stp_procfs_register(struct stp_procfs_probe *probes, unsigned n)
{
	struct stp_procfs_file *f;
	struct stp_procfs_probe *p = NULL;
	unsigned i;
	int rc = -ENOMEM;

	for (i = 0; i < n; i++) {
		size_t size;

		p = &probes[i];
		f = stp_procfs_file_for(p->path);
		if (!f) {
			f = kzalloc(sizeof(*f), GFP_KERNEL);
			if (!f)
				goto fail;
			f->path = p->path;
			mutex_init(&f->lock);
			init_waitqueue_head(&f->waitq);
			f->write_probes = kcalloc(n, sizeof(*f->write_probes), GFP_KERNEL);
			list_add_tail(&f->list, &stp_procfs_files);
			if (!f->write_probes)
				goto fail;
		}
		size = p->maxsize ?: STP_PROCFS_BUFSIZE;
		f->bufsize = max(f->bufsize, size);
		if (!p->write)
			f->read_probe = p;
		else
			f->write_probes[f->nwrite++] = p;
	}
	if (list_empty(&stp_procfs_files))
		return 0;

	stp_procfs_root = proc_mkdir("systemtap", NULL);
	if (stp_procfs_root) {
		stp_procfs_created_root = true;
		stp_procfs_dir = proc_mkdir(THIS_MODULE->name, stp_procfs_root);
	} else {
		/* Made by another session: reach it by path. */
		static char path[MODULE_NAME_LEN + 16];

		snprintf(path, sizeof(path), "systemtap/%s", THIS_MODULE->name);
		stp_procfs_dir = proc_mkdir(path, NULL);
	}
	if (!stp_procfs_dir) {
		rc = -EEXIST;
		p = list_first_entry(&stp_procfs_files, struct stp_procfs_file,
				     list)->read_probe ?: p;
		goto fail;
	}
	list_for_each_entry(f, &stp_procfs_files, list) {
		umode_t mode = 0;

		p = f->read_probe ?: f->write_probes[0];
		f->buffer = kzalloc(f->bufsize, GFP_KERNEL);
		f->wbuf = kzalloc(f->bufsize, GFP_KERNEL);
		if (!f->buffer || !f->wbuf) {
			rc = -ENOMEM;
			goto fail;
		}
		if (f->read_probe)
			mode |= f->read_probe->mode ?: 0400;
		for (i = 0; i < f->nwrite; i++)
			mode |= f->write_probes[i]->mode ?: 0200;
		/* Like stap on kernels with an opaque proc_dir_entry (all
		 * those we support): no "a/b" paths. */
		if (strchr(f->path, '/')) {
			stp_error("Could not create path \"%s\", contains subdirectories",
				  f->path);
			rc = -1;
			goto fail;
		}
		if (!proc_create_data(f->path, mode, stp_procfs_dir,
				      &stp_procfs_fops, f)) {
			rc = -EEXIST;
			goto fail;
		}
	}
	return 0;
fail:
	if (p)
		stp_probe_registration_error(&p->probe, rc);
	stp_procfs_unregister(probes, n);
	return rc;
}
