"""The index of one DWARF file: which DIEs define which functions, globals
and types, by name — built once per build-id, kept on disk, queried with
no more than a lookup.

Finding `vfs_read`'s DIE otherwise means walking the kernel's 15 million
DIEs.  The scan (below) does it once, in two processes, decoding only the
entries it keeps; the result is a SQLite file under
$STAP5_CACHE/dwarf-index/BUILD-ID.sqlite that later runs open in
milliseconds.  Everything else (parameters, types, locations) is read from
the DWARF itself, by offset, when a probe needs it.

Rows of `functions`: name, unit offset, DIE offset, kind, file, line, and
the abstract DIE for instances:
    CONCRETE  an out-of-line function with code
    ABSTRACT  the abstract description of an inlined function (no code)
    INLINED   one place where it was inlined (DW_TAG_inlined_subroutine)
"""

import os
import sqlite3
import tempfile
import time

from stap5.kernel import cache
from stap5.kernel.dwarf import die as D

CONCRETE = 0
ABSTRACT = 1
INLINED = 3

SCHEMA_VERSION = 4

_AGGREGATES = frozenset((D.TAG_structure_type, D.TAG_union_type, D.TAG_enumeration_type,
                         D.TAG_subroutine_type, D.TAG_array_type))
_NAMED_TYPES = frozenset((D.TAG_structure_type, D.TAG_union_type, D.TAG_enumeration_type,
                          D.TAG_typedef, D.TAG_base_type))


def _scan_units(dwarf, unit_offsets):
    """Rows for the given units: (functions, globals, types, files) where
    files maps a path to a small id local to this call."""
    functions = []
    globals_ = []
    types = []
    files = {}
    info = dwarf.info
    skip = D.skip_attrs
    uleb = D.uleb
    read_value = D.read_value
    SUBPROGRAM = D.TAG_subprogram
    INLINE_SUB = D.TAG_inlined_subroutine
    VARIABLE = D.TAG_variable
    for unit_offset in unit_offsets:
        unit = dwarf.unit(unit_offset)
        if unit.root.tag not in (D.TAG_compile_unit, D.TAG_partial_unit):
            continue
        abbrevs = unit.abbrevs
        lines = unit.lines()
        file_ids = {}

        def file_id(index):
            fid = file_ids.get(index)
            if fid is None:
                path = lines.file_name(index) or ""
                fid = files.get(path)
                if fid is None:
                    fid = files[path] = len(files)
                file_ids[index] = fid
            return fid

        named = {}          # DIE offset -> (name, file, line) of subprograms
        pending = []        # rows whose name comes from their origin
        declared = {}       # DIE offset -> name of declared (extern) variables
        pending_globals = []    # definitions naming their declaration
        pos = unit.root.end
        end = unit.end
        depth = 1
        while pos < end:
            offset = pos
            code = info[pos]
            pos += 1
            if code >= 0x80:
                code, pos = uleb(info, pos - 1)
            if code == 0:
                depth -= 1
                continue
            abbrev = abbrevs[code]
            tag = abbrev.tag
            if tag == SUBPROGRAM or tag == INLINE_SUB or (
                    depth == 1 and (tag == VARIABLE or tag in _NAMED_TYPES)):
                attrs = {}
                for attr, form, implicit in abbrev.specs:
                    value, pos = read_value(info, pos, form, implicit, unit)
                    attrs[attr] = value
                if tag == SUBPROGRAM:
                    name = attrs.get(D.AT_name)
                    origin = attrs.get(D.AT_abstract_origin) or attrs.get(D.AT_specification)
                    has_code = D.AT_low_pc in attrs or D.AT_ranges in attrs
                    if D.AT_declaration in attrs:
                        if name is not None:
                            named[offset] = (name, file_id(attrs.get(D.AT_decl_file, 0)),
                                             attrs.get(D.AT_decl_line, 0))
                    elif name is not None:
                        fid = file_id(attrs.get(D.AT_decl_file, 0))
                        line = attrs.get(D.AT_decl_line, 0)
                        named[offset] = (name, fid, line)
                        if has_code:
                            functions.append((name, unit_offset, offset, CONCRETE, fid, line,
                                              None))
                        elif attrs.get(D.AT_inline) in (1, 3):
                            functions.append((name, unit_offset, offset, ABSTRACT, fid, line,
                                              None))
                    elif origin is not None and has_code:
                        pending.append((origin, unit_offset, offset, CONCRETE))
                elif tag == INLINE_SUB:
                    origin = attrs.get(D.AT_abstract_origin)
                    if origin is not None:
                        pending.append((origin, unit_offset, offset, INLINED))
                elif tag == VARIABLE:
                    # Definitions, and declarations too: a declared global
                    # without DWARF location (`jiffies`, a linker alias)
                    # is found through the symbol table.
                    name = attrs.get(D.AT_name)
                    spec = attrs.get(D.AT_specification)
                    if name is not None:
                        if D.AT_declaration in attrs:
                            declared[offset] = name
                        globals_.append((name, unit_offset, offset,
                                         file_id(attrs.get(D.AT_decl_file, 0))))
                    elif spec is not None:
                        pending_globals.append((spec, unit_offset, offset,
                                                file_id(attrs.get(D.AT_decl_file, 0))))
                else:
                    name = attrs.get(D.AT_name)
                    if name is not None and D.AT_declaration not in attrs:
                        types.append((name, tag, unit_offset, offset))
                if abbrev.has_children:
                    if tag in _AGGREGATES and D.AT_sibling in attrs:
                        pos = attrs[D.AT_sibling]
                    else:
                        depth += 1
                continue
            if abbrev.has_children and tag in _AGGREGATES and abbrev.sibling_at is not None:
                pos = unit.offset + int.from_bytes(
                    info[pos + abbrev.sibling_at:pos + abbrev.sibling_at + 4], "little")
                continue
            size = abbrev.fixed_size
            if size is not None:
                pos += size
            else:
                pos = skip(info, pos, abbrev.specs)
            if abbrev.has_children:
                depth += 1
        for spec, unit_offset, offset, fid in pending_globals:
            name = declared.get(spec)
            if name is None:
                found = _name_of(dwarf, spec)
                if found is None:
                    continue
                name = found[0]
            globals_.append((name, unit_offset, offset, fid))
        for origin, unit_offset, offset, kind in pending:
            found = named.get(origin)
            if found is None:
                found = _name_of(dwarf, origin)
                if found is None:
                    continue
                name, path, line = found
                fid = files.get(path)
                if fid is None:
                    fid = files[path] = len(files)
                found = (name, fid, line)
            name, fid, line = found
            functions.append((name, unit_offset, offset, kind, fid, line, origin))
    return functions, globals_, types, files


def _name_of(dwarf, offset):
    """(name, file path, line) of a subprogram DIE in another unit."""
    die = dwarf.die_at(offset)
    for _ in range(4):
        if die.name is not None:
            return (die.name, die.unit.file_name(die.get(D.AT_decl_file, 0)) or "",
                    die.get(D.AT_decl_line, 0))
        die = die.origin()
        if die is None:
            return None
    return None


def _scan_part(args):
    path, unit_offsets, full_paths = args
    from stap5.kernel.dwarf.file import DwarfFile
    dwarf = DwarfFile(path)
    dwarf.full_paths = full_paths
    return _scan_units(dwarf, unit_offsets)


def index_path(build_id, path):
    """Where the index of a file lives: $STAP5_DWARF_INDEX (a directory, for
    test runs that share one index across private caches), else the cache."""
    key = build_id or ("nobuildid-%x" % (hash(path) & 0xffffffff))
    name = "%s.v%d.sqlite" % (key, SCHEMA_VERSION)
    directory = os.environ.get("STAP5_DWARF_INDEX")
    if directory:
        return os.path.join(directory, name)
    return cache.path("dwarf-index", name)


def build(dwarf, destination, log=None):
    """Scan `dwarf` (a DwarfFile) and write its index to `destination`."""
    started = time.time()
    offsets = dwarf.unit_offsets()
    sizes = []
    for i, offset in enumerate(offsets):
        end = offsets[i + 1] if i + 1 < len(offsets) else len(dwarf.info)
        sizes.append(end - offset)
    parts = _split(offsets, sizes, _worker_count(len(dwarf.info)))
    if len(parts) > 1 and not dwarf.image.is_relocatable:
        import multiprocessing
        context = multiprocessing.get_context("fork")
        with context.Pool(len(parts)) as pool:
            results = pool.map(_scan_part, [(dwarf.path, part, dwarf.full_paths)
                                               for part in parts])
    else:
        results = [_scan_units(dwarf, offsets)]
    os.makedirs(os.path.dirname(destination), exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=os.path.dirname(destination), suffix=".tmp")
    os.close(fd)
    try:
        db = sqlite3.connect(temp)
        db.executescript("""
            PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;
            CREATE TABLE files (id INTEGER PRIMARY KEY, path TEXT);
            CREATE TABLE functions (name TEXT, unit INTEGER, die INTEGER, kind INTEGER,
                                    file INTEGER, line INTEGER, origin INTEGER);
            CREATE TABLE globals (name TEXT, unit INTEGER, die INTEGER, file INTEGER);
            CREATE TABLE types (name TEXT, tag INTEGER, unit INTEGER, die INTEGER);
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
            CREATE TABLE symbols (name TEXT, address INTEGER, size INTEGER, func INTEGER);
        """)
        db.executemany("INSERT INTO symbols VALUES (?,?,?,?)",
                       [(n, _signed(a), size, f) for n, a, size, f in dwarf.image.all_symbols()])
        paths = {}
        for functions, globals_, types, files in results:
            remap = {}
            for path, local in files.items():
                if path not in paths:
                    paths[path] = len(paths)
                remap[local] = paths[path]
            db.executemany("INSERT INTO functions VALUES (?,?,?,?,?,?,?)",
                           [(n, u, d, k, remap[f], l, o) for n, u, d, k, f, l, o in functions])
            db.executemany("INSERT INTO globals VALUES (?,?,?,?)",
                           [(n, u, d, remap[f]) for n, u, d, f in globals_])
            seen = set()
            rows = []
            for name, tag, unit, offset in types:
                if (name, tag) not in seen:
                    seen.add((name, tag))
                    rows.append((name, tag, unit, offset))
            db.executemany("INSERT INTO types VALUES (?,?,?,?)", rows)
        db.executemany("INSERT INTO files VALUES (?,?)", [(i, p) for p, i in paths.items()])
        db.executescript("""
            CREATE INDEX functions_name ON functions (name);
            CREATE INDEX functions_origin ON functions (origin);
            CREATE INDEX globals_name ON globals (name);
            CREATE INDEX types_name ON types (name);
            CREATE INDEX symbols_name ON symbols (name);
            CREATE INDEX symbols_address ON symbols (address);
        """)
        db.execute("INSERT INTO meta VALUES ('seconds', ?)", ("%.1f" % (time.time() - started),))
        db.commit()
        db.close()
        os.replace(temp, destination)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
    if log:
        log("indexed %s in %.1f s" % (dwarf.path, time.time() - started))


def _worker_count(size):
    if size < 20 << 20:
        return 1
    return max(1, min(2, os.cpu_count() or 1))


def _split(offsets, sizes, count):
    """`count` runs of units of about equal byte size."""
    total = sum(sizes)
    parts = [[] for _ in range(count)]
    done = 0
    for offset, size in zip(offsets, sizes):
        part = min(count - 1, done * count // max(total, 1))
        parts[part].append(offset)
        done += size
    return [p for p in parts if p]


class Index:
    """Queries on a built index."""

    def __init__(self, path):
        self.path = path
        self.db = sqlite3.connect("file:%s?mode=ro" % path, uri=True,
                                  check_same_thread=False)
        self._files = None

    def file_path(self, file_id):
        if self._files is None:
            self._files = dict(self.db.execute("SELECT id, path FROM files"))
        return self._files.get(file_id, "")

    def functions(self, pattern):
        """Rows (name, unit, die, kind, file, line, origin) whose name
        matches the glob `pattern` (exact when it has no wildcard)."""
        if any(ch in pattern for ch in "*?["):
            return self.db.execute(
                "SELECT name, unit, die, kind, file, line, origin FROM functions "
                "WHERE name GLOB ?", (_sqlite_glob(pattern),)).fetchall()
        return self.db.execute(
            "SELECT name, unit, die, kind, file, line, origin FROM functions WHERE name = ?",
            (pattern,)).fetchall()

    def instances_of(self, origin):
        return self.db.execute(
            "SELECT name, unit, die, kind, file, line, origin FROM functions "
            "WHERE origin = ?", (origin,)).fetchall()

    def function_symbols(self, pattern):
        """[(name, address)] of the function symbols matching a glob."""
        if any(ch in pattern for ch in "*?["):
            rows = self.db.execute("SELECT name, address FROM symbols WHERE func AND "
                                   "name GLOB ?", (_sqlite_glob(pattern),)).fetchall()
        else:
            rows = self.db.execute("SELECT name, address FROM symbols WHERE func AND "
                                   "name = ?", (pattern,)).fetchall()
        return [(name, _unsigned(address)) for name, address in rows]

    def function_names(self):
        return [row[0] for row in self.db.execute("SELECT DISTINCT name FROM functions")]

    def globals(self, name):
        return self.db.execute("SELECT name, unit, die, file FROM globals WHERE name = ?",
                               (name,)).fetchall()

    def symbol_address(self, name):
        row = self.db.execute("SELECT address FROM symbols WHERE name = ? LIMIT 1",
                              (name,)).fetchone()
        return _unsigned(row[0]) if row else None

    def symbol_count(self, name):
        return self.db.execute("SELECT count(*) FROM symbols WHERE name = ?",
                               (name,)).fetchone()[0]

    def function_symbol_at(self, address):
        """(name, start) of the function symbol holding `address`, or None."""
        row = self.db.execute(
            "SELECT name, address FROM symbols WHERE func AND address <= ? "
            "ORDER BY address DESC LIMIT 1", (_signed(address),)).fetchone()
        return (row[0], _unsigned(row[1])) if row else None

    def types(self, name):
        return self.db.execute("SELECT name, tag, unit, die FROM types WHERE name = ?",
                               (name,)).fetchall()


def _signed(address):
    """SQLite integers are signed 64-bit; kernel addresses are above 2**63."""
    return address - (1 << 64) if address >= (1 << 63) else address


def _unsigned(value):
    return value + (1 << 64) if value < 0 else value


def _sqlite_glob(pattern):
    """fnmatch's [!...] is SQLite's [^...]."""
    return pattern.replace("[!", "[^")


def open_index(dwarf, log=None):
    """The Index of a DwarfFile, built first if this build-id has none."""
    path = index_path(dwarf.build_id, dwarf.path)
    if dwarf.full_paths:            # (file names differ: another index)
        path = path.replace(".sqlite", "-fullpaths.sqlite")
    if not os.path.exists(path):
        build(dwarf, path, log)
    return Index(path)
