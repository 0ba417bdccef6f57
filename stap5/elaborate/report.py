"""Printing pass 2's diagnostics as stap does.

Warnings and errors come out in the order they were found.  Without -v a
message "similar" to one already printed (see errors.py) is only counted;
an error's chained explanation ("type was first inferred here") is shown
only the first time, even with -v.  The counts go to the run's Reporter
(stap5.diagnostics), which prints them once, at the end of the run, as
stap does:

    Pass 2: analysis failed.  [man error::pass2]
    Number of similar error messages suppressed: 3.
    Number of similar warning messages suppressed: 1.
    Rerun with -v to see them.
"""

import sys


class MessagePrinter:
    def __init__(self, verbose, reporter=None, out=None):
        from stap5.diagnostics import Reporter
        self.verbose = verbose
        self.reporter = reporter or Reporter()
        self.out = out or sys.stderr
        self._seen = set()
        self._links = set()

    def print(self, message):
        key = message.key()
        if key in self._seen and not self.verbose:
            if key[0] == "error":
                self.reporter.suppressed += 1
            else:
                self.reporter.suppressed_warnings += 1
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
