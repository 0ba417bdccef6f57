"""Pass 4: build the generated C into a kernel module with kbuild.

The module is built in a temporary directory against the target kernel's
build tree (`/lib/modules/RELEASE/build`, or `-r DIR`), with the runtime and
the tree's feature header (stapconf.h) on the include path.  Compiler
diagnostics about embedded C point at the script, thanks to #line directives
the translator emits; other failures are ours and say so.
"""

import os
import re
import subprocess

from stap5.build import features
from stap5.session import SessionError
from stap5.templates import template_environment


class BuildError(Exception):
    def __init__(self, message, output=""):
        super().__init__(message)
        self.message = message
        self.output = output


def stapconf_dir(session):
    try:
        return str(features.feature_header(session.build_tree).parent)
    except features.FeatureError as exc:
        raise SessionError(str(exc)) from None


def tree_identity(session):
    try:
        return features.tree_identity(features.Path(session.build_tree))
    except OSError:
        return "no-tree"


def write_sources(workdir, module_name, c_source, session):
    c_path = os.path.join(workdir, module_name + ".c")
    with open(c_path, "w") as f:
        f.write(c_source)
    kbuild = template_environment().get_template("Kbuild.j2").render(
        module_name=module_name, runtime_dir=os.path.abspath(session.runtime_dir),
        stapconf_dir=stapconf_dir(session), extra_cflags=[])
    with open(os.path.join(workdir, "Kbuild"), "w") as f:
        f.write(kbuild)
    return c_path


def build(session, workdir, module_name, verbose=0):
    """Run kbuild; returns the .ko path or raises BuildError."""
    jobs = os.cpu_count() or 2
    command = ["make", "-C", session.build_tree, "M=" + workdir, "modules",
               "-j%d" % jobs] + list(session.kbuild_options)
    if verbose < 3:
        command.append("-s")
    if verbose >= 2:
        print("Running " + " ".join(command), flush=True)
    try:
        proc = subprocess.run(command, capture_output=True, text=True, timeout=900)
    except OSError as exc:
        raise BuildError("ERROR: cannot run make: %s" % exc) from None
    except subprocess.TimeoutExpired:
        raise BuildError("ERROR: kbuild timed out") from None
    output = proc.stdout + proc.stderr
    ko = os.path.join(workdir, module_name + ".ko")
    if proc.returncode != 0 or not os.path.exists(ko):
        # (stap's words: a warning, the verdict follows)
        raise BuildError("WARNING: kbuild exited with status: %d" % proc.returncode,
                         _relevant_output(output))
    return ko, output


def _relevant_output(output):
    """Compiler messages without make's noise."""
    lines = []
    for line in output.splitlines():
        if re.match(r"make(\[\d+\])?: ", line) or line.startswith("  CC") \
                or line.startswith("  MODPOST") or line.startswith("  LD"):
            continue
        lines.append(line)
    return "\n".join(lines)
