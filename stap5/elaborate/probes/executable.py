"""Executables named by probe points (`.process("ls")`), found as stap
finds them: a name without a slash is looked up in $PATH, and a path that
exists is made canonical ("/bin/ls" -> "/usr/bin/ls"); anything else is
kept as written (a probe on a program not installed yet)."""

import os


def find_executable(name):
    if not name:
        return name
    if "/" not in name:
        for directory in os.environ.get("PATH", "").split(os.pathsep):
            candidate = os.path.join(directory or ".", name)
            if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
                name = candidate
                break
        else:
            return name
    if os.path.exists(name):
        return os.path.realpath(name)
    return name
