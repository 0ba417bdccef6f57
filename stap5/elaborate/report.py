"""Printing pass 2's diagnostics as stap does.

Warnings and errors come out in the order they were found.  Without -v a
message "similar" to one already printed (see errors.py) is only counted;
an error's chained explanation ("type was first inferred here") is shown
only the first time, even with -v.  The counts are printed after the
pass's verdict:

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
        self._links = set()
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
        if key[0] != "error":
            self.out.write(message.render())
            return
        for position, link in enumerate(message.links()):
            if position:
                if link.similar in self._links:
                    continue
                self._links.add(link.similar)
            self.out.write(link.render_link())

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
