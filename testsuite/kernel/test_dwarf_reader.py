"""The DWARF reader on a program compiled here (-O2, DWARF 5): functions
by pattern, inlined instances, parameters with their types (as stap spells
them) and locations, struct members and bitfields, globals and types by
name, line rows.  The kernel's own DWARF is tested through the probes
(testsuite/elaborate/test_dwarf48.py)."""

import pytest

from stap5.kernel import ctype
from stap5.kernel.dwarf.reader import DwarfModule


@pytest.fixture(scope="module")
def module(dwarf_program, tmp_path_factory):
    import os
    saved = os.environ.get("STAP5_DWARF_INDEX")
    os.environ["STAP5_DWARF_INDEX"] = str(tmp_path_factory.mktemp("index"))
    try:
        yield DwarfModule(str(dwarf_program), "program")
    finally:
        if saved is None:
            os.environ.pop("STAP5_DWARF_INDEX", None)
        else:
            os.environ["STAP5_DWARF_INDEX"] = saved


def test_functions_by_pattern(module):
    [add] = module.functions("add_point")
    assert not add.inlined
    assert add.decl_file.endswith("program.c") and add.decl_line == 13
    assert add.entry_pc == module.symbol_address("add_point")
    assert {f.name for f in module.functions("*_p*")} == {"add_point"}
    assert {f.name for f in module.functions("use_fl?gs")} == {"use_flags"}
    assert module.functions("add_point", file_pattern="other.c") == []
    assert module.functions("add_point", file_pattern="program.c")


def test_inlined_instances(module):
    instances = module.functions("square")
    assert instances and all(f.inlined for f in instances)
    assert all(f.decl_line == 11 for f in instances)
    for instance in instances:
        assert instance.entry_pc is not None
        # (GCC may give an instance's entry an empty range of its own)
        assert any(start <= instance.entry_pc <= end for start, end in instance.ranges)


def test_parameters_at_entry(module):
    [add] = module.functions("add_point")
    scope = add.scope(add.entry_pc)
    params = scope.parameters()
    assert [(v.name, v.type.spelling()) for v in params] == [
        ("p", "struct point*"), ("name", "char const*"), ("n", "counter_t")]
    # the x86-64 calling convention at entry: rdi, rsi, rdx
    assert [v.location.ops for v in params] == [(("reg", 5),), (("reg", 4),), (("reg", 1),)]
    assert all(v.location.kind == "register" for v in params)
    assert scope.return_type().spelling() == "long int"
    assert scope.return_variable().location.ops == (("reg", 0),)


def test_types(module):
    [use] = module.functions("use_flags")
    params = {v.name: v.type for v in use.scope(use.entry_pc).parameters()}
    assert params["e"].spelling() == "union either*"
    assert params["c"].spelling() == "enum color"
    assert params["values"].spelling() == "int*"
    flags = params["f"].target.strip()
    assert isinstance(flags, ctype.Struct) and flags.size == 8
    a, b, c = flags.members
    assert (a.name, a.bit_size, a.bit_offset, a.offset) == ("a", 3, 0, 0)
    assert (b.name, b.bit_size, b.bit_offset, b.offset) == ("b", 5, 3, 0)
    assert (c.name, c.bit_size, c.offset) == ("c", None, 4)
    color = params["c"].strip()
    assert color.enumerators == [("RED", 0), ("GREEN", 5)]
    either = params["e"].target.strip()
    assert either.kind == "union" and either.find_member("c")[0].type.spelling() == "char[]"
    assert either.find_member("c")[0].type.count == 8


def test_globals_and_types_by_name(module):
    [add] = module.functions("add_point")
    scope = add.scope(add.entry_pc)
    origin = scope.global_variable("origin")
    assert origin.type.spelling() == "struct point"
    assert origin.location.ops == (("addr", module.symbol_address("origin")),)
    assert scope.global_variable("origin", "program.c") is not None
    assert scope.global_variable("origin", "elsewhere.c") is None
    assert scope.find_type("struct point").size == 8
    assert scope.find_type("counter_t").spelling() == "counter_t"
    assert scope.find_type("counter_t").strip().spelling() == "long unsigned int"
    assert scope.find_type("struct nosuch") is None


def test_statement_rows(module):
    [add] = module.functions("add_point")
    rows = add.statement_rows()
    lines = [line for line, _ in rows]
    assert lines == sorted(lines) and 16 in lines
    start, end = add.ranges[0]
    assert all(start <= address < end for _, address in rows)
