"""Waiting-room kiosk for an interventional pain clinic."""

__version__ = "0.1.0"
