"""`kiosk export --format fhir|ndjson`: the filtered requests as FHIR transaction Bundles, exported as CSV is.

The same permission check, audit row before any data, private files renamed into place whole, and refusal of
the installation's own files as the CSV export (kiosk/services/export.py). The CSV's formula guard is not
needed here: a line or a file of FHIR JSON always starts with "{", so no spreadsheet runs one as a formula,
and the record system must get what the patient typed, unchanged.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from kiosk.domain.staff import Actor
from kiosk.services.export import ExportError, export_records, export_to_folder
from kiosk.services.fhir.bundles import bundle_json, stored_request
from kiosk.services.queue import QueueFilter
from kiosk.services.request_rows import UnreadableRowError
from kiosk.storage.database import Database
from kiosk.storage.models import RequestRecord
from kiosk.storage.output_files import InstallationFiles


class FhirLayout(enum.StrEnum):
    FOLDER = "fhir"  # one <reference>.json file per request in a folder
    NDJSON = "ndjson"  # one file, one bundle per line


def export_fhir(
    database: Database,
    where: QueueFilter,
    out: Path | TextIO,
    layout: FhirLayout,
    *,
    actor: Actor,
    reception_can_export: bool = False,
    region: str = "US",
    installation: InstallationFiles | None = None,
) -> int:
    """Write one transaction Bundle per request `where` selects, urgent first then oldest; return how many.

    FOLDER writes `<reference>.json` files into the existing folder `out` (an export run again replaces them
    with the requests' current state); NDJSON writes one file. Raises ExportError with one sentence.
    """
    if layout is FhirLayout.FOLDER:
        if not isinstance(out, Path):
            raise TypeError("a folder export needs a folder's path")
        return export_to_folder(
            database,
            where,
            out,
            lambda record: f"{record.reference}.json",
            _write_bundle,
            actor=actor,
            reception_can_export=reception_can_export,
            region=region,
            installation=installation,
        )
    return export_records(
        database,
        where,
        out,
        _write_lines,
        actor=actor,
        reception_can_export=reception_can_export,
        region=region,
        installation=installation,
    )


def _bundle(record: RequestRecord) -> str:
    try:
        return bundle_json(stored_request(record))
    except UnreadableRowError as exc:
        # Names the reference code only: it identifies the row to the desk and says nothing about the patient.
        raise ExportError(
            f"The export stopped at request {record.reference}, which this version of the kiosk cannot read "
            "back: update the kiosk program on this computer to the version the kiosks run, then export again."
        ) from exc


def _write_bundle(record: RequestRecord, stream: TextIO) -> None:
    # Indented for a person who opens the file; an interface engine reads it the same either way.
    stream.write(json.dumps(json.loads(_bundle(record)), indent=2, ensure_ascii=False) + "\n")


def _write_lines(records: Iterator[RequestRecord], stream: TextIO) -> int:
    count = 0
    for record in records:
        stream.write(_bundle(record) + "\n")
        count += 1
    return count
