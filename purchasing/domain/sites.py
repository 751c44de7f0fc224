"""Delivery sites: the key that says two spellings name the same site.

Pure functions: no Flask, SQLAlchemy or pandas. Migration identity_01 carries a copy of ``site_key``
(migrations must not import code that may change): change both together.
"""
from __future__ import annotations

import re
import unicodedata

#: runs of anything that is not a letter or a digit (spaces, punctuation, dashes, apostrophes)
_SEPARATORS = re.compile(r"[\W_]+", re.UNICODE)

NAME_MAX = 200


def site_key(name: str) -> str:
    """Fold a site's name for matching: lower case, accents stripped, runs of spaces/punctuation → one space.

    "Mairie", " MAIRIE ", "mairie" → "mairie"; "École  Jules-Ferry" and "ecole jules ferry" → "ecole jules ferry".
    """
    decomposed = unicodedata.normalize("NFKD", name or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SEPARATORS.sub(" ", stripped.casefold()).strip()[:NAME_MAX]


def clean_site_name(name: str) -> str:
    """The name as shown: inner runs of white space collapsed, trimmed, at most 200 characters."""
    return " ".join((name or "").split())[:NAME_MAX]
