"""Stage 1 of the inventory import: read the uploaded file and say what it is, from its content (never its name).

One entry point, :func:`read_source` → :class:`SourceTable`:

- a spreadsheet (CSV in UTF-8 ± BOM, Windows-1252 or ISO-8859-15, ``;`` ``,`` or tab separated; XLSX or ODS with
  the table on any sheet), read by ``purchasing.uploads`` and then told apart by its titles: a GLPI list export
  (computers, monitors, phones, peripherals; French or English titles), a Snipe-IT asset export, or a plain
  spreadsheet — its rows are the file's, its columns the file's titles; stage 2 (``lifecycle.imports.mapping``)
  maps them onto the canonical columns;
- a GLPI native inventory (JSON: one computer, a list of them, JSON lines, or a zip of ``.json`` files): rows
  already in the canonical columns (``lifecycle.imports.sources.glpi_json``);
- an OCS / FusionInventory / GLPI-agent XML inventory, or a zip of many: rows already in the canonical columns,
  parsed by ``lifecycle.imports.sources.agent_xml`` (``parse_inventory_xml``, ``parse_inventory_zip``).

Every refusal is a :class:`~purchasing.domain.errors.DomainError` (``UploadRefused`` for the file itself) with a
French message and a stable ``code``; nothing is written.
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field

import pandas as pd

from lifecycle.imports.columns import CANONICAL_NAMES
from lifecycle.imports.mapping import N_
from lifecycle.imports.sources import glpi_json
from lifecycle.imports.sources.detect import classify_table, header_score
from purchasing import uploads
from purchasing.domain.errors import DomainError



#: the kinds a source may be, and how the page names them (French; the page translates them)
KINDS = {
    "spreadsheet": N_("Tableur (CSV, XLSX ou ODS)"),
    "glpi_csv": N_("Export CSV d'une liste GLPI"),
    "snipeit_csv": N_("Export CSV des matériels Snipe-IT"),
    "glpi_json": N_("Inventaire natif GLPI (JSON)"),
    "agent_xml": N_("Inventaire d'agent OCS / FusionInventory (XML)"),
}
#: kinds whose rows come already in the canonical columns (no column mapping to propose)
STRUCTURED_KINDS = ("glpi_json", "agent_xml")
TABLE_KINDS = ("csv", "xlsx", "ods")
#: the names an inventory file may have (what it is comes from its content; a name ending otherwise is refused)
EXTENSIONS = (".csv", ".tsv", ".txt", ".xlsx", ".ods", ".json", ".jsonl", ".xml", ".ocs", ".zip")
ACCEPTED_TEXT = ".csv, .xlsx, .ods, .json, .xml ou .zip"


@dataclass
class SourceTable:
    """A source read as a table of strings.

    ``frame``'s columns are ``headers`` (the titles as written) for a spreadsheet-like source, the canonical
    columns (``lifecycle.imports.columns``) for a structured one (``canonical`` true)."""

    kind: str
    headers: list[str]
    frame: pd.DataFrame
    canonical: bool = False
    #: a GLPI list's items when its titles tell: computer, monitor, phone, peripheral (else "")
    item_type: str = ""
    encoding: str | None = None
    separator: str | None = None
    sheet: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return KINDS.get(self.kind, self.kind)

    def __len__(self) -> int:
        return len(self.frame)


def read_source(filename: str, data: bytes, *, upload_limits: uploads.UploadLimits | None = None) -> SourceTable:
    """Read an inventory file of any supported kind; ``DomainError`` (French message, stable code) otherwise."""
    upload_limits = upload_limits or uploads.limits()
    name = (filename or "").strip().lower()
    if not name.endswith(EXTENSIONS):
        raise uploads.UploadRefused(N_("Format refusé : envoyez un fichier %(ACCEPTED_TEXT)s."),
                                    params={"ACCEPTED_TEXT": ACCEPTED_TEXT}, code="bad_file_type",
                                    details={"accepted": ACCEPTED_TEXT})
    if not data or not data.strip(b"\xef\xbb\xbf \t\r\n"):
        raise uploads.UploadRefused(N_("Le fichier est vide."), code="empty_file")
    if len(data) > upload_limits.max_bytes:
        raise uploads.UploadRefused(N_("Fichier trop volumineux : %(max_bytes)s au plus."),
                                    params={"max_bytes": uploads._mib(upload_limits.max_bytes)},
                                    code="file_too_large", details={"max_bytes": upload_limits.max_bytes})
    kind = uploads.sniff_kind(data)  # refuses a corrupted zip
    if kind == "zip":
        return _read_archive(data, upload_limits)
    if kind == "csv":
        start = _text_start(data)
        if start in (b"{", b"["):
            return _structured("glpi_json", glpi_json.parse_inventory_json(data))
        if start == b"<":
            return _structured("agent_xml", _agent_rows(data))
    table = uploads.read_table(filename, data, allowed=TABLE_KINDS, upload_limits=upload_limits,
                               sheet_score=header_score, by_content=True)
    if table.frame.empty:
        raise DomainError(N_("Le fichier ne contient que la ligne des titres : aucune ligne d'équipement à importer."),
                          code="no_rows")
    source_kind, item_type = classify_table(table.headers)
    frame = table.frame.copy()
    frame.columns = table.headers
    return SourceTable(kind=source_kind, headers=list(table.headers), frame=frame, item_type=item_type,
                       encoding=table.encoding, separator=table.separator, sheet=table.sheet,
                       notes=list(table.notes))


def _text_start(data: bytes) -> bytes:
    """The first meaningful byte of a text file (after a UTF-8 BOM and blanks)."""
    text = data[:4096]
    if text.startswith(b"\xef\xbb\xbf"):
        text = text[3:]
    return text.lstrip(b" \t\r\n")[:1]


def _structured(kind: str, rows: list[dict]) -> SourceTable:
    if not rows:
        raise DomainError(N_("Le fichier ne contient aucun équipement à importer."), code="no_rows")
    frame = pd.DataFrame([{name: _text(row.get(name)) for name in CANONICAL_NAMES} for row in rows],
                         columns=CANONICAL_NAMES, dtype=str)
    return SourceTable(kind=kind, headers=list(CANONICAL_NAMES), frame=frame, canonical=True)


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _agent_rows(data: bytes, *, archive: bool = False) -> list[dict]:
    """OCS / FusionInventory / GLPI-agent XML (one file, or a zip of many): ``sources.agent_xml``'s parser."""
    from lifecycle.imports.sources import agent_xml

    return agent_xml.parse_inventory_zip(data) if archive else agent_xml.parse_inventory_xml(data)


def _read_archive(data: bytes, upload_limits: uploads.UploadLimits) -> SourceTable:
    """A zip that is no workbook: agent XML inventories (``.xml``) or GLPI JSON inventories (``.json``)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        uploads._check_zip(archive, upload_limits)
        names = [info.filename for info in archive.infolist() if not info.is_dir()]
        lowered = [name.lower() for name in names]
        if any(name.endswith((".xml", ".ocs")) for name in lowered):
            return _structured("agent_xml", _agent_rows(data, archive=True))
        jsons = [name for name, low in zip(names, lowered) if low.endswith(".json")]
        if not jsons:
            raise uploads.UploadRefused(N_("Cette archive zip ne contient ni inventaire XML (.xml) ni inventaire GLPI "
                                           "(.json)."), code="unsupported_archive")
        rows: list[dict] = []
        for name in sorted(jsons):
            try:
                rows.extend(glpi_json.parse_inventory_json(archive.read(name)))
            except DomainError as error:
                raise DomainError(N_("%(name)s : %(message)s"),
                                  params={"name": name[:120], "message": error}, code=error.code) from None
    return _structured("glpi_json", rows)
