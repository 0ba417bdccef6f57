"""The documentation a tapset library carries in its doc comments.

A tapset file documents itself with kernel-doc style comments, read here
(see tapsets/README.md, "Writing a function"):

    // <tapsetdescription>
    // What the file's functions are about.
    // </tapsetdescription>

    /**
     * sfunction NAME - One line
     *
     * @arg: what it is
     *
     * Description: What it returns or does.
     */
    function NAME:TYPE (arg:TYPE) ...

and the same with "probe NAME - One line" before a probe alias. Only the
comments and the declaration right after each are read: nothing here parses
the script language.
"""

import os
import re
from dataclasses import dataclass, field

_DOC_BLOCK = re.compile(r"/\*\*\n(.*?)\*/\s*\n([^\n]*)", re.S)
_HEADER = re.compile(r"(sfunction|probe)\s+(\S+)\s+-\s+(.*)$")
_PARAM = re.compile(r"@(\w+):\s*(.*)$")
_SECTION = re.compile(r"(Description|Context|Returns|Arguments):\s*(.*)$")
_TAPSET_DESCRIPTION = re.compile(
    r"//\s*<tapsetdescription>\s*\n(.*?)//\s*</tapsetdescription>", re.S)


@dataclass
class Entry:
    kind: str                   # "function" or "probe"
    name: str
    summary: str                # the one line after "NAME -"
    declaration: str            # the line that follows the comment
    params: list = field(default_factory=list)      # [(name, text)]
    description: list = field(default_factory=list)  # paragraphs
    guru: bool = False
    source: str = ""            # the tapset file, relative to the library root

    @property
    def synopsis(self):
        """`strlen:long (s:string)` for a function, the point for a probe."""
        decl = self.declaration.strip()
        if self.kind == "function":
            decl = re.sub(r"^function\s+", "", decl)
            return decl[:decl.index(")") + 1] if ")" in decl else decl
        decl = re.sub(r"^probe\s+", "", decl)
        return re.split(r"\s*\+?=\s*", decl, maxsplit=1)[0]


@dataclass
class TapsetFile:
    path: str                   # relative to the library root
    description: str = ""       # the <tapsetdescription>, or ""
    entries: list = field(default_factory=list)


def _comment_lines(body):
    """The text of a /** */ block, one string per line, without the ' * '."""
    lines = []
    for line in body.splitlines():
        line = line.strip()
        if line.startswith("*"):
            line = line[1:]
            if line.startswith(" "):
                line = line[1:]
        lines.append(line.rstrip())
    return lines


def _paragraphs(lines):
    paragraphs, current = [], []
    for line in lines:
        if line.strip():
            current.append(line.strip())
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


def parse_entry(body, declaration, following=""):
    """An Entry from a doc comment's body and the declaration after it; None if the
    comment documents nothing we know (a plain C comment, say)."""
    lines = _comment_lines(body)
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        return None
    header = _HEADER.match(lines[0].strip())
    if not header:
        return None
    kind = "function" if header.group(1) == "sfunction" else "probe"
    entry = Entry(kind, header.group(2), header.group(3).strip(), declaration)
    rest = lines[1:]
    params, text = [], []
    current = None
    in_description = False
    for line in rest:
        stripped = line.strip()
        param = _PARAM.match(stripped)
        section = _SECTION.match(stripped)
        if param and not in_description:
            current = [param.group(1), param.group(2)]
            params.append(current)
        elif section and section.group(1) == "Description":
            in_description = True
            current = None
            text.append(section.group(2))
        elif in_description:
            text.append(line)
        elif current is not None and stripped:
            current[1] += " " + stripped
        elif not stripped:
            current = None
        else:
            text.append(line)       # prose before any Description: keep it
    entry.params = [(name, value.strip()) for name, value in params]
    entry.description = _paragraphs(text)
    entry.guru = "/* guru */" in following[:200]
    return entry


def parse_tapset(text, path=""):
    """The TapsetFile of one tapset file's text."""
    tapset = TapsetFile(path)
    described = _TAPSET_DESCRIPTION.search(text)
    if described:
        lines = [re.sub(r"^\s*//\s?", "", line) for line in described.group(1).splitlines()]
        tapset.description = " ".join(line.strip() for line in lines if line.strip())
    for match in _DOC_BLOCK.finditer(text):
        following = text[match.end(2):match.end(2) + 400]
        entry = parse_entry(match.group(1), match.group(2), match.group(2) + following)
        if entry is not None:
            entry.source = path
            tapset.entries.append(entry)
    return tapset


def read_library(root):
    """Every .stp file under `root` (stap's tapset directory layout), parsed, in
    path order; files without documented entries are left out."""
    tapsets = []
    for directory, subdirs, files in os.walk(root):
        subdirs.sort()
        for name in sorted(files):
            if not name.endswith(".stp"):
                continue
            path = os.path.join(directory, name)
            with open(path, encoding="utf-8", errors="replace") as f:
                tapset = parse_tapset(f.read(), os.path.relpath(path, root))
            if tapset.entries:
                tapsets.append(tapset)
    tapsets.sort(key=lambda t: (t.path.count("/"), t.path))
    return tapsets
