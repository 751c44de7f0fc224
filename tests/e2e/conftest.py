"""Browser journeys: a live server with a fresh demo database, headless Chromium driven by Playwright.

- ``live_server`` (session): a fresh SQLite file in a temporary INSTANCE_PATH, migrated with
  ``flask db upgrade``, loaded with ``flask demo``, served on a free local port in a subprocess.
  ``live_server.url`` is the base URL; pages use it as their base (``page.goto("/")``).
  The database is shared by all the journeys of a run: a journey that changes data uses data of its own
  (a member or user it creates, or one no other journey relies on) and leaves the demo users usable
  (e.g. switches the language back).
- ``page`` (per test): a new browser context (no cookies), French, with the server as base URL. After
  the test it fails when a page was loaded without ``check_accessibility(page)``, when a response was a
  5xx, when the page raised a JavaScript error, or when the server logged a traceback; on failure a
  full-page screenshot goes to test-artifacts/e2e/<test-name>.png.

Needs Debian's ``chromium`` (/usr/bin/chromium, or E2E_CHROMIUM), Playwright for Python
(``pip install -e ".[e2e]"``) and axe-core (``npm ci`` in tests/e2e). Without them the tests are
skipped, except when CI is set: then it is a failure.
"""
from __future__ import annotations

import importlib.util
import os
import secrets
import shutil
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

E2E_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = E2E_DIR.parents[1]
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
                 "--no-first-run", "--disable-component-update", "--disable-sync"]
AXE_JS = E2E_DIR / "node_modules" / "axe-core" / "axe.min.js"
#: Playwright's default wait for a step (ms): short, so that a broken journey fails fast.
STEP_TIMEOUT_MS = 10_000


if importlib.util.find_spec("playwright") is None:
    # The journeys import Playwright: without it, only test_requirements.py is collected, and says why.
    collect_ignore_glob = [p.name for p in E2E_DIR.glob("test_*.py") if p.name != "test_requirements.py"]


def pytest_collection_modifyitems(config, items):
    """Every test under tests/e2e is an ``e2e`` test, whether or not its module says so."""
    for item in items:
        if E2E_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


def _missing_requirement() -> str | None:
    if importlib.util.find_spec("playwright") is None:
        return 'Playwright for Python is not installed (pip install -e ".[e2e]")'
    if not os.access(CHROMIUM, os.X_OK):
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    if not AXE_JS.is_file():
        return f"axe-core not installed ({AXE_JS.relative_to(PROJECT_ROOT)} missing: cd tests/e2e && npm ci)"
    return None


@pytest.fixture(scope="session")
def e2e_requirements() -> None:
    missing = _missing_requirement()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"end-to-end tests cannot run under CI: {missing}", pytrace=False)
        pytest.skip(f"end-to-end tests skipped: {missing}")


# --- the live server ------------------------------------------------------------------------------

@dataclass
class LiveServer:
    url: str
    log_path: Path
    instance_path: Path

    def log_text(self, start: int = 0) -> str:
        with self.log_path.open("rb") as log:
            log.seek(start)
            return log.read().decode("utf-8", "replace")

    def log_size(self) -> int:
        return self.log_path.stat().st_size


def _server_environment(instance_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in {"TEST_DATABASE_URL", "DATABASE_URL", "PARC_ENV", "SECRET_KEY", "FLASK_APP"}}
    env.update({
        "INSTANCE_PATH": str(instance_path),
        "DATABASE_URL": "sqlite:///" + str(instance_path / "parc.sqlite3"),
        "SECRET_KEY": secrets.token_hex(32),
        "PYTHONUNBUFFERED": "1",
    })
    return env


def _flask(args: list[str], env: dict[str, str]) -> None:
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "purchasing", *args], cwd=PROJECT_ROOT,
                            env=env, capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        pytest.fail(f"flask {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}",
                    pytrace=False)


def _wait_until_healthy(url: str, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the app stopped at start-up:\n{log_path.read_text(errors='replace')}", pytrace=False)
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    pytest.fail(f"the app did not answer on {url}/healthz:\n{log_path.read_text(errors='replace')}", pytrace=False)


def _clear_artifacts() -> None:
    """Screenshots and reports are from this run only."""
    artifacts = PROJECT_ROOT / "test-artifacts" / "e2e"
    for old in artifacts.glob("*.png"):
        old.unlink()
    (artifacts / "accessibility-report.json").unlink(missing_ok=True)
    shutil.rmtree(artifacts / "pages", ignore_errors=True)


@pytest.fixture(scope="session")
def live_server(e2e_requirements, tmp_path_factory):
    """The app on a free local port, with a fresh migrated SQLite database holding the demo data."""
    _clear_artifacts()
    instance_path = tmp_path_factory.mktemp("e2e-instance")
    env = _server_environment(instance_path)
    _flask(["db", "upgrade"], env)
    _flask(["demo"], env)
    log_path = instance_path / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen([sys.executable, str(E2E_DIR / "server.py")], cwd=PROJECT_ROOT, env=env,
                                   stdout=subprocess.PIPE, stderr=log, text=True)
    try:
        port_line = process.stdout.readline().strip()
        if not port_line.isdigit():
            process.wait(timeout=10)
            pytest.fail(f"the app did not start:\n{port_line}\n{log_path.read_text(errors='replace')}",
                        pytrace=False)
        url = f"http://127.0.0.1:{port_line}"
        _wait_until_healthy(url, process, log_path)
        yield LiveServer(url=url, log_path=log_path, instance_path=instance_path)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover - a stuck server
            process.kill()
            process.wait()
        process.stdout.close()


# --- the browser ----------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def playwright_driver(e2e_requirements):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def chromium(playwright_driver):
    browser = playwright_driver.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def browser_context(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url, locale="fr-FR", timezone_id="Europe/Paris",
                                   viewport={"width": 1280, "height": 800}, bypass_csp=True)
    context.set_default_timeout(STEP_TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(browser_context, live_server, request):
    """A fresh browser tab on the live server, watched for unchecked pages, 5xx answers and script errors."""
    from playwright.sync_api import expect

    from tests.e2e.support import ARTIFACTS, safe_name, track_visits

    expect.set_options(timeout=STEP_TIMEOUT_MS)
    page = browser_context.new_page()
    visits = track_visits(page)
    server_errors: list[str] = []
    script_errors: list[str] = []
    page.on("response", lambda r: server_errors.append(f"{r.status} {r.request.method} {r.url}")
            if r.status >= 500 else None)
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    log_start = live_server.log_size()

    yield page

    reports = request.node.stash.get(_REPORTS, {})
    if any(r.failed for r in reports.values()):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        try:
            page.screenshot(path=str(ARTIFACTS / f"{safe_name(request.node.name)}.png"), full_page=True)
        except Exception as error:  # pragma: no cover - a crashed page
            print(f"no screenshot: {error}")
        return
    problems = []
    if server_errors:
        problems.append("server errors:\n  " + "\n  ".join(server_errors))
    if script_errors:
        problems.append("JavaScript errors:\n  " + "\n  ".join(script_errors))
    tracebacks = live_server.log_text(log_start)
    if "Traceback" in tracebacks:
        problems.append("the server logged a traceback:\n" + tracebacks[-4000:])
    if visits.unchecked():
        problems.append("pages visited without check_accessibility(page):\n  " + "\n  ".join(visits.unchecked()))
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


_REPORTS = pytest.StashKey[dict]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


def pytest_sessionfinish(session, exitstatus):
    if "tests.e2e.support" in sys.modules:
        sys.modules["tests.e2e.support"].write_accessibility_report()

