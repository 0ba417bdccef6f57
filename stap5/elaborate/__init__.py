"""Pass 2: elaboration.  `elaborate(session, pass1_result)` returns the
Elaborator, whose `program` pass 3 translates and whose `errors` and
`warnings` the driver prints."""

from stap5.elaborate.elaborator import Elaborator


def elaborate(session, pass1_result):
    elab = Elaborator(session, pass1_result)
    elab.run(pass1_result.user_files)
    return elab
