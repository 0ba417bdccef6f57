/* stap5 runtime: the data channel (relay, one debugfs file per CPU:
 * trace0, trace1, ...).
 *
 * Each CPU writes its probes' output as records (struct stp_record_header +
 * bytes) into its own relay buffer without locks: only the holder of the
 * CPU's context writes, with preemption disabled. A record is copied first and
 * published by advancing the buffer offset afterwards, so a reader on another
 * CPU never sees half a record. Records carry a global sequence number, taken
 * only once the space is secured, so staprun5 can merge the CPUs in order.
 * When the buffers are full, records are dropped and counted.
 */

/* stap -b (bulk mode): staprun5 keeps each CPU's output apart (per-CPU
 * files) instead of merging it; it learns so from the module's .modinfo. */
#ifdef STP_BULKMODE
MODULE_INFO(stap5_bulkmode, "1");
#endif

/* A sub-buffer must hold the largest record: a full print buffer. */
#ifndef STP_RELAY_SUBBUF_SIZE
#define STP_RELAY_SUBBUF_SIZE						\
	max_t(size_t, 64 * 1024,					\
	      PAGE_ALIGN(STP_BUFFER_SIZE + sizeof(struct stp_record_header)))
#endif

static struct {
	struct rchan *chan;
	atomic64_t seq;
	atomic_t dropped;
	unsigned mb_per_cpu;		/* size actually used, for messages */
	bool flight_recorder;		/* no reader: overwrite the oldest */
} stp_relay;

/* relay's file operations, owned by this module so that it cannot be
 * unloaded while staprun5 still has a trace file open. */
static struct file_operations stp_relay_fops;

static struct dentry *stp_relay_create_file(const char *name,
					    struct dentry *parent, umode_t mode,
					    struct rchan_buf *buf, int *is_global)
{
	struct dentry *d = debugfs_create_file(name, 0400, parent, buf,
					       &stp_relay_fops);
	return IS_ERR(d) ? NULL : d;
}

static int stp_relay_remove_file(struct dentry *dentry)
{
	debugfs_remove(dentry);
	return 0;
}

/* Buffer full: refuse to switch (do not overwrite unread output), unless
 * in flight recorder mode, where the latest output is what counts. */
static int stp_relay_subbuf_start(struct rchan_buf *buf, void *subbuf,
				  void *prev_subbuf, size_t prev_padding)
{
	return READ_ONCE(stp_relay.flight_recorder) || !relay_buf_full(buf);
}

static void stp_relay_set_flight_recorder(bool on)
{
	WRITE_ONCE(stp_relay.flight_recorder, on);
}

static const struct rchan_callbacks stp_relay_callbacks = {
	.subbuf_start = stp_relay_subbuf_start,
	.create_buf_file = stp_relay_create_file,
	.remove_buf_file = stp_relay_remove_file,
};

static int stp_relay_init(struct dentry *dir, unsigned mb_per_cpu)
{
	struct sysinfo si;
	size_t nsubbufs;
	u64 avail;

	/* Like stap: never take more than a quarter of free memory. */
	si_meminfo(&si);
	avail = ((u64)(si.freeram + si.bufferram) << PAGE_SHIFT) / 4 /
		num_online_cpus();
	if (mb_per_cpu == 0)
		mb_per_cpu = STP_BUFFER_MB;
	if (((u64)mb_per_cpu << 20) > avail)
		mb_per_cpu = max_t(u64, 1, avail >> 20);
	nsubbufs = ((size_t)mb_per_cpu << 20) / STP_RELAY_SUBBUF_SIZE;
	if (nsubbufs < 2)
		nsubbufs = 2;
	stp_relay.mb_per_cpu = mb_per_cpu;

	atomic64_set(&stp_relay.seq, 0);
	atomic_set(&stp_relay.dropped, 0);
	stp_relay.flight_recorder = false;
	stp_relay_fops = relay_file_operations;
	stp_relay_fops.owner = THIS_MODULE;
	stp_relay.chan = relay_open("trace", dir, STP_RELAY_SUBBUF_SIZE,
				    nsubbufs, &stp_relay_callbacks, NULL);
	return stp_relay.chan ? 0 : -ENOMEM;
}

/* Write one record on this CPU. Preemption disabled, context held. */
static bool stp_relay_write(const char *data, size_t len)
{
	struct stp_record_header hdr;
	struct rchan_buf *buf;
	size_t total;

	if (unlikely(!stp_relay.chan))
		return false;
	buf = *this_cpu_ptr(stp_relay.chan->buf);
	if (unlikely(!buf))
		goto drop;
	if (len > STP_RELAY_SUBBUF_SIZE - sizeof(hdr))
		len = STP_RELAY_SUBBUF_SIZE - sizeof(hdr);
	total = sizeof(hdr) + len;
	if (buf->offset + total > buf->chan->subbuf_size) {
		if (!relay_switch_subbuf(buf, total))
			goto drop;
	}
	hdr.seq = atomic64_inc_return(&stp_relay.seq);
	hdr.len = len;
	hdr.magic = STP_RECORD_MAGIC;
	memcpy(buf->data + buf->offset, &hdr, sizeof(hdr));
	memcpy(buf->data + buf->offset + sizeof(hdr), data, len);
	/* Publish only complete records. */
	smp_wmb();
	WRITE_ONCE(buf->offset, buf->offset + total);
	return true;
drop:
	atomic_inc(&stp_relay.dropped);
	return false;
}

static void stp_relay_close(void)
{
	if (stp_relay.chan) {
		relay_close(stp_relay.chan);
		stp_relay.chan = NULL;
	}
}
