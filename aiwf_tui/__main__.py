"""`python -m aiwf_tui` runs the `aiwf` command."""

from aiwf_tui.cli import main

raise SystemExit(main())
