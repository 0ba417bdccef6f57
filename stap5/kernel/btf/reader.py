"""The BTF format, read as it is stored: a header, a table of type records
and a string table (see the kernel's Documentation/bpf/btf.rst).

    btf = Btf(data)                      # vmlinux BTF (base)
    mod = Btf(module_data, base=btf)     # a module's split BTF: ids and
                                         # strings continue the base's
    btf.kind(tid), btf.name(tid)         # a record's kind and name
    btf.lookup(name, CATEGORY)           # ids by name (index below)

Type ids start at 1 (0 is void).  Reading a record is random access
through a table of record offsets; that table and the name index take one
pass over the records (~0.25 s for the 100 000 types of a 6.1 vmlinux),
so they are kept in the cache, keyed by the BTF's content.
"""

import array
import hashlib
import struct

from stap5.kernel import cache

MAGIC = 0xEB9F

# Record kinds.
INT, PTR, ARRAY, STRUCT, UNION, ENUM, FWD, TYPEDEF, VOLATILE, CONST, RESTRICT, \
    FUNC, FUNC_PROTO, VAR, DATASEC, FLOAT, DECL_TAG, TYPE_TAG, ENUM64 = range(1, 20)

# Bytes following the 12-byte common record: fixed, or per vlen entry.
_FIXED_TAIL = {INT: 4, PTR: 0, ARRAY: 12, FWD: 0, TYPEDEF: 0, VOLATILE: 0, CONST: 0,
               RESTRICT: 0, FUNC: 0, VAR: 4, FLOAT: 0, DECL_TAG: 4, TYPE_TAG: 0}
_ENTRY_SIZE = {STRUCT: 12, UNION: 12, ENUM: 8, FUNC_PROTO: 8, DATASEC: 12, ENUM64: 12}

# INT encoding bits.
INT_SIGNED, INT_CHAR, INT_BOOL = 1, 2, 4

# Name index categories: what a name can be looked up as.
FUNCTION = "function"          # FUNC records
AGGREGATE = "aggregate"        # struct/union definitions (FWD excluded)
TYPEDEF_NAME = "typedef"
ENUM_NAME = "enum"
BASE = "base"                  # INT and FLOAT
_CATEGORY = {FUNC: FUNCTION, STRUCT: AGGREGATE, UNION: AGGREGATE, TYPEDEF: TYPEDEF_NAME,
             ENUM: ENUM_NAME, ENUM64: ENUM_NAME, INT: BASE, FLOAT: BASE}

_INDEX_VERSION = 2

_record = struct.Struct("<III")


class BtfError(Exception):
    """Data that is not BTF, or BTF this reader does not know; str() is the
    user message."""


class Btf:
    """One BTF blob (vmlinux's, or a module's split on `base`)."""

    def __init__(self, data, base=None, origin="BTF"):
        self.origin = origin            # for messages: where the data came from
        self.base = base
        if len(data) < 24:
            raise BtfError("%s: too short for BTF" % origin)
        magic, version, _flags, hdr_len = struct.unpack_from("<HBBI", data, 0)
        if magic != MAGIC:
            raise BtfError("%s: not BTF data (bad magic)" % origin)
        if version != 1:
            raise BtfError("%s: BTF version %d is not supported" % (origin, version))
        type_off, type_len, str_off, str_len = struct.unpack_from("<IIII", data, 8)
        self.types = bytes(data[hdr_len + type_off:hdr_len + type_off + type_len])
        self.strings = bytes(data[hdr_len + str_off:hdr_len + str_off + str_len])
        if len(self.types) != type_len or len(self.strings) != str_len:
            raise BtfError("%s: truncated BTF" % origin)
        self.first_id = base.next_id if base else 1
        self.str_start = base.str_end if base else 0
        self.str_end = self.str_start + str_len
        self.digest = hashlib.sha1(bytes(data)).hexdigest()
        # _names: {category: {name: first id}}, _duplicates: {category:
        # {name: [every id]}} for the few names given more than once.
        self._offsets, self._names, self._duplicates = self._load_index()
        self.next_id = self.first_id + len(self._offsets)

    # --- records ----------------------------------------------------------

    def owner(self, tid):
        """The Btf (this one or a base) holding type `tid`."""
        btf = self
        while tid < btf.first_id:
            btf = btf.base
        return btf

    def record(self, tid):
        """(kind, name offset, vlen, kind_flag, size_or_type, position of the
        record's tail) of type `tid` (> 0)."""
        btf = self.owner(tid)
        index = tid - btf.first_id
        if index >= len(btf._offsets):
            raise BtfError("%s: no type id %d" % (self.origin, tid))
        pos = btf._offsets[index]
        name_off, info, size_type = _record.unpack_from(btf.types, pos)
        return ((info >> 24) & 0x1f, name_off, info & 0xffff, info >> 31, size_type,
                (btf, pos + 12))

    def kind(self, tid):
        return self.record(tid)[0]

    def name(self, tid):
        return self.string(self.record(tid)[1])

    def string(self, offset):
        btf = self
        while offset < btf.str_start:
            btf = btf.base
        local = offset - btf.str_start
        end = btf.strings.index(b"\0", local)
        return btf.strings[local:end].decode("utf-8", "replace")

    def entries(self, tid, fmt, size):
        """The vlen entries following a record, unpacked with `fmt`."""
        _kind, _name, vlen, _flag, _st, (btf, pos) = self.record(tid)
        unpack = struct.Struct(fmt).unpack_from
        return [unpack(btf.types, pos + i * size) for i in range(vlen)]

    def tail(self, tid, fmt):
        _kind, _name, _vlen, _flag, _st, (btf, pos) = self.record(tid)
        return struct.unpack_from(fmt, btf.types, pos)

    # --- names ------------------------------------------------------------

    def lookup(self, name, category):
        """Type ids named `name` in `category` (this blob's first, then its
        base's), best first."""
        found = self._duplicates.get(category, {}).get(name)
        if found is None:
            tid = self._names.get(category, {}).get(name)
            found = [] if tid is None else [tid]
        else:
            found = list(found)
        if self.base is not None:
            found += self.base.lookup(name, category)
        return found

    def names(self, category):
        """Every name of `category` in this blob (not its base)."""
        return self._names.get(category, {}).keys()

    # --- the index --------------------------------------------------------

    def _load_index(self):
        path = cache.path("btf", "index-%d-%s.pickle" % (_INDEX_VERSION, self.digest))
        cached = cache.load_pickle(path)
        if cached is not None:
            offsets_bytes, names, duplicates = cached
            offsets = array.array("I")
            offsets.frombytes(offsets_bytes)
            return offsets, names, duplicates
        offsets, names, duplicates = self._scan()
        cache.store_pickle(path, (offsets.tobytes(), names, duplicates))
        return offsets, names, duplicates

    def _scan(self):
        """One pass over the records: their offsets and the name index
        (names of the categories to their ids)."""
        types = self.types
        unpack = _record.unpack_from
        offsets = array.array("I")
        names = {category: {} for category in set(_CATEGORY.values())}
        pos = 0
        end = len(types)
        tid = self.first_id
        while pos < end:
            offsets.append(pos)
            name_off, info, _size_type = unpack(types, pos)
            kind = (info >> 24) & 0x1f
            pos += 12
            fixed = _FIXED_TAIL.get(kind)
            if fixed is not None:
                pos += fixed
            elif kind in _ENTRY_SIZE:
                pos += _ENTRY_SIZE[kind] * (info & 0xffff)
            else:
                raise BtfError("%s: unknown BTF kind %d (type %d)" % (self.origin, kind, tid))
            category = _CATEGORY.get(kind)
            if category is not None and name_off:
                names[category].setdefault(self._raw_string(name_off), []).append(tid)
            tid += 1
        if pos != end:
            raise BtfError("%s: BTF type section ends inside a record" % self.origin)
        duplicates = {category: {name: tids for name, tids in by_name.items()
                                 if len(tids) > 1}
                      for category, by_name in names.items()}
        names = {category: {name: tids[0] for name, tids in by_name.items()}
                 for category, by_name in names.items()}
        return offsets, names, duplicates

    def _raw_string(self, offset):
        # During the scan, before self is usable as a whole.
        if offset < self.str_start:
            return self.base.string(offset)
        local = offset - self.str_start
        return self.strings[local:self.strings.index(b"\0", local)].decode("utf-8", "replace")
