"""Running the kiosk on a clinic PC: logs, health checks, the watchdog, the supervisor and service files."""
