"""Allow `python -m kiosk` as well as the `kiosk` command."""

from kiosk.cli.main import main

raise SystemExit(main())
