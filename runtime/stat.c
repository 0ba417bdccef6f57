/* stap5 runtime: statistics (the `<<<` aggregates) and histograms.
 *
 * A statistic keeps one struct stp_stat_data per CPU, so `<<<` never shares
 * a cache line or a lock with other CPUs; reading an extractor (@count,
 * @sum, @min, @max, @avg, @variance, @hist_*) first folds the CPUs into an
 * aggregate. The integer arithmetic is SystemTap's, to give the same numbers:
 * Welford's online variance per CPU with an optional bit shift (and its
 * 32-bit delta), combined across CPUs with the total variance formula.
 */

enum stp_hist_type { HIST_NONE, HIST_LOG, HIST_LINEAR };

/* Log histograms: bucket 64 holds 0, buckets above hold [2^(i-65), 2^(i-64)),
 * buckets below the negative values. */
#define HIST_LOG_BUCKETS 128
#define HIST_LOG_BUCKET0 64

/* What the generated code declares for a statistic (or an array of them). */
struct stp_stat_desc {
	enum stp_hist_type type;
	int start, stop, interval;	/* HIST_LINEAR */
	int bit_shift;			/* @variance(s, bit_shift) */
	bool variance;			/* @variance is used: maintain it */
};

/* Fixed part of a statistic's shape, derived from the descriptor. */
struct stp_hist {
	enum stp_hist_type type;
	int start, stop, interval;
	int buckets;
	int bit_shift;
	bool variance;
};

struct stp_stat_data {
	int shift;
	int64_t count;
	int64_t sum;
	int64_t min, max;
	int64_t avg_s;			/* running mean, scaled by 2^shift */
	int64_t m2;			/* Welford's sum of squares */
	int64_t variance;
	int64_t variance_s;		/* scaled by 2^(2*shift) */
	int64_t histogram[];
};

/* Validate a descriptor; returns the bucket count, 0 for no histogram, or
 * -EINVAL (with a warning, as stap gives) for an impossible linear one. */
static int stp_hist_init(struct stp_hist *h, const struct stp_stat_desc *d)
{
	memset(h, 0, sizeof(*h));
	h->type = d ? d->type : HIST_NONE;
	h->bit_shift = d ? d->bit_shift : 0;
	h->variance = d ? d->variance : false;
	if (h->type == HIST_LOG) {
		h->buckets = HIST_LOG_BUCKETS;
	} else if (h->type == HIST_LINEAR) {
		int buckets;

		h->start = d->start;
		h->stop = d->stop;
		h->interval = d->interval;
		if (d->interval == 0) {
			stp_warn("histogram: interval cannot be zero.\n");
			return -EINVAL;
		}
		/* One bucket per interval, plus underflow and overflow. */
		buckets = (d->stop - d->start) / d->interval + 3;
		if (buckets > STP_MAX_BUCKETS || buckets < 3) {
			stp_warn("histogram: Number of buckets must be between 1 and %d\n"
				 "Number_of_buckets = (stop - start) / interval.\n"
				 "Please adjust your start, stop, and interval values.\n",
				 STP_MAX_BUCKETS - 2);
			return -EINVAL;
		}
		h->buckets = buckets;
	}
	return h->buckets;
}

static inline size_t stp_stat_data_size(const struct stp_hist *h)
{
	return sizeof(struct stp_stat_data) + h->buckets * sizeof(int64_t);
}

static int stp_hist_log_bucket(int64_t val)
{
	uint64_t mag;
	int bits;

	if (val == 0)
		return HIST_LOG_BUCKET0;
	mag = val < 0 ? -(uint64_t)val : (uint64_t)val;
	bits = fls64(mag);		/* 1..64 */
	return val < 0 ? HIST_LOG_BUCKET0 - bits : HIST_LOG_BUCKET0 + bits;
}

static int64_t stp_hist_log_value(int bucket)
{
	if (bucket == HIST_LOG_BUCKET0)
		return 0;
	if (bucket < HIST_LOG_BUCKET0)
		return (int64_t)0x8000000000000000LL >> bucket;
	return 1LL << (bucket - HIST_LOG_BUCKET0 - 1);
}

static void stp_stat_data_clear(const struct stp_hist *h, struct stp_stat_data *sd)
{
	sd->count = sd->sum = sd->min = sd->max = 0;
	sd->avg_s = sd->variance = sd->variance_s = 0;
	if (h->buckets)
		memset(sd->histogram, 0, h->buckets * sizeof(int64_t));
}

static void stp_stat_data_add(const struct stp_hist *h, struct stp_stat_data *sd,
			      int64_t val)
{
	sd->shift = h->bit_shift;
	if (sd->count == 0) {
		sd->count = 1;
		sd->sum = sd->min = sd->max = val;
		sd->avg_s = val << sd->shift;
		sd->m2 = 0;
	} else {
		sd->count++;
		sd->sum += val;
		if (val > sd->max)
			sd->max = val;
		if (val < sd->min)
			sd->min = val;
		if (h->variance) {
			/* stap keeps this delta in an int; so do we. */
			int delta = (val << sd->shift) - sd->avg_s;

			sd->avg_s += stp_div64(delta, sd->count);
			sd->m2 += delta * ((val << sd->shift) - sd->avg_s);
			sd->variance_s = sd->count < 2 ? -1 :
				stp_div64(sd->m2, sd->count - 1);
		}
	}

	if (h->type == HIST_LOG) {
		sd->histogram[stp_hist_log_bucket(val)]++;
	} else if (h->type == HIST_LINEAR) {
		int64_t b = val - h->start;

		if (b < 0)
			b = 0;				/* underflow */
		else
			b = div64_u64((uint64_t)b, h->interval) + 1;
		if (b >= h->buckets - 1)
			b = h->buckets - 1;		/* overflow */
		sd->histogram[b]++;
	}
}

/* Fold per-CPU data into agg (mean, then total variance). `per_cpu_data(arg, i)`
 * gives CPU i's data or NULL. */
static void stp_stat_data_fold(const struct stp_hist *h, struct stp_stat_data *agg,
			       struct stp_stat_data *(*per_cpu_data)(void *, int),
			       void *arg)
{
	int64_t s1 = 0, s2 = 0;
	int cpu, j;

	stp_stat_data_clear(h, agg);
	agg->shift = 0;
	for_each_possible_cpu(cpu) {
		struct stp_stat_data *sd = per_cpu_data(arg, cpu);

		if (!sd || !sd->count)
			continue;
		agg->shift = sd->shift;
		if (agg->count == 0) {
			agg->min = sd->min;
			agg->max = sd->max;
		}
		agg->count += sd->count;
		agg->sum += sd->sum;
		if (sd->max > agg->max)
			agg->max = sd->max;
		if (sd->min < agg->min)
			agg->min = sd->min;
		for (j = 0; j < h->buckets; j++)
			agg->histogram[j] += sd->histogram[j];
	}
	agg->avg_s = stp_div64(agg->sum << agg->shift, agg->count);
	for_each_possible_cpu(cpu) {
		struct stp_stat_data *sd = per_cpu_data(arg, cpu);

		if (!sd || !sd->count)
			continue;
		s1 += sd->count * (sd->avg_s - agg->avg_s) * (sd->avg_s - agg->avg_s);
		s2 += (sd->count - 1) * sd->variance_s;
	}
	agg->variance_s = stp_div64(s1 + s2, agg->count - 1);
	agg->variance = agg->variance_s >> (2 * agg->shift);
}

/* ---- a scalar statistic: global s; s <<< v ---- */

struct stp_stat {
	struct stp_hist hist;
	struct stp_stat_data *agg;
	void __percpu *pcpu;
};

static struct stp_stat_data *stp_stat_cpu(void *arg, int cpu)
{
	struct stp_stat *st = arg;

	return per_cpu_ptr(st->pcpu, cpu);
}

static struct stp_stat *stp_stat_new(const struct stp_stat_desc *desc)
{
	struct stp_stat *st = kzalloc(sizeof(*st), GFP_KERNEL);

	if (!st)
		return NULL;
	if (stp_hist_init(&st->hist, desc) < 0)
		goto fail;
	st->agg = kzalloc(stp_stat_data_size(&st->hist), GFP_KERNEL);
	st->pcpu = __alloc_percpu(stp_stat_data_size(&st->hist), 8);
	if (!st->agg || !st->pcpu)
		goto fail;
	return st;
fail:
	kfree(st->agg);
	free_percpu(st->pcpu);
	kfree(st);
	return NULL;
}

static void stp_stat_del(struct stp_stat *st)
{
	if (!st)
		return;
	kfree(st->agg);
	free_percpu(st->pcpu);
	kfree(st);
}

/* s <<< val. Caller holds the global's lock for reading (CPUs do not share
 * data); preemption is off in probes. */
static inline void stp_stat_add(struct stp_stat *st, int64_t val)
{
	stp_stat_data_add(&st->hist, this_cpu_ptr(st->pcpu), val);
}

/* The aggregate over all CPUs (write lock held). Callers check ->count: the
 * extractors other than @count and @sum are errors on an empty statistic. */
static struct stp_stat_data *stp_stat_get(struct stp_stat *st)
{
	stp_stat_data_fold(&st->hist, st->agg, stp_stat_cpu, st);
	return st->agg;
}

static void stp_stat_clear(struct stp_stat *st)
{
	int cpu;

	for_each_possible_cpu(cpu)
		stp_stat_data_clear(&st->hist, per_cpu_ptr(st->pcpu, cpu));
}

/* @avg */
static inline int64_t stp_stat_avg(const struct stp_stat_data *sd)
{
	return stp_div64(sd->sum, sd->count);
}

/* @hist_*(s)[index]: a bucket's count, or an error for a bad index. */
static int64_t stp_hist_bucket(struct context *c, const struct stp_hist *h,
			       const struct stp_stat_data *sd, int64_t index)
{
	if (index < 0 || index >= h->buckets) {
		c->last_error = "histogram index out of range";
		return 0;
	}
	return sd->histogram[index];
}

/* ---- printing histograms the way stap 4.8 does ---- */

static int stp_digits(int64_t v)
{
	int n = v < 0 ? 1 : 0;
	uint64_t m = v < 0 ? -(uint64_t)v : (uint64_t)v;

	if (v == 0)
		return 1;
	for (; m; m /= 10)
		n++;
	return n;
}

static void stp_hist_print_row_prefix(struct context *c, int width,
				      const char *mark, int64_t val)
{
	char tmp[128];
	int n = scnprintf(tmp, sizeof(tmp), "%*s%lld |",
			  width - stp_digits(val), mark, (long long)val);

	stp_print_bytes(c, tmp, n);
}

static void stp_hist_print(struct context *c, const struct stp_hist *h,
			   const struct stp_stat_data *sd)
{
	int low = -1, high = 0, i, j, scale, val_width, cnt_width;
	bool under = false, over = false, eliding = false;
	int64_t peak = 0;
	char tmp[128];
	int n;

	if (h->type != HIST_LOG && h->type != HIST_LINEAR)
		return;

	for (i = 0; i < h->buckets; i++) {
		if (sd->histogram[i] > 0) {
			if (low == -1)
				low = i;
			high = i;
		}
		if (sd->histogram[i] > peak)
			peak = sd->histogram[i];
	}
	/* Show up to two empty rows on either side of the data; log
	 * histograms do not reach into negative values unless there are some. */
	for (i = 0; i < 2; i++) {
		if (h->type == HIST_LOG) {
			if (low != HIST_LOG_BUCKET0 && low > 0)
				low--;
		} else if (low > 0) {
			low--;
		}
		if (high < h->buckets - 1)
			high++;
	}
	if (h->type == HIST_LINEAR) {
		/* Under/overflow rows only when they hold something. */
		if (low == 0 && sd->histogram[0] == 0)
			low++;
		if (high == h->buckets - 1 && sd->histogram[high] == 0)
			high--;
		under = low == 0;
		over = high == h->buckets - 1;
	}

	scale = peak <= HIST_WIDTH ? 1 : (int)div64_u64(peak + HIST_WIDTH - 1, HIST_WIDTH);
	cnt_width = stp_digits(peak);
	if (h->type == HIST_LINEAR)
		val_width = max(stp_digits(h->start) + under,
				stp_digits(h->start + (int64_t)h->interval * high) + over);
	else
		val_width = max(stp_digits(stp_hist_log_value(high)),
				stp_digits(stp_hist_log_value(low)));
	val_width = max(val_width, 5);	/* "value" */

	n = scnprintf(tmp, sizeof(tmp), "%*s |", val_width, "value");
	stp_print_bytes(c, tmp, n);
	for (j = 0; j < HIST_WIDTH; j++)
		stp_print_char(c, '-');
	stp_print_str(c, " count\n");

	for (i = low; i <= high; i++) {
		const char *mark = "";
		int64_t val, bar;

		if ((long)HIST_ELISION >= 0) {
			/* Skip an empty row whose neighbours (HIST_ELISION on
			 * each side) are empty too; mark the gap with ~. */
			int reach = min_t(long, HIST_ELISION, h->buckets);
			int from = max(low, i - reach), to = min(high, i + reach);
			bool empty = true;
			int k;

			for (k = from; k <= to; k++)
				if (sd->histogram[k] != 0)
					empty = false;
			if (empty) {
				eliding = true;
				continue;
			}
			if (eliding) {
				n = scnprintf(tmp, sizeof(tmp), "%*s ~\n", val_width, "");
				stp_print_bytes(c, tmp, n);
				eliding = false;
			}
		}

		if (h->type == HIST_LINEAR) {
			if (i == 0) {
				val = h->start;
				mark = "<";
			} else if (i == h->buckets - 1) {
				val = h->start + (int64_t)(i - 2) * h->interval;
				mark = ">";
			} else {
				val = h->start + (int64_t)(i - 1) * h->interval;
			}
		} else {
			val = stp_hist_log_value(i);
		}
		stp_hist_print_row_prefix(c, val_width, mark, val);

		bar = div64_s64(sd->histogram[i], scale);
		for (j = 0; j < bar; j++)
			stp_print_char(c, '@');
		n = scnprintf(tmp, sizeof(tmp), "%*lld\n",
			      (int)(HIST_WIDTH - bar + 1 + cnt_width),
			      (long long)sd->histogram[i]);
		stp_print_bytes(c, tmp, n);
	}
	stp_print_char(c, '\n');
}

/* Combine statistics the way stap's arrays of statistics do it: CPU by CPU,
 * dst = src (add false, or either side empty), or dst += src. (This gives
 * different @variance results than the all-at-once fold of scalar
 * statistics; stap has the same difference.) */
static void stp_stat_data_merge(const struct stp_hist *h, struct stp_stat_data *dst,
				const struct stp_stat_data *src, bool add)
{
	int j;

	if (add && dst->count > 0 && src->count > 0) {
		int64_t old_count = dst->count, old_avg = dst->avg_s;

		dst->count += src->count;
		dst->sum += src->sum;
		if (src->min < dst->min)
			dst->min = src->min;
		if (src->max > dst->max)
			dst->max = src->max;
		if (h->variance) {
			int64_t s11, s12, s21, s22;

			dst->shift = src->shift;
			dst->avg_s = stp_div64(dst->sum << src->shift, dst->count);
			s11 = old_count * (old_avg - dst->avg_s) * (old_avg - dst->avg_s);
			s12 = (old_count - 1) * dst->variance_s;
			s21 = src->count * (src->avg_s - dst->avg_s) * (src->avg_s - dst->avg_s);
			s22 = (src->count - 1) * src->variance_s;
			dst->variance_s = stp_div64(s11 + s12 + s21 + s22, dst->count - 1);
			dst->variance = dst->variance_s >> (2 * src->shift);
		}
		for (j = 0; j < h->buckets; j++)
			dst->histogram[j] += src->histogram[j];
	} else {
		dst->count = src->count;
		dst->sum = src->sum;
		dst->min = src->min;
		dst->max = src->max;
		if (h->variance) {
			dst->shift = src->shift;
			dst->avg_s = src->avg_s;
			dst->variance_s = src->variance_s;
			dst->variance = src->variance_s >> (2 * src->shift);
		}
		for (j = 0; j < h->buckets; j++)
			dst->histogram[j] = src->histogram[j];
	}
}
