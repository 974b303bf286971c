"""The `kiosk` command: run, content check, screenshot; later issues add verbs."""
