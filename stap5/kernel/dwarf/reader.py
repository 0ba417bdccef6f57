"""Functions, their variables and types, read from one DWARF file (the
kernel's vmlinux or a module's .ko) through its index.

    module = DwarfModule(path, "kernel")
    for function in module.functions("vfs_*", file_pattern="fs/*.c"):
        function.name, function.decl_file, function.decl_line, function.entry_pc
        scope = function.scope(function.entry_pc)     # a stap5.kernel.scope.Scope
"""

import fnmatch

from stap5.kernel.dwarf import die as D
from stap5.kernel.dwarf import index as dwarf_index
from stap5.kernel.dwarf.cfi import FrameTable
from stap5.kernel.dwarf.file import DwarfFile
from stap5.kernel.dwarf.types import TypeReader


class FunctionInstance:
    """A function's code at one place: an out-of-line copy (`inlined`
    False) or one inlined instance.  `die` has the code (low_pc/ranges),
    `abstract` the name, declaration, parameters' names and types."""

    def __init__(self, module, name, die, inlined, decl_file, decl_line):
        self.module = module
        self.name = name
        self.die = die
        self.inlined = inlined
        self.decl_file = decl_file
        self.decl_line = decl_line

    def __repr__(self):
        return "<Function %s@%s:%s%s %#x>" % (self.name, self.decl_file, self.decl_line,
                                             " inline" if self.inlined else "",
                                             self.entry_pc or 0)

    @property
    def ranges(self):
        return self.module.dwarf.die_ranges(self.die)

    @property
    def entry_pc(self):
        """Where the function starts: DW_AT_entry_pc, else low_pc, else
        the start of its first range (as elfutils' dwarf_entrypc)."""
        attrs = self.die.attrs
        entry = attrs.get(D.AT_entry_pc)
        if isinstance(entry, tuple):            # an offset from the base address
            base = attrs.get(D.AT_low_pc)
            if base is None:
                ranges = self.ranges
                base = ranges[0][0] if ranges else 0
            return base + entry[1]
        if entry is not None:
            return entry
        if D.AT_low_pc in attrs:
            return attrs[D.AT_low_pc]
        ranges = self.ranges
        return ranges[0][0] if ranges else None

    @property
    def abstract(self):
        """The DIE with the declaration (the abstract origin for inline
        and out-of-line instances)."""
        die = self.die
        for _ in range(4):
            origin = die.origin()
            if origin is None:
                return die
            die = origin
        return die

    def return_type(self):
        return self.module.types.type_of(self.abstract)

    def is_external(self):
        return bool(self.abstract.get(D.AT_external))

    def scope(self, pc, blocks=False):
        """The Scope at `pc`; with `blocks`, the variables of the lexical
        blocks holding pc are visible too (a statement probe's, as 4.8
        lists them)."""
        from stap5.kernel.dwarf.scope import DwarfScope
        return DwarfScope(self, pc, blocks)

    def statement_rows(self, file_pattern=None):
        """[(line, address)] of the line rows inside this function, the
        lowest address of each line, for `.statement` probes: rows of the
        function's own file from its declaration on (not those of code
        inlined into it from elsewhere), statement boundaries or not, as
        stap lists them."""
        unit = self.die.unit
        table = unit.lines()
        ranges = self.ranges
        found = {}
        for row in table.rows():
            if row.end_sequence or row.line < self.decl_line:
                continue
            if not any(start <= row.address < end for start, end in ranges):
                continue
            name = table.file_name(row.file)
            if name != self.decl_file:
                continue
            if row.line not in found or row.address < found[row.line]:
                found[row.line] = row.address
        return sorted(found.items())


class DwarfModule:
    """The DWARF of the kernel ("kernel") or of one module."""

    def __init__(self, path, name="kernel", log=None):
        self.path = path
        self.name = name
        self.dwarf = DwarfFile(path)
        # a user binary is named by its path (stap5/user)
        self.dwarf.full_paths = name.startswith("/")
        self.index = dwarf_index.open_index(self.dwarf, log)
        self.types = TypeReader(self.dwarf)
        self._frames = None
        self._function_symbols = None

    @property
    def build_id(self):
        return self.dwarf.build_id

    def frames(self):
        if self._frames is None:
            data = self.dwarf.image.data(".debug_frame")
            if not len(data) and self.name.startswith("/"):
                # a user binary (named by its path): gcc leaves its CFI in
                # the binary's .eh_frame, not in the (separate) debuginfo
                from stap5.user.unwind import CallFrames
                self._frames = CallFrames.of_binary(self.name) or FrameTable(b"")
            else:
                self._frames = FrameTable(data)
        return self._frames

    def functions(self, pattern, file_pattern=None, line=None):
        """FunctionInstances of the functions whose name matches the glob
        `pattern` and whose declaration matches `file_pattern`/`line`,
        concrete copies and inlined instances, in stap's order."""
        found = []
        rows = self.index.functions(pattern)
        for name, unit, offset, kind, file_id, decl_line, origin in rows:
            decl_file = self.index.file_path(file_id)
            if file_pattern is not None and not file_matches(decl_file, file_pattern):
                continue
            if line is not None and not line(decl_line):
                continue
            if kind == dwarf_index.ABSTRACT:
                continue
            die = self.dwarf.die_at(offset)
            if self._in_init_section(die):
                continue        # freed after boot: stap does not offer them
            found.append(FunctionInstance(self, name, die, kind == dwarf_index.INLINED,
                                          decl_file, decl_line))
        return found

    def symbol_functions(self, pattern):
        """[(name, address)] of the function symbols matching `pattern`
        outside init code: stap also offers those DWARF does not name
        (`foo.cold`, `foo.isra.0`), without a source position."""
        found = []
        for name, address in self.index.function_symbols(pattern):
            section = self.dwarf.image.section_of(address)
            if section is None or section.name.startswith((".init.", ".exit.")):
                continue
            found.append((name, address))
        return sorted(found, key=lambda item: item[1])

    def _in_init_section(self, die):
        low = die.attrs.get(D.AT_entry_pc)
        if isinstance(low, tuple):
            low = None
        if low is None:
            low = die.attrs.get(D.AT_low_pc)
        if low is None:
            ranges = self.dwarf.die_ranges(die)
            low = ranges[0][0] if ranges else None
        if low is None:
            return False
        section = self.dwarf.image.section_of(low)
        return section is not None and section.name.startswith((".init.", ".exit."))

    def function_names(self):
        return self.index.function_names()

    def address_symbol(self, address):
        """(symbol name, offset) of the function symbol holding `address`."""
        found = self.index.function_symbol_at(address)
        if found is None:
            return None
        name, start = found
        return name, address - start

    def symbol_address(self, name):
        return self.index.symbol_address(name)

    def is_exported(self, name):
        """Whether the kernel exports `name` (EXPORT_SYMBOL)."""
        return self.index.symbol_address("__ksymtab_" + name) is not None

    def section_offset(self, address):
        """(section name, offset) of an address of a module."""
        section = self.dwarf.image.section_of(address)
        if section is None:
            return None
        return section.name, address - section.address

    def global_variables(self, name):
        return [self.dwarf.die_at(offset) for _, _, offset, _ in self.index.globals(name)]

    def find_type(self, name):
        """The CType named "struct x", "union x", "enum x" or a typedef /
        base type name, or None."""
        words = name.split()
        tags = None
        if len(words) == 2 and words[0] in ("struct", "union", "enum"):
            tags = {"struct": D.TAG_structure_type, "union": D.TAG_union_type,
                    "enum": D.TAG_enumeration_type}[words[0]]
            name = words[1]
        rows = self.index.types(name)
        best = None
        for _, tag, unit, offset in rows:
            if tags is not None and tag != tags:
                continue
            if tags is None and tag not in (D.TAG_typedef, D.TAG_base_type,
                                            D.TAG_structure_type, D.TAG_union_type,
                                            D.TAG_enumeration_type):
                continue
            best = offset
            if tags is not None or tag in (D.TAG_typedef, D.TAG_base_type):
                break
        if best is None:
            return None
        return self.types.at(best)


def file_matches(path, pattern):
    """stap's @file match: the whole path, or its trailing components."""
    return fnmatch.fnmatchcase(path, pattern) or fnmatch.fnmatchcase(path, "*/" + pattern)
