"""procfs `$value`, rewritten as stap does it: into calls of small private
embedded-C functions of the file the `$value` was written in, copies of
the functions of stap5's tapsets/linux/procfs_value.stp (whatever library
the script uses: they go with stap5's runtime).

    read probes:   $value = e    ->  _procfs_value_setN(e)
                   $value .= e   ->  _procfs_value_appendN(e)
    write probes:  $value        ->  _procfs_value_getN()

N counts the uses rewritten in the whole script; the functions are named
after their file as stap names them (`__private__input___procfs_value_set1`
for a `-e` script), and the optimizer merges the identical ones, keeping
the first one's name, so that -p2 shows what 4.8 shows.  The program also
gets the embedded `#include "procfs-probes.h"` (runtime/procfs-probes.h),
after the other embedded code.

A misuse (reading $value in a read probe, `$value[0]`, `$foo`...) leaves
the node as it is, with the error 4.8 gives kept in `saved_error`: type
inference reports it as the reason the node stays unresolved.
"""

import os

from stap5.elaborate.errors import SemanticError
from stap5.elaborate.optimize.rewriter import Rewriter
from stap5.elaborate.program import mangle_file_name
from stap5.parse import ast
from stap5.session import DEFAULT_TAPSET_DIR

_INCLUDE = '#include "procfs-probes.h"'

# The functions copied, by kind: `__procfs_value_KIND` of this file.
MODEL_FILE = os.path.join(DEFAULT_TAPSET_DIR, "linux", "procfs_value.stp")


_READ_ONLY = "procfs $value variable is read-only in a procfs write probe"
_ASSIGN_OPERATORS = ("Only the following assign operators are implemented on procfs read "
                     "target variables: '=', '.='")


class ProcfsValues:
    """The rewriting of one elaboration (the counter is the script's)."""

    def __init__(self, elab):
        self.elab = elab
        self.count = 0
        self.first_probe = None
        self._models = None

    def rewrite_probe(self, probe):
        self.first_probe = self.first_probe or probe
        probe.body = _Rewrite(self, probe.params["write"]).required(probe.body)

    def add_include(self):
        """After every file's own embedded code, as stap has it."""
        if self.first_probe is not None:
            self.elab.program.embeds.append(ast.EmbeddedCode(_INCLUDE,
                                                             tok=self.first_probe.tok))

    def _model(self, kind):
        if self._models is None:
            stap_file = self.elab.library_file(MODEL_FILE)
            if stap_file is None:
                raise SemanticError("cannot read stap5's %s" % MODEL_FILE)
            self._models = {f.name: f for f in stap_file.functions}
        return self._models["__procfs_value_" + kind]

    def call(self, kind, tok, args):
        """A call of a new procfs-value function of tok's file."""
        self.count += 1
        model = self._model(kind)
        name = "__private_%s__procfs_value_%s%d" % (mangle_file_name(tok.file.name), kind,
                                                     self.count)
        function = ast.FunctionDecl(
            name, [ast.Param(param.name, param.type, tok=tok) for param in model.params],
            model.rettype, ast.EmbeddedCode(model.body.code, tok=tok), False, True,
            list(model.pragmas), tok=tok)
        function.file = tok.file
        function.overload_index = 0
        function.unique_name = name
        call = ast.FunctionCall(function.name, args, tok=tok)
        call.referent = function
        call.referents = [function]
        self.elab.use_function(function)
        return call


class _Rewrite(Rewriter):
    def __init__(self, values, write_probe):
        self.values = values
        self.write_probe = write_probe

    def visit_AssignmentExpr(self, node):
        return self._write(node, node.left)

    def visit_PreCrement(self, node):
        return self._write(node, node.operand)

    visit_PostCrement = visit_PreCrement

    def visit_TargetSymbol(self, node):
        misuse = _misuse(node)
        if misuse is not None:
            node.saved_error = SemanticError(*misuse)
            return self.generic(node)
        if not self.write_probe:
            node.saved_error = SemanticError("procfs $value variable cannot be read in a "
                                             "procfs read probe", node.tok)
            return node
        return self.values.call("get", node.tok, [])

    def visit_DefinedOp(self, node):
        """@defined($value) is whether $value may be used so, there."""
        operand = node.operand
        if not isinstance(operand, (ast.TargetSymbol, ast.TargetVars)):
            return self.generic(node)
        node.operand = self.replace(operand)
        node.resolved = node.operand is not operand
        return node

    def visit_TargetVars(self, node):
        node.saved_error = SemanticError("invalid target symbol for procfs probe, "
                                         "$value expected", node.tok)
        return self.generic(node)

    def _write(self, node, target):
        """An assignment or increment: of `$value`, a function call if it
        is `=` or `.=` in a read probe."""
        if not isinstance(target, ast.TargetSymbol) or _misuse(target):
            return self.generic(node)
        if self.write_probe:
            return self._refuse(node, target, _READ_ONLY)
        if not isinstance(node, ast.AssignmentExpr) or node.op not in ("=", ".="):
            return self._refuse(node, target, _ASSIGN_OPERATORS)
        value = self.replace(node.right)
        kind = "set" if node.op == "=" else "append"
        return self.values.call(kind, target.tok, [value])

    def _refuse(self, node, target, message):
        """Keep a wrong assignment or increment of `$value`, with the error
        on `$value` (whose own visit would say something else)."""
        target.saved_error = SemanticError(message, target.tok)
        if isinstance(node, ast.AssignmentExpr):
            node.right = self.replace(node.right)
        return node


def _misuse(target):
    """(message, token) of a target expression that is not plain `$value`."""
    if target.name != "$value":
        return "invalid target symbol for procfs probe, $value expected", target.tok
    if target.addressof:
        return "cannot take address of procfs variable", target.tok
    for component in target.components:
        if component.kind == "pretty":
            return "procfs variable '$value' may not be pretty-printed", target.tok
        if component.kind == "index":
            return "procfs variable '$value' may not be used as array", component.tok
        return ("procfs variable '$value' may not be used as a structure",
                getattr(component, "arrow_tok", component.tok))
    return None
