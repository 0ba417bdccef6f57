"""What a tapset directory declares, read straight from its files.

Good enough for our tests (and for 4.8's library): `function` declarations
at the start of a line, the `/** ... */` comment just before them, and the
pragmas of their embedded-C bodies.  Files for other architectures and
runtimes (bpf, dyninst) are left out, as stap leaves them out here.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

OTHER_ARCHES = {"arm", "arm64", "i386", "ia64", "mips", "powerpc", "riscv", "s390",
                "bpf", "dyninst"}
PRAGMAS = {"pure", "unprivileged", "myproc-unprivileged", "guru", "stable"}

_DECLARATION = re.compile(
    r"^function\s+(?P<name>\w+)\s*(?::\s*(?P<type>\w+))?\s*\((?P<params>[^)]*)\)"
    r"(?P<rest>[^\n]*)", re.M)
_DOC = re.compile(r"/\*\*(?P<body>(?:(?!\*/).)*)\*/\s*$", re.S)


@dataclass
class Function:
    name: str
    rettype: str                 # "" when not declared
    params: list                 # [(name, type or "")]
    path: Path
    embedded: bool
    pragmas: set = field(default_factory=set)
    doc: str = None              # the /** */ comment right before, if any
    conditional: bool = False    # a %( %) picks its body (4.8 has a few)

    @property
    def key(self):
        return (self.name, len(self.params))

    @property
    def private(self):
        return self.name.startswith("_")


def tapset_files(root):
    root = Path(root)
    for path in sorted(root.rglob("*.stp")):
        if OTHER_ARCHES.isdisjoint(path.relative_to(root).parts[:-1]):
            yield path


def _params(text):
    params = []
    for item in text.split(","):
        item = item.strip()
        if item:
            name, _, ptype = item.partition(":")
            params.append((name.strip(), ptype.strip()))
    return params


def functions(root):
    """Every function declared under `root` (all overloads, in file order)."""
    found = []
    for path in tapset_files(root):
        text = path.read_text(errors="replace")
        for match in _DECLARATION.finditer(text):
            after = text[match.end("params"):match.end("params") + 400]
            # The body starts at the first %{ or { after the parameters
            # (4.8 sometimes puts a %( conditional in between).
            body_start = re.search(r"%\{|\{", after)
            conditional = bool(body_start) and "%(" in after[:body_start.start()]
            embedded = bool(body_start) and body_start.group(0) == "%{"
            pragmas = set()
            if embedded:
                body = text[match.end("params") + body_start.end():]
                body = body[:body.find("%}")]
                pragmas = set(re.findall(r"/\*\s*([a-z_-]+)\s*\*/", body)) & PRAGMAS
            else:
                # Script functions may carry pragma comments on their first line.
                pragmas = set(re.findall(r"/\*\s*([a-z_-]+)\s*\*/", match.group("rest"))) \
                    & PRAGMAS
            doc = _DOC.search(text[:match.start()])
            found.append(Function(match.group("name"), match.group("type") or "",
                                  _params(match.group("params")), path, embedded,
                                  pragmas, doc.group("body") if doc else None,
                                  conditional))
    return found


def calling_script(funcs, probe="never"):
    """A script calling each function once, with arguments of its types."""
    lines = ["probe %s {" % probe]
    seen = set()
    for f in funcs:
        if f.private or f.key in seen:
            continue
        seen.add(f.key)
        args = ", ".join('"s"' if ptype == "string" else "1" for _, ptype in f.params)
        call = "%s(%s)" % (f.name, args)
        lines.append("  println(%s)" % call if f.rettype else "  %s" % call)
    lines.append("}")
    return "\n".join(lines) + "\n"
