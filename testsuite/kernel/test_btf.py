"""The kernel's BTF read into the C type model, checked against facts
from elsewhere: the compiler's own sizeof/offsetof of the same structs
(a small file compiled with the kernel's kbuild and its headers, as
asm-offsets does), enum constants, and 4.8's DWARF listing of function
parameters."""

import os
import re
import subprocess

import pytest

from stap5.kernel import ctype
from stap5.kernel.btf import Btf, BtfError, BtfTypes, btf_function_scope, kernel_btf, \
    module_btf, read_btf_blob
from stap5.kernel.target import KernelTarget
from testsuite.oracle.harness import KERNEL, needs_stap48

DEBUGINFO_ENV = {"SYSTEMTAP_DEBUGINFO_PATH": "+:.debug:/tmp/dbg"}

# Structs a script reaches most, and the headers defining them.
STRUCTS = ["task_struct", "file", "inode", "dentry", "path", "super_block", "sk_buff",
           "sock", "mm_struct", "vm_area_struct", "page", "cred", "pt_regs", "qstr",
           "linux_binprm", "request", "bio", "net_device", "socket", "files_struct"]
HEADERS = ["linux/sched.h", "linux/fs.h", "linux/dcache.h", "linux/skbuff.h", "net/sock.h",
           "linux/mm_types.h", "linux/cred.h", "linux/binfmts.h", "linux/blk-mq.h",
           "linux/bio.h", "linux/netdevice.h", "linux/net.h", "linux/fdtable.h",
           "linux/mount.h"]
ENUMS = {"pid_type": ["PIDTYPE_PID", "PIDTYPE_TGID", "PIDTYPE_MAX"],
         "zone_type": ["ZONE_DMA", "ZONE_NORMAL", "ZONE_MOVABLE"],
         "rw_hint": ["WRITE_LIFE_NOT_SET", "WRITE_LIFE_EXTREME"]}


@pytest.fixture(scope="module")
def target():
    return KernelTarget(KERNEL)


@pytest.fixture(scope="module")
def types(target):
    found = kernel_btf(target)
    if found is None:
        pytest.skip("no BTF for %s here (run 'stap5-prep --vm')" % KERNEL)
    return found


def _members(struct, prefix="", base=0):
    """(dotted path, byte offset, Member) of every member, through
    anonymous structs and unions as C reaches them."""
    for member in struct.members:
        inner = member.type.strip()
        if member.name is None:
            if isinstance(inner, ctype.Struct):
                yield from _members(inner, prefix, base + member.offset)
            continue
        yield prefix + member.name, base + member.offset, member


@pytest.fixture(scope="module")
def compiler_facts(types, tmp_path_factory, kernel_build_dir):
    """{fact: value} the compiler gives for STRUCTS and ENUMS, through
    `make M=dir facts.s` on a file of asm markers."""
    lines = ["#include <%s>" % header for header in HEADERS]
    lines.append('#define FACT(name, value) asm volatile("\\n.ascii \\"@@ " name " %0\\"" '
                 ':: "i" ((long)(value)))')
    lines.append("void stap5_facts(void)\n{")
    for name in STRUCTS:
        struct = types.find_type("struct " + name)
        lines.append('\tFACT("sizeof %s", sizeof(struct %s));' % (name, name))
        for path, _offset, member in _members(struct):
            if member.bit_size is None:
                lines.append('\tFACT("offsetof %s %s", offsetof(struct %s, %s));'
                             % (name, path, name, path))
    for enum, constants in ENUMS.items():
        for constant in constants:
            lines.append('\tFACT("enum %s", %s);' % (constant, constant))
    lines.append("}")
    directory = tmp_path_factory.mktemp("btf-facts")
    (directory / "facts.c").write_text("\n".join(lines) + "\n")
    (directory / "Kbuild").write_text("obj-m := facts.o\n")
    proc = subprocess.run(["make", "-s", "-C", kernel_build_dir, "M=%s" % directory,
                           "facts.s"], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    facts = {}
    for m in re.finditer(r'"@@ ([^"]*) \$(-?\d+)"', (directory / "facts.s").read_text()):
        facts[m.group(1)] = int(m.group(2))
    return facts


def test_struct_layouts_match_the_compiler(types, compiler_facts):
    checked = 0
    for name in STRUCTS:
        struct = types.find_type("struct " + name)
        assert struct.size == compiler_facts["sizeof " + name], name
        for path, offset, member in _members(struct):
            if member.bit_size is None:
                assert offset == compiler_facts["offsetof %s %s" % (name, path)], \
                    "%s.%s" % (name, path)
                checked += 1
    assert checked > 500


def test_bitfields_lie_in_their_storage_unit(types):
    struct = types.find_type("struct task_struct")
    bits = [m for m in struct.members if m.bit_size]
    assert {m.name for m in bits} >= {"sched_reset_on_fork", "in_iowait", "in_execve"}
    for member in bits:
        unit_bits = member.type.size * 8
        assert 0 <= member.bit_offset and member.bit_offset + member.bit_size <= unit_bits
    # Consecutive bitfields of one unit pack from its least significant bit.
    first = [m for m in bits if m.offset == bits[0].offset]
    assert [m.bit_offset for m in first] == sorted(m.bit_offset for m in first)
    assert first[0].bit_offset == 0


def test_enum_values_match_the_compiler(types, compiler_facts):
    for enum, constants in ENUMS.items():
        values = dict(types.find_type("enum " + enum).enumerators)
        for constant in constants:
            assert values[constant] == compiler_facts["enum " + constant], constant


def test_types_by_name(types):
    task = types.find_type("task_struct")
    assert task is types.find_type("struct task_struct")       # one object per type
    assert task.find_member("comm")[0].type.spelling() == "char[]"
    assert task.find_member("comm")[0].type.strip().count == 16
    size_t = types.find_type("size_t")
    assert isinstance(size_t, ctype.Typedef) and size_t.size == 8 and not size_t.is_signed
    assert types.find_type("long int").is_signed
    assert types.find_type("char").is_char
    assert types.find_type("struct no_such_thing") is None
    assert types.find_type("union bpf_attr").kind == "union"


@needs_stap48
@pytest.mark.oracle
@pytest.mark.parametrize("function", ["vfs_read", "do_sys_openat2", "tcp_sendmsg",
                                      "__bpf_trace_cpuhp_enter", "ethnl_get_priv_flags_info",
                                      "hv_setup_kexec_handler", "check_access_path_dual"])
def test_parameters_as_48_lists_them_from_dwarf(target, types, function):
    """4.8 with the kernel's DWARF lists parameters first, then locals."""
    from testsuite.oracle.harness import run_stap48
    if not os.path.exists("/tmp/dbg/lib/modules/%s/vmlinux" % KERNEL):
        pytest.skip("4.8 needs the DWARF vmlinux linked under /tmp/dbg")
    listed = run_stap48(["-L", 'kernel.function("%s")' % function], env=DEBUGINFO_ENV)
    assert listed.status == 0, listed.stderr
    theirs = listed.stdout.split(" $")[1:]
    scope = btf_function_scope(target, function)
    ours = ["%s:%s" % (v.name, v.type.spelling()) for v in scope.parameters()]
    assert [t.strip() for t in theirs[:len(ours)]] == ours


def test_scope_at_entry_and_return(target, types):
    scope = btf_function_scope(target, "vfs_read")
    assert scope.source == "btf"
    assert [(v.name, v.location.ops) for v in scope.parameters()] == [
        ("file", (("reg", 5),)), ("buf", (("reg", 4),)), ("count", (("reg", 1),)),
        ("pos", (("reg", 2),))]
    assert scope.return_variable() is None
    returning = btf_function_scope(target, "vfs_read", is_return=True)
    assert returning.return_variable().location.ops == (("reg", 0),)
    assert returning.return_variable().type.spelling() == "ssize_t"
    assert scope.find_type("struct file").size > 0
    reason = scope.unavailable_reason("ret")
    assert "DWARF" in reason and "linux-image-%s-dbg" % KERNEL in reason
    with pytest.raises(LookupError, match="no prototype for function 'no_such_function'"):
        btf_function_scope(target, "no_such_function")


def test_stack_arguments(target, types):
    """Parameters past the sixth are on the stack, above the return address."""
    scope = btf_function_scope(target, "pci_add_dynid")
    locations = [v.location for v in scope.parameters()]
    assert [loc.ops for loc in locations[6:]] == [(("breg", 7, 8),), (("breg", 7, 16),)]
    assert all(loc.kind == "memory" for loc in locations[6:])


def test_module_btf_over_vmlinux(target, types):
    module = module_btf(target, "9p")
    if module is None:
        pytest.skip("no 9p.ko of %s here (run 'stap5-prep --vm')" % KERNEL)
    fid = module.find_type("struct p9_fid")        # defined by the 9pnet module, not 9p
    inode_info = module.find_type("struct v9fs_inode")
    assert inode_info is not None and inode_info.size > 0
    # A member typed by vmlinux: the same object as vmlinux's own.
    vfs_inode = inode_info.find_member("netfs")[0].type.strip().find_member("inode")[0]
    assert vfs_inode.type is types.find_type("struct inode")
    assert fid is None or fid.is_declaration or fid.size > 0


def test_bad_data_is_a_clear_error(tmp_path):
    with pytest.raises(BtfError, match="not BTF data"):
        Btf(b"\0" * 64, origin="junk")
    path = tmp_path / "empty.o"
    path.write_bytes(b"\x7fELF" + b"\0" * 60)
    assert read_btf_blob(str(path)) is None
    assert read_btf_blob(str(tmp_path / "missing")) is None


def test_index_is_cached(types, monkeypatch, tmp_path):
    """The first reader of a BTF scans it and keeps its index in the cache;
    the next one takes the index from there."""
    from stap5.kernel.btf import reader
    monkeypatch.setenv("STAP5_CACHE", str(tmp_path))
    blob = read_btf_blob(types.btf.origin)
    first = BtfTypes(Btf(blob, origin="first"))
    assert list(tmp_path.glob("btf/index-*.pickle"))
    calls = []
    monkeypatch.setattr(reader.Btf, "_scan", lambda self: calls.append(1))
    again = BtfTypes(Btf(blob, origin="again"))
    assert calls == []
    for name in ("struct file", "task_struct", "size_t"):
        assert again.find_type(name).size == first.find_type(name).size \
            == types.find_type(name).size


def test_same_types_as_the_dwarf_reader(target, types):
    """BTF and the kernel's DWARF (stap5/kernel/dwarf) give the same model:
    sizes, member offsets, bitfields and spellings, two levels deep."""
    from stap5.kernel import debuginfo
    from stap5.kernel.dwarf import open_module
    path = debuginfo.kernel_debuginfo(target)
    if path is None:
        pytest.skip("no DWARF of %s here (stap5-prep --debuginfo)" % KERNEL)
    dwarf = open_module(path, "kernel", None)
    compared = 0
    for name in STRUCTS:
        ours, theirs = types.find_type("struct " + name), dwarf.find_type("struct " + name)
        assert ours.size == theirs.size, name
        pairs = [(ours, theirs)] + [
            (m.type.strip(), d.type.strip()) for m, d in zip(ours.members, theirs.members)
            if isinstance(m.type.strip(), ctype.Struct)]
        for struct_btf, struct_dwarf in pairs:
            assert [(m.name, m.offset, m.bit_size, m.bit_offset, m.type.spelling())
                    for m in struct_btf.members] == \
                [(m.name, m.offset, m.bit_size, m.bit_offset, m.type.spelling())
                 for m in struct_dwarf.members], name
            compared += len(struct_btf.members)
    assert compared > 1000
