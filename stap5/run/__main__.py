import sys

from stap5.run.staprun import main

sys.exit(main())
