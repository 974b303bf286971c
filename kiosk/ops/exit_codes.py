"""Exit codes the kiosk process ends with, shared by the app, the supervisor and the service files.

A crash is any other non-zero code or a signal: supervisors restart it. EXIT_STAFF_QUIT means an admin closed
the kiosk on purpose, so neither `kiosk supervise` nor systemd (RestartPreventExitStatus=3) may bring it back.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_STAFF_QUIT = 3
