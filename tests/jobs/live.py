"""A live installation for the queue's integration tests: a migrated SQLite file (committed data, not the suite's
rolled-back transaction), the application serving it through Flask's test client, and real consumer processes
(``flask --app purchasing worker``) reading the same database and the same queue (a SqliteHuey file in the
instance folder, or Redis)."""
from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from decimal import Decimal
from datetime import date
from pathlib import Path

from purchasing import create_app
from purchasing.extensions import db

REPO = Path(__file__).resolve().parents[2]
FLASK = str(Path(sys.executable).with_name("flask"))


class LiveSite:
    def __init__(self, tmp: Path, *, redis_url: str | None = None, retries: int = 2, retry_delay: int = 1):
        self.tmp = tmp
        self.instance = tmp / "instance"
        self.instance.mkdir(parents=True, exist_ok=True)
        self.database_url = "sqlite:///" + str(tmp / "live.sqlite3")
        settings = {
            "SQLALCHEMY_DATABASE_URI": self.database_url,
            "SECRET_KEY": "live-test-secret-key-not-for-production-0123456789",
            "HUEY_SQLITE_PATH": str(self.instance / "jobs-queue.sqlite3"),
            "HUEY_NAME": f"parc-test-{uuid.uuid4().hex[:8]}",
            "REDIS_URL": redis_url,
            "JOBS_IMMEDIATE": False,
            "JOBS_EMBEDDED_WORKER": False,
            "JOBS_RETRIES": retries,
            "JOBS_RETRY_DELAY": retry_delay,
            "JOBS_MODULES": ["tests.jobs.flaky_kind"],
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
        # the consumers read the same settings from the instance folder, as a deployment does
        (self.instance / "config.py").write_text("".join(f"{k} = {v!r}\n" for k, v in settings.items()))
        self.settings = settings
        self.app = create_app({"ENV_NAME": "test", **settings, "JOBS_IMMEDIATE": False})
        self.workers: list[subprocess.Popen] = []
        with self.app.app_context():
            from flask_migrate import upgrade

            upgrade()

    # --- data --------------------------------------------------------------------------------------
    def seed(self) -> dict:
        from purchasing.accounts.services import UserData, create_user
        from purchasing.domain.identifiers import luhn_check_digit
        from purchasing.members.models import Member, fold_for_search

        out = {}
        with self.app.app_context():
            for n, key in enumerate(("a", "b"), start=1):
                body = f"{98000000 + n:08d}"
                member = Member(kind="commune", name=f"Commune live {key}", search_name=f"commune live {key}",
                                siren=body + luhn_check_digit(body), insee_code=f"24{n:03d}", population=500,
                                approval_threshold_ht=Decimal("1000.00"), joined_on=date(2020, 1, 1), is_active=True)
                db.session.add(member)
                db.session.flush()
                create_user(UserData(email=f"secretaire@{key}.live", full_name=f"Secrétaire {key}", role="secretary",
                                     member_id=member.id), "password-123")
                out[f"member_{key}"] = member.id
            create_user(UserData(email="achats@s.live", full_name="Achats", role="purchasing_officer",
                                 member_id=None), "password-123")
            db.session.commit()
        return out

    def job(self, job_id: int):
        from purchasing.jobs.models import Job

        with self.app.app_context():
            job = db.session.get(Job, job_id)
            db.session.expunge(job)
            return job

    def asset_count(self, member_id: int) -> int:
        from sqlalchemy import func, select

        from lifecycle.assets.models import Asset

        with self.app.app_context():
            return db.session.scalar(select(func.count()).select_from(Asset).where(Asset.member_id == member_id))

    # --- consumers ---------------------------------------------------------------------------------
    def start_worker(self, *args: str, name: str = "worker") -> subprocess.Popen:
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "PARC_ENV")}
        env.update(INSTANCE_PATH=str(self.instance), PYTHONPATH=str(REPO))
        with open(self.tmp / f"{name}-{len(self.workers)}.log", "wb") as log:  # the child keeps its own copy
            process = subprocess.Popen([FLASK, "--app", "purchasing", "worker", "--workers", "1", "--max-delay",
                                        "0.5", *args], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
                                       start_new_session=True)
        self.workers.append(process)
        return process

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.tmp.glob("*.log")))

    def stop(self) -> None:
        for process in self.workers:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)  # Huey's graceful stop
        for process in self.workers:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.workers.clear()
        with self.app.app_context():
            from purchasing.jobs.queue import get_huey

            if self.settings["REDIS_URL"]:
                get_huey(self.app).flush()
            db.engine.dispose()

    def wait_for(self, job_id: int, *, timeout: float = 240, statuses=("done", "failed")):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job = self.job(job_id)
            if job.status in statuses:
                return job
            if any(p.poll() is not None for p in self.workers):
                raise AssertionError("a consumer stopped:\n" + self.logs())
            time.sleep(0.2)
        raise AssertionError(f"job {job_id} still {job.status} after {timeout} s:\n" + self.logs())


def inventory_csv(rows: int, prefix: str, *, bad_rows: tuple[int, ...] = ()) -> bytes:
    lines = ["category_code;designation;serial_number;site;acquisition_date;purchase_price_ht"]
    for n in range(rows):
        category = "grille-pain" if n in bad_rows else "laptop"
        lines.append(f"{category};Portable {n};{prefix}-{n:06d};Mairie;2024-03-15;849,90")
    return ("\n".join(lines) + "\n").encode("utf-8")


def post_file(browser, url: str, data: bytes, name: str = "inventaire.csv", **fields):
    """POST a multipart form with a file, encoded in memory (the test client spools large bodies to a
    temporary file it never closes)."""
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart

    page = browser.client.get(url).get_data(as_text=True)
    from tests.conftest import csrf_from

    boundary, body = encode_multipart({"csrf_token": csrf_from(page), **fields,
                                       "file": FileStorage(io.BytesIO(data), filename=name)})
    return browser.client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


NUMBER = re.compile(r"([\d\u202f\u00a0 ]+) lignes sur ([\d\u202f\u00a0 ]+)")


def progress_seen(html: str) -> tuple[int, int] | None:
    match = NUMBER.search(html)
    if not match:
        return None
    done, total = (int(re.sub(r"\D", "", g)) for g in match.groups())
    return done, total


@contextmanager
def live_site(tmp: Path, **kw):
    site = LiveSite(tmp, **kw)
    try:
        yield site
    finally:
        site.stop()
