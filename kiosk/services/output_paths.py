"""Where a console may save an export or a PDF: never over the installation's own files, never half-written.

The guard itself is kiosk.storage.output_files (the CLI and backups use it too); screens take its names from
here, so the ui reaches storage only through services (.importlinter).
"""

from kiosk.storage.output_files import InstallationFiles, OutputRefusedError, installation_files, replace_when_done

__all__ = ["InstallationFiles", "OutputRefusedError", "installation_files", "replace_when_done"]
