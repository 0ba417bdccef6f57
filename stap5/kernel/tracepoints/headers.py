"""The tracepoints a kernel's headers declare: which exist, in which
system (TRACE_SYSTEM), with which parameters (TP_PROTO).

    scan_header(text, config) -> [Declared]

The headers are the kernel's own trace-event headers (include/trace/events,
the architecture's asm/trace, RAS), as SystemTap reads them; each is read
alone with minicpp (its own macros expanded, #if evaluated against the
kernel's configuration).  Event classes (DECLARE_EVENT_CLASS) are not
tracepoints, nor are events compiled out (TRACE_EVENT_NOP); DECLARE_TRACE
tracepoints (no trace event, like sched's pelt_*_tp) are.
"""

import glob
import os
import re

from stap5.kernel.tracepoints import minicpp

# Macro -> (index of the event name, index of TP_PROTO) in its arguments.
_DECLARERS = {
    "TRACE_EVENT": (0, 1),
    "TRACE_EVENT_FN": (0, 1),
    "TRACE_EVENT_FN_COND": (0, 1),
    "TRACE_EVENT_CONDITION": (0, 1),
    "DECLARE_TRACE": (0, 1),
    "DECLARE_TRACE_CONDITION": (0, 1),
    "DEFINE_EVENT": (1, 2),
    "DEFINE_EVENT_FN": (1, 2),
    "DEFINE_EVENT_PRINT": (1, 2),
    "DEFINE_EVENT_CONDITION": (1, 2),
}

# Where the headers are, relative to the kernel's source tree.
HEADER_GLOBS = ("include/trace/events/*.h", "include/ras/*_event.h",
                "arch/{arch}/include/asm/trace/*.h", "arch/{arch}/include/asm/*-trace.h")

_ARCHES = {"x86_64": "x86", "i386": "x86", "i686": "x86", "aarch64": "arm64",
           "ppc64le": "powerpc", "s390x": "s390"}


class Declared:
    """A tracepoint as a header declares it: `parameters` is a list of
    token lists, one per TP_PROTO declaration."""

    def __init__(self, system, name, parameters, header):
        self.system = system
        self.name = name
        self.parameters = parameters
        self.header = header

    def __repr__(self):
        return "<Declared %s:%s>" % (self.system, self.name)


def arch_dir(arch):
    """The arch/ directory of a machine name (x86_64 -> x86)."""
    return _ARCHES.get(arch, arch)


def header_files(source_tree, arch):
    files = []
    for pattern in HEADER_GLOBS:
        files += sorted(glob.glob(os.path.join(source_tree, pattern.format(arch=arch_dir(arch)))))
    return files


_DEFINE_LINE = re.compile(r"#define\s+(CONFIG_\w+)\s+(.*)")


def read_config(autoconf_text):
    """CONFIG_* values from include/generated/autoconf.h."""
    config = {}
    for line in autoconf_text.splitlines():
        m = _DEFINE_LINE.match(line)
        if m:
            value = m.group(2).strip()
            config[m.group(1)] = int(value, 0) if re.fullmatch(r"-?\d+|0x[0-9a-fA-F]+",
                                                                value) else value
    return config


PREDEFINED = {"__KERNEL__": 1, "__x86_64__": 1, "__LP64__": 1, "__GNUC__": 12}


def scan_header(text, config, header="<header>"):
    """The tracepoints `text` declares (read alone: no macros from includes)."""
    tokens = minicpp.preprocess(text, config, PREDEFINED)
    return scan_tokens(tokens, trace_system(text), header)


def scan_tokens(tokens, system, header):
    """The tracepoints declared in preprocessed tokens."""
    found = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        where = _DECLARERS.get(token.text) if token.kind == "ident" else None
        if where is None or i + 1 >= len(tokens) or tokens[i + 1].text != "(":
            i += 1
            continue
        args, end = minicpp.split_call(tokens, i + 1)
        i = end
        name_index, proto_index = where
        if len(args) <= proto_index or len(args[name_index]) != 1:
            continue
        proto = _unwrap(args[proto_index], "TP_PROTO")
        if proto is None:
            continue
        found.append(Declared(system, args[name_index][0].text, _parameters(proto), header))
    return found


def trace_system(text):
    """TRACE_SYSTEM as the header defines it (headers define it once)."""
    m = re.search(r"^\s*#\s*define\s+TRACE_SYSTEM\s+(\S+)", text, re.MULTILINE)
    return m.group(1) if m else None


def _unwrap(tokens, macro):
    """The inside of MACRO(...) (or PARAMS(...), or the bare list)."""
    while tokens and tokens[0].text in (macro, "PARAMS") and len(tokens) > 1 \
            and tokens[1].text == "(":
        args, end = minicpp.split_call(tokens, 1)
        if end != len(tokens):
            return None
        inner = []
        for index, arg in enumerate(args):
            if index:
                inner.append(minicpp.Token("punct", ","))
            inner.extend(arg)
        tokens = inner
    return tokens


def _parameters(proto):
    """TP_PROTO's declarations, split at top-level commas; (void) is none."""
    if [t.text for t in proto] in ([], ["void"]):
        return []
    wrapped = [minicpp.Token("punct", "(")] + proto + [minicpp.Token("punct", ")")]
    return minicpp.split_call(wrapped, 0)[0]
