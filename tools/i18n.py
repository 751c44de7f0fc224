"""Translation chores: ``python tools/i18n.py update`` extracts the French source strings and updates the
English catalogue; ``compile`` writes the .mo files; ``check`` lists what is untranslated.

French is the source language (msgids are French), so a string missing from the English catalogue
still shows in French, never as a key.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "purchasing" / "translations"
POT = TRANSLATIONS / "messages.pot"


def run(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=ROOT)


def update() -> None:
    run("extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext", "-k", "N_", "--no-location", "--sort-output",
        "--omit-header", "-o", str(POT), ".")
    run("update", "-i", str(POT), "-d", str(TRANSLATIONS), "--no-fuzzy-matching", "--ignore-obsolete")


def compile_catalogues() -> None:
    run("compile", "-d", str(TRANSLATIONS), "--statistics")


def untranslated() -> list[str]:
    from babel.messages.pofile import read_po

    missing = []
    for po_path in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        with po_path.open("rb") as handle:
            catalog = read_po(handle)
        for message in catalog:
            if not message.id:
                continue
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if not all(strings) or message.fuzzy:
                missing.append(f"{po_path.parent.parent.name}: {message.id!r}")
    return missing


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    if command == "update":
        update()
    elif command == "compile":
        compile_catalogues()
    else:
        missing = untranslated()
        print("\n".join(missing) or "all translated")
        sys.exit(1 if missing else 0)


def apply_translations(locale: str, translations: dict) -> int:
    """Fill ``locale``'s catalogue from a {msgid: translation} dict (a tuple for plurals). Returns the count."""
    from babel.messages.pofile import read_po, write_po

    po_path = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"
    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    count = 0
    for message in catalog:
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        if key in translations:
            message.string = translations[key]
            message.flags.discard("fuzzy")
            count += 1
    with po_path.open("wb") as handle:
        write_po(handle, catalog, omit_header=False, sort_output=True, width=100)
    return count
