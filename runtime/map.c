/* stap5 runtime: associative arrays.
 *
 * A map is a hash table over a pool of nodes allocated when the module loads
 * (max_entries of them: MAXMAPENTRIES or the declared size), so probes never
 * allocate. Keys are 1 to 9 columns, each a long or a string, given by a
 * type string such as "is" (long, string); values are a long ('i'), a string
 * ('s') or a statistic ('x', see stat.c). Nodes are also kept on a list:
 * unsorted foreach walks it in insertion order, sorting reorders it (and the
 * order stays, as in stap).
 *
 * Keys are passed as an array of union stp_arg, one per column, in order.
 * Locking is the caller's: the probe's global locks (readers may get and
 * iterate, writers may change).
 */

#define STP_MAP_MAX_KEYS 9

/* Sort columns besides 0 (the value) and 1..9 (keys): for statistics. */
enum stp_sort_dir {
	STP_SORT_ASC = -1,		/* foreach (k in a+) */
	STP_SORT_DESC = 1,		/* foreach (k in a-) */
};

enum stp_sort_stat {
	STP_SORT_COUNT = -5,
	STP_SORT_SUM = -4,
	STP_SORT_MIN = -3,
	STP_SORT_MAX = -2,
	STP_SORT_AVG = -1,
};

struct stp_map_node {
	struct hlist_node hnode;
	struct list_head lnode;
	u32 hash;
	char data[] __aligned(8);	/* keys, then the value */
};

struct stp_map {
	unsigned nkeys;
	char key_types[STP_MAP_MAX_KEYS];
	char value_type;
	unsigned key_offset[STP_MAP_MAX_KEYS];
	unsigned value_offset;
	size_t node_size;
	unsigned max_entries, num;
	bool wrap;			/* full: reuse the oldest entry (a%) */
	struct stp_hist hist;		/* value_type 'x' */
	unsigned hash_mask;
	struct hlist_head *buckets;
	struct list_head head;		/* entries, in iteration order */
	struct list_head pool;		/* free nodes */
	char *nodes;
};

#define STP_MAP_NODE(m, i) ((struct stp_map_node *)((m)->nodes + (size_t)(i) * (m)->node_size))

static inline int64_t *stp_node_long_key(struct stp_map *m, struct stp_map_node *n, int col)
{
	return (int64_t *)(n->data + m->key_offset[col]);
}

static inline char *stp_node_str_key(struct stp_map *m, struct stp_map_node *n, int col)
{
	return n->data + m->key_offset[col];
}

static inline void *stp_node_value(struct stp_map *m, struct stp_map_node *n)
{
	return n->data + m->value_offset;
}

/* Create a map. key_types: one 'i' or 's' per key column; value_type: 'i',
 * 's' or 'x'; desc: the statistic's shape for 'x' (NULL otherwise). */
static struct stp_map *stp_map_new(const char *key_types, char value_type,
				   unsigned max_entries, bool wrap,
				   const struct stp_stat_desc *desc)
{
	struct stp_map *m;
	size_t off = 0, vsize;
	unsigned i, nbuckets;

	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return NULL;
	m->nkeys = strlen(key_types);
	if (m->nkeys == 0 || m->nkeys > STP_MAP_MAX_KEYS || max_entries == 0)
		goto fail;
	for (i = 0; i < m->nkeys; i++) {
		m->key_types[i] = key_types[i];
		m->key_offset[i] = off;
		off += key_types[i] == 's' ? ALIGN(MAXSTRINGLEN, 8) : sizeof(int64_t);
	}
	m->value_type = value_type;
	m->value_offset = off;
	if (value_type == 'x') {
		if (stp_hist_init(&m->hist, desc) < 0)
			goto fail;
		vsize = stp_stat_data_size(&m->hist);
	} else {
		vsize = value_type == 's' ? MAXSTRINGLEN : sizeof(int64_t);
	}
	m->node_size = ALIGN(sizeof(struct stp_map_node) + off + vsize, 8);
	m->max_entries = max_entries;
	m->wrap = wrap;

	nbuckets = roundup_pow_of_two(max(max_entries, 16u));
	m->hash_mask = nbuckets - 1;
	m->buckets = vzalloc(nbuckets * sizeof(struct hlist_head));
	m->nodes = vzalloc(max_entries * m->node_size);
	if (!m->buckets || !m->nodes)
		goto fail;
	INIT_LIST_HEAD(&m->head);
	INIT_LIST_HEAD(&m->pool);
	for (i = 0; i < max_entries; i++) {
		struct stp_map_node *n = STP_MAP_NODE(m, i);

		INIT_HLIST_NODE(&n->hnode);
		list_add_tail(&n->lnode, &m->pool);
	}
	return m;
fail:
	if (m) {
		vfree(m->buckets);
		vfree(m->nodes);
		kfree(m);
	}
	return NULL;
}

static void stp_map_del(struct stp_map *m)
{
	if (!m)
		return;
	vfree(m->buckets);
	vfree(m->nodes);
	kfree(m);
}

/* FNV-1a over the key columns; strings as stored (MAXSTRINGLEN-1 bytes). */
static u32 stp_map_hash(const struct stp_map *m, const union stp_arg *keys)
{
	u32 h = 2166136261u;
	unsigned i;

	for (i = 0; i < m->nkeys; i++) {
		if (m->key_types[i] == 's') {
			const unsigned char *s = (const unsigned char *)(keys[i].s ?: "");
			unsigned k;

			for (k = 0; s[k] && k < MAXSTRINGLEN - 1; k++)
				h = (h ^ s[k]) * 16777619u;
			h = (h ^ 0xff) * 16777619u;	/* column separator */
		} else {
			u64 v = keys[i].n;
			int b;

			for (b = 0; b < 8; b++, v >>= 8)
				h = (h ^ (u8)v) * 16777619u;
		}
	}
	return h;
}

static bool stp_map_key_equal(struct stp_map *m, struct stp_map_node *n,
			      const union stp_arg *keys)
{
	unsigned i;

	for (i = 0; i < m->nkeys; i++) {
		if (m->key_types[i] == 's') {
			if (strncmp(stp_node_str_key(m, n, i), keys[i].s ?: "",
				    MAXSTRINGLEN - 1))
				return false;
		} else if (*stp_node_long_key(m, n, i) != keys[i].n) {
			return false;
		}
	}
	return true;
}

static struct stp_map_node *stp_map_find(struct stp_map *m,
					 const union stp_arg *keys, u32 hash)
{
	struct stp_map_node *n;

	hlist_for_each_entry(n, &m->buckets[hash & m->hash_mask], hnode) {
		if (n->hash == hash && stp_map_key_equal(m, n, keys))
			return n;
	}
	return NULL;
}

static void stp_map_value_reset(struct stp_map *m, struct stp_map_node *n)
{
	void *v = stp_node_value(m, n);

	if (m->value_type == 'x') {
		struct stp_stat_data *sd = v;

		stp_stat_data_clear(&m->hist, sd);
		sd->m2 = 0;
	} else if (m->value_type == 's') {
		*(char *)v = '\0';
	} else {
		*(int64_t *)v = 0;
	}
}

/* A node for keys: found, or inserted with an empty value. NULL when the
 * map is full (the caller reports "Array overflow"). */
static struct stp_map_node *stp_map_lookup_or_insert(struct stp_map *m,
						     const union stp_arg *keys)
{
	u32 hash = stp_map_hash(m, keys);
	struct stp_map_node *n = stp_map_find(m, keys, hash);
	unsigned i;

	if (n)
		return n;
	if (!list_empty(&m->pool)) {
		n = list_first_entry(&m->pool, struct stp_map_node, lnode);
		m->num++;
	} else if (m->wrap && !list_empty(&m->head)) {
		n = list_first_entry(&m->head, struct stp_map_node, lnode);
		hlist_del_init(&n->hnode);
	} else {
		return NULL;
	}
	list_move_tail(&n->lnode, &m->head);
	n->hash = hash;
	hlist_add_head(&n->hnode, &m->buckets[hash & m->hash_mask]);
	for (i = 0; i < m->nkeys; i++) {
		if (m->key_types[i] == 's')
			strscpy(stp_node_str_key(m, n, i), keys[i].s ?: "",
				MAXSTRINGLEN);
		else
			*stp_node_long_key(m, n, i) = keys[i].n;
	}
	stp_map_value_reset(m, n);
	return n;
}

static inline struct stp_map_node *stp_map_lookup(struct stp_map *m,
						  const union stp_arg *keys)
{
	return stp_map_find(m, keys, stp_map_hash(m, keys));
}

/* ---- the script-level operations ---- */

/* a[k] (absent: 0 / "", and nothing is inserted) */
static int64_t stp_map_get_long(struct stp_map *m, const union stp_arg *keys)
{
	struct stp_map_node *n = stp_map_lookup(m, keys);

	return n ? *(int64_t *)stp_node_value(m, n) : 0;
}

/* Returns the stored string (valid until the map changes) or "". */
static const char *stp_map_get_str(struct stp_map *m, const union stp_arg *keys)
{
	struct stp_map_node *n = stp_map_lookup(m, keys);

	return n ? (const char *)stp_node_value(m, n) : "";
}

/* a[k] = v. 0, or -E2BIG when the map is full. */
static int stp_map_set_long(struct stp_map *m, const union stp_arg *keys, int64_t v)
{
	struct stp_map_node *n = stp_map_lookup_or_insert(m, keys);

	if (!n)
		return -E2BIG;
	*(int64_t *)stp_node_value(m, n) = v;
	return 0;
}

static int stp_map_set_str(struct stp_map *m, const union stp_arg *keys, const char *v)
{
	struct stp_map_node *n = stp_map_lookup_or_insert(m, keys);

	if (!n)
		return -E2BIG;
	strscpy(stp_node_value(m, n), v ?: "", MAXSTRINGLEN);
	return 0;
}

/* a[k] += delta (also ++ and --): one lookup. *result gets the new value. */
static int stp_map_add_long(struct stp_map *m, const union stp_arg *keys,
			    int64_t delta, int64_t *result)
{
	struct stp_map_node *n = stp_map_lookup_or_insert(m, keys);
	int64_t *v;

	if (!n)
		return -E2BIG;
	v = stp_node_value(m, n);
	*v += delta;
	if (result)
		*result = *v;
	return 0;
}

/* [k] in a */
static bool stp_map_exists(struct stp_map *m, const union stp_arg *keys)
{
	return stp_map_lookup(m, keys) != NULL;
}

static inline int64_t stp_map_node_key_long(struct stp_map *m,
					    struct stp_map_node *n, int col);
static inline const char *stp_map_node_key_str(struct stp_map *m,
					       struct stp_map_node *n, int col);

/* Whether entry n has the given keys in every column not marked in
 * `wild` (bit i: column i is a `*`). */
static bool stp_map_node_matches(struct stp_map *m, struct stp_map_node *n,
				 const union stp_arg *keys, unsigned wild)
{
	unsigned i;

	for (i = 0; i < m->nkeys; i++) {
		if (wild & (1u << i))
			continue;
		if (m->key_types[i] == 's') {
			if (strcmp(stp_map_node_key_str(m, n, i), keys[i].s) != 0)
				return false;
		} else if (stp_map_node_key_long(m, n, i) != keys[i].n) {
			return false;
		}
	}
	return true;
}

/* [k, *] in a */
static bool stp_map_exists_matching(struct stp_map *m, const union stp_arg *keys,
				    unsigned wild)
{
	struct stp_map_node *n;

	list_for_each_entry(n, &m->head, lnode)
		if (stp_map_node_matches(m, n, keys, wild))
			return true;
	return false;
}

static void stp_map_delete_node(struct stp_map *m, struct stp_map_node *n)
{
	hlist_del_init(&n->hnode);
	list_move(&n->lnode, &m->pool);
	m->num--;
}

/* delete a[k] */
static void stp_map_delete(struct stp_map *m, const union stp_arg *keys)
{
	struct stp_map_node *n = stp_map_lookup(m, keys);

	if (n)
		stp_map_delete_node(m, n);
}

/* delete a[k, *] */
static void stp_map_delete_matching(struct stp_map *m, const union stp_arg *keys,
				    unsigned wild)
{
	struct stp_map_node *n, *next;

	list_for_each_entry_safe(n, next, &m->head, lnode)
		if (stp_map_node_matches(m, n, keys, wild))
			stp_map_delete_node(m, n);
}

/* delete a */
static void stp_map_clear(struct stp_map *m)
{
	while (!list_empty(&m->head))
		stp_map_delete_node(m, list_first_entry(&m->head,
				    struct stp_map_node, lnode));
}

/* @len(a) / size */
static inline unsigned stp_map_size(const struct stp_map *m)
{
	return m->num;
}

/* ---- iteration: for (n = first; n; n = next) ---- */

static inline struct stp_map_node *stp_map_first(struct stp_map *m)
{
	return list_first_entry_or_null(&m->head, struct stp_map_node, lnode);
}

/* The entry after n (fetch it before deleting n inside a foreach). */
static inline struct stp_map_node *stp_map_next(struct stp_map *m,
						struct stp_map_node *n)
{
	return list_is_last(&n->lnode, &m->head) ? NULL :
		list_next_entry(n, lnode);
}

/* Key column col (0-based) and the value of an entry. */
static inline int64_t stp_map_node_key_long(struct stp_map *m,
					    struct stp_map_node *n, int col)
{
	return *stp_node_long_key(m, n, col);
}

static inline const char *stp_map_node_key_str(struct stp_map *m,
					       struct stp_map_node *n, int col)
{
	return stp_node_str_key(m, n, col);
}

static inline int64_t stp_map_node_long(struct stp_map *m, struct stp_map_node *n)
{
	return *(int64_t *)stp_node_value(m, n);
}

static inline const char *stp_map_node_str(struct stp_map *m, struct stp_map_node *n)
{
	return stp_node_value(m, n);
}

static inline struct stp_stat_data *stp_map_node_stat(struct stp_map *m,
						      struct stp_map_node *n)
{
	return stp_node_value(m, n);
}

/* ---- sorting (foreach ... -, +, limit) ---- */

/* Does a belong after b? column: 0 the value, 1..9 a key column, or an
 * STP_SORT_* extractor for statistics; dir: STP_SORT_ASC or STP_SORT_DESC. */
static bool stp_map_after(struct stp_map *m, struct stp_map_node *a,
			  struct stp_map_node *b, int column, int dir)
{
	int64_t x = 0, y = 0;
	char type;

	if (column > 0) {
		type = m->key_types[column - 1];
		if (type == 's')
			x = strcmp(stp_node_str_key(m, a, column - 1),
				   stp_node_str_key(m, b, column - 1));
		else {
			x = *stp_node_long_key(m, a, column - 1);
			y = *stp_node_long_key(m, b, column - 1);
		}
	} else if (m->value_type == 's') {
		x = strcmp(stp_node_value(m, a), stp_node_value(m, b));
	} else if (m->value_type == 'i') {
		x = *(int64_t *)stp_node_value(m, a);
		y = *(int64_t *)stp_node_value(m, b);
	} else {
		struct stp_stat_data *p = stp_node_value(m, a);
		struct stp_stat_data *q = stp_node_value(m, b);

		switch (column) {
		case STP_SORT_COUNT: x = p->count; y = q->count; break;
		case STP_SORT_SUM: x = p->sum; y = q->sum; break;
		case STP_SORT_MIN: x = p->min; y = q->min; break;
		case STP_SORT_MAX: x = p->max; y = q->max; break;
		case STP_SORT_AVG:
			x = stp_div64(p->sum, p->count);
			y = stp_div64(q->sum, q->count);
			break;
		}
	}
	return (x < y && dir > 0) || (x > y && dir < 0);
}

/* Stable merge sort of the entry list. */
static void stp_map_sort_all(struct stp_map *m, int column, int dir)
{
	struct list_head *head = &m->head;
	int width = 1, merges;

	if (list_empty(head))
		return;
	do {
		struct list_head *p = head->next, *tail = head;

		merges = 0;
		while (p != head) {
			struct list_head *q = p;
			int psize = 0, qsize = width;

			merges++;
			while (psize < width && q != head) {
				psize++;
				q = q->next;
			}
			while (psize > 0 || (qsize > 0 && q != head)) {
				struct list_head *e;

				if (psize > 0 && (qsize == 0 || q == head ||
				    !stp_map_after(m,
					list_entry(p, struct stp_map_node, lnode),
					list_entry(q, struct stp_map_node, lnode),
					column, dir))) {
					e = p;
					p = p->next;
					psize--;
				} else {
					e = q;
					q = q->next;
					qsize--;
				}
				/* Moving e right behind tail keeps p and q
				 * valid: they already point past it. */
				list_move(e, tail);
				tail = e;
			}
			p = q;
		}
		width *= 2;
	} while (merges > 1);
}

/* With a small limit, stap only orders the first `limit` entries (bubble
 * sort), then lets each later entry displace into that window; the rest of
 * the list keeps whatever order results. Done the same way here, so that
 * later unsorted foreach loops see the same order. */
static void stp_map_sort_top(struct stp_map *m, unsigned limit, int column, int dir)
{
	struct list_head *head = &m->head, *a, *last;
	bool swapped = true;

	while (swapped) {
		unsigned left = limit;

		swapped = false;
		a = head->next;
		while (a->next != head && --left > 0) {
			struct list_head *b = a->next;

			if (stp_map_after(m, list_entry(a, struct stp_map_node, lnode),
					  list_entry(b, struct stp_map_node, lnode),
					  column, dir)) {
				list_move(a, b);	/* a now after b */
				swapped = true;
			} else {
				a = b;
			}
		}
	}
	/* a: the last entry of the window */
	last = a;
	a = last->next;
	while (a != head) {
		struct list_head *next = a->next, *c = last;

		while (c != head &&
		       stp_map_after(m, list_entry(c, struct stp_map_node, lnode),
				     list_entry(a, struct stp_map_node, lnode),
				     column, dir))
			c = c->prev;
		if (c != last) {
			list_move(a, c);
			last = last->prev;
		}
		a = next;
	}
}

/* foreach (... in a [+-] limit N): order the entries. limit 0: no limit. */
static void stp_map_sort(struct stp_map *m, int column, int dir, unsigned limit)
{
	if (list_empty(&m->head))
		return;
	if (limit == 0 || limit > 30)
		stp_map_sort_all(m, column, dir);
	else
		stp_map_sort_top(m, limit, column, dir);
}
