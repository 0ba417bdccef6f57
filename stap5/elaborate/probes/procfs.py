"""`procfs` probes: files under /proc/systemtap/MODULE/.

procfs("name").read runs when the file is read and gives the reader what
the handler stores in `$value`; procfs("name").write runs when it is
written, with the written data in `$value`.  `.maxsize(N)` bounds a read
buffer, `.umask(N)` sets the file mode.  Without a name the file is
called "command".

params: `path` (under /proc/systemtap/MODULE/), `write` (bool), `maxsize`
(None when not given), `mode` (the file's permission bits from `.umask`; 0
without it: 0400 for reading, 0200 for writing, as in 4.8).
"""

from stap5.diagnostics import StapError
from stap5.elaborate.errors import SemanticError
from stap5.elaborate.probes.registry import ProbeFamily, RuntimeTable

PROCFS = RuntimeTable("procfs", "probes/procfs.c", order=10)

_SHAPES = []
for _prefix in ("procfs", "procfs(string)"):
    for _umask in ("", ".umask(number)"):
        _SHAPES += [_prefix + _umask + ".read", _prefix + _umask + ".read.maxsize(number)",
                    _prefix + _umask + ".write"]


class ProcfsProbe(ProbeFamily):
    name = "procfs"
    patterns = tuple(_SHAPES)
    runtime = PROCFS

    def derive(self, elab, point, args):
        path = args.get("procfs", "command")
        if path is None:
            path = "command"
        tok = point.components[0].tok
        if path.startswith("/"):
            raise StapError("procfs path cannot start with a '/'", tok, kind="semantic error")
        if path == "" or path.endswith("/"):
            raise StapError("procfs path cannot end with a '/'", tok, kind="semantic error")
        for part in path.split("/"):
            if part == "":
                raise StapError("procfs path component cannot be empty", tok,
                                kind="semantic error")
            if part in (".", ".."):
                raise StapError("procfs path cannot be relative (and contain '.' or '..')",
                                tok, kind="semantic error")
        maxsize = args.get("maxsize")
        if "maxsize" in args and (maxsize is None or maxsize <= 0):
            raise StapError("maxsize must be greater than 0", None, kind="semantic error")
        umask = args.get("umask")
        write = "write" in args
        mode = 0o200 if write else 0o400      # (4.8's: for the owner only)
        if umask is not None:
            mode = (0o666 & ~umask) & (0o222 if write else 0o444)
        params = {"path": path, "write": write, "maxsize": maxsize, "mode": mode}
        return [(point, params)]

    def c_fields(self, probe):
        params = probe.params
        return {"path": params["path"], "maxsize": params.get("maxsize") or 0,
                "mode": params["mode"], "write": params["write"]}

    def check_group(self, probes):
        # A file has one content: one read handler (any number may write).
        readers = set()
        for probe in probes:
            if probe.params["write"]:
                continue
            path = probe.params["path"]
            if path in readers:
                raise SemanticError('only one read procfs probe can exist for procfs path "%s"'
                                    % path)
            readers.add(path)


FAMILIES = [ProcfsProbe()]
