"""Pass 2: elaboration.  `elaborate(session, pass1_result)` returns a
Pass2Result: the elaborated program pass 3 translates, and the messages
the driver prints."""

from stap5.elaborate.elaborator import Elaborator


class Pass2Result:
    def __init__(self, program, messages, errors, warnings):
        self.program = program          # elaborate/program.py: Program
        self.messages = messages        # errors and warnings, in stap's order
        self.errors = errors            # SemanticError
        self.warnings = warnings        # SemanticWarning

    @property
    def failed(self):
        return bool(self.errors)


def elaborate(session, pass1_result):
    elab = Elaborator(session, pass1_result)
    elab.run(pass1_result.user_files)
    return Pass2Result(elab.program, elab.messages, elab.errors, elab.warnings)
