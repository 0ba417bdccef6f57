"""Pass 4 failures as stap reports them: the compiler's messages located in
the user's script (embedded C carries #line directives), then 4.8's words."""

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
