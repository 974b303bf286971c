"""Send Qt's own messages to the kiosk's log instead of the terminal."""

from __future__ import annotations

import logging

from kiosk.qt import QtMsgType, qInstallMessageHandler

log = logging.getLogger("qt")

# The off-screen platform (screenshots, headless runs) cannot pass size hints to a
# window manager it does not have; the message says nothing about the kiosk. Qt Multimedia, loaded with
# text-to-speech, looks for PipeWire before PulseAudio; speech-dispatcher plays its own sound either way.
HARMLESS = (
    "This plugin does not support propagateSizeHints()",
    "Couldn't load pipewire-0.3 library",
    "Couldn't resolve pipewire-0.3 symbols",
)

_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def _handle(kind: QtMsgType, _context: object, message: str) -> None:
    if message in HARMLESS:
        return
    log.log(_LEVELS.get(kind, logging.WARNING), "%s", message)


def route_qt_messages_to_log() -> None:
    qInstallMessageHandler(_handle)
