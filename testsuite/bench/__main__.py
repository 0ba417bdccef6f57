"""python -m testsuite.bench [--list] [--quick] [SECTION...]"""

import argparse
import os
import sys

# The project must be importable however this is started.
PROJECT_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if PROJECT_DIR not in sys.path:
    sys.path.insert(0, PROJECT_DIR)

from testsuite.bench import Report, run_sections, section_names  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m testsuite.bench",
                                     description="Run stap5's benchmarks.")
    parser.add_argument("sections", nargs="*", metavar="SECTION",
                        help="sections to run (default: all)")
    parser.add_argument("--list", action="store_true", help="list the sections and exit")
    parser.add_argument("--quick", action="store_true",
                        help="short runs: fewer repetitions, smaller inputs")
    args = parser.parse_args(argv)
    known = section_names()
    if args.list:
        for name in known:
            print(name)
        return 0
    unknown = [name for name in args.sections if name not in known]
    if unknown:
        parser.error("no such section: %s (sections: %s)" % (", ".join(unknown),
                                                             ", ".join(known)))
    failed = run_sections(args.sections or known, Report(), quick=args.quick)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
