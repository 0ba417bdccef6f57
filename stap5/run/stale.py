"""Modules left loaded by a staprun5 that did not finish (SIGKILL, a crash).

When its staprun5 goes away without having detached the session (-L), the
module ends its session by itself (closing the control channel stops the
probes and runs the end probes) and marks itself orphaned (debugfs
stap5/NAME/orphaned reads 1): only the unload is left to do. Two ways to do
it, as stap offers: `staprun5 -d NAME` (stap's `staprun -d`, detached.py),
or the next staprun5 run, which finds orphaned modules, says so, and removes
them (4.8's staprun only refuses to load a module of the same name).
"""

import os

from stap5.run import channels, detached, kmod


def is_orphaned(name):
    try:
        with open(os.path.join(channels.module_dir(name), "orphaned")) as f:
            return f.read().strip() == "1"
    except OSError:
        return False


def remove_orphans(warn):
    """Remove every orphaned stap5 module, saying so with warn(text)."""
    for name in detached.stap5_modules():
        if not is_orphaned(name):
            continue
        try:
            removed = kmod.unload_when_free(name)
        except kmod.ModuleError:
            continue        # in use after all: leave it to staprun5 -d
        if removed:
            warn(f"Removed stale module '{name}': its staprun5 did not finish "
                 f"(killed?) and left it loaded.")
