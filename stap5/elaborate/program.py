"""What pass 2 produces: the elaborated program that pass 3 translates.

Pass 2 annotates the syntax tree in place and gathers the result here
(this is the contract with pass 3):

* `Program`: `files` (StapFiles in use: the user's first, then library
  files in the order they joined), `globals` (unique name -> VarSymbol, in
  order of first use), `functions` (name -> the FunctionDecl overloads in
  use; `used_functions()` lists them all, in stap's order), `probes`
  (DerivedProbe list, in stap's order) and `embeds` (top-level `%{ %}`).
* every variable reference (`ast.Symbol`, the base of `ast.ArrayIndex`,
  the array of `ast.ArrayIn`/`ForeachLoop`) gets `.referent`, a VarSymbol
  (global, local or function parameter);
* every `ast.FunctionCall` gets `.referents`, the overloads it may run in
  order (a later one runs when an earlier one executes `next`), and
  `.referent`, the first of them;
* every expression gets `.type`: "long", "string", "stats" or None (none
  found, which for a function's return means "void");
* a FunctionDecl in use gets `file` (its StapFile), `locals` (name ->
  VarSymbol), `param_symbols` (name -> VarSymbol; each Param also has
  `.symbol`), `inferred_type`, `overload_index`; `embedded` and `pragmas`
  come from pass 1.  `function_unique_name(f)` is stap's mangled name;
* a `PrintFormat` with a format gets `.directives` (stap5.parse.print_format);
* procfs `$value` has become calls of embedded-C functions of the program
  (procfs_value.py), as in 4.8;
* each probe point becomes one or more DerivedProbe, with its body (alias
  prologues and epilogues merged in, the point's condition checked first
  as `if (!(cond)) next`), its family (`.family.name`: "begin", "end",
  "error", "never", "timer", "timer.jiffies", "timer.profile", "kprobe",
  "kprobe.statement", "procfs"), its family-specific `params` (documented
  in each family's module), its locals and its `condition` (None, or the
  expression, still there for pass 3 to arm/disarm the probe).  A probe
  made up by pass 2 has `synthetic` set: the `end` probes printing unread
  globals (`global_display` is the VarSymbol shown) and the `begin` probe
  stap adds when conditions read variables (`condition_initializer`, with
  `condition_probes`, see conditions.py).
"""

LONG = "long"
STRING = "string"
STATS = "stats"


class VarSymbol:
    """A variable: a script global, a probe/function local, or a parameter."""

    def __init__(self, name, scope, tok, decl=None):
        self.name = name
        self.scope = scope              # "global", "local" or "param"
        self.tok = tok                  # where it was declared or first seen
        self.decl = decl                # VarDecl for declared globals
        self.type = None
        self.index_types = None         # None for a scalar, [types...] for an array
        self.arity = None               # number of indexes, None while unknown
        self.arity_tok = None           # where the arity was first seen
        self.synthetic = False          # made up by stap5 (never elided, no warnings)
        self.maxsize = getattr(decl, "maxsize", None)
        self.wrap = bool(getattr(decl, "wrap", False))
        self.init = getattr(decl, "init", None)
        if self.init is not None:
            # declared by its initializer, as stap's parser types it (not
            # "inferred": a clash names no place of first inference)
            self.type = STRING if isinstance(self.init.value, str) else LONG
        self.private_file = None        # set for `private` globals: their file
        self.from_cmdline = False       # -G sets its initial value
        self.read = False               # some expression reads it
        self.written = False            # some expression writes it

    @property
    def is_array(self):
        return self.index_types is not None

    def set_arity(self, arity, tok):
        """Settle how many indexes the variable takes (-1: no information);
        a different number than before is stap's "inconsistent arity"."""
        from stap5.elaborate.errors import SemanticError
        if arity < 0:
            return
        if arity == 0 and self.maxsize:
            raise SemanticError("inconsistent arity", self.tok)
        if self.arity is not None and self.arity != arity:
            chain = None
            if self.arity_tok is not None:
                chain = SemanticError("arity %d first inferred here" % self.arity,
                                      self.arity_tok, similar="arity %s first inferred here")
            raise SemanticError("inconsistent arity (%d vs %d)" % (self.arity, arity),
                                tok or self.tok, chain, similar="inconsistent arity (%s vs %d)")
        if self.arity != arity:
            self.arity_tok = tok
            self.arity = arity
            self.index_types = [None] * arity if arity else None

    @property
    def unique_name(self):
        """The name stap's -p2 dump and our C code use for a global."""
        if self.scope != "global" or getattr(self, "raw_unique_name", False):
            return self.name
        if self.private_file is not None:
            return "__private_%s_%s" % (mangle_file_name(self.private_file), self.name)
        return "__global_" + self.name

    def __repr__(self):
        return "VarSymbol(%s %s:%s%s)" % (self.scope, self.name, self.type,
                                         "" if self.index_types is None
                                         else " %r" % self.index_types)


def mangle_file_name(path):
    """`/tmp/foo.stp` -> `_tmp_foo_stp`, as stap names privates of a file."""
    import re
    return re.sub(r"[^A-Za-z0-9_]", "_", path)


def function_unique_name(function):
    """stap's unique name of a function overload (`__global_f__overload_0`,
    `__private_FILE_f__overload_0`); functions sort by it in the dump."""
    given = getattr(function, "unique_name", None)
    if given is not None:
        return given                # made up by pass 2, named once and for all
    index = getattr(function, "overload_index", 0)
    if function.private:
        return "__private_%s_%s__overload_%d" % (
            mangle_file_name(function.file.name), function.name, index)
    return "__global_%s__overload_%d" % (function.name, index)


class DerivedProbe:
    """One concrete probe: a probe point of a family, with its handler."""

    def __init__(self, point, family, body, decl, chain, condition=None):
        self.point = point              # ast.ProbePoint, fully resolved
        self.family = family            # the ProbeFamily instance
        self.body = body                # ast.Block (this probe's own copy)
        self.decl = decl                # the user's (or tapset's) ProbeDecl
        self.chain = chain              # derivation, for the -p2 comment
        self.condition = condition      # `if (expr)` of the point, or None
        self.locals = {}                # name -> VarSymbol, in order of appearance
        self.params = {}                # family-specific settings (interval, symbol...)
        # What the probe's handler sees of the probed code ($var, @cast...):
        # a stap5.kernel.scope.Scope, or None for families without one.
        self.scope = None
        self.index = 0                  # position among the program's probes
        self.probe_tok = None           # the `probe` keyword, or the alias use
        self.synthetic = False          # made up by stap5 (global display...)
        # The script-level point it comes from, wildcards resolved (what
        # pn() gives: `myalias` where pp() gives `timer.ms(10)`).
        self.script_point = point
        # The point as its family matched it, aliases expanded (perf shows
        # `hz(100)` there, `sample(100)` in the derived point).
        self.matched_point = point

    @property
    def tok(self):
        return self.probe_tok or self.point.tok

    def __repr__(self):
        return "DerivedProbe(%s)" % self.family.name


class Program:
    """The elaborated script."""

    def __init__(self):
        self.files = []                 # StapFile: user files first, then library
        self.globals = {}               # unique key -> VarSymbol, in resolution order
        self.functions = {}             # name -> [FunctionDecl overloads], as resolved
        self.probes = []                # DerivedProbe, in order
        self.embeds = []                # top-level %{ %} of the files in use

    def used_functions(self):
        """Functions in stap's order: by unique name."""
        every = [f for overloads in self.functions.values() for f in overloads]
        every.sort(key=function_unique_name)
        return every
