"""The iteration order of a libstdc++ `std::unordered_multimap<std::string, T>`.

SystemTap 4.8 keeps the functions of a compile unit in such a map and
derives wildcard probes by walking it, so the order of its `-p2` dumps
(and of its probes) is this one: the keys' hashes (libstdc++'s
`_Hash_bytes`, a 64-bit MurmurHash2 variant), the prime bucket counts it
grows through, and where each insertion and rehash links a node.

    iteration_order(keys)    # distinct keys in insertion order -> iteration order
"""

import bisect

_MASK = (1 << 64) - 1
_MUL = (0xc6a4a793 << 32) + 0x5bd1e995
_SEED = 0xc70f6907

# libstdc++'s bucket counts: small ones, then its prime list (the part
# maps of up to ~100 000 keys reach).
_FAST_BUCKETS = (2, 2, 2, 3, 5, 5, 7, 7, 11, 11, 11, 11, 13, 13)
_PRIMES = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79,
           83, 89, 97, 103, 109, 113, 127, 137, 139, 149, 157, 167, 179, 193, 199, 211, 227,
           241, 257, 277, 293, 313, 337, 359, 383, 409, 439, 467, 503, 541, 577, 619, 661,
           709, 761, 823, 887, 953, 1031, 1109, 1193, 1289, 1381, 1493, 1613, 1741, 1879,
           2029, 2179, 2357, 2549, 2753, 2971, 3209, 3469, 3739, 4027, 4349, 4703, 5087,
           5503, 5953, 6427, 6949, 7517, 8123, 8783, 9497, 10273, 11113, 12011, 12983,
           14033, 15173, 16411, 17749, 19183, 20753, 22447, 24281, 26267, 28411, 30727,
           33223, 35933, 38873, 42043, 45481, 49201, 53201, 57557, 62233, 67307, 72817,
           78779, 85229, 92203, 99733, 107897, 116731, 126271, 136607, 147793)


def _shift_mix(value):
    return value ^ (value >> 47)


def hash_bytes(data):
    """std::hash<std::string> of `data` (bytes) on a 64-bit libstdc++."""
    length = len(data)
    aligned = length & ~7
    result = (_SEED ^ (length * _MUL)) & _MASK
    for start in range(0, aligned, 8):
        word = int.from_bytes(data[start:start + 8], "little")
        result ^= (_shift_mix((word * _MUL) & _MASK) * _MUL) & _MASK
        result = (result * _MUL) & _MASK
    if length & 7:
        result ^= int.from_bytes(data[aligned:], "little")
        result = (result * _MUL) & _MASK
    return _shift_mix((_shift_mix(result) * _MUL) & _MASK)


class _Map:
    """The node list of the map (what iteration walks) and its buckets."""

    def __init__(self):
        self.buckets = 1
        self.next_resize = 0
        self.nodes = []             # (key, hash), in list order

    def _next_bucket_count(self, wanted):
        if wanted < len(_FAST_BUCKETS):
            self.next_resize = _FAST_BUCKETS[wanted]
            return _FAST_BUCKETS[wanted]
        count = _PRIMES[bisect.bisect_left(_PRIMES, wanted, 6)]
        self.next_resize = count
        return count

    def _grow_for_one_more(self):
        count = len(self.nodes)
        if count + 1 <= self.next_resize:
            return
        # An empty map starts at 11 buckets' worth (max_load_factor 1).
        minimum = max(count + 1, 0 if self.next_resize else 11)
        if minimum >= self.buckets:
            self._rehash(self._next_bucket_count(max(minimum + 1, self.buckets * 2)))
        else:
            self.next_resize = self.buckets

    def _rehash(self, buckets):
        # Each node in turn goes to the front of its new bucket's group
        # (the list's head for a new bucket), except that a node of the
        # same bucket as the one just moved follows it: the multimap's
        # rehash, which keeps equal keys in order.
        old, self.nodes, self.buckets = self.nodes, [], buckets
        previous_index, previous_bucket = None, None
        for node in old:
            bucket = node[1] % buckets
            if previous_index is not None and bucket == previous_bucket:
                index = previous_index + 1
                self.nodes.insert(index, node)
            else:
                index = self._link(node)
            previous_index, previous_bucket = index, bucket

    def _link(self, node):
        """Put the node at the front of its bucket's group; its index."""
        bucket = node[1] % self.buckets
        for index, (_key, other) in enumerate(self.nodes):
            if other % self.buckets == bucket:
                self.nodes.insert(index, node)
                return index
        self.nodes.insert(0, node)
        return 0

    def insert(self, key):
        self._grow_for_one_more()
        self._link((key, hash_bytes(key.encode("utf-8", "surrogateescape"))))


def iteration_order(keys):
    """The distinct `keys`, inserted in this order, as the map iterates them."""
    table = _Map()
    seen = set()
    for key in keys:
        if key not in seen:
            seen.add(key)
            table.insert(key)
    return [key for key, _hash in table.nodes]
