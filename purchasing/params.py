"""One integer parser for every request parameter, and the checks that keep hostile input from the database.

Path ids go through the ``int`` URL converter (replaced app-wide by :class:`DatabaseIdConverter`): ASCII
digits only, 1..2**31-1 (the range of the database's integer keys), anything else a 404. Query and form
integers go through :func:`parse_int` (or its shortcuts): a bad value is an ignored filter for a list's
query parameters and a form error (422) for a form field — never a driver overflow (a 500).
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import abort, request
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter, ValidationError

#: the database's 32-bit integer columns (every primary and foreign key, quantities, counts)
INT32_MAX = 2**31 - 1
#: the largest id a URL or a parameter may name
MAX_ID = INT32_MAX
#: enough digits for any 64-bit integer with a sign; longer strings are refused before int() runs
_INTEGER = re.compile(r"[+-]?[0-9]{1,19}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\\]")


def parse_int(raw, *, minimum: int = -INT32_MAX, maximum: int = INT32_MAX) -> int:
    """``raw`` as an int within [minimum, maximum]; ValueError otherwise (never TypeError, never overflow).

    Only ASCII digits with an optional sign and surrounding spaces: no "1e3", "1.0", "١٢" or "²".
    ValueError is what WTForms' ``coerce`` and Werkzeug's ``args.get(type=…)`` catch.
    """
    if isinstance(raw, bool):
        raise ValueError("not an integer")
    if isinstance(raw, int):
        value = raw
    else:
        text = raw.strip() if isinstance(raw, str) else ""
        if not _INTEGER.fullmatch(text):
            raise ValueError("not an integer")
        value = int(text)
    if not minimum <= value <= maximum:
        raise ValueError("out of range")
    return value


def database_id(raw) -> int:
    """An id (1..2**31-1) or ValueError: ``request.form.get("offer_id", type=database_id)`` gives None."""
    return parse_int(raw, minimum=1, maximum=MAX_ID)


def choice_id(raw) -> int:
    """An id or 0 (the "— all —" / "— choose —" entry of a select): the ``coerce`` of id select fields."""
    return parse_int(raw, minimum=0, maximum=MAX_ID)


def query_int(name: str, default: int | None = None, *, minimum: int = 1, maximum: int = INT32_MAX) -> int | None:
    """A query-string integer; a missing or bad value gives ``default`` (an ignored filter, page 1…)."""
    try:
        return parse_int(request.args.get(name, ""), minimum=minimum, maximum=maximum)
    except ValueError:
        return default


class DatabaseIdConverter(IntegerConverter):
    """``<int:…>`` in every route: ASCII digits, 1..2**31-1; anything else does not match (404)."""

    regex = r"[0-9]+"

    def __init__(self, map, fixed_digits=0, min=1, max=MAX_ID, signed=False):  # noqa: A002 - Werkzeug's names
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)

    def to_python(self, value: str):
        if len(value) > 10:  # before int(): no 10 kB digit string is converted
            raise ValidationError()
        return super().to_python(value)


def safe_redirect_target(target, fallback: str) -> str:
    """A path of this site to go to after login or a language change; anything else gives ``fallback``.

    Refused: other hosts (``https://evil``, ``//evil``, ``/\\evil``), control characters (CR/LF would
    split the Location header), backslashes (browsers read them as slashes), and very long values.
    """
    if not isinstance(target, str) or not target.startswith("/") or len(target) > 2000:
        return fallback
    if target.startswith("//") or _CONTROL.search(target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target


def refuse_nul_characters() -> None:
    """``before_request``: a NUL character in the path, a query or form parameter is a 400 (web pages).

    PostgreSQL refuses NUL in text, so it must never reach a query. The API checks its own input
    (``framework.Text``, string path parameters) and answers with its documented problems.
    """
    if request.path.startswith("/api/"):
        return
    if "\x00" in request.path or _has_nul(request.args):
        abort(400, description=_("Requête invalide : un paramètre contient un caractère nul."))
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype in (
            "application/x-www-form-urlencoded", "multipart/form-data"):
        if _has_nul(request.form) or any("\x00" in (f.filename or "") or "\x00" in key
                                         for key, f in request.files.items(multi=True)):
            abort(400, description=_("Requête invalide : un paramètre contient un caractère nul."))


def _has_nul(values) -> bool:
    return any("\x00" in key or "\x00" in value for key, value in values.items(multi=True))
