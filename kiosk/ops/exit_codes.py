"""Every exit code the `kiosk` command ends with, in one place: the verbs, the app, the supervisor, the service files.

A crash is any other non-zero code or a signal: supervisors restart it. EXIT_STAFF_QUIT means an admin closed
the kiosk on purpose, so neither `kiosk supervise` nor systemd (RestartPreventExitStatus=3) may bring it back.
docs/it/troubleshooting.md explains them to IT; tests/architecture/test_exit_codes.py keeps bare numbers out of
kiosk/cli.
"""

from __future__ import annotations

EXIT_OK = 0
# A verb ran and found problems (doctor's failed checks, a content page with errors): the person reads the report.
EXIT_PROBLEMS = 1
# What Python itself exits with after an uncaught error; the window verbs use it too, so a supervisor restarts them.
# The same number as EXIT_PROBLEMS: a crashed window and a verb's report are never told apart by code alone.
EXIT_CRASHED = 1
# What was typed, or the settings or database it names, needs fixing: one sentence on stderr says what to do.
EXIT_USAGE = 2
EXIT_STAFF_QUIT = 3
# `kiosk run` ending itself for its nightly restart ([maintenance] daily_restart): start it again at once. Not a
# crash: the supervisor does not count it towards its back-off, and systemd logs it as a success (SuccessExitStatus).
EXIT_RESTART_PLANNED = 75  # sysexits.h's EX_TEMPFAIL: "try again"
EXIT_FAULT = 70  # sysexits.h's EX_SOFTWARE: a fault in the kiosk program, not in what was typed
EXIT_INTERRUPTED = 130  # what shells report for Ctrl+C (128 + SIGINT)
EXIT_BROKEN_PIPE = 141  # what shells report for a program whose reader closed the pipe (128 + SIGPIPE)
