from stap5.cli import main

raise SystemExit(main())
