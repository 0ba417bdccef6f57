"""What passes 3 and 4 say, as stap says it: their -v lines, and a failed
build: the compiler's messages located in the user's script (embedded C
carries #line directives), then 4.8's words."""

import os
import re
import subprocess
import sys
import uuid

import pytest

KVER = "6.1.0-56-amd64"


@pytest.fixture
def headers():
    if not os.path.exists("/lib/modules/%s/build/Makefile" % KVER):
        pytest.skip("kernel headers %s not installed (make setup)" % KVER)


def test_bad_embedded_c_is_located_in_the_script(tmp_path, headers):
    script = tmp_path / "bad.stp"
    # (unique text: a cached module would hide the build)
    script.write_text('probe begin { f() }\n'
                      'function f() %%{ /* %s */\n  this is not C;\n%%}\n' % uuid.uuid4().hex)
    proc = subprocess.run([sys.executable, "-m", "stap5", "-r", KVER, "-g", "-p4", "bad.stp"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 1 and proc.stdout == ""
    # (gcc quotes with ‘’ or '' by the locale)
    assert re.search(r"^bad\.stp:3:3: error: unknown type name .this.$", proc.stderr, re.M), \
        proc.stderr
    assert proc.stderr.endswith("WARNING: kbuild exited with status: 2\n"
                                "Pass 4: compilation failed.  [man error::pass4]\n"), proc.stderr


def test_verbose_lines_have_stap_s_shape(tmp_path, headers):
    script = 'probe begin { exit() } // %s' % uuid.uuid4().hex
    proc = subprocess.run([sys.executable, "-m", "stap5", "-r", KVER, "-v", "-p4", "-e", script],
                          cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    # The C is written where pass 4 builds it, a temporary directory;
    # pass 4 counts make's CPU time and, as in stap, no memory.
    assert re.search(r'^Pass 3: translated to C into "\S*/stap\w+/(stap_\w+)\.c" using '
                     r'\d+virt/\d+res/\d+shr/\d+data kb, in \d+usr/\d+sys/\d+real ms\.$',
                     proc.stderr, re.M), proc.stderr
    pass4 = re.search(r'^Pass 4: compiled C into "(stap_\w+)\.ko" in (\d+)usr/(\d+)sys/(\d+)real '
                      r'ms\.$', proc.stderr, re.M)
    assert pass4 and int(pass4.group(2)) + int(pass4.group(3)) > 0, proc.stderr
