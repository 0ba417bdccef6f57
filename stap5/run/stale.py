"""Modules left loaded by a staprun5 that did not finish (SIGKILL, a crash).

When its staprun5 goes away the module ends its session by itself (closing
the control channel stops the probes and runs the end probes) and marks
itself orphaned (debugfs stap5/NAME/orphaned reads 1); only the unload is
left to do.  Two ways to do it, as stap offers:

* `staprun5 -d NAME` (stap's `staprun -d`): delete an unused module,
  with staprun's own words when NAME is not one (not loaded, or a staprun5
  is attached to it); `-d '*'` deletes every unused stap5 module;
* the next staprun5 run finds orphaned modules, says so, and removes them
  (stap only refuses to load a module of the same name).
"""

import errno
import os

from stap5.run import channels, kmod

# staprun's status for -d on a module it cannot delete: exit(-EINVAL).
NOT_A_ZOMBIE_STATUS = 256 - errno.EINVAL


def stap5_modules():
    """Names of the loaded stap5 modules (those with a debugfs directory)."""
    try:
        names = sorted(os.listdir(channels.module_dir("")))
    except OSError:
        return []
    return [name for name in names if kmod.is_loaded(name)]


def is_orphaned(name):
    try:
        with open(os.path.join(channels.module_dir(name), "orphaned")) as f:
            return f.read().strip() == "1"
    except OSError:
        return False


def _unload(name):
    """delete_module, waiting a little for the last file to be closed."""
    import time
    for _ in range(100):
        try:
            kmod.unload(name)
            return True
        except kmod.ModuleError as e:
            if e.errno == errno.ENOENT:
                return True
            if e.errno not in kmod.BUSY:
                return False
            time.sleep(0.05)
    return False


def remove_orphans(warn):
    """Remove every orphaned stap5 module, saying so with warn(text)."""
    for name in stap5_modules():
        if is_orphaned(name) and _unload(name):
            warn(f"Removed stale module '{name}': its staprun5 did not finish "
                 f"(killed?) and left it loaded.")


def _claim(name):
    """Open the module's control channel, which only works when no staprun5
    is attached to it. Closing it again ends the module's session, if it had
    one."""
    try:
        fd = os.open(os.path.join(channels.module_dir(name), "ctl"),
                     os.O_RDWR | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return False
    os.close(fd)
    return True


def delete(name, stderr):
    """staprun5 -d NAME: the exit status."""
    if name == "*":
        for module in stap5_modules():
            if _claim(module):
                _unload(module)
        return 0
    if kmod.is_loaded(name) and _claim(name) and _unload(name):
        return 0
    stderr.write(f"ERROR: Cannot attach to module {name} control channel; not running?\n"
                 f"ERROR: '{name}' is not a zombie systemtap module.\n")
    return NOT_A_ZOMBIE_STATUS
