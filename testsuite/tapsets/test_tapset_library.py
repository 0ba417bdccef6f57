"""The tapset library on the host: every function is one SystemTap 4.8 has,
with 4.8's signature and pragmas, documented, resolving and type-checking
in pass 2 and compiling in pass 4."""

import re

import pytest

from . import library
from .cases import TAPSET48, TAPSETS, stap5

OURS = library.functions(TAPSETS)
PUBLIC = [f for f in OURS if not f.private]


def _theirs():
    by_key = {}
    for f in library.functions(TAPSET48):
        by_key.setdefault(f.key, []).append(f)
    return by_key


THEIRS = _theirs()


def test_the_library_is_there():
    names = {f.name for f in PUBLIC}
    # What the brief of the library asks for, at least.
    for name in ["pid", "tid", "ppid", "uid", "gid", "euid", "egid", "execname", "cpu", "pp",
                 "ppfunc", "probefunc", "probemod", "is_return", "target", "module_name",
                 "pexecname", "gettimeofday_s", "gettimeofday_ms", "gettimeofday_us",
                 "gettimeofday_ns", "get_cycles", "jiffies", "local_clock_ns",
                 "local_clock_us", "local_clock_ms", "local_clock_s", "cpu_clock_ns",
                 "cpu_clock_us", "cpu_clock_ms", "cpu_clock_s", "strlen", "substr",
                 "stringat", "isinstr", "strpos", "str_replace", "strtol", "tokenize",
                 "text_str", "text_strn", "string_quoted", "isdigit", "kernel_string",
                 "kernel_string_n", "kernel_long", "kernel_int", "kernel_short",
                 "kernel_char", "user_string", "user_string_n", "user_long", "user_int",
                 "user_short", "user_char", "user_string_warn", "user_string_quoted",
                 "set_kernel_long", "set_kernel_string", "log", "warn", "error", "exit",
                 "abort", "ftrace", "printk", "randint"]:
        assert name in names, name


# Functions of ours that 4.8 does not have, on purpose (tapsets/extensions.stp).
EXTENSIONS = {("toupper", 1), ("tolower", 1), ("abs", 1), ("min", 2), ("max", 2)}


@pytest.mark.parametrize("function", [f for f in PUBLIC if f.key not in EXTENSIONS],
                         ids=lambda f: "%s/%d" % f.key)
def test_signature_is_4_8s(function):
    assert function.key in THEIRS, "SystemTap 4.8 has no %s with %d arguments" % function.key
    theirs = THEIRS[function.key][0]
    if theirs.rettype:
        assert function.rettype == theirs.rettype
    for (name, ptype), (their_name, their_type) in zip(function.params, theirs.params):
        if their_type:
            assert ptype == their_type, name
    if function.embedded and theirs.embedded and not theirs.conditional:
        # guru, unprivileged... decide who may call it; pure lets pass 2
        # drop unused calls, stable lets it hoist them: all as in 4.8.
        assert function.pragmas == theirs.pragmas


@pytest.mark.parametrize("function", PUBLIC, ids=lambda f: "%s/%d" % f.key)
def test_is_documented(function):
    doc = function.doc
    assert doc, "no /** sfunction ... */ comment"
    assert re.search(r"^\s*\*\s*sfunction %s - \S" % function.name, doc, re.M), doc
    for name, _ in function.params:
        assert re.search(r"^\s*\*\s*@%s: \S" % name, doc, re.M), name
    assert re.search(r"^\s*\*\s*Description: \S", doc, re.M)


def test_every_function_resolves_and_type_checks(tmp_path):
    script = tmp_path / "all.stp"
    script.write_text(library.calling_script(PUBLIC))
    proc = stap5("-p2", "-g", "-u", str(script))
    assert proc.returncode == 0, proc.stderr
    listed = re.findall(r"^(\w+):\w+ \(", proc.stdout, re.M)
    assert set(listed) >= {f.name for f in PUBLIC}


def test_every_function_compiles(tmp_path):
    script = tmp_path / "all.stp"
    # timer.profile: the alias of timers.stp.
    script.write_text(library.calling_script(PUBLIC, probe="timer.profile"))
    proc = stap5("-p4", "-g", "-w", "-m", "tt_all", str(script), cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (tmp_path / "tt_all.ko").exists()


def test_pass2_lists_the_signatures_4_8_lists(tmp_path):
    script = tmp_path / "common.stp"
    script.write_text(
        'probe begin { printf("%d %d %s %s %d %s\\n", pid(), tid(), execname(), pp(),\n'
        '  gettimeofday_us(), user_string_quoted(0)); log(substr("abc", 1, 1));\n'
        '  exit() }\n')
    ours = stap5("-p2", str(script))
    theirs = stap5("-p2", str(script), env_tapset=TAPSET48)
    assert ours.returncode == theirs.returncode == 0, ours.stderr + theirs.stderr
    assert _section(ours.stdout, "# functions") == _section(theirs.stdout, "# functions")


def test_guru_functions_need_guru_mode():
    proc = stap5("-p2", "-e", "probe begin { set_kernel_long(0, 1) }")
    assert proc.returncode == 1
    assert "function may not be used unless -g is specified" in proc.stderr


def _section(dump, title):
    lines = dump.splitlines()
    start = lines.index(title) + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("# ")), len(lines))
    return lines[start:end]


def test_project_layout():
    # Tapset files in the places stap looks: the root, linux/ (the kernel
    # runtime's directory) and their x86_64/ (the system calls), nothing
    # for other runtimes or architectures.
    for path in TAPSETS.rglob("*.stp"):
        assert path.parent in (TAPSETS, TAPSETS / "linux", TAPSETS / "x86_64",
                               TAPSETS / "linux" / "x86_64"), path
