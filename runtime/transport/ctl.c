/* stap5 runtime: the control channel (debugfs file "ctl").
 *
 * Outgoing messages (errors, warnings, requests) are queued in fixed slots so
 * that any context, probe handlers included, can post one with a spinlock
 * and no allocation; the reader is woken through irq_work because waking a
 * task directly from an arbitrary probe point could deadlock on scheduler
 * locks. Incoming writes are commands, run synchronously in the writer's
 * process context (that is where begin and end probes run).
 */

#ifndef STP_CTL_SLOT_SIZE
#define STP_CTL_SLOT_SIZE 1024
#endif
#define STP_CTL_SLOTS (STP_CTL_BUFFER_SIZE / STP_CTL_SLOT_SIZE)

struct stp_ctl_slot {
	struct stp_msg_header hdr;
	char payload[STP_CTL_SLOT_SIZE - sizeof(struct stp_msg_header)];
};

static struct {
	struct stp_ctl_slot *slots;
	unsigned head, tail;		/* head: next to read; tail: next free */
	raw_spinlock_t lock;
	wait_queue_head_t readers;
	struct irq_work wakeup;
	atomic_t dropped;
	atomic_t opened;
	/* 1 once a staprun5 that attached went away without detaching: the
	 * session is over and only an unload is left to do. A staprun5 that finds a module in this
	 * state (its own run was killed) removes it: see stap5/run/stale.py. */
	atomic_t orphaned;
	struct dentry *file;
} stp_ctl;

static int stp_session_command(const char *cmd);	/* module.c */
static bool stp_session_detach(void);			/* module.c */

static void stp_ctl_wakeup_fn(struct irq_work *work)
{
	wake_up_interruptible(&stp_ctl.readers);
}

/* Reserve the next slot; returns it with the lock held, or NULL when full. */
static struct stp_ctl_slot *stp_ctl_reserve(unsigned long *flags)
{
	raw_spin_lock_irqsave(&stp_ctl.lock, *flags);
	if (stp_ctl.tail - stp_ctl.head >= STP_CTL_SLOTS) {
		raw_spin_unlock_irqrestore(&stp_ctl.lock, *flags);
		atomic_inc(&stp_ctl.dropped);
		return NULL;
	}
	return &stp_ctl.slots[stp_ctl.tail % STP_CTL_SLOTS];
}

static void stp_ctl_commit(unsigned long *flags)
{
	stp_ctl.tail++;
	raw_spin_unlock_irqrestore(&stp_ctl.lock, *flags);
	irq_work_queue(&stp_ctl.wakeup);
}

/* Queue a message with a binary payload. Safe in any context but NMI. */
static void stp_ctl_send(u32 type, const void *data, size_t len)
{
	unsigned long flags;
	struct stp_ctl_slot *slot;

	if (unlikely(!stp_ctl.slots))
		return;
	slot = stp_ctl_reserve(&flags);
	if (!slot)
		return;
	len = min(len, sizeof(slot->payload));
	slot->hdr.type = type;
	slot->hdr.len = len;
	if (len)
		memcpy(slot->payload, data, len);
	stp_ctl_commit(&flags);
}

/* Queue "PREFIX<formatted text>\n" for staprun5's stderr (the newline is
 * added unless the text already ends with one). */
static void stp_ctl_vlog(const char *prefix, const char *fmt, va_list args)
{
	unsigned long flags;
	struct stp_ctl_slot *slot;
	size_t room, n;

	if (unlikely(!stp_ctl.slots))
		return;
	slot = stp_ctl_reserve(&flags);
	if (!slot)
		return;
	room = sizeof(slot->payload);
	n = strscpy(slot->payload, prefix, room);
	n += vscnprintf(slot->payload + n, room - n, fmt, args);
	if (n == 0 || slot->payload[n - 1] != '\n') {
		if (n >= room - 1)
			n = room - 2;
		slot->payload[n++] = '\n';
	}
	slot->hdr.type = STP_MSG_STDERR;
	slot->hdr.len = n;
	stp_ctl_commit(&flags);
}

static ssize_t stp_ctl_read(struct file *file, char __user *ubuf, size_t count,
			    loff_t *ppos)
{
	char *bounce;
	size_t done = 0;
	int rc;

	if (count < sizeof(struct stp_ctl_slot))
		return -EINVAL;
	count = min_t(size_t, count, 16 * sizeof(struct stp_ctl_slot));

	rc = wait_event_interruptible(stp_ctl.readers,
		(file->f_flags & O_NONBLOCK) ||
		READ_ONCE(stp_ctl.head) != READ_ONCE(stp_ctl.tail));
	if (rc)
		return rc;

	bounce = kmalloc(count, GFP_KERNEL);
	if (!bounce)
		return -ENOMEM;
	for (;;) {
		unsigned long flags;
		struct stp_ctl_slot *slot;
		size_t size;

		raw_spin_lock_irqsave(&stp_ctl.lock, flags);
		if (stp_ctl.head == stp_ctl.tail) {
			raw_spin_unlock_irqrestore(&stp_ctl.lock, flags);
			break;
		}
		slot = &stp_ctl.slots[stp_ctl.head % STP_CTL_SLOTS];
		size = sizeof(slot->hdr) + slot->hdr.len;
		if (done + size > count) {
			raw_spin_unlock_irqrestore(&stp_ctl.lock, flags);
			break;
		}
		memcpy(bounce + done, slot, size);
		stp_ctl.head++;
		raw_spin_unlock_irqrestore(&stp_ctl.lock, flags);
		done += size;
	}
	if (done == 0) {
		kfree(bounce);
		return -EAGAIN;
	}
	if (copy_to_user(ubuf, bounce, done))
		done = -EFAULT;
	kfree(bounce);
	return done;
}

static __poll_t stp_ctl_poll(struct file *file, poll_table *wait)
{
	poll_wait(file, &stp_ctl.readers, wait);
	return READ_ONCE(stp_ctl.head) != READ_ONCE(stp_ctl.tail) ?
		EPOLLIN | EPOLLRDNORM : 0;
}

static ssize_t stp_ctl_write(struct file *file, const char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	char cmd[32];
	size_t n = min(count, sizeof(cmd) - 1);
	int rc;

	if (copy_from_user(cmd, ubuf, n))
		return -EFAULT;
	cmd[n] = '\0';
	strim(cmd);
	rc = stp_session_command(cmd);
	return rc < 0 ? rc : count;
}

static int stp_ctl_open(struct inode *inode, struct file *file)
{
	/* One staprun5 per module. */
	if (atomic_cmpxchg(&stp_ctl.opened, 0, 1) != 0)
		return -EBUSY;
	return nonseekable_open(inode, file);
}

static int stp_ctl_release(struct inode *inode, struct file *file)
{
	/* staprun5 went away: do not leave probes running unattended (unless
	 * it detached them on purpose, staprun5 -L). */
	if (stp_session_detach())
		atomic_set(&stp_ctl.orphaned, 1);
	atomic_set(&stp_ctl.opened, 0);
	return 0;
}

static const struct file_operations stp_ctl_fops = {
	.owner = THIS_MODULE,
	.open = stp_ctl_open,
	.release = stp_ctl_release,
	.read = stp_ctl_read,
	.write = stp_ctl_write,
	.poll = stp_ctl_poll,
	.llseek = no_llseek,
};

static int stp_ctl_init(struct dentry *dir)
{
	stp_ctl.slots = vzalloc(STP_CTL_SLOTS * sizeof(struct stp_ctl_slot));
	if (!stp_ctl.slots)
		return -ENOMEM;
	stp_ctl.head = stp_ctl.tail = 0;
	raw_spin_lock_init(&stp_ctl.lock);
	init_waitqueue_head(&stp_ctl.readers);
	init_irq_work(&stp_ctl.wakeup, stp_ctl_wakeup_fn);
	atomic_set(&stp_ctl.dropped, 0);
	atomic_set(&stp_ctl.opened, 0);
	atomic_set(&stp_ctl.orphaned, 0);
	stp_ctl.file = debugfs_create_file("ctl", 0600, dir, NULL, &stp_ctl_fops);
	if (IS_ERR_OR_NULL(stp_ctl.file)) {
		stp_ctl.file = NULL;
		return -ENOENT;
	}
	debugfs_create_atomic_t("orphaned", 0400, dir, &stp_ctl.orphaned);
	return 0;
}

/* After the directory is gone no new reader can appear. */
static void stp_ctl_free(void)
{
	irq_work_sync(&stp_ctl.wakeup);
	vfree(stp_ctl.slots);
	stp_ctl.slots = NULL;
}
