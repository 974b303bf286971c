"""A tiny org.freedesktop.ScreenSaver service for tests: prints each Inhibit/UnInhibit call on stdout.

Run as its own process on a private session bus (DBUS_SESSION_BUS_ADDRESS): `python -m tests.ops.fake_screensaver`.
"""

from __future__ import annotations

import sys

from kiosk.qt import ClassInfo, QCoreApplication, QDBusConnection, QObject, Slot

FIRST_COOKIE = 4242


# PySide6 documents the dict form (a key with a space), but its stub knows only keywords and no __call__.
@ClassInfo({"D-Bus Interface": "org.freedesktop.ScreenSaver"})  # type: ignore[call-arg]
class FakeScreenSaver(QObject):  # type: ignore[operator]  # (the decorator, as above)
    def __init__(self) -> None:
        super().__init__()
        self.cookie = FIRST_COOKIE - 1

    @Slot(str, str, result="uint")
    def Inhibit(self, application: str, reason: str) -> int:  # noqa: N802 (the D-Bus method's name)
        self.cookie += 1
        print(f"inhibit {self.cookie} {application}: {reason}", flush=True)
        return self.cookie

    @Slot("uint")
    def UnInhibit(self, cookie: int) -> None:  # noqa: N802 (the D-Bus method's name)
        print(f"uninhibit {cookie}", flush=True)


def main() -> int:
    app = QCoreApplication(sys.argv)
    bus = QDBusConnection.sessionBus()
    service = FakeScreenSaver()
    exported = bus.registerObject(
        "/org/freedesktop/ScreenSaver", service, QDBusConnection.RegisterOption.ExportAllSlots
    )
    if not (exported and bus.registerService("org.freedesktop.ScreenSaver")):
        print("could not register", flush=True)
        return 1
    print("ready", flush=True)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
