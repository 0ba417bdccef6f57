"""The corpus of pass-2 differential tests: scripts run with stap5 and with
SystemTap 4.8, whose status, stdout and stderr must agree.

`corpus/*.stp` are scripts that elaborate without the tapset library,
`errors/*.stp` scripts 4.8 refuses in pass 2, `tapset_corpus/*.stp`
scripts using 4.8's tapsets (syscall aliases, context functions...).
Each may start with comment lines giving what to run:

    # options: -g -u          extra options (shell words)
    # args: 10 foo            script arguments
    # modes: -p2 -p2v -p2u    the runs to compare (default: -p2 and -p2 -v)

Both run against 4.8's tapset library (SYSTEMTAP_TAPSET), so that both see
the same functions and aliases, from the corpus directory, with the script
given by its relative name (diagnostics then name the same file).
"""

import os
import shlex

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")
ERRORS = os.path.join(HERE, "errors")
TAPSETS = os.path.join(HERE, "tapset_corpus")
DIRECTORIES = (CORPUS, ERRORS, TAPSETS)
TAPSET48 = "/usr/share/systemtap/tapset"
ENV = {"SYSTEMTAP_TAPSET": TAPSET48}

MODES = {
    "-p2": ["-p2"],
    "-p2v": ["-p2", "-v"],
    "-p2u": ["-p2", "-u"],
    "-p2uv": ["-p2", "-u", "-v"],
    "-p2w": ["-p2", "-w"],
    "-p2W": ["-p2", "-W"],
}
DEFAULT_MODES = ("-p2", "-p2v")


class Case:
    def __init__(self, directory, name):
        self.directory = directory
        self.name = name
        self.options = []
        self.args = []
        self.modes = DEFAULT_MODES
        with open(os.path.join(directory, name), errors="surrogateescape") as f:
            for line in f:
                if not line.startswith("#"):
                    break
                key, _, value = line[1:].partition(":")
                key = key.strip()
                if key == "options":
                    self.options = shlex.split(value)
                elif key == "args":
                    self.args = shlex.split(value)
                elif key == "modes":
                    self.modes = tuple(value.split())

    def argv(self, mode):
        return MODES[mode] + self.options + [self.name] + self.args

    def __repr__(self):
        return self.name


def cases(directory):
    return [Case(directory, name) for name in sorted(os.listdir(directory))
            if name.endswith(".stp")]


def invocations(directory):
    """(case, mode) pairs, for pytest's parametrize."""
    return [(case, mode) for case in cases(directory) for mode in case.modes]
