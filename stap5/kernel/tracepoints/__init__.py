"""The tracepoints of a target kernel, with their parameters as typed
variables.

    table = tracepoint_table(target)     # TracepointTable, or raises LookupError
    table.all()                          # [Tracepoint], by "system:name"
    table.match("sched:sched_*")         # "name", "system:name", wildcards
    table.scope(tp)                      # its Scope: $prev, $next... as ("arg", i)

Which tracepoints exist, in which system and with which parameter names
comes from the kernel's trace-event headers (headers.py, read with the
small preprocessor of minicpp.py and the macros of what each includes,
includes.py); a header that includes a file the headers tree lacks (a
subsystem's private header) is skipped.  Parameter types come from the
kernel's BTF, which has a `btf_trace_<name>` prototype for every
tracepoint built into the kernel; for the others (modules' tracepoints)
from the header's TP_PROTO, with the names it uses looked up in BTF.  Both
spell types as stap does.

The scan of ~170 headers and the ~1300 files they include takes a few
seconds; its result is kept in the cache, keyed by the headers' tree, its
configuration and the BTF.
"""

import fnmatch
import hashlib
import os

from stap5.kernel import cache
from stap5.kernel.btf import kernel_btf
from stap5.kernel.location import VALUE, Location, Variable
from stap5.kernel.scope import Scope
from stap5.kernel.tracepoints import headers as header_scan
from stap5.kernel.tracepoints import minicpp
from stap5.kernel.tracepoints.declarations import DeclarationError, parse_parameter
from stap5.kernel.tracepoints.includes import IncludeTree

_TABLE_VERSION = 2


class Tracepoint:
    """One tracepoint: `parameters` is [(name, declaration text)];
    `spellings` the types as -L shows them; `type_macros` the object-like
    macros its declarations spell types with."""

    def __init__(self, system, name, header, parameters, spellings, type_macros, position):
        self.position = position        # among its header's tracepoints
        self.system = system
        self.name = name
        self.header = header
        self.parameters = parameters
        self.spellings = spellings
        self.type_macros = type_macros

    @property
    def full_name(self):
        return "%s:%s" % (self.system, self.name)

    def __repr__(self):
        return "<Tracepoint %s>" % self.full_name


class TracepointScope(Scope):
    """A tracepoint probe's view: its parameters, each the ("arg", i) of
    the tracepoint's callback (after its private data pointer).  `source`
    "btf" when the types are the kernel's prototype, "headers" when they
    were read from the header's TP_PROTO."""

    def __init__(self, target, tracepoint, variables, types, source, origin):
        self.target = target
        self.tracepoint = tracepoint
        self._variables = variables
        self.types = types
        self.source = source
        self.origin = origin

    def parameters(self):
        return list(self._variables)

    def constant(self, name):
        if name == "$$name":
            return self.tracepoint.name
        if name == "$$system":
            return self.tracepoint.system
        return None

    def find_type(self, name, module=None):
        from stap5.kernel.btf import find_kernel_type
        return find_kernel_type(self.target, name, module)

    def unavailable_reason(self, name):
        # 4.8's words; its alternatives: the closest first, ties by name.
        from stap5.elaborate.similar import levenshtein
        names = ["$$name", "$$parms", "$$vars"] + ["$" + v.name for v in self._variables]
        ranked = sorted(sorted(names), key=lambda n: levenshtein("$" + name, n))
        return "unable to find tracepoint variable '$%s' (alternatives: %s)" % (
            name, ", ".join(ranked))


class TracepointTable:
    def __init__(self, target, tracepoints):
        self.target = target
        self.tracepoints = sorted(tracepoints, key=lambda tp: tp.full_name)
        self._scopes = {}

    def all(self):
        return list(self.tracepoints)

    def names(self):
        return [tp.name for tp in self.tracepoints]

    def of_header(self, header):
        """The tracepoints a header declares, in its order."""
        return sorted((tp for tp in self.tracepoints if tp.header == header),
                      key=lambda tp: tp.position)

    def match(self, pattern):
        """The tracepoints `pattern` names: "name" or "system:name", each
        part a glob."""
        if ":" in pattern:
            system, name = pattern.split(":", 1)
        else:
            system, name = "*", pattern
        return [tp for tp in self.tracepoints
                if fnmatch.fnmatchcase(tp.system, system) and fnmatch.fnmatchcase(tp.name, name)]

    def scope(self, tracepoint):
        found = self._scopes.get(tracepoint.full_name)
        if found is None:
            types = kernel_btf(self.target)
            ctypes, from_btf = parameter_types(
                tracepoint.name, [text for _name, text in tracepoint.parameters], types,
                tracepoint.type_macros.get)
            variables = [Variable(name, ctype_, Location(VALUE, [("arg", index)]),
                                  is_parameter=True)
                         for index, ((name, _text), ctype_)
                         in enumerate(zip(tracepoint.parameters, ctypes))]
            if from_btf:
                source, origin = "btf", types.btf.origin
            else:
                source, origin = "headers", tracepoint.header
            found = self._scopes[tracepoint.full_name] = TracepointScope(
                self.target, tracepoint, variables, types, source, origin)
        return found


def parameter_types(name, declarations, types, type_macro):
    """([CType] of a tracepoint's parameters, whether from BTF): BTF's
    prototype when the kernel has one of this arity, else the header's
    declarations."""
    if types is not None:
        prototype = types.typedef("btf_trace_" + name)
        if prototype is not None and prototype.is_pointer:
            params = getattr(prototype.strip().target, "params", None)
            if params is not None and len(params) == len(declarations) + 1:
                return params[1:], True     # after the callback's void *__data
    return [parse_parameter(minicpp.tokenize(text), types, type_macro)[1]
            for text in declarations], False


_tables = {}


def tracepoint_table(target):
    """The TracepointTable of a KernelTarget (remembered); LookupError with
    a user message when the kernel's trace headers cannot be found."""
    key = (target.release, target.build_tree)
    if key not in _tables:
        _tables[key] = _load(target)
    return _tables[key]


def _load(target):
    source = target.source_tree()
    files = header_scan.header_files(source, target.arch) if source else []
    if not files:
        raise LookupError("no tracepoint headers found for kernel %s (looked in %s): install "
                          "its headers (on Debian: linux-headers-%s)"
                          % (target.release, source or target.build_tree, target.release))
    types = kernel_btf(target)
    autoconf = os.path.join(target.build_tree, "include/generated/autoconf.h")
    key = _cache_key(files, autoconf, types)
    path = cache.path("tracepoints", "%s.pickle" % key)
    tracepoints = cache.load_pickle(path)
    if tracepoints is None:
        tracepoints = _scan(target, source, files, autoconf, types)
        cache.store_pickle(path, tracepoints)
    return TracepointTable(target, tracepoints)


def _cache_key(files, autoconf, types):
    digest = hashlib.sha1(str(_TABLE_VERSION).encode())
    for path in files + [autoconf]:
        try:
            st = os.stat(path)
            digest.update(("%s\0%d\0%d\0" % (path, st.st_size, st.st_mtime_ns)).encode(
                "utf-8", "surrogateescape"))
        except OSError:
            digest.update(path.encode("utf-8", "surrogateescape"))
    digest.update((types.btf.digest if types is not None else "no BTF").encode())
    return digest.hexdigest()[:32]


def _scan(target, source, files, autoconf, types):
    try:
        with open(autoconf) as f:
            config = header_scan.read_config(f.read())
    except OSError:
        config = {}
    tree = IncludeTree(source, target.build_tree, header_scan.arch_dir(target.arch))
    found = {}
    for path in files:
        for tracepoint in _header_tracepoints(path, tree, config, types):
            found.setdefault(tracepoint.full_name, tracepoint)
    return list(found.values())


def _header_tracepoints(path, tree, config, types):
    """The tracepoints of one header, or none when it includes a file the
    headers tree lacks (a subsystem's private header: its types cannot be
    known, and SystemTap cannot compile it either)."""
    with open(path, errors="replace") as f:
        text = f.read()
    closure = tree.closure(path)
    others = closure - {path}

    def external(name):
        return tree.macro(name, others)

    includes = []
    tokens = minicpp.preprocess(text, config, header_scan.PREDEFINED, external, includes)
    for quoted, name in includes:
        if tree.resolve(name, quoted, path) is None:
            return []
    tracepoints = []
    for position, declared in enumerate(
            header_scan.scan_tokens(tokens, header_scan.trace_system(text), path)):
        parameters, macros = [], {}

        def type_macro(name):
            body = tree.macro(name, closure)
            if body is not None:
                macros[name] = body
            return body

        for declaration in declared.parameters:
            try:
                name, _type = parse_parameter(declaration, types, type_macro)
            except DeclarationError:
                return []
            parameters.append((name, " ".join(t.text for t in declaration)))
        spellings = [t.spelling() for t in parameter_types(
            declared.name, [text for _name, text in parameters], types, macros.get)[0]]
        tracepoints.append(Tracepoint(declared.system, declared.name, path, parameters,
                                      spellings, macros, position))
    return tracepoints

