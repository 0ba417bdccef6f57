/* stap5 runtime: arrays of statistics (global a; a[k] <<< v).
 *
 * One map per CPU takes the `<<<`s of that CPU (so concurrent adders on
 * different CPUs share nothing and need only the global's read lock); an
 * aggregate map is rebuilt from them when the script reads the array. All
 * maps have the array's capacity.
 */

struct stp_pmap {
	struct stp_map **cpu;		/* [nr_cpu_ids] */
	struct stp_map *agg;
};

static void stp_pmap_del(struct stp_pmap *pm)
{
	unsigned cpu;

	if (!pm)
		return;
	if (pm->cpu)
		for_each_possible_cpu(cpu)
			stp_map_del(pm->cpu[cpu]);
	kfree(pm->cpu);
	stp_map_del(pm->agg);
	kfree(pm);
}

static struct stp_pmap *stp_pmap_new(const char *key_types, unsigned max_entries,
				     bool wrap, const struct stp_stat_desc *desc)
{
	struct stp_pmap *pm = kzalloc(sizeof(*pm), GFP_KERNEL);
	unsigned cpu;

	if (!pm)
		return NULL;
	pm->cpu = kcalloc(nr_cpu_ids, sizeof(*pm->cpu), GFP_KERNEL);
	if (!pm->cpu)
		goto fail;
	for_each_possible_cpu(cpu) {
		pm->cpu[cpu] = stp_map_new(key_types, 'x', max_entries, wrap, desc);
		if (!pm->cpu[cpu])
			goto fail;
	}
	pm->agg = stp_map_new(key_types, 'x', max_entries, wrap, desc);
	if (!pm->agg)
		goto fail;
	return pm;
fail:
	stp_pmap_del(pm);
	return NULL;
}

/* a[k] <<< val: 0, or -E2BIG when this CPU's map is full. */
static int stp_pmap_add(struct stp_pmap *pm, const union stp_arg *keys, int64_t val)
{
	struct stp_map *m = pm->cpu[smp_processor_id()];
	struct stp_map_node *n = stp_map_lookup_or_insert(m, keys);

	if (!n)
		return -E2BIG;
	stp_stat_data_add(&m->hist, stp_map_node_stat(m, n), val);
	return 0;
}

/* The statistic a[k] over all CPUs, or NULL if no CPU has the key (write
 * lock held). */
static struct stp_stat_data *stp_pmap_get(struct stp_pmap *pm, const union stp_arg *keys)
{
	struct stp_map_node *an = stp_map_lookup_or_insert(pm->agg, keys);
	struct stp_stat_data *sd;
	bool found = false;
	unsigned cpu;

	if (!an)
		return NULL;
	sd = stp_map_node_stat(pm->agg, an);
	for_each_possible_cpu(cpu) {
		struct stp_map *m = pm->cpu[cpu];
		struct stp_map_node *n = stp_map_lookup(m, keys);

		if (!n)
			continue;
		stp_stat_data_merge(&m->hist, sd, stp_map_node_stat(m, n), found);
		found = true;
	}
	if (!found) {
		stp_map_delete_node(pm->agg, an);
		return NULL;
	}
	return sd;
}

/* Rebuild the aggregate map for foreach (write lock held). Returns it, or
 * NULL if the CPUs hold more distinct keys than it can take. Entries come in
 * the order the CPUs (in turn) first saw them. */
static struct stp_map *stp_pmap_aggregate(struct stp_pmap *pm)
{
	unsigned cpu;

	stp_map_clear(pm->agg);
	for_each_possible_cpu(cpu) {
		struct stp_map *m = pm->cpu[cpu];
		struct stp_map_node *n;

		for (n = stp_map_first(m); n; n = stp_map_next(m, n)) {
			union stp_arg keys[STP_MAP_MAX_KEYS];
			struct stp_map_node *an;
			unsigned i;
			bool fresh;

			for (i = 0; i < m->nkeys; i++) {
				if (m->key_types[i] == 's')
					keys[i].s = stp_map_node_key_str(m, n, i);
				else
					keys[i].n = stp_map_node_key_long(m, n, i);
			}
			fresh = !stp_map_exists(pm->agg, keys);
			an = stp_map_lookup_or_insert(pm->agg, keys);
			if (!an)
				return NULL;
			stp_stat_data_merge(&m->hist, stp_map_node_stat(pm->agg, an),
					    stp_map_node_stat(m, n), !fresh);
		}
	}
	return pm->agg;
}

static bool stp_pmap_exists(struct stp_pmap *pm, const union stp_arg *keys)
{
	unsigned cpu;

	for_each_possible_cpu(cpu)
		if (stp_map_exists(pm->cpu[cpu], keys))
			return true;
	return false;
}

static bool stp_pmap_exists_matching(struct stp_pmap *pm, const union stp_arg *keys,
				     unsigned wild)
{
	unsigned cpu;

	for_each_possible_cpu(cpu)
		if (stp_map_exists_matching(pm->cpu[cpu], keys, wild))
			return true;
	return false;
}

static void stp_pmap_delete_matching(struct stp_pmap *pm, const union stp_arg *keys,
				     unsigned wild)
{
	unsigned cpu;

	for_each_possible_cpu(cpu)
		stp_map_delete_matching(pm->cpu[cpu], keys, wild);
}

static void stp_pmap_delete(struct stp_pmap *pm, const union stp_arg *keys)
{
	unsigned cpu;

	for_each_possible_cpu(cpu)
		stp_map_delete(pm->cpu[cpu], keys);
	stp_map_delete(pm->agg, keys);
}

static void stp_pmap_clear(struct stp_pmap *pm)
{
	unsigned cpu;

	for_each_possible_cpu(cpu)
		stp_map_clear(pm->cpu[cpu]);
	stp_map_clear(pm->agg);
}

/* Entries in the array (distinct keys over all CPUs). */
static unsigned stp_pmap_size(struct stp_pmap *pm)
{
	struct stp_map *agg = stp_pmap_aggregate(pm);

	return agg ? stp_map_size(agg) : 0;
}
