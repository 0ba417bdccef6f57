"""Where the x86-64 calling convention puts arguments and return values
(the System V ABI, as the kernel uses it), on made-up prototypes."""

from stap5.kernel import ctype
from stap5.kernel.callconv import entry_locations, return_location

INT = ctype.Base("int", 4, ctype.SIGNED)
LONG = ctype.Base("long int", 8, ctype.SIGNED)
INT128 = ctype.Base("__int128", 16, ctype.SIGNED)
DOUBLE = ctype.Base("double", 8, ctype.FLOAT)
PTR = ctype.Pointer(ctype.Void())


def struct(name, *members):
    offset, listed = 0, []
    for member_name, member_type in members:
        listed.append(ctype.Member(member_name, member_type, offset))
        offset += member_type.size
    return ctype.Struct(name, offset, members=listed)


PAIR = struct("pair", ("a", LONG), ("b", LONG))                  # 16 bytes: rdi+rsi
SMALL = struct("small", ("a", INT), ("b", INT))                  # 8 bytes: one register
BIG = struct("big", ("a", LONG), ("b", LONG), ("c", LONG))       # 24 bytes: memory
WITH_FLOAT = struct("wf", ("d", DOUBLE))


def ops(locations):
    return [(loc.kind, loc.ops) if loc.pieces is None else
            (loc.kind, [(size, piece.ops) for size, piece in loc.pieces])
            for loc in locations]


def test_integer_registers_then_the_stack():
    f = ctype.FunctionType(INT, [LONG] * 8)
    assert ops(entry_locations(f)) == [
        ("register", (("reg", 5),)), ("register", (("reg", 4),)), ("register", (("reg", 1),)),
        ("register", (("reg", 2),)), ("register", (("reg", 8),)), ("register", (("reg", 9),)),
        ("memory", (("breg", 7, 8),)), ("memory", (("breg", 7, 16),))]


def test_small_aggregates_in_registers_large_ones_in_memory():
    f = ctype.FunctionType(INT, [SMALL, PAIR, BIG, INT])
    assert ops(entry_locations(f)) == [
        ("register", (("reg", 5),)),
        ("pieces", [(8, (("reg", 4),)), (8, (("reg", 1),))]),
        ("memory", (("breg", 7, 8),)),
        ("register", (("reg", 2),))]


def test_an_aggregate_that_no_longer_fits_goes_whole_to_the_stack():
    # Five longs take rdi..r8; the pair needs two registers, only r9 is
    # left: it goes to the stack, and the next long still takes r9.
    f = ctype.FunctionType(INT, [LONG] * 5 + [PAIR, LONG])
    assert ops(entry_locations(f))[5:] == [("memory", (("breg", 7, 8),)),
                                           ("register", (("reg", 9),))]


def test_int128_is_two_registers_and_16_aligned_on_the_stack():
    f = ctype.FunctionType(INT, [INT128] + [LONG] * 5 + [INT128])
    locations = ops(entry_locations(f))
    assert locations[0] == ("pieces", [(8, (("reg", 5),)), (8, (("reg", 4),))])
    assert locations[-2] == ("memory", (("breg", 7, 8),))       # the fifth long
    assert locations[-1] == ("memory", (("breg", 7, 16),))


def test_returning_a_large_aggregate_takes_rdi():
    f = ctype.FunctionType(BIG, [LONG, LONG])
    assert ops(entry_locations(f)) == [("register", (("reg", 4),)), ("register", (("reg", 1),))]
    assert return_location(BIG).kind == "memory"
    assert return_location(BIG).ops == (("reg", 0),)


def test_return_values():
    assert return_location(ctype.Void()) is None
    assert return_location(PTR).ops == (("reg", 0),)
    assert ops([return_location(PAIR)]) == [("pieces", [(8, (("reg", 0),)), (8, (("reg", 1),))])]
    assert return_location(DOUBLE).kind == "unavailable"


def test_floating_point_is_refused_with_a_reason():
    f = ctype.FunctionType(INT, [DOUBLE, WITH_FLOAT, LONG])
    locations = entry_locations(f)
    assert locations[0].kind == locations[1].kind == "unavailable"
    assert "SSE" in locations[0].reason
    assert locations[2].ops == (("reg", 5),)        # floats take no integer register
