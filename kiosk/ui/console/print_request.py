"""One request on printed pages (or a PDF): who, what they answered, how urgent, and what the desk did.

Every value is HTML-escaped: patients type free text (and names) that may contain
"<" or "&", which must print as typed and never be read as markup.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
from collections.abc import Callable, Iterable
from pathlib import Path

from kiosk.qt import QDialog, QFont, QMarginsF, QPageLayout, QPageSize, QPrintDialog, QPrinter, QTextDocument, QWidget

from kiosk.domain.reference import format_reference
from kiosk.domain.requests import FollowUpRequest
from kiosk.domain.workflow import STATUS_LABELS, EventKind
from kiosk.services.casework import CaseDetail, CaseEvent
from kiosk.services.output_paths import InstallationFiles, OutputRefusedError, replace_when_done
from kiosk.ui.console.answers import KIND_LABELS, local_time, red_flag_words, request_sections
from kiosk.ui.console.print_pages import print_pages

log = logging.getLogger(__name__)

PAGE_SIZES = {"letter": QPageSize.PageSizeId.Letter, "a4": QPageSize.PageSizeId.A4}
# Qt's own margins put the running header and footer about 3.5 mm from the paper's edge, inside the strip most
# office printers cannot reach (4-6 mm), so the name, reference and "page n of m" could be cut off; half an inch
# clears every printer and still leaves a letter or A4 page for the body.
PAGE_MARGIN_MM = 12.7
# Print sizes in points: paper is read at arm's length, so 10 pt body text is plenty and keeps it to one page.
_BODY_POINTS = 10

_STYLE = """
body { color: #1f2328; }
h1 { font-size: 17pt; margin: 0; }
h2 { font-size: 12pt; color: #0b4f5c; margin-top: 12px; margin-bottom: 4px; }
p.clinic { font-size: 11pt; color: #4a5560; margin: 0; }
p.meta { color: #4a5560; margin-top: 2px; }
table.rows td { padding: 2px 10px 2px 0; vertical-align: top; }
td.name { color: #4a5560; }  /* QTextDocument takes widths from the width attribute only */
table.urgent { background: #fde8e6; color: #8a130c; font-weight: bold; font-size: 12pt; }
table.history th { text-align: left; color: #4a5560; padding: 2px 10px 2px 0; }
table.history td { padding: 2px 10px 2px 0; vertical-align: top; }
p.footer { color: #4a5560; font-size: 8pt; margin-top: 14px; }
"""


def _default_title(page_id: str) -> str:
    return page_id.replace("-", " ").capitalize()


def _text(value: str) -> str:
    """Escaped, with the patient's or author's own line breaks kept."""
    return html.escape(value).replace("\n", "<br>")


def _rows_table(rows: Iterable[tuple[str, str]]) -> str:
    cells = "".join(
        f'<tr><td class="name" width="28%">{_text(name)}</td><td>{_text(value)}</td></tr>' for name, value in rows
    )
    return f'<table class="rows" cellspacing="0" width="100%">{cells}</table>'


def _event_words(event: CaseEvent) -> str:
    if event.kind == EventKind.STATUS and event.to_status is not None:
        before = STATUS_LABELS[event.from_status] if event.from_status is not None else "?"
        return f"Status: {before} → {STATUS_LABELS[event.to_status]}"
    if event.kind == EventKind.SEEN:
        return "Seen at the desk"
    return f"Note: {event.note or ''}"


def _history(events: list[CaseEvent]) -> str:
    if not events:
        return "<p>No status changes or notes yet.</p>"
    rows = "".join(
        f"<tr><td>{_text(local_time(event.at))}</td><td>{_text(event.author)}</td>"
        f"<td>{_text(_event_words(event))}</td></tr>"
        for event in events
    )
    header = '<tr><th width="28%">When</th><th width="14%">Who</th><th>What</th></tr>'
    return f'<table class="history" cellspacing="0" width="100%">{header}{rows}</table>'


def _urgent_banner(detail: CaseDetail) -> str:
    if not detail.urgent:
        return ""
    flags = detail.request.red_flags if isinstance(detail.request, FollowUpRequest) else frozenset()
    words = red_flag_words(flags)
    sentence = f"URGENT: red flags reported: {words}" if words else "URGENT"
    if detail.seen_at_desk_at is not None:
        who = f" by {detail.seen_at_desk_by}" if detail.seen_at_desk_by else ""
        seen = f"Seen at the desk {local_time(detail.seen_at_desk_at)}{who}."
    else:
        seen = "Not yet seen at the desk."
    return (
        '<table class="urgent" width="100%" cellpadding="8" cellspacing="0" border="1" '
        f'style="border-color: #8a130c; border-style: solid;"><tr><td>{_text(sentence)}<br>'
        f'<span style="font-weight: normal;">{_text(seen)}</span></td></tr></table>'
    )


def request_html(
    detail: CaseDetail,
    clinic_name: str,
    *,
    region: str = "US",
    procedure_title: Callable[[str], str] | None = None,
    printed_at: dt.datetime | None = None,
) -> str:
    """The page as HTML (QTextDocument's subset); see request_document."""
    moment = printed_at or dt.datetime.now(dt.UTC)
    sections = request_sections(
        detail.request,
        region=region,
        procedure_title=procedure_title or _default_title,
        today=moment.astimezone().date(),
    )
    parts = [
        f'<p class="clinic">{_text(clinic_name)}</p>',
        f"<h1>Patient request {_text(format_reference(detail.reference))}</h1>",
        f'<p class="meta">{_text(KIND_LABELS[detail.request.kind])} · received {_text(local_time(detail.created_at))}'
        f" · status: {_text(STATUS_LABELS[detail.status])}</p>",
        _urgent_banner(detail),
    ]
    for section in sections:
        parts.append(f"<h2>{_text(section.title)}</h2>")
        parts.append(_rows_table(section.rows))
    parts.append("<h2>History and notes</h2>")
    parts.append(_history(detail.events))
    parts.append(
        f'<p class="footer">Printed {_text(local_time(moment))}. '
        "Contains patient information: keep it out of sight and shred it when done.</p>"
    )
    return "<html><body>" + "".join(parts) + "</body></html>"


def request_document(
    detail: CaseDetail,
    clinic_name: str,
    *,
    region: str = "US",
    procedure_title: Callable[[str], str] | None = None,
    printed_at: dt.datetime | None = None,
) -> QTextDocument:
    """A clean one-page layout of the request, ready to print or save as PDF."""
    document = QTextDocument()
    font = QFont(document.defaultFont())
    font.setPointSize(_BODY_POINTS)
    document.setDefaultFont(font)
    document.setDefaultStyleSheet(_STYLE)
    document.setDocumentMargin(0)  # the printer's page margins already frame the page
    document.setHtml(
        request_html(detail, clinic_name, region=region, procedure_title=procedure_title, printed_at=printed_at)
    )
    return document


def _printer(page_size: str) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(QPageSize(PAGE_SIZES[page_size]))
    margin = PAGE_MARGIN_MM
    printer.setPageMargins(QMarginsF(margin, margin, margin, margin), QPageLayout.Unit.Millimeter)
    return printer


def save_pdf(
    detail: CaseDetail,
    path: Path,
    clinic_name: str,
    *,
    page_size: str = "letter",
    region: str = "US",
    procedure_title: Callable[[str], str] | None = None,
    installation: InstallationFiles | None = None,
    confirm: Callable[[], bool] | None = None,
) -> bool:
    """Write the request as a PDF; True when saved. OSError (with a sentence) if the file cannot be written there.

    `page_size` is "letter" (the default, for a US clinic) or "a4". The path is refused when it is one of
    the installation's own files (`installation`, see kiosk.services.output_paths) or not a regular file.
    `confirm` runs once the path is known to be writable and before any page is written (the audit row,
    the account's rights); False from it writes nothing. The PDF is written to a private (0600) temporary
    file beside `path` and renamed into place once complete.
    """
    if page_size not in PAGE_SIZES:
        raise ValueError(f"page_size must be one of {sorted(PAGE_SIZES)}")
    try:
        with replace_when_done(path, installation) as temporary:
            if confirm is not None and not _audited(confirm):
                raise _NotConfirmedError
            printer = _printer(page_size)
            printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            printer.setOutputFileName(str(temporary))
            document = request_document(detail, clinic_name, region=region, procedure_title=procedure_title)
            print_pages(document, detail, printer, _printed_words())
            # Qt only warns when it cannot write the file; an empty file is how that shows.
            if temporary.stat().st_size == 0:
                raise OSError(f"The PDF could not be written in {path.parent}")
    except _NotConfirmedError:
        return False
    except (OutputRefusedError, AuditNotWrittenError):
        raise
    except OSError as exc:
        raise OSError(f"The PDF cannot be saved in {path.parent}: choose a folder you can write to.") from exc
    return True


class _NotConfirmedError(Exception):
    """`confirm` said no: the temporary file goes and nothing is saved."""


class AuditNotWrittenError(OSError):
    """The audit row could not be written, so nothing was printed or saved; the message says so in a sentence."""


def _audited(confirm: Callable[[], bool]) -> bool:
    """Run the audit step; whatever stops its row from being written stops the page (no audit row, no data out)."""
    try:
        return confirm()
    except Exception as exc:  # a full disk, a damaged or read-only database: the service's own errors vary
        raise audit_failure(exc) from exc


def check_pdf_path(path: Path, installation: InstallationFiles | None = None) -> None:
    """Before the audit row: OSError with save_pdf's sentence if a PDF could not be saved at `path`.

    The same guard save_pdf writes through (a private temporary file beside `path`, made and removed here), so a
    refused or unwritable place is said before anything is recorded or asked of the database.
    """
    try:
        with replace_when_done(path, installation):
            raise _NotConfirmedError  # only the check: the temporary file goes and `path` is left as it was
    except _NotConfirmedError:
        return
    except OutputRefusedError:
        raise
    except OSError as exc:
        raise OSError(f"The PDF cannot be saved in {path.parent}: choose a folder you can write to.") from exc


def choose_printer(detail: CaseDetail, parent: QWidget, *, page_size: str = "letter") -> QPrinter | None:
    """The system print dialog; the printer staff chose, or None if they cancelled."""
    printer = _printer(page_size)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(f"Print request {format_reference(detail.reference)}")
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return printer


def print_to(
    printer: QPrinter,
    detail: CaseDetail,
    clinic_name: str,
    *,
    region: str = "US",
    procedure_title: Callable[[str], str] | None = None,
) -> None:
    """Send the pages to a printer chosen with choose_printer, once the print is audited."""
    document = request_document(detail, clinic_name, region=region, procedure_title=procedure_title)
    print_pages(document, detail, printer, _printed_words())


def audit_failure(exc: Exception) -> AuditNotWrittenError:
    """The sentence for a print or PDF stopped because its audit row could not be written (class name logged)."""
    log.warning("the print or PDF was stopped: its audit row could not be written (%s)", type(exc).__name__)
    return AuditNotWrittenError(
        "Nothing was saved or printed, because the audit trail could not record it: try again, and tell IT "
        "if it keeps happening (the database may be full or damaged)."
    )


def print_request(
    detail: CaseDetail,
    clinic_name: str,
    parent: QWidget,
    *,
    page_size: str = "letter",
    region: str = "US",
    procedure_title: Callable[[str], str] | None = None,
    confirm: Callable[[], bool] | None = None,
) -> bool:
    """Ask where to print (the system dialog) and print if staff accept; True when it was sent.

    `confirm` runs after the dialog is accepted and before anything is sent (the audit row, the
    account's rights, the console still unlocked); False from it prints nothing.
    """
    printer = choose_printer(detail, parent, page_size=page_size)
    if printer is None:
        return False
    if confirm is not None and not _audited(confirm):  # no audit row, no page: AuditNotWrittenError says so
        return False
    print_to(printer, detail, clinic_name, region=region, procedure_title=procedure_title)
    return True


def _printed_words() -> str:
    return f"Printed {local_time(dt.datetime.now(dt.UTC))} · patient information: shred when done"
