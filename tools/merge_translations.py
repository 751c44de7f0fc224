"""Merge helper: after a git merge, rebuild the English catalogue from the union of both sides' translations.

Usage: python tools/merge_translations.py OTHER_REF   (run from the repository root, mid-merge)
"""
from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

sys.path.insert(0, str(Path(__file__).resolve().parent))
import i18n  # noqa: E402

PO = "purchasing/translations/en/LC_MESSAGES/messages.po"


def translations_at(ref: str) -> dict:
    text = subprocess.run(["git", "show", f"{ref}:{PO}"], capture_output=True, check=True).stdout
    catalog = read_po(io.BytesIO(text))
    return {(m.id[0] if isinstance(m.id, tuple) else m.id): m.string for m in catalog if m.id and m.string}


if __name__ == "__main__":
    union = translations_at("HEAD")
    for ref in sys.argv[1:]:
        union.update({k: v for k, v in translations_at(ref).items() if k not in union or not union[k]})
    subprocess.run(["git", "checkout", "HEAD", "--", PO, PO.replace(".po", ".mo"),
                    "purchasing/translations/messages.pot"], check=True)
    i18n.update()
    print("translated", i18n.apply_translations("en", union))
    i18n.compile_catalogues()
    missing = i18n.untranslated()
    print("untranslated:", missing)
