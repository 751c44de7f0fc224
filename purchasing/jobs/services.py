"""Jobs: start one, run one (claim, progress, result), list and read them within the user's scope.

A job kind is a handler ``handler(job, progress) -> Outcome`` registered with ``register_job_kind``. The
runner calls it in two phases, so that progress can be seen while it works and its writes stay all or
nothing, on SQLite too (decisions.md, "Progress and all-or-nothing on SQLite"):

1. the handler reads, validates and converts, calling ``progress(done, total)``; progress is written through
   *another* connection, committed at once, so the page sees it while the job's own transaction is open;
2. the runner ends that read transaction, then calls ``outcome.write()`` (if any: the inserts of an
   import) and marks the job done **in one transaction**: the rows and "done" commit together, so a job
   that finished is never redone and a job that failed wrote nothing.

A ``DomainError`` (a bad file, row errors, a refused rule) fails the job at once with its message (no retry);
any other exception is retried by the queue with backoff, then fails with a generic reason.
"""
from __future__ import annotations

import logging
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Callable

from flask import current_app, g
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from sqlalchemy import event, false, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, undefer
from sqlalchemy.sql import Select

from purchasing.db_types import utcnow
from purchasing.domain.errors import N_, DomainError
from purchasing.extensions import db
from purchasing.i18n import error_message
from purchasing.jobs.queue import crontab, enqueue, get_huey, register_periodic
from purchasing.jobs.models import Job, JobStatus

log = logging.getLogger(__name__)

#: a running job whose last progress write is older than this was interrupted (worker killed): requeued
STALE_AFTER = timedelta(minutes=30)


@dataclass
class Outcome:
    """What a handler returns: a summary (stored as ``job.result``), a message, a file, and the writes."""

    summary: dict | None = None
    message: str = ""
    #: (file name, MIME type, content) downloadable from the job's page
    file: tuple[str, str, bytes] | None = None
    #: called in the job's final transaction (after progress), e.g. the bulk insert of an import
    write: Callable[[], dict | None] | None = None


@dataclass(frozen=True)
class JobKind:
    name: str
    handler: Callable[[Job, "Progress"], Outcome]


KINDS: dict[str, JobKind] = {}


def register_job_kind(name: str, handler: Callable[[Job, "Progress"], Outcome]) -> None:
    """Declare a kind of job; ``start_job(name, …)`` then runs ``handler(job, progress)`` in a consumer."""
    KINDS[name] = JobKind(name, handler)


# --- starting ------------------------------------------------------------------------------------

def start_job(kind: str, user, *, params: dict | None = None, title: str = "", key: str | None = None,
              input_file: tuple[str, bytes] | None = None, total: int | None = None) -> Job:
    """Create a queued job owned by ``user`` (and their member); it is put on the queue when the caller's
    transaction commits (nothing is queued if it rolls back). Flushes only.

    ``key``: idempotency key — while a job with this key is queued, running or done, that job is returned
    and nothing new starts; after a failure, a new job starts. ``input_file``: (name, bytes) the job reads.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown job kind {kind!r}")
    if key:
        existing = db.session.scalar(select(Job).where(Job.key == key))
        if existing is not None and existing.status != JobStatus.FAILED:
            return existing
        if existing is not None:
            existing.key = None
            db.session.flush()
    params = dict(params or {})
    # the job speaks the language of the page (or API request) that started it: its messages are written in it
    if not params.get("locale"):
        params["locale"] = str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])
    job = Job(kind=kind, owner_id=user.id, member_id=None if user.is_staff else user.member_id,
              status=JobStatus.QUEUED.value, params=params, title=title[:200], key=key,
              progress_total=total, created_dt=utcnow())
    if input_file is not None:
        job.input_name, job.input_data = input_file[0][:200], input_file[1]
    try:
        with db.session.begin_nested():
            db.session.add(job)
    except IntegrityError:
        # the same key started by a concurrent request: that job is this one
        existing = db.session.scalar(select(Job).where(Job.key == key))
        if existing is None:
            raise
        return existing
    _pending(db.session).append(job.id)
    return job


def _pending(session: Session) -> list[int]:
    return session.info.setdefault("jobs_to_enqueue", [])


@event.listens_for(Session, "after_commit")
def _enqueue_after_commit(session: Session) -> None:
    ids = session.info.pop("jobs_to_enqueue", None)
    for job_id in ids or ():
        enqueue(job_id)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop("jobs_to_enqueue", None)


# --- running -------------------------------------------------------------------------------------

class Progress:
    """``progress(done, total=None, message=None)``: record how far the job is, at most every ``interval`` s
    (and always at the end), through another connection, committed at once; and, when a write is slow (a busy
    SQLite file: each commit waits for the disk), at most every ``slow_factor`` times its last duration, so that
    the bar never costs the job more than a small share of its time."""

    def __init__(self, job_id: int, *, interval: float = 0.1, slow_factor: float = 5.0):
        self.job_id = job_id
        self.interval = interval
        self.slow_factor = slow_factor
        self.total: int | None = None
        self._last = 0.0
        self._gap = interval

    def __call__(self, done: int, total: int | None = None, message: str | None = None, *, force=False) -> None:
        if total is not None:
            self.total = total
        now = time.monotonic()
        if not force and now - self._last < self._gap and (self.total is None or done < self.total):
            return
        self._last = now
        values: dict[str, Any] = {"progress_done": done, "updated_dt": utcnow()}
        if self.total is not None:
            values["progress_total"] = self.total
        if message is not None:
            values["message"] = message[:300]
        _write_aside(self.job_id, values)
        self._gap = max(self.interval, self.slow_factor * (time.monotonic() - now))


def _write_aside(job_id: int, values: dict, *, where=None) -> int:
    """UPDATE the job row outside the job's own transaction (another connection, committed at once).

    In immediate mode (page tests) the job runs inside the request, where nobody can watch it: the write goes
    through the job's session (committed at once too)."""
    stmt = update(Job).where(Job.id == job_id)
    if where is not None:
        stmt = stmt.where(where)
    stmt = stmt.values(**values)
    if get_huey().immediate:
        count = db.session.execute(stmt, execution_options={"synchronize_session": False}).rowcount
        db.session.commit()
        return count
    with db.engine.begin() as connection:
        return connection.execute(stmt).rowcount


def execute(job_id: int, *, final_attempt: bool = True) -> None:
    """Run one job in the consumer (``run_job`` task): claim it, run its handler, record the outcome."""
    now = utcnow()
    claimed = _write_aside(job_id, {"status": JobStatus.RUNNING.value, "started_dt": now, "updated_dt": now,
                                    "attempts": Job.attempts + 1, "finished_dt": None},
                           where=or_(Job.status == JobStatus.QUEUED.value,
                                     (Job.status == JobStatus.RUNNING.value) & (Job.updated_dt < now - STALE_AFTER)))
    if not claimed:
        log.info("job %s not run: it is running elsewhere, finished or unknown", job_id)
        return
    job = db.session.get(Job, job_id, populate_existing=True)
    kind = KINDS.get(job.kind)
    progress = Progress(job_id)
    locale = (job.params or {}).get("locale") or "fr"
    try:
        if kind is None:
            raise DomainError(N_("Type de tâche inconnu : « %(kind)s »."), params={"kind": job.kind},
                              code="unknown_job_kind")
        # the handler runs as the job's owner (scoping, roles) and in the language of the page that started it
        with current_app.test_request_context(), force_locale(locale):
            g._login_user = job.owner
            outcome = kind.handler(job, progress)
            # end the read transaction of phase 1 (on SQLite a write after other connections' commits needs it)
            db.session.rollback()
            if outcome.write is not None and db.engine.dialect.name == "sqlite" and not get_huey().immediate:
                # the write phase reads, then writes, in one transaction: with two consumers on one SQLite file
                # its first write failed at once when the other had committed meanwhile (each attempt of both
                # jobs refused, "database is locked"): it now starts by taking the write lock, waiting for it
                db.session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
            job = db.session.get(Job, job_id, populate_existing=True)
            g._login_user = job.owner
            summary = outcome.summary
            if outcome.write is not None:
                written = outcome.write()
                if written:
                    summary = {**(summary or {}), **written}
        job.status = JobStatus.DONE.value
        job.finished_dt = job.updated_dt = utcnow()
        job.message = outcome.message[:300]
        job.result = summary
        job.error = ""
        if progress.total is not None:
            job.progress_total = progress.total
            job.progress_done = progress.total
        if outcome.file is not None:
            job.result_name, job.result_mimetype, job.result_data = outcome.file
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        with _in_locale(locale):
            text = error_message(error)
        _write_aside(job_id, {"status": JobStatus.FAILED.value, "finished_dt": utcnow(), "updated_dt": utcnow(),
                              "error": text, "result": {"code": error.code, **(error.details or {})}})
        log.info("job %s failed: %s", job_id, error.message)
    except Exception as error:
        db.session.rollback()
        reason = f"{type(error).__name__}: {error}"[:1000]
        with _in_locale(locale):
            if final_attempt:
                text = _("Erreur inattendue, la tâche a échoué après plusieurs essais (%(reason)s).", reason=reason)
            else:
                text = _("Essai en échec, nouvel essai prévu (%(reason)s).", reason=reason)
        if final_attempt:
            _write_aside(job_id, {"status": JobStatus.FAILED.value, "finished_dt": utcnow(),
                                  "updated_dt": utcnow(), "error": text})
        else:
            # back in the queue: the consumer runs it again after the retry delay (Huey's backoff)
            _write_aside(job_id, {"status": JobStatus.QUEUED.value, "updated_dt": utcnow(), "error": text})
        raise


@contextmanager
def _in_locale(locale: str):
    """The job's language (that of the page which started it) for the texts written about it outside its
    handler, a failure's reason: a job keeps the texts it shows, read by the user who started it."""
    with current_app.test_request_context(), force_locale(locale):
        yield


def requeue_stale_jobs() -> int:
    """Put back on the queue the running jobs whose consumer stopped (no progress for STALE_AFTER)."""
    stale = list(db.session.scalars(select(Job.id).where(Job.status == JobStatus.RUNNING.value,
                                                         Job.updated_dt < utcnow() - STALE_AFTER)))
    for job_id in stale:
        enqueue(job_id)
    return len(stale)


register_periodic("requeue_stale_jobs", crontab(minute="*/10"), requeue_stale_jobs)


# --- reading -------------------------------------------------------------------------------------

def jobs_scope(stmt: Select, user) -> Select:
    """A member's jobs to that member's users only; staff jobs (member_id NULL) to staff only."""
    if not getattr(user, "is_authenticated", False):
        return stmt.where(false())
    if user.is_staff:
        return stmt.where(Job.member_id.is_(None))
    if user.member_id is None:
        return stmt.where(false())
    return stmt.where(Job.member_id == user.member_id)


def jobs_query(user) -> Select:
    return jobs_scope(select(Job), user).order_by(Job.created_dt.desc(), Job.id.desc())


def get_job(job_id: int, user, *, with_result: bool = False) -> Job | None:
    stmt = jobs_scope(select(Job).where(Job.id == job_id), user)
    if with_result:
        stmt = stmt.options(undefer(Job.result_data))
    return db.session.scalar(stmt)


def input_data(job: Job) -> bytes:
    return db.session.scalar(select(Job.input_data).where(Job.id == job.id)) or b""

