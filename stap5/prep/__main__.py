import sys

from stap5.prep.cli import main

sys.exit(main())
