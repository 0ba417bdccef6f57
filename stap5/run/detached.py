"""Sessions that outlive staprun5: flight recorder mode and the background.

    staprun5 -L MODULE.ko   load, start the probes, detach: the module runs on,
                            its output kept in memory (the latest overwrites the
                            oldest when the buffers are full)
    staprun5 -A NAME        attach to it: its kept output, then the live output;
                            Ctrl-C ends the session (end probes, unload) as usual,
                            SIGQUIT (Ctrl-\\) detaches again
    staprun5 -d NAME|'*'    remove a detached (or unused) stap5 module; its end
                            probes run, their output is lost
    staprun5 -D -o FILE     the session in the background: prints its pid

`stap5 -F` runs staprun5 -L (or -D with -o). A module is a stap5 one when it
has its debugfs directory, stap5/NAME.
"""

import errno
import os

from stap5.run import channels, kmod

class DetachedError(Exception):
    """Reported as "ERROR: ..." with exit status 1."""


class InUse(DetachedError):
    """The module has a staprun5 attached: not for -d."""


def name_of(argument):
    """The module name in `-A`/`-d`'s argument: a name, or a path to the .ko."""
    base = os.path.basename(argument)
    return base[:-3] if base.endswith(".ko") else base


def not_running(name):
    return DetachedError(f"Cannot attach to module {name} control channel; not running?")


def attachable(argument):
    """The name of the running stap5 module `argument` names, for -A."""
    name = name_of(argument)
    ensure_debugfs()
    if not os.path.isdir(channels.module_dir(name)):
        raise not_running(name)
    return name


def say_detached(name, stderr):
    stderr.write("\nDisconnecting from systemtap module.\n"
                 f"To reconnect, type \"staprun5 -A {name}\"\n")
    stderr.flush()


def daemonize():
    """Go on in a child in its own session, its stdio on /dev/null; the parent
    prints the child's pid (the one to signal) and exits 0."""
    import sys
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid:
        os.write(1, f"{pid}\n".encode())
        os._exit(0)
    os.setsid()
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)


def ensure_debugfs():
    if os.path.ismount(channels.DEBUGFS) or not os.path.isdir(channels.DEBUGFS):
        return
    import subprocess
    subprocess.call(["mount", "-t", "debugfs", "debugfs", channels.DEBUGFS],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stap5_modules():
    """The names of the loaded stap5 modules."""
    root = os.path.join(channels.DEBUGFS, "stap5")
    try:
        return sorted(n for n in os.listdir(root) if os.path.isdir(os.path.join(root, n)))
    except OSError:
        return []


# staprun's status when -d finds no zombie to delete: exit(-EINVAL)
NOT_A_ZOMBIE_STATUS = 256 - errno.EINVAL


def not_a_zombie(name):
    return DetachedError(f"{not_running(name)}\nERROR: '{name}' is not a zombie "
                         "systemtap module.")


def delete_status(errors):
    """staprun5 -d's exit status for the messages delete() returned: 0, 1,
    or 4.8's 234 when it found nothing to delete."""
    if not errors:
        return 0
    if all(message.endswith("is not a zombie systemtap module.") for message in errors):
        return NOT_A_ZOMBIE_STATUS
    return 1


def delete(argument):
    """staprun5 -d: remove one module (or every unused one for "*"). Returns the
    error messages (empty when all went well)."""
    ensure_debugfs()
    if argument == "*":
        errors = []
        for name in stap5_modules():
            try:
                delete_one(name)
            except InUse:
                pass                # attached: not unused
            except DetachedError as e:
                errors.append(str(e))
        return errors
    name = name_of(argument)
    try:
        delete_one(name)
    except DetachedError as e:
        return [str(e)]
    return []


def delete_one(name):
    ctl = os.path.join(channels.module_dir(name), "ctl")
    try:
        # Held open by the staprun5 attached to it, if any: then it is in use.
        fd = os.open(ctl, os.O_RDWR | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as e:
        if e.errno == errno.ENOENT:
            raise not_a_zombie(name) from None
        # (4.8 says the same of a module a staprun is attached to)
        raise InUse(str(not_a_zombie(name))) from None
    os.close(fd)
    try:
        kmod.unload_when_free(name)
    except kmod.ModuleError as e:
        why = "still in use" if e.errno in kmod.BUSY else str(e)
        raise DetachedError(f"Couldn't remove module '{name}': {why}.") from None
