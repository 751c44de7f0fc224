"""Every message a domain error, a job or an e-mail subject can show is marked for translation (``N_``) and has an
English translation in the catalogue, so that a new French-only message fails here rather than in the English UI.

Two checks over the source of purchasing/ and lifecycle/: a DomainError (or a subclass) is never built from a
bare literal, an f-string, a ``%`` or a ``+`` of strings (the English UI could not translate it); and every ``N_``
literal is a msgid of the English catalogue with a non-empty, non-fuzzy translation keeping its placeholders."""
from __future__ import annotations

import ast
import re
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [p for folder in ("purchasing", "lifecycle") for p in (ROOT / folder).rglob("*.py")]
CATALOGUE = ROOT / "purchasing" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\(\w+\)s|%%")


def _trees():
    return [(path, ast.parse(path.read_text(encoding="utf-8"))) for path in SOURCES]


def _name(node) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _error_classes(trees) -> set[str]:
    """DomainError and every class deriving from it, by name, through the whole source."""
    bases = {}
    for _path, tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                bases[node.name] = {_name(b) for b in node.bases}
    found = {"DomainError"}
    while True:
        more = {name for name, parents in bases.items() if parents & found} - found
        if not more:
            return found
        found |= more


def _marked(trees) -> dict[str, list[str]]:
    """N_("…") literal -> where it is."""
    marked: dict[str, list[str]] = {}
    for path, tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _name(node.func) == "N_" and node.args:
                argument = node.args[0]
                assert isinstance(argument, ast.Constant) and isinstance(argument.value, str), \
                    f"{path.relative_to(ROOT)}:{node.lineno}: N_ takes a literal"
                marked.setdefault(argument.value, []).append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return marked


def test_domain_errors_are_built_from_marked_messages_only():
    trees = _trees()
    classes = _error_classes(trees)
    assert {"DomainError", "ConflictError", "UploadRefused", "TransitionNotAllowed"} <= classes
    unmarked = []
    for path, tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _name(node.func) in classes:
                message = node.args[0] if node.args else next(
                    (k.value for k in node.keywords if k.arg == "message"), None)
                literal = isinstance(message, ast.Constant) and isinstance(message.value, str)
                if literal or isinstance(message, (ast.JoinedStr, ast.BinOp)):
                    unmarked.append(f"{path.relative_to(ROOT)}:{node.lineno}")
            if isinstance(node, ast.ClassDef) and {_name(b) for b in node.bases} & classes:
                for statement in node.body:
                    target = statement.targets[0] if isinstance(statement, ast.Assign) else getattr(
                        statement, "target", None)
                    if _name(target) == "default_message" and isinstance(statement.value, ast.Constant):
                        unmarked.append(f"{path.relative_to(ROOT)}:{statement.lineno}")
    assert unmarked == [], "messages not marked with N_ (the English UI cannot translate them)"


def test_every_marked_message_has_an_english_translation():
    marked = _marked(_trees())
    assert len(marked) > 250  # the domain errors, the status machines' subjects, the e-mail subjects
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle)
    problems = []
    for msgid, places in sorted(marked.items()):
        message = catalogue.get(msgid)
        if message is None or not message.string or message.fuzzy:
            problems.append(f"{places[0]}: no English for {msgid!r} (run tools/i18n.py update, then translate)")
        elif msgid != "%(name)s : %(message)s" and message.string == msgid:
            problems.append(f"{places[0]}: the English of {msgid!r} is a copy of the French")
        elif sorted(PLACEHOLDER.findall(msgid)) != sorted(PLACEHOLDER.findall(message.string)):
            problems.append(f"{places[0]}: the English of {msgid!r} does not keep its placeholders")
    assert problems == []
