"""The reference manual pages made from the sources: stap5funcs(3stap) and
stap5probes(3stap), like 4.8's stapfuncs(3stap) and stapprobes(3stap).

    python3 -m stap5.doc.manpages OUTDIR [--tapsets DIR]

writes, into OUTDIR, the generated pages (from man/*.j2: the tapset
library's doc comments, and the probe shapes of stap5's built-in families)
and copies the hand-written ones (man/*.1, man/*.8, their @VERSION@ filled in). The package builds
(debian/rules, stap5.spec) and `make man` run it.
"""

import argparse
import os
import re
import sys

import stap5
from stap5.doc.tapset_docs import read_library
from stap5.session import DEFAULT_TAPSET_DIR, PROJECT_DIR

MAN_DIR = os.path.join(PROJECT_DIR, "man")
GENERATED = ("stap5funcs.3stap", "stap5probes.3stap")

# Titles of the refused families that do not carry one (`what`).
REFUSED_TITLES = {"dwarf": "DWARF probes (they need the kernel's debuginfo)"}

# Probe families by the first component of their points, in the page's order.
FAMILY_GROUPS = [
    ("begin", "begin, end, error, never", ("begin", "end", "error", "never")),
    ("timer", "timer", ("timer",)),
    ("kprobe", "kprobe", ("kprobe",)),
    ("procfs", "procfs", ("procfs",)),
]


def roff(text):
    """Text safe in a roff line: backslashes escaped, no line taken for a request."""
    text = str(text).replace("\\", "\\e")
    lines = []
    for line in text.split("\n"):
        if line.startswith((".", "'")):
            line = "\\&" + line
        lines.append(line)
    return "\n".join(lines)


def roff_quoted(text):
    """Text inside a "quoted" macro argument."""
    return roff(text).replace('"', '\\(dq')


def doc_text(text, params=()):
    """A doc comment's prose: roff-safe, its @arg references in italics."""
    text = roff(text)
    for name, _ in params:
        text = re.sub(rf"@{name}\b", rf"\\fI{name}\\fR", text)
    return text


def _environment():
    import jinja2
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(MAN_DIR), trim_blocks=True,
                             lstrip_blocks=True, keep_trailing_newline=True,
                             undefined=jinja2.StrictUndefined)
    env.filters["roff"] = roff
    env.filters["roff_quoted"] = roff_quoted
    env.filters["doc_text"] = doc_text
    return env


def probe_groups():
    """The built-in probe shapes (as --dump-probe-types lists them), grouped:
    (the groups stap5 runs, the groups it recognizes but refuses in pass 2)."""
    from stap5.elaborate.probes import registry
    families = registry().families
    supported, seen = [], set()
    for name, title, heads in FAMILY_GROUPS:
        mine = sorted({p for f in families for p in f.patterns
                       if p.split(".")[0].split("(")[0] in heads})
        seen.update(mine)
        supported.append({"name": name, "title": title, "patterns": mine})
    refused = []
    for family in families:
        mine = sorted(set(family.patterns) - seen)
        if mine:
            seen.update(mine)
            refused.append({"name": family.name,
                            "title": getattr(family, "what", None) or
                            REFUSED_TITLES.get(family.name, f"{family.name} probes"),
                            "patterns": mine})
    return supported, refused


def render(tapset_dir=DEFAULT_TAPSET_DIR, shown_tapset_dir=None):
    """{page name: roff text} of the generated pages; they name the library
    `shown_tapset_dir` (where it is installed), default `tapset_dir`."""
    tapsets = read_library(tapset_dir)
    for t in tapsets:
        t.entries.sort(key=lambda e: (e.name, e.synopsis))
    functions = [t for t in tapsets if any(e.kind == "function" for e in t.entries)]
    probes = sorted((e for t in tapsets for e in t.entries if e.kind == "probe"),
                    key=lambda e: e.name)
    supported, refused = probe_groups()
    common = {"version": stap5.__version__, "tapset_dir": shown_tapset_dir or tapset_dir}
    env = _environment()
    return {
        "stap5funcs.3stap": env.get_template("stap5funcs.3stap.j2").render(
            tapsets=functions,
            function_count=sum(e.kind == "function" for t in tapsets for e in t.entries),
            **common),
        "stap5probes.3stap": env.get_template("stap5probes.3stap.j2").render(
            families=supported, refused=refused, probes=probes, **common),
    }


def hand_written():
    """The pages written by hand: man/*.1 and man/*.8."""
    return sorted(os.path.join(MAN_DIR, name) for name in os.listdir(MAN_DIR)
                  if name.rsplit(".", 1)[-1] in ("1", "8"))


def write_all(outdir, tapset_dir=DEFAULT_TAPSET_DIR, shown_tapset_dir=None):
    os.makedirs(outdir, exist_ok=True)
    written = []
    for name, text in render(tapset_dir, shown_tapset_dir).items():
        path = os.path.join(outdir, name)
        with open(path, "w") as f:
            f.write(text)
        written.append(path)
    for page in hand_written():
        with open(page) as f:
            text = f.read().replace("@VERSION@", stap5.__version__)
        target = os.path.join(outdir, os.path.basename(page))
        with open(target, "w") as f:
            f.write(text)
        written.append(target)
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m stap5.doc.manpages",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("outdir")
    parser.add_argument("--tapsets", default=DEFAULT_TAPSET_DIR,
                        help="the tapset library to document (default: %(default)s)")
    parser.add_argument("--installed-tapsets", metavar="DIR",
                        help="where the pages say the library is (a package's install "
                             "path; default: --tapsets)")
    args = parser.parse_args(argv)
    if not os.path.isdir(MAN_DIR):
        print(f"manpages: no {MAN_DIR}: run this from stap5's source tree",
              file=sys.stderr)
        return 1
    for path in write_all(args.outdir, args.tapsets, args.installed_tapsets):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
