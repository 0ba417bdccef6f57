"""Printing pass 2's diagnostics as stap does.

Warnings and errors come out in the order they were found.  Without -v a
message "similar" to one already printed (see errors.py) is only counted;
the counts are printed after the pass's verdict:

    Pass 2: analysis failed.  [man error::pass2]
    Number of similar error messages suppressed: 3.
    Number of similar warning messages suppressed: 1.
    Rerun with -v to see them.
"""

import sys


class MessagePrinter:
    def __init__(self, verbose, out=None):
        self.verbose = verbose
        self.out = out or sys.stderr
        self._seen = set()
        self.suppressed_errors = 0
        self.suppressed_warnings = 0

    def print(self, message):
        key = message.key()
        if key in self._seen and not self.verbose:
            if key[0] == "error":
                self.suppressed_errors += 1
            else:
                self.suppressed_warnings += 1
            return
        self._seen.add(key)
        self.out.write(message.render() + ("\n" if key[0] == "error" else ""))

    def print_all(self, messages):
        for message in messages:
            self.print(message)

    def summary(self):
        """The suppressed-message counts, if any."""
        lines = []
        if self.suppressed_errors:
            lines.append("Number of similar error messages suppressed: %d.\n"
                         % self.suppressed_errors)
        if self.suppressed_warnings:
            lines.append("Number of similar warning messages suppressed: %d.\n"
                         % self.suppressed_warnings)
        if lines:
            lines.append("Rerun with -v to see them.\n")
        self.out.write("".join(lines))
