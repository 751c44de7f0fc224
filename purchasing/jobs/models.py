"""The Job table: the user's source of truth for background work (state, progress, reason, result)."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from purchasing.accounts.models import User
from purchasing.db_types import UTCDateTime, utcnow
from purchasing.extensions import db


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Job(db.Model):
    """One long task started by a user. The queue (Huey) carries only the job's id; everything the user sees
    is here. ``member_id`` is the member of the user who started it (None for syndicate staff): a member's
    jobs are visible to that member's users only, staff jobs to staff only."""

    __tablename__ = "job"
    __owner_column__ = "member_id"
    __table_args__ = (Index("ix_job_member_created", "member_id", "created_dt"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: idempotency key: starting the same work again returns the job already queued, running or done
    key: Mapped[str | None] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    #: one of JobStatus
    status: Mapped[str] = mapped_column(String(10), default=JobStatus.QUEUED.value, index=True)
    #: what the job works on (JSON-serialisable), e.g. {"member_id": 3, "dry_run": false}
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    title: Mapped[str] = mapped_column(String(200), default="")
    progress_done: Mapped[int] = mapped_column(default=0)
    progress_total: Mapped[int | None]
    message: Mapped[str] = mapped_column(String(300), default="")
    #: why it failed (French, for the user); row errors go in ``result``
    error: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(default=0)
    #: the uploaded file the job reads (kept in the database so that a consumer on another host reads it)
    input_name: Mapped[str] = mapped_column(String(200), default="")
    input_data: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    #: the file the job produced (downloaded from /jobs/<id>/result), and a JSON summary (counts, row errors)
    result_name: Mapped[str] = mapped_column(String(200), default="")
    result_mimetype: Mapped[str] = mapped_column(String(120), default="")
    result_data: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    result: Mapped[dict | None] = mapped_column(JSON)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: last progress write (a running job whose heartbeat is old was interrupted)
    updated_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())

    owner: Mapped[User] = relationship(lazy="joined")

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def has_file(self) -> bool:
        return bool(self.result_name)
