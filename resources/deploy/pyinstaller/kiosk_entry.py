"""Entry point of the PyInstaller bundle: the same `kiosk` command, frozen into clinic-kiosk/kiosk(.exe)."""

from kiosk.cli.main import main

raise SystemExit(main())
