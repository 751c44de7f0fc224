"""French is the source language; the English catalogue is complete, compiled and up to date."""
import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "purchasing" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")


def _catalog(path, reader):
    with path.open("rb") as handle:
        return {tuple(m.id) if isinstance(m.id, (list, tuple)) else m.id:
                tuple(m.string) if isinstance(m.string, (list, tuple)) else m.string
                for m in reader(handle) if m.id}


def test_every_source_string_is_in_the_english_catalogue(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
                    "-k", "_l", "-k", "lazy_gettext", "-o", str(pot), "."], cwd=ROOT, check=True,
                   capture_output=True)
    source_ids = set(_catalog(pot, read_po))
    missing = source_ids - set(_catalog(PO, read_po))
    assert not missing, f"run `python tools/i18n.py update` and translate: {sorted(missing)[:20]}"


def test_english_catalogue_is_fully_translated():
    untranslated = [mid for mid, string in _catalog(PO, read_po).items()
                    if not (all(string) if isinstance(string, tuple) else string)]
    assert not untranslated, untranslated[:20]


def test_compiled_catalogue_matches_the_po_file():
    assert _catalog(MO, read_mo) == _catalog(PO, read_po), "run `python tools/i18n.py compile`"
