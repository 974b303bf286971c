"""Make a text cell safe to open in a spreadsheet: no cell is read as a formula."""

from __future__ import annotations

# Excel, LibreOffice and Google Sheets run a cell that starts with one of these as a
# formula (=HYPERLINK(...), +cmd|..., -2+3, @SUM(...)); tab and carriage return can
# hide such a start behind a blank, and NUL cuts the text short in some readers.
# OWASP's CSV-injection advice: put an apostrophe in front, which spreadsheets show
# as plain text and do not display.
DANGEROUS_STARTS = frozenset("=+-@\t\r\0")


def neutralise(cell: str) -> str:
    """`cell` with NUL characters removed and an apostrophe in front if it could start a formula."""
    stripped = cell.replace("\0", "")
    # Checked before and after removing NULs: "\0=1" must not become a bare "=1".
    if cell[:1] in DANGEROUS_STARTS or stripped[:1] in DANGEROUS_STARTS:
        return "'" + stripped
    return stripped
