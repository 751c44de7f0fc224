"""Mutation testing of the pure domain: ``python tools/mutation.py [MODULE.py ...]``.

For each pure-domain module (the ``only_mutate`` globs of ``[tool.mutmut]`` in pyproject.toml:
``purchasing/domain/*.py``, ``lifecycle/domain/*.py``, carbon model included), one module at a time:

1. **mutmut 3** makes its mutants (operators, comparisons, numbers, strings, arguments… inside
   functions) and runs, for each one, the domain unit tests that call the mutated function
   (``pytest_add_cli_args_test_selection``). ``process_isolation = "forkserver"`` with
   ``forkserver_warmup = "none"``: mutmut's fork server imports pytest only, so every mutant runs in
   a fresh child that imports the project itself (module-level code and ``lru_cache`` caches start
   empty, nothing is inherited from an earlier run). ``tools/mutation_plugin.py`` empties the domain's
   caches before each test too, so mutmut maps every test to the functions behind a cache.
2. **Hand-written mutants** (``HAND_MUTANTS`` below): mutmut leaves module-level code and decorated
   functions alone, so the thresholds, rates, dates, codes and tables that live there are mutated
   here, by editing the module's copy in ``mutants/`` and running the same unit tests in a new
   ``python -m pytest`` process (the constant is read at import, for real), then restoring it.
3. **Message-only mutants** are counted apart: a mutant whose every change lies in the *text of a
   message* (see ``message_slot``) is not a bug a test must catch. Messages are: the first argument
   (or ``message=``) of an exception in a ``raise`` statement, the ``message`` argument (third) of
   ``RuleViolation``, ``PublicationWarning`` and ``refuse``, and the value assigned to a variable
   named ``message``. Codes (``code=``), details, cited articles (``rule``), explanations, labels and
   every other string are *not* messages: a mutant there must be killed.

It prints, per module: mutants, killed (timeouts count as killed), score, message-only mutants,
score without them, and each surviving non-message mutant identified by its code — function and
line text (``- before`` / ``+ after``), never by a line number, so it can be found wherever it moves.
The same report is written to ``mutants/mutation-report.md``. ``--show-message-survivors`` also lists
the message-only survivors.

Takes tens of minutes on 2 cores (about 1.5 mutants a second); not run in CI. ``mutants/`` is
rebuilt at each run (mutmut's copy of the project, ignored by git). Options: ``--jobs N`` (mutmut's
``--max-children``, default 1: the machine is shared), ``--hand-only``, ``--list-hand``.
"""
from __future__ import annotations

import argparse
import ast
import difflib
import fnmatch
import json
import os
import shutil
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = ROOT / "mutants"
VENV_BIN = Path(sys.executable).parent


# --- hand-written mutants ------------------------------------------------------------------------
# (module, before, after): ``before`` must occur exactly once in the module (give enough context),
# it is replaced by ``after``. Thresholds, rates, dates and stable codes that mutmut cannot reach.

HAND_MUTANTS: list[tuple[str, str, str]] = [
    # money
    ("purchasing/domain/money.py", 'CENT = Decimal("0.01")', 'CENT = Decimal("0.1")'),
    ("purchasing/domain/money.py", 'DEFAULT_VAT_RATE = Decimal("0.20")', 'DEFAULT_VAT_RATE = Decimal("0.21")'),
    ("purchasing/domain/money.py", 'NARROW_NBSP = "\\u202f"', 'NARROW_NBSP = "\\u00a0"'),
    ("purchasing/domain/money.py", 'NBSP = "\\u00a0"', 'NBSP = " "'),
    ("purchasing/domain/money.py", "_MAX_INTEGER_DIGITS = 13", "_MAX_INTEGER_DIGITS = 12"),
    ("purchasing/domain/money.py", "_MAX_INTEGER_DIGITS = 13", "_MAX_INTEGER_DIGITS = 14"),
    ("purchasing/domain/money.py", '_SPACES = " \\u00a0\\u202f\\u2009"', '_SPACES = " \\u00a0\\u202f"'),
    ("purchasing/domain/money.py", '_SPACES = " \\u00a0\\u202f\\u2009"', '_SPACES = " \\u202f\\u2009"'),
    ("purchasing/domain/money.py", '_SPACES = " \\u00a0\\u202f\\u2009"', '_SPACES = " \\u00a0\\u2009"'),
    ("purchasing/domain/money.py", 're.compile(r"^\\d+(?:[.,](\\d+))?$")', 're.compile(r"^\\d+(?:[,](\\d+))?$")'),
    ("purchasing/domain/money.py", 're.compile(r"^\\d{1,3}(?:\\.\\d{3})+,(\\d+)$")',
     're.compile(r"^\\d{1,3}(?:\\.\\d{3})+[.,](\\d+)$")'),
    # pricing
    ("purchasing/domain/pricing.py", 'RATE_PLACES = Decimal("0.0001")', 'RATE_PLACES = Decimal("0.001")'),
    ("purchasing/domain/pricing.py", "DEFAULT_MAX_QUANTITY = 10_000", "DEFAULT_MAX_QUANTITY = 10_001"),
    ("purchasing/domain/pricing.py", "DEFAULT_MAX_QUANTITY = 10_000", "DEFAULT_MAX_QUANTITY = 9_999"),
    ("purchasing/domain/pricing.py", 're.compile(r"-?[0-9]{1,100}")', 're.compile(r"[0-9]{1,100}")'),
    # procurement: thresholds and their dates, the environmental date, framework durations
    ("purchasing/domain/procurement.py", 'date(2024, 1, 1),\n        Decimal("40000")',
     'date(2024, 1, 2),\n        Decimal("40000")'),
    ("purchasing/domain/procurement.py", 'Decimal("40000"),\n        Decimal("221000")',
     'Decimal("40001"),\n        Decimal("221000")'),
    ("purchasing/domain/procurement.py", 'Decimal("40000"),\n        Decimal("221000")',
     'Decimal("39999"),\n        Decimal("221000")'),
    ("purchasing/domain/procurement.py", 'Decimal("221000"),', 'Decimal("221001"),'),
    ("purchasing/domain/procurement.py", 'date(2026, 1, 1),\n        Decimal("40000")',
     'date(2026, 1, 2),\n        Decimal("40000")'),
    ("purchasing/domain/procurement.py", 'Decimal("40000"),\n        Decimal("216000")',
     'Decimal("40001"),\n        Decimal("216000")'),
    ("purchasing/domain/procurement.py", 'date(2026, 1, 1),\n        Decimal("40000"),\n        Decimal("216000")',
     'date(2026, 1, 1),\n        Decimal("40000"),\n        Decimal("216001")'),
    ("purchasing/domain/procurement.py", "date(2026, 4, 1),", "date(2026, 4, 2),"),
    ("purchasing/domain/procurement.py", "date(2026, 4, 1),", "date(2026, 3, 31),"),
    ("purchasing/domain/procurement.py", 'Decimal("60000"),', 'Decimal("60001"),'),
    ("purchasing/domain/procurement.py", 'Decimal("60000"),\n        Decimal("216000")',
     'Decimal("60000"),\n        Decimal("216001")'),
    ("purchasing/domain/procurement.py", "THRESHOLDS_KNOWN_UNTIL = date(2027, 12, 31)",
     "THRESHOLDS_KNOWN_UNTIL = date(2027, 12, 30)"),
    ("purchasing/domain/procurement.py", "ENVIRONMENTAL_CRITERION_MANDATORY_FROM = date(2026, 8, 21)",
     "ENVIRONMENTAL_CRITERION_MANDATORY_FROM = date(2026, 8, 22)"),
    ("purchasing/domain/procurement.py", "ENVIRONMENTAL_CRITERION_MANDATORY_FROM = date(2026, 8, 21)",
     "ENVIRONMENTAL_CRITERION_MANDATORY_FROM = date(2026, 8, 20)"),
    ("purchasing/domain/procurement.py", "FRAMEWORK_MAX_MONTHS = 48", "FRAMEWORK_MAX_MONTHS = 49"),
    ("purchasing/domain/procurement.py", "FRAMEWORK_MAX_MONTHS = 48", "FRAMEWORK_MAX_MONTHS = 47"),
    ("purchasing/domain/procurement.py", "FRAMEWORK_MAX_YEARS = 4", "FRAMEWORK_MAX_YEARS = 5"),
    ("purchasing/domain/procurement.py", '"environmental", "delivery"})', '"environmental"})'),
    ("purchasing/domain/procurement.py", 'APP_RULE_LOTS = "numérotation des lots"', 'APP_RULE_LOTS = APP_RULE_DATES'),
    # scoring
    ("purchasing/domain/scoring.py", 'DEFAULT_ABNORMALLY_LOW_RATIO = Decimal("0.70")',
     'DEFAULT_ABNORMALLY_LOW_RATIO = Decimal("0.71")'),
    ("purchasing/domain/scoring.py", 'POINTS = Decimal("0.01")', 'POINTS = Decimal("0.1")'),
    ("purchasing/domain/scoring.py", "TWENTY = Decimal(20)", "TWENTY = Decimal(21)"),
    ("purchasing/domain/scoring.py", '    "warranty_years": False,', '    "warranty_years": True,'),
    ("purchasing/domain/scoring.py", '    "annual_kgco2e": True,', '    "annual_kgco2e": False,'),
    ("purchasing/domain/scoring.py", '("submitted_at", "l\'offre remise la première"),\n    ("supplier_name"',
     '("supplier_name", "l\'offre remise la première"),\n    ("submitted_at"'),
    # states: the transition tables
    ("purchasing/domain/states.py", '"approved": {"placed", "cancelled"},', '"approved": {"placed"},'),
    ("purchasing/domain/states.py", '"placed": {"partially_delivered", "delivered"},', '"placed": {"partially_delivered"},'),
    ("purchasing/domain/states.py", '"sent": {"acknowledged", "partially_delivered", "delivered"},',
     '"sent": {"acknowledged", "partially_delivered"},'),
    ("purchasing/domain/states.py", '"closed": {"ordered", "cancelled"},', '"closed": {"ordered"},'),
    ("purchasing/domain/states.py", '"evaluated": {"awarded", "unsuccessful", "cancelled"},',
     '"evaluated": {"awarded", "cancelled"},'),
    ("lifecycle/domain/states.py", '"refurbishing", "in_pool")\nASSET', '"refurbishing")\nASSET'),
    ("lifecycle/domain/states.py", '            ("in_pool", "in_stock"),', ""),
    # carbon
    ("lifecycle/domain/carbon.py", "DEFAULT_RELATIVE_SPREAD = 0.30", "DEFAULT_RELATIVE_SPREAD = 0.31"),
    ("lifecycle/domain/carbon.py", 'REASON_NO_FACTOR = "no_factor"', 'REASON_NO_FACTOR = "no_factorXX"'),
    ("lifecycle/domain/carbon.py", 'REASON_NO_LIFETIME = "no_lifetime"', 'REASON_NO_LIFETIME = "no_lifetimeXX"'),
    ("lifecycle/domain/carbon.py", 'REASON_NO_ENERGY_FACTOR = "no_energy_factor"',
     'REASON_NO_ENERGY_FACTOR = "no_energy_factorXX"'),
    ("lifecycle/domain/carbon.py", 'ORIGIN_CATEGORY = "category"', 'ORIGIN_CATEGORY = "categoryXX"'),
    ("lifecycle/domain/carbon.py", 'ORIGIN_MANUFACTURER = "manufacturer"', 'ORIGIN_MANUFACTURER = "manufacturerXX"'),
    ("lifecycle/domain/carbon.py", "return self.annual is not None", "return self.annual is None"),
    ("lifecycle/domain/carbon.py", 'row["category"]: float(row["avoided_share"])', 'row["category"]: 1 - float(row["avoided_share"])'),
    ("lifecycle/domain/carbon.py", "label_en=row[\"label_en\"],", "label_en=row[\"label_fr\"],"),
    # durability
    ("lifecycle/domain/durability.py", "LIFETIME_POINTS = 40", "LIFETIME_POINTS = 41"),
    ("lifecycle/domain/durability.py", "LIFETIME_FULL_MARKS_YEARS = 8", "LIFETIME_FULL_MARKS_YEARS = 9"),
    ("lifecycle/domain/durability.py", "WARRANTY_POINTS = 20", "WARRANTY_POINTS = 21"),
    ("lifecycle/domain/durability.py", "WARRANTY_FULL_MARKS_YEARS = 5", "WARRANTY_FULL_MARKS_YEARS = 6"),
    ("lifecycle/domain/durability.py", "INDEX_POINTS = 30", "INDEX_POINTS = 31"),
    ("lifecycle/domain/durability.py", "INDEX_SCALE = 10", "INDEX_SCALE = 11"),
    ("lifecycle/domain/durability.py", "REFURBISHED_POINTS = 10", "REFURBISHED_POINTS = 11"),
    ("lifecycle/domain/durability.py", 'ELECTRICITY_PRICE_EUR_PER_KWH_HT = Decimal("0.20")',
     'ELECTRICITY_PRICE_EUR_PER_KWH_HT = Decimal("0.21")'),
    ("lifecycle/domain/durability.py", '_CENT = Decimal("0.01")', '_CENT = Decimal("0.1")'),
    # targets: rates and the dates they apply from
    ("lifecycle/domain/targets.py", 'date(2021, 1, 1),\n        Decimal("0.20")', 'date(2021, 1, 2),\n        Decimal("0.20")'),
    ("lifecycle/domain/targets.py", 'date(2027, 1, 1),\n        Decimal("0.25")', 'date(2027, 1, 2),\n        Decimal("0.25")'),
    ("lifecycle/domain/targets.py", 'date(2027, 1, 1),\n        Decimal("0.25")', 'date(2027, 1, 1),\n        Decimal("0.26")'),
    ("lifecycle/domain/targets.py", 'date(2030, 1, 1),\n        Decimal("0.30")', 'date(2030, 1, 2),\n        Decimal("0.30")'),
    ("lifecycle/domain/targets.py", 'date(2030, 1, 1),\n        Decimal("0.30")', 'date(2030, 1, 1),\n        Decimal("0.31")'),
    ("lifecycle/domain/targets.py", '(date(2023, 1, 1), Decimal("0.25")', '(date(2023, 1, 2), Decimal("0.25")'),
    ("lifecycle/domain/targets.py", '(date(2024, 1, 1), Decimal("0.35")', '(date(2024, 1, 1), Decimal("0.36")'),
    ("lifecycle/domain/targets.py", 'date(2025, 1, 1),\n        Decimal("0.50")', 'date(2025, 1, 2),\n        Decimal("0.50")'),
    ("lifecycle/domain/targets.py", 'date(2025, 1, 1),\n        Decimal("0.50")', 'date(2025, 1, 1),\n        Decimal("0.51")'),
    # identifiers
    ("purchasing/domain/identifiers.py", 'LA_POSTE_SIREN = "356000000"', 'LA_POSTE_SIREN = "356000001"'),
    ("purchasing/domain/identifiers.py", "|2[AB]\\d{3}|", "|2[A]\\d{3}|"),
    ("purchasing/domain/identifiers.py", "|97[1-6]\\d{2})", "|97[1-5]\\d{2})"),
    ("purchasing/domain/identifiers.py", "(?:0[1-9]|1\\d|", "(?:0[0-9]|1\\d|"),
    ("purchasing/domain/identifiers.py", "|9[0-5]|", "|9[0-6]|"),
    # errors: the stable codes and HTTP statuses the API exposes
    ("purchasing/domain/errors.py", '    code: str = "domain_error"', '    code: str = "domain_errorXX"'),
    ("purchasing/domain/errors.py", "    http_status: int = 422", "    http_status: int = 400"),
    ("purchasing/domain/errors.py", '    code = "conflict"\n    http_status = 409', '    code = "conflict"\n    http_status = 422'),
    ("purchasing/domain/errors.py", '    code = "conflict"', '    code = "conflictXX"'),
    ("purchasing/domain/errors.py", '    http_status = 409\n\n    code = "transition_not_allowed"',
     '    http_status = 422\n\n    code = "transition_not_allowed"'),
    ("purchasing/domain/errors.py", 'code = "transition_not_allowed"', 'code = "transition_not_allowedXX"'),
    ("purchasing/domain/errors.py", 'code = "invalid_quantity"', 'code = "invalid_quantityXX"'),
    ("purchasing/domain/errors.py", 'code = "pricing_error"', 'code = "pricing_errorXX"'),
    ("purchasing/domain/errors.py", 'code = "procurement_rule_violation"', 'code = "procurement_rule_violationXX"'),
]


# --- message-only filter -------------------------------------------------------------------------

#: calls whose ``message`` is their argument at this position (or the ``message=`` keyword)
MESSAGE_ARGUMENT = {"RuleViolation": 2, "PublicationWarning": 2, "refuse": 2}
#: a value assigned to a variable of this name is a message
MESSAGE_VARIABLES = {"message"}

Path_ = tuple[tuple[object, object], ...]  # (node or list, field name or index) from the function down


def _same(a: object, b: object) -> bool:
    return not _differences(a, b, ())


def _differences(a: object, b: object, path: Path_) -> list[Path_]:
    """Where two ASTs differ: the paths (in ``a``) of the smallest differing parts."""
    if type(a) is not type(b):
        return [path]
    if isinstance(a, ast.AST):
        found: list[Path_] = []
        for name in a._fields:
            if name in ("ctx", "type_comment"):
                continue
            found += _differences(getattr(a, name, None), getattr(b, name, None), path + ((a, name),))
        return found
    if isinstance(a, list):
        assert isinstance(b, list)
        if len(a) == len(b):
            found = []
            for index, (x, y) in enumerate(zip(a, b)):
                found += _differences(x, y, path + ((a, index),))
            return found
        if len(a) == len(b) + 1:  # one element removed (an argument, a statement)
            for index in range(len(a)):
                if all(_same(x, y) for x, y in zip(a[:index] + a[index + 1:], b)):
                    return [path + ((a, index),)]
        return [path]
    return [] if a == b else [path]


def _callee(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def message_slot(path: Path_) -> bool:
    """True when ``path`` (from the function's root) lies in the text of a message (module doc, 3.)."""
    for step, (node, key) in enumerate(path):
        below = path[step + 1][1] if step + 1 < len(path) else None
        if isinstance(node, ast.Call) and key in ("args", "keywords"):
            if key == "keywords":
                if below is not None and node.keywords[below].arg == "message":  # type: ignore[index]
                    return True
                continue
            raised = step > 0 and isinstance(path[step - 1][0], ast.Raise) and path[step - 1][1] == "exc"
            position = 0 if raised else MESSAGE_ARGUMENT.get(_callee(node) or "")
            if position is not None and below == position:
                return True
        if isinstance(node, ast.Assign) and key == "value":
            if any(isinstance(target, ast.Name) and target.id in MESSAGE_VARIABLES for target in node.targets):
                return True
    return False


def is_message_only(original: ast.FunctionDef, mutant: ast.FunctionDef) -> bool:
    mutant = ast.FunctionDef(**{**mutant.__dict__, "name": original.name})  # compare bodies, not names
    points = _differences(original, mutant, ())
    return bool(points) and all(message_slot(point) for point in points)


# --- reading mutmut's results --------------------------------------------------------------------


@dataclass
class Mutant:
    key: str  # mutmut's name, or "hand:<n>"
    function: str
    before: list[str]
    after: list[str]
    status: str = "not checked"
    message_only: bool = False

    @property
    def killed(self) -> bool:
        return self.status in ("killed", "timeout")

    def describe(self) -> str:
        lines = [f"  {self.function}:"]
        lines += [f"    - {line}" for line in self.before] + [f"    + {line}" for line in self.after]
        return "\n".join(lines) + (f"   [{self.status}]" if self.status != "survived" else "")


@dataclass
class ModuleResult:
    path: str
    mutants: list[Mutant] = field(default_factory=list)
    seconds: float = 0.0

    def row(self) -> tuple[str, int, int, str, int, str]:
        total = len(self.mutants)
        killed = sum(m.killed for m in self.mutants)
        counted = [m for m in self.mutants if not m.message_only]
        counted_killed = sum(m.killed for m in counted)
        return (
            self.path, total, killed, _percent(killed, total), total - len(counted), _percent(counted_killed, len(counted))
        )


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "—"


STATUS_BY_EXIT_CODE = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests", 34: "skipped",
                       36: "timeout", -24: "timeout", 24: "timeout", 152: "timeout", 255: "timeout"}


def _functions(tree: ast.Module) -> dict[str, ast.FunctionDef]:
    found: dict[str, ast.FunctionDef] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            found[node.name] = node
        elif isinstance(node, ast.ClassDef):
            found.update({child.name: child for child in node.body if isinstance(child, ast.FunctionDef)})
    return found


def _readable_name(mangled: str) -> str:
    """``xǁBandǁcontains`` -> ``Band.contains``; ``x_format_eur`` -> ``format_eur``."""
    if mangled.startswith("xǁ"):
        _, class_name, method = mangled.split("ǁ")
        return f"{class_name}.{method}"
    return mangled[2:]


def _changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    removed, added = [], []
    for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0):
        if line.startswith(("---", "+++", "@@")):
            continue
        (removed if line.startswith("-") else added).append(line[1:].strip())
    return removed, added


def mutmut_mutants(path: str) -> list[Mutant]:
    """The mutants mutmut made for ``path`` with their results (from ``mutants/<path>.meta``)."""
    meta = MUTANTS / (path + ".meta")
    if not meta.exists():
        return []
    exit_codes: dict[str, int | None] = json.loads(meta.read_text())["exit_code_by_key"]
    source = (MUTANTS / path).read_text(encoding="utf-8")
    functions = _functions(ast.parse(source))
    mutants = []
    for key, exit_code in sorted(exit_codes.items()):
        generated = key.rpartition(".")[2]
        mangled, _, _number = generated.partition("__mutmut_")
        original, mutated = functions[mangled + "__mutmut_orig"], functions[generated]
        name = _readable_name(mangled).rpartition(".")[2]
        before = (ast.get_source_segment(source, original, padded=True) or "").replace(mangled + "__mutmut_orig", name, 1)
        after = (ast.get_source_segment(source, mutated, padded=True) or "").replace(generated, name, 1)
        removed, added = _changed_lines(before, after)
        mutants.append(Mutant(
            key=key, function=_readable_name(mangled), before=removed, after=added,
            status=STATUS_BY_EXIT_CODE.get(exit_code, "not checked" if exit_code is None else "suspicious"),
            message_only=is_message_only(original, mutated),
        ))
    return mutants


# --- running -------------------------------------------------------------------------------------


def mutmut_config() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mutmut"]


def domain_modules() -> list[str]:
    patterns = mutmut_config()["only_mutate"]
    paths = sorted({str(p.relative_to(ROOT)) for pattern in patterns for p in ROOT.glob(pattern)})
    # a module with neither a function nor a hand-written mutant has nothing to mutate
    return [p for p in paths if "def " in (ROOT / p).read_text(encoding="utf-8") or any(h[0] == p for h in HAND_MUTANTS)]


def dotted(path: str) -> str:
    return path.removesuffix(".py").replace("/", ".")


def run_mutmut(path: str, jobs: int, log) -> None:
    if "def " not in (ROOT / path).read_text(encoding="utf-8"):
        return
    command = [str(VENV_BIN / "mutmut"), "run", "--max-children", str(jobs), dotted(path) + ".x*"]
    completed = subprocess.run(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, check=False)
    if completed.returncode != 0:
        raise SystemExit(f"mutmut failed on {path} (exit {completed.returncode}); see {log.name}")


def run_hand_mutants(path: str, log) -> list[Mutant]:
    tests = mutmut_config()["pytest_add_cli_args_test_selection"]
    target = MUTANTS / path
    original = target.read_text(encoding="utf-8")
    env = {**os.environ, "MUTANT_UNDER_TEST": "", "PY_IGNORE_IMPORTMISMATCH": "1"}
    results = []
    for number, (module, before, after) in enumerate(HAND_MUTANTS, start=1):
        if module != path:
            continue
        if original.count(before) != 1:
            raise SystemExit(f"hand-written mutant {number} ({module}): {before!r} occurs "
                             f"{original.count(before)} times, not once; update HAND_MUTANTS")
        target.write_text(original.replace(before, after), encoding="utf-8")
        try:
            # the module's own test file first (cheap), then, if the mutant survives it, every selected test
            own = [test for test in tests if Path(test).name == f"test_{Path(path).stem}.py"]
            for selection in ([own, tests] if own else [tests]):
                completed = subprocess.run(
                    [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *selection],
                    cwd=MUTANTS, env=env, stdout=log, stderr=subprocess.STDOUT, timeout=600, check=False,
                )
                status = {0: "survived", 1: "killed"}.get(completed.returncode, "suspicious")
                if status != "survived":
                    break
        except subprocess.TimeoutExpired:
            status = "timeout"
        finally:
            target.write_text(original, encoding="utf-8")
        results.append(Mutant(key=f"hand:{number}", function=f"module level (hand-written mutant {number})",
                              before=[" / ".join(line.strip() for line in before.splitlines())],
                              after=[" / ".join(line.strip() for line in after.splitlines())], status=status))
    return results


def clean_run_check(log) -> None:
    """The selected tests pass on the unmutated copy, otherwise every hand mutant would read as killed."""
    tests = mutmut_config()["pytest_add_cli_args_test_selection"]
    completed = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests],
                               cwd=MUTANTS, env={**os.environ, "MUTANT_UNDER_TEST": ""},
                               stdout=log, stderr=subprocess.STDOUT, check=False)
    if completed.returncode != 0:
        raise SystemExit(f"the domain unit tests fail without any mutant; see {log.name}")


def copy_project() -> None:
    """What mutmut copies (its source paths, tests, pyproject.toml), for a run of hand mutants only."""
    for name in [*mutmut_config()["source_paths"], "tests"]:
        shutil.copytree(ROOT / name, MUTANTS / name, copy_function=shutil.copy2, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(ROOT / "pyproject.toml", MUTANTS / "pyproject.toml")


def report(results: list[ModuleResult], show_message_survivors: bool) -> str:
    lines = ["| module | mutants | killed | score | message-only | score without message-only |",
             "|---|---|---|---|---|---|"]
    lines += ["| " + " | ".join(str(cell) for cell in result.row()) + " |" for result in results]
    for result in results:
        survivors = [m for m in result.mutants if not m.killed and not m.message_only]
        quiet = [m for m in result.mutants if not m.killed and m.message_only]
        lines.append("")
        lines.append(f"{result.path}: {len(survivors)} surviving mutant(s), {len(quiet)} message-only survivor(s)"
                     f" ({result.seconds:.0f} s)")
        lines += [m.describe() for m in survivors]
        if show_message_survivors:
            lines += [m.describe() + "   (message only)" for m in quiet]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("modules", nargs="*", help="module paths (default: every pure-domain module)")
    parser.add_argument("--jobs", type=int, default=1, help="mutants run at once (default 1: shared machine)")
    parser.add_argument("--hand-only", action="store_true", help="only the hand-written mutants")
    parser.add_argument("--list-hand", action="store_true", help="print the hand-written mutants and exit")
    parser.add_argument("--show-message-survivors", action="store_true")
    args = parser.parse_args()

    if args.list_hand:
        for number, (module, before, after) in enumerate(HAND_MUTANTS, start=1):
            print(f"hand:{number} {module}: {before!r} -> {after!r}")
        return
    known = domain_modules()
    modules = args.modules or known
    unknown = [m for m in modules if m not in known]
    if unknown:
        raise SystemExit(f"not a pure-domain module (see [tool.mutmut] only_mutate): {unknown}")
    stale = sorted({h[0] for h in HAND_MUTANTS} - set(known))
    if stale:
        raise SystemExit(f"hand-written mutants name modules that no longer exist: {stale}; update HAND_MUTANTS")

    os.chdir(ROOT)
    # a fresh mutants/ at every run: no stale result or test-to-function map from an earlier run
    shutil.rmtree(MUTANTS, ignore_errors=True)
    MUTANTS.mkdir()
    with open(MUTANTS / "mutation.log", "w", encoding="utf-8") as log:
        if args.hand_only:
            copy_project()
        results = []
        for index, path in enumerate(modules):
            start = time.monotonic()
            print(f"{path} …", flush=True)
            if not args.hand_only:
                run_mutmut(path, args.jobs, log)
            if index == 0:
                if not (MUTANTS / "pyproject.toml").exists():
                    copy_project()
                clean_run_check(log)
            result = ModuleResult(path, mutmut_mutants(path) if not args.hand_only else [])
            result.mutants += run_hand_mutants(path, log)
            result.seconds = time.monotonic() - start
            results.append(result)
            print(report([result], args.show_message_survivors).split("\n")[2], flush=True)
    text = report(results, args.show_message_survivors)
    (MUTANTS / "mutation-report.md").write_text(text + "\n", encoding="utf-8")
    print()
    print(text)
    print(f"\n(report: mutants/mutation-report.md, mutmut's output: mutants/mutation.log; "
          f"`.venv/bin/mutmut show <name>` / `mutmut browse` work on the last run)")


if __name__ == "__main__":
    main()
