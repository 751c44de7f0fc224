"""One reader for every uploaded spreadsheet (asset inventories, supplier price lists, and those to come).

What a file is comes from its content, not its name: CSV text (UTF-8 with or without BOM, UTF-16 with BOM,
Windows-1252, ISO-8859-15; ``;`` ``,`` or tab separated), XLSX or ODS (zip). Every check that can be made
before parsing is made before parsing: size before reading, then for a zip its declared uncompressed size,
its compression ratio and its cell count (streamed through the sheet's XML, no tree built), so that a small
file holding millions of cells is refused before pandas or openpyxl sees it. Headers are checked (duplicate
or empty titles are refused, naming the column). Every refusal is an :class:`UploadRefused` with a stable
``code`` and a French message; the reader writes nothing.
"""
from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import XMLPullParser

import pandas as pd
from charset_normalizer import from_bytes
from flask import current_app, has_app_context

from purchasing.domain.errors import N_, DomainError

#: extension -> the kind of content it promises
EXTENSIONS = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".ods": "ods"}
KIND_LABELS = {"csv": "un fichier texte CSV", "xlsx": "un classeur XLSX", "ods": "un classeur ODS",
               "xls": "un classeur Excel 97-2003 (.xls)", "zip": "une archive zip", "binary": "un fichier binaire"}
SEPARATORS = (";", ",", "\t")
SEPARATOR_LABELS = {";": "point-virgule", ",": "virgule", "\t": "tabulation"}
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: single-byte encodings a French spreadsheet comes in when it is not UTF-8 (Excel: Windows-1252)
LEGACY_ENCODINGS = ["cp1252", "iso8859_15"]
#: bytes that ISO-8859-15 reads as €, Š, š, Ž, ž, Œ, œ, Ÿ and Windows-1252 as ¤ ¦ ¨ ´ ¸ ¼ ½ ¾
_ISO_8859_15_ONLY = frozenset(b"\xa4\xa6\xa8\xb4\xb8\xbc\xbd\xbe")
_CHUNK = 1 << 20


class UploadRefused(DomainError):
    """An uploaded file that cannot be read as a table: nothing was written; ``code`` says why."""

    code = "upload_refused"
    http_status = 422


@dataclass(frozen=True)
class UploadLimits:
    #: the file as sent
    max_bytes: int = 5 * 1024 * 1024
    #: a zip's (XLSX, ODS) members once uncompressed, as declared by the zip (Python enforces them on read)
    max_uncompressed_bytes: int = 64 * 1024 * 1024
    #: a member's uncompressed/compressed ratio above this (for members over 1 MiB) is a zip bomb
    max_zip_ratio: int = 100
    #: cells in a workbook, and the area (rows × columns) its sheets span
    max_cells: int = 1_000_000


def limits(**overrides) -> UploadLimits:
    """The configured limits (``UPLOAD_MAX_BYTES``, ``UPLOAD_MAX_UNCOMPRESSED_BYTES``, ``UPLOAD_MAX_ZIP_RATIO``,
    ``UPLOAD_MAX_CELLS``), with ``overrides``."""
    values = {}
    if has_app_context():
        config = current_app.config
        for name in ("max_bytes", "max_uncompressed_bytes", "max_zip_ratio", "max_cells"):
            key = "UPLOAD_" + name.upper()
            if config.get(key) is not None:
                values[name] = int(config[key])
    values.update(overrides)
    return UploadLimits(**values)


@dataclass
class Table:
    """A file read as a table: every cell a stripped string, columns named by their normalised titles."""

    frame: pd.DataFrame
    #: the titles as written in the file
    headers: list[str]
    kind: str
    encoding: str | None = None
    separator: str | None = None
    sheet: str | None = None
    notes: list[str] = field(default_factory=list)


def _mib(n: int) -> str:
    """5 Mo, 67,7 Mo: a size the French way."""
    return f"{n / (1024 * 1024):.1f}".replace(".0", "").replace(".", ",") + " Mo"


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")


def read_upload(upload, *, max_bytes: int | None = None) -> bytes:
    """The bytes of an uploaded file (Werkzeug ``FileStorage``), its size checked before it is read."""
    max_bytes = max_bytes or limits().max_bytes
    stream = getattr(upload, "stream", upload)
    size = None
    try:
        position = stream.tell()
        stream.seek(0, io.SEEK_END)
        size = stream.tell() - position
        stream.seek(position)
    except (AttributeError, OSError, ValueError):
        size = None  # not seekable: read one byte more than allowed and look
    if size is not None and size > max_bytes:
        raise UploadRefused(N_("Fichier trop volumineux : %(max_bytes)s au plus."),
                            params={"max_bytes": _mib(max_bytes)}, code="file_too_large",
                            details={"max_bytes": max_bytes, "size": size})
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UploadRefused(N_("Fichier trop volumineux : %(max_bytes)s au plus."),
                            params={"max_bytes": _mib(max_bytes)}, code="file_too_large",
                            details={"max_bytes": max_bytes})
    return data


def sniff_kind(data: bytes) -> str:
    """What the bytes are: csv (text), xlsx, ods, xls (legacy Excel), zip (another archive) or binary."""
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                if "mimetype" in names and archive.getinfo("mimetype").file_size < 200 \
                        and archive.read("mimetype").strip() == ODS_MIMETYPE:
                    return "ods"
                if "xl/workbook.xml" in names:
                    return "xlsx"
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, RuntimeError):
            raise UploadRefused(N_("Le fichier est une archive zip abîmée : il n'a pas pu être ouvert. "
                                   "Enregistrez-le de nouveau depuis votre tableur."), code="corrupted_zip") from None
        return "zip"
    if data.startswith(OLE2_MAGIC):
        return "xls"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "csv"
    if b"\x00" in data:
        return "binary"
    return "csv"


def read_table(filename: str, data: bytes, *, allowed=("csv", "xlsx", "ods"),
               upload_limits: UploadLimits | None = None, required_columns=(), sheet_score=None,
               by_content: bool = False) -> Table:
    """Check and read an uploaded table; :class:`UploadRefused` (French message, stable code) otherwise.

    ``allowed``: the kinds this import takes. ``required_columns``: in a workbook, the sheet read is the
    first whose titles include them all (else the first sheet holding data). ``sheet_score(titles) -> number``:
    in a workbook, the sheet read is the one whose first row scores highest (ties: the first; every score 0: as
    without it) — the data may be on any sheet. ``by_content``: the file's name is not checked, its content
    says what it is (any of ``allowed``).
    """
    upload_limits = upload_limits or limits()
    name = (filename or "").strip().lower()
    extension = next((ext for ext in EXTENSIONS if name.endswith(ext) and EXTENSIONS[ext] in allowed), None)
    shown = [ext for ext, kind in EXTENSIONS.items() if kind in allowed and ext not in (".tsv", ".txt")]
    accepted = " ou ".join([", ".join(shown[:-1]), shown[-1]]) if len(shown) > 1 else shown[0]
    if extension is None and not by_content:
        raise UploadRefused(N_("Format refusé : envoyez un fichier %(accepted)s."),
                            params={"accepted": accepted}, code="bad_file_type",
                            details={"accepted": accepted})
    if not data:
        raise UploadRefused(N_("Le fichier est vide."), code="empty_file")
    if len(data) > upload_limits.max_bytes:
        raise UploadRefused(N_("Fichier trop volumineux : %(max_bytes)s au plus."),
                            params={"max_bytes": _mib(upload_limits.max_bytes)},
                            code="file_too_large", details={"max_bytes": upload_limits.max_bytes})
    kind = sniff_kind(data)
    if by_content:
        if kind not in allowed:
            hint = " Enregistrez-le en .xlsx ou en CSV depuis votre tableur." if kind == "xls" else ""
            raise UploadRefused(N_("Le contenu du fichier n'est pas un tableau lisible : c'est "
                                   "%(kind)s, pas un fichier %(accepted)s.%(hint)s"),
                                params={"kind": KIND_LABELS.get(kind, kind), "accepted": accepted, "hint": hint},
                                code="content_mismatch", details={"content": kind})
        extension = next(ext for ext, promised in EXTENSIONS.items() if promised == kind)
    expected = EXTENSIONS[extension]
    if kind != expected:
        hint = " Enregistrez-le en .xlsx ou en CSV depuis votre tableur." if kind == "xls" else ""
        raise UploadRefused(N_("Le contenu du fichier ne correspond pas à son extension "
                               "%(extension)s : c'est %(kind)s, pas %(expected)s.%(hint)s"),
                            params={"extension": extension, "kind": KIND_LABELS.get(kind, kind),
                                    "expected": KIND_LABELS[expected], "hint": hint},
                            code="content_mismatch", details={"extension": extension, "content": kind})
    if kind == "csv":
        return _read_csv(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        _check_zip(archive, upload_limits)
        if kind == "xlsx":
            _check_xlsx_cells(archive, upload_limits)
        else:
            _check_ods_cells(archive, upload_limits)
    return _read_workbook(data, kind, required_columns, sheet_score)


# --- CSV -------------------------------------------------------------------------------------------------

def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding) of a CSV file: BOMs first, then strict UTF-8, then the detector for legacy encodings.

    charset-normalizer (maintained, pure Python, MIT; the detector requests uses) tells a Latin text from
    other bytes; it cannot tell Windows-1252 from ISO-8859-15 (they differ in nine code points), so: bytes
    0x80–0x9F are letters in Windows-1252 and control codes in ISO-8859-15 → Windows-1252; otherwise a byte
    that only ISO-8859-15 reads as a letter or € (0xA4 €, 0xBD œ…) → ISO-8859-15; otherwise both read the same.
    """
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding.replace("-sig", "")
            except UnicodeDecodeError:
                raise UploadRefused(N_("Le fichier annonce un encodage (marque BOM) qu'il ne respecte pas."),
                                    code="bad_encoding") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data[:200_000], cp_isolation=LEGACY_ENCODINGS).best()
    if best is None:
        raise UploadRefused(N_("Encodage du fichier non reconnu : enregistrez-le en CSV UTF-8 ou en CSV "
                               "(séparateur : point-virgule) depuis votre tableur."), code="bad_encoding")
    high = set(data) - set(range(128))
    if high & set(range(0x80, 0xA0)):
        encoding = "cp1252"
    elif high & _ISO_8859_15_ONLY:
        encoding = "iso8859_15"
    else:
        encoding = "cp1252"
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError:  # 0x81, 0x8D, 0x8F, 0x90, 0x9D are not Windows-1252
        raise UploadRefused(N_("Encodage du fichier non reconnu : enregistrez-le en CSV UTF-8."),
                            code="bad_encoding") from None


def sniff_separator(text: str) -> str:
    """``;``, ``,`` or tab: the one splitting the title line into the most columns (quotes respected)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {sep: len(next(csv.reader([first], delimiter=sep), [])) for sep in SEPARATORS}
    best = max(SEPARATORS, key=lambda sep: counts[sep])  # ties: the order of SEPARATORS (French Excel's ; first)
    return best


_RAGGED = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


def _read_csv(data: bytes) -> Table:
    text, encoding = decode_text(data)
    if "\x00" in text:
        raise UploadRefused(N_("Le fichier contient des caractères nuls : ce n'est pas un fichier texte CSV."),
                            code="binary_content")
    separator = sniff_separator(text)
    try:
        raw = pd.read_csv(io.StringIO(text), sep=separator, header=None, dtype=str, keep_default_na=False,
                          engine="c", skip_blank_lines=True)
    except pd.errors.EmptyDataError:
        raise UploadRefused(N_("Le fichier est vide."), code="empty_file") from None
    except pd.errors.ParserError as error:
        match = _RAGGED.search(str(error))
        if match:
            expected, line, seen = match.groups()
            raise UploadRefused(N_("Ligne %(line)s : %(seen)s valeurs pour %(expected)s colonnes "
                                   "(séparateur : %(separator)s). Vérifiez les guillemets et les "
                                   "séparateurs de cette ligne."),
                                params={"line": line, "seen": seen, "expected": expected,
                                        "separator": SEPARATOR_LABELS[separator]}, code="ragged_row",
                                details={"line": int(line), "expected": int(expected), "seen": int(seen)}) from None
        raise UploadRefused(N_("Le fichier CSV n'a pas pu être lu : vérifiez ses guillemets et ses séparateurs."),
                            code="unreadable_file") from None
    table = _with_headers(raw)
    table.kind, table.encoding, table.separator = "csv", encoding, separator
    return table


# --- zip checks (XLSX, ODS), before any parsing ------------------------------------------------------------

def _check_zip(archive: zipfile.ZipFile, upload_limits: UploadLimits) -> None:
    infos = archive.infolist()
    total = sum(info.file_size for info in infos)
    if total > upload_limits.max_uncompressed_bytes:
        raise UploadRefused(N_("Classeur refusé : une fois décompressé il occupe %(total)s "
                               "(%(max_uncompressed_bytes)s au plus)."),
                            params={"total": _mib(total),
                                    "max_uncompressed_bytes": _mib(upload_limits.max_uncompressed_bytes)}, code="uncompressed_too_large",
                            details={"uncompressed_bytes": total, "max": upload_limits.max_uncompressed_bytes})
    for info in infos:
        if info.file_size > 1024 * 1024 and info.file_size > upload_limits.max_zip_ratio * max(info.compress_size, 1):
            raise UploadRefused(N_("Classeur refusé : son contenu est anormalement compressé (plus "
                                   "de %(max_zip_ratio)s fois), comme une « bombe zip »."),
                                params={"max_zip_ratio": upload_limits.max_zip_ratio}, code="zip_bomb",
                                details={"member": info.filename[:200]})


def _too_many_cells(count: int, upload_limits: UploadLimits, what: str = "cellules"):
    return UploadRefused(N_("Classeur refusé : plus de %(max_cells)s %(what)s (enregistrez "
                            "seulement les données à importer, ou coupez le fichier en plusieurs)."),
                         params={"max_cells": _thousands(upload_limits.max_cells), "what": what},
                         code="too_many_cells", details={"cells": count, "max_cells": upload_limits.max_cells})


_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]{1,3})?([0-9]{1,7})?:?([A-Z]{1,3})?([0-9]{1,7})?"')
_CELL_REF = re.compile(rb'<(?:\w+:)?c\s+r="([A-Z]{1,3})([0-9]{1,7})"')
_ROW_REF = re.compile(rb'<(?:\w+:)?row\s+r="([0-9]{1,7})"')


def column_number(letters: bytes | str) -> int:
    """A → 1, Z → 26, AA → 27, XFD → 16384."""
    number = 0
    for char in letters.decode() if isinstance(letters, bytes) else letters:
        number = number * 26 + ord(char) - 64
    return number


def _check_xlsx_cells(archive: zipfile.ZipFile, upload_limits: UploadLimits) -> None:
    """Cells of every sheet counted while streaming its XML (``<dimension>`` first), no parser involved.

    Also the area the cells span (highest row × highest column): one cell at XFD1048576 would make the
    reader fill 17 billion empty cells.
    """
    cells = 0
    for info in archive.infolist():
        if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
            continue
        max_row = max_col = 0
        tail = b""
        with archive.open(info) as member:
            head = True
            while chunk := member.read(_CHUNK):
                buffer = tail + chunk
                if head:
                    head = False
                    dimension = _DIMENSION.search(buffer[:8192])
                    if dimension and dimension.group(3) and dimension.group(4):
                        area = column_number(dimension.group(3)) * int(dimension.group(4))
                        if area > upload_limits.max_cells:
                            raise _too_many_cells(area, upload_limits)
                start = max(0, len(tail) - 3)  # matches wholly inside the tail were counted already
                view = buffer[start:]
                cells += view.count(b"<c ") + view.count(b"<c>") + view.count(b"<c/>")
                if cells > upload_limits.max_cells:
                    raise _too_many_cells(cells, upload_limits)
                for match in _CELL_REF.finditer(buffer):
                    max_col = max(max_col, column_number(match.group(1)))
                    max_row = max(max_row, int(match.group(2)))
                rows = _ROW_REF.findall(buffer)
                if rows:
                    max_row = max(max_row, max(int(r) for r in rows))
                if max_row * max(max_col, 1) > upload_limits.max_cells:
                    raise _too_many_cells(max_row * max_col, upload_limits, "cellules couvertes")
                tail = buffer[-40:]


_ODS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
}


def _check_ods_cells(archive: zipfile.ZipFile, upload_limits: UploadLimits) -> None:
    """Cells of an ODS, repeats included (``number-columns-repeated``, ``number-rows-repeated``), streamed.

    Empty repeated rows and cells at the end of a sheet (LibreOffice writes them) cost nothing to the reader
    and are not counted; repeated cells holding a value are.
    """
    table, office = "{%s}" % _ODS["table"], "{%s}" % _ODS["office"]
    parser = XMLPullParser(events=("start", "end"))
    covered = 0
    rows_before = 0  # rows of the current sheet so far (empty ones included: the reader keeps them)
    sheet_area = 0
    try:
        with archive.open("content.xml") as member:
            while chunk := member.read(_CHUNK):
                parser.feed(chunk)
                for event, element in parser.read_events():
                    if event == "start" and element.tag == table + "table":
                        rows_before, sheet_area = 0, 0
                    if event != "end":
                        continue
                    if element.tag == table + "table-row":
                        repeat = _repeat(element.get(table + "number-rows-repeated"))
                        width, position = 0, 0
                        for cell in element:
                            position += _repeat(cell.get(table + "number-columns-repeated"))
                            if cell.get(office + "value-type") is not None or len(cell):
                                width = position
                        if width:
                            rows_before += repeat
                            sheet_area = max(sheet_area, rows_before * width)
                            covered += width * repeat
                        else:
                            rows_before += min(repeat, upload_limits.max_cells + 1)
                        if covered > upload_limits.max_cells or sheet_area > upload_limits.max_cells:
                            raise _too_many_cells(max(covered, sheet_area), upload_limits)
                        element.clear()
    except KeyError:
        raise UploadRefused(N_("Classeur ODS incomplet : il n'a pas de contenu (content.xml)."),
                            code="unreadable_file") from None
    except SyntaxError:  # xml.etree.ElementTree.ParseError
        raise UploadRefused(N_("Classeur ODS abîmé : son contenu XML n'a pas pu être lu."), code="unreadable_file") from None


def _repeat(value) -> int:
    try:
        return max(1, int(value)) if value else 1
    except ValueError:
        return 1


# --- workbooks ------------------------------------------------------------------------------------------------

def _read_workbook(data: bytes, kind: str, required_columns, sheet_score=None) -> Table:
    engine = "openpyxl" if kind == "xlsx" else "odf"
    try:
        sheets = pd.read_excel(io.BytesIO(data), sheet_name=None, header=None, dtype=str, keep_default_na=False,
                               engine=engine)
    except Exception:  # noqa: BLE001 - any parser failure is the user's file
        raise UploadRefused(N_("Le classeur n'a pas pu être lu : enregistrez-le de nouveau en "
                               "%(ods)s ou en CSV depuis votre tableur."),
                            params={"ods": '.xlsx' if kind == 'xlsx' else '.ods'},
                            code="unreadable_file") from None
    candidates = [(name, frame) for name, frame in sheets.items() if frame.size]
    if not candidates:
        raise UploadRefused(N_("Le classeur ne contient aucune donnée."), code="empty_file")
    chosen = candidates[0]
    wanted = {_normalise(c) for c in required_columns}
    if wanted:
        for name, frame in candidates:
            titles = {_normalise(v) for v in frame.iloc[0].tolist()}
            if wanted <= titles:
                chosen = (name, frame)
                break
    elif sheet_score is not None:
        best = 0
        for name, frame in candidates:
            score = sheet_score([_normalise(v) for v in frame.iloc[0].tolist()])
            if score > best:
                chosen, best = (name, frame), score
    table = _with_headers(chosen[1])
    table.kind, table.sheet = kind, str(chosen[0])
    return table


# --- headers --------------------------------------------------------------------------------------------------

def _normalise(title) -> str:
    text = "" if title is None else str(title)
    return " ".join(text.replace("\ufeff", "").replace("\u00a0", " ").split()).lower()


def _column_letter(index: int) -> str:
    letters, n = "", index + 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _with_headers(raw: pd.DataFrame) -> Table:
    """The first row as titles: duplicate or empty titles refused (naming the column), cells stripped."""
    if raw.empty:
        raise UploadRefused(N_("Le fichier est vide."), code="empty_file")
    raw = raw.fillna("").astype(str)
    titles = [str(v) for v in raw.iloc[0].tolist()]
    body = raw.iloc[1:]
    keep, names, seen = [], [], {}
    for index, title in enumerate(titles):
        name = _normalise(title)
        if not name:
            column = body.iloc[:, index] if len(body) else pd.Series(dtype=str)
            if column.astype(str).str.strip().ne("").any():
                raise UploadRefused(N_("La colonne %(index)s (n° %(index2)s) a des valeurs mais "
                                       "pas de titre : donnez-lui un titre en première ligne ou "
                                       "supprimez-la."), params={"index": _column_letter(index), "index2": index + 1},
                                    code="empty_column_title", details={"column": index + 1})
            continue  # an empty column without title (a trailing separator): dropped
        if name in seen:
            raise UploadRefused(N_("La colonne « %(title)s » apparaît deux fois (colonnes %(name)s "
                                   "et %(index)s) : gardez-en une seule."),
                                params={"title": title.strip(), "name": _column_letter(seen[name]),
                                        "index": _column_letter(index)}, code="duplicate_column",
                                details={"column": title.strip(), "positions": [seen[name] + 1, index + 1]})
        seen[name] = index
        keep.append(index)
        names.append(name)
    if not names:
        raise UploadRefused(N_("La première ligne doit contenir les titres des colonnes."), code="no_header")
    # cells stripped with str.strip over each column's values (the .str accessor is a slow loop per cell)
    frame = pd.DataFrame({name: pd.Series(list(map(str.strip, body.iloc[:, index].tolist())), dtype=str)
                          for name, index in zip(names, keep)})
    if frame.empty and len(names):
        frame = pd.DataFrame(columns=names, dtype=str)
    return Table(frame=frame, headers=[titles[i].strip() for i in keep], kind="")


# --- cell values the French way ------------------------------------------------------------------------------

_SPACES = str.maketrans("", "", " \u00a0\u202f€")


def parse_decimal(text) -> Decimal | None:
    """"1 234,56", "1234,56", "1234.56", "849,90 €", "1.234,56" → Decimal; None when it is not a number."""
    cleaned = str(text or "").strip().translate(_SPACES)
    if not cleaned:
        return None
    if "," in cleaned and "." in cleaned:
        # the last one is the decimal mark: 1.234,56 (French) or 1,234.56 (English)
        if cleaned.rfind(",") > cleaned.rfind("."):
            cleaned = cleaned.replace(".", "").replace(",", ".")
        else:
            cleaned = cleaned.replace(",", "")
    else:
        cleaned = cleaned.replace(",", ".")
    if not re.fullmatch(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)", cleaned):
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def parse_date(text) -> date:
    """dd/mm/yyyy (French), yyyy-mm-dd (ISO), dd-mm-yyyy, dd.mm.yyyy, a spreadsheet's datetime; ValueError."""
    value = str(text or "").strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M",
                "%d/%m/%Y %H:%M:%S", "%Y-%m-%dT%H:%M:%S"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(value)
