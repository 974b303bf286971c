"""The settings error every verb can catch without importing the settings machinery (pydantic) first."""

from __future__ import annotations


class SettingsError(Exception):
    """A settings problem, worded for the person who edits the file."""
