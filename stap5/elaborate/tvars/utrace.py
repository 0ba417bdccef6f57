"""Target variables of process probes (stap5/elaborate/probes/process.py),
as 4.8 expands them: calls of the tapset's readers of the task's user
registers (tapsets/linux/utrace.stp).

    $syscall    _utrace_syscall_nr()
    $argN       _utrace_syscall_arg(N - 1)      (N from 1 to 6)
    $return     _utrace_syscall_return()        (.syscall.return)

In .syscall.return, 4.8 saves $syscall at entry; the register it comes
from (orig_ax) still holds it at the return, so it is read there.
"""

from stap5.elaborate.errors import SemanticError
from stap5.elaborate.optimize.rewriter import Rewriter
from stap5.parse import ast


def expand(elab, probe, event):
    probe.body = _Expander(event).required(probe.body)


class _Expander(Rewriter):
    def __init__(self, event):
        self.event = event

    def visit_TargetSymbol(self, node):
        name = node.name[1:]
        tok = node.tok
        call = None
        if node.components:
            call = None
        elif name == "syscall":
            call = ast.FunctionCall("_utrace_syscall_nr", [], tok=tok)
        elif name == "return" and self.event == "syscall_return":
            call = ast.FunctionCall("_utrace_syscall_return", [], tok=tok)
        elif name.startswith("arg") and name[3:].isdigit() and 1 <= int(name[3:]) <= 6:
            call = ast.FunctionCall("_utrace_syscall_arg",
                                    [ast.Literal(int(name[3:]) - 1, tok=tok)], tok=tok)
        if call is None:
            node.saved_error = SemanticError("unknown target variable '$%s'" % name, tok)
            return node
        return call

    def visit_DefinedOp(self, node):
        operand = node.operand
        if isinstance(operand, ast.TargetSymbol):
            replaced = self.replace(operand)
            return ast.Literal(0 if getattr(replaced, "saved_error", None) else 1,
                               tok=node.tok)
        return self.generic(node)
