"""The machine stap5-prep looks at, read through files only.

Everything stap5-prep knows comes from files (os-release, /proc, /sys, the
kernel's config, the kbuild tree) and from the PATH, all looked up under a
root directory: "/" for real, a prepared tree in the tests (`--root DIR`),
so that the report for a Fedora or an openSUSE machine can be checked here.
"""

import gzip
import os
import re
import shlex

TOOL_DIRS = ("usr/local/sbin", "usr/local/bin", "usr/sbin", "usr/bin", "sbin", "bin")


class Host:
    def __init__(self, root="/"):
        self.root = os.path.abspath(root)

    @property
    def is_real(self):
        return self.root == "/"

    def path(self, path):
        """A path of the inspected machine, as seen from here: symbolic links are
        followed inside the root, as they would be on that machine."""
        if self.is_real:
            return path
        return os.path.join(self.root, self.resolve(path).lstrip("/"))

    def resolve(self, path, _hops=0):
        """`path` with its symbolic links followed, in the inspected machine's terms."""
        parts = [p for p in path.split("/") if p and p != "."]
        done = "/"
        for i, part in enumerate(parts):
            if part == "..":
                done = os.path.dirname(done.rstrip("/")) or "/"
                continue
            candidate = os.path.join(done, part)
            real = os.path.join(self.root, candidate.lstrip("/"))
            if os.path.islink(real) and _hops < 40:
                target = os.readlink(real)
                target = target if target.startswith("/") else os.path.join(done, target)
                done = self.resolve(target, _hops + 1)
            else:
                done = candidate
        return done

    def read(self, path):
        """The text of a file, or None if it cannot be read."""
        try:
            with open(self.path(path), "rb") as f:
                data = f.read()
        except OSError:
            return None
        if path.endswith(".gz"):
            try:
                data = gzip.decompress(data)
            except (OSError, EOFError):
                return None
        return data.decode("utf-8", "replace")

    def exists(self, path):
        return os.path.exists(self.path(path))

    def isfile(self, path):
        return os.path.isfile(self.path(path))

    def realpath(self, path):
        """Where a path of the inspected machine really leads (in its terms)."""
        return os.path.realpath(path) if self.is_real else self.resolve(path)

    def which(self, tool):
        """The inspected machine's program `tool`, or None."""
        if self.is_real:
            dirs = os.environ.get("PATH", "").split(os.pathsep)
        else:
            dirs = ["/" + d for d in TOOL_DIRS]
        for d in dirs:
            candidate = os.path.join(d, tool)
            if d and os.access(self.path(candidate), os.X_OK) \
                    and os.path.isfile(self.path(candidate)):
                return candidate
        return None

    def running_release(self):
        """`uname -r` of the inspected machine."""
        if self.is_real:
            return os.uname().release
        text = self.read("/proc/sys/kernel/osrelease")
        return text.strip() if text else None

    def os_release(self):
        """/etc/os-release (or /usr/lib/os-release) as a dict; {} if neither exists."""
        for path in ("/etc/os-release", "/usr/lib/os-release"):
            text = self.read(path)
            if text is not None:
                return parse_os_release(text)
        return {}

    def kernel_config(self, kver):
        """(path, {CONFIG_X: value}) of kernel `kver`'s configuration, or (None, {})."""
        candidates = [f"/lib/modules/{kver}/build/.config", f"/boot/config-{kver}"]
        if kver == self.running_release():
            candidates.append("/proc/config.gz")
        for path in candidates:
            text = self.read(path)
            if text is not None:
                return path, parse_kernel_config(text)
        return None, {}

    def mounts(self):
        """[(mount point, file system type)] from /proc/mounts."""
        text = self.read("/proc/mounts") or ""
        out = []
        for line in text.splitlines():
            fields = line.split()
            if len(fields) >= 3:
                out.append((fields[1], fields[2]))
        return out

    def is_root_user(self):
        return os.geteuid() == 0


def parse_os_release(text):
    """os-release(5): KEY=value lines, values possibly shell-quoted."""
    values = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        try:
            words = shlex.split(value)
        except ValueError:
            words = [value.strip("\"'")]
        values[key.strip()] = words[0] if words else ""
    return values


def parse_kernel_config(text):
    config = {}
    for line in text.splitlines():
        match = re.match(r"(CONFIG_\w+)=(.*)$", line)
        if match:
            value = match.group(2)
            if len(value) >= 2 and value[0] == value[-1] == '"':
                value = value[1:-1]
            config[match.group(1)] = value
    return config
