"""stap5's benchmarks: `python -m testsuite.bench [--list] [SECTION...]`
(`make bench` runs them all).

A section is a module of this package (not starting with `_` or `test_`)
with a docstring, whose first line is its title, and a function

    def run(report, quick=False): ...

that measures things and hands them to `report.add(name, value, unit,
note="")` or prints a table with `report.table(header, rows)`.  `quick`
asks for a short run (fewer repetitions, smaller inputs).  A section may
instead define `run(out)` and print its results to `out` itself.
Sections run in name order; a section that cannot run here (say, stap 4.8
is not installed) calls `report.skip(reason)`.

Benchmarks measure; they assert nothing about speed.
"""

import importlib
import inspect
import os
import pkgutil
import sys
import time


def fresh_cache():
    """An empty stap5 cache directory, but with the parser's LALR tables
    (a one-time cost that is no pass's)."""
    import shutil
    import tempfile
    from stap5.parse import parser
    parser.lr_parser()
    directory = tempfile.mkdtemp(prefix="stap5-bench-")
    tables = parser._table_file()
    if tables and os.path.exists(tables):
        shutil.copy(tables, os.path.join(directory, parser.TABLE_FILE_NAME))
    return directory


class SectionSkipped(Exception):
    pass


class Report:
    """What the sections measured, printed as they go."""

    def __init__(self, out=None):
        self.out = out or sys.stdout
        self.results = []           # (section, name, value, unit, note)
        self.section = None

    def begin(self, name, title):
        self.section = name
        self.out.write("\n== %s: %s\n" % (name, title))
        self.out.flush()

    def add(self, name, value, unit, note=""):
        self.results.append((self.section, name, value, unit, note))
        if isinstance(value, float):
            shown = "{:,.0f}".format(value) if abs(value) >= 100 else "%.3g" % value
        else:
            shown = "{:,}".format(value) if isinstance(value, int) else str(value)
        self.out.write("  %-48s %12s %-10s %s\n" % (name, shown, unit, note))
        self.out.flush()

    def table(self, header, rows):
        rows = [[str(cell) for cell in row] for row in rows]
        widths = [max(len(str(h)), *(len(row[i]) for row in rows)) if rows else len(str(h))
                  for i, h in enumerate(header)]
        for row in [list(map(str, header))] + rows:
            self.out.write("  " + "  ".join(cell.rjust(w) if i else cell.ljust(w)
                                            for i, (cell, w) in enumerate(zip(row, widths)))
                           + "\n")
        self.out.flush()

    def skip(self, reason):
        raise SectionSkipped(reason)


def section_names():
    here = os.path.dirname(os.path.abspath(__file__))
    return sorted(info.name for info in pkgutil.iter_modules([here])
                  if not info.name.startswith(("_", "test_")))


def load_section(name):
    return importlib.import_module("%s.%s" % (__name__, name))


def _call(run, report, quick):
    parameters = inspect.signature(run).parameters
    if "report" in parameters:
        run(report, quick=quick) if "quick" in parameters else run(report)
    else:
        run(out=report.out)


def run_sections(names, report, quick=False):
    """Run sections; returns the names of those that failed."""
    failed = []
    for name in names:
        module = load_section(name)
        title = (module.__doc__ or name).strip().splitlines()[0]
        report.begin(name, title)
        started = time.monotonic()
        try:
            _call(module.run, report, quick)
        except SectionSkipped as skipped:
            report.out.write("  skipped: %s\n" % skipped)
        except Exception as exc:        # one broken section does not stop the others
            report.out.write("  FAILED: %s: %s\n" % (type(exc).__name__, exc))
            failed.append(name)
        report.out.write("  (%.1f s)\n" % (time.monotonic() - started))
    return failed
