"""Writing messages into the outbox, in the caller's transaction: rendered now, sent later by a job.

A message is rendered from ``templates/mail/<template>.txt`` and ``.html`` (French, no tracking: no remote
image, no redirecting link) in its recipient's language: a user whose locale is English gets
``templates/mail/en/<template>.*`` and the English subject (``MailText``, translated through the catalogue), anyone
else (a supplier, a user in French or with no choice) French; the outbox keeps the text as rendered, with absolute links built on the BASE_URL setting (never on the request's
Host header, which an attacker could choose). The idempotency key (``<event>|<recipient>``) is unique:
writing the same event to the same recipient twice writes one row. Services flush, never commit.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, has_request_context, render_template
from flask_babel import force_locale, get_translations
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from purchasing.db_types import utcnow
from purchasing.extensions import db
from purchasing.mail.models import MessageStatus, OutboxAttachment, OutboxMessage
from purchasing.mail.preferences import Frequency, frequency_for


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class MailText:
    """A French text (a msgid marked with ``N_``) and its params, written in the recipient's language when the
    message is rendered; a param that is itself a MailText is translated too."""

    msgid: str
    params: dict[str, Any] = field(default_factory=dict)

    def render(self) -> str:
        text = get_translations().ugettext(self.msgid)
        if not self.params:
            return text
        return text % {k: v.render() if isinstance(v, MailText) else v for k, v in self.params.items()}


def mail_text(msgid: str, **params) -> MailText:
    return MailText(msgid, params)


def recipient_locale(user) -> str:
    """The language of the messages to ``user``: their chosen locale, else the default (French)."""
    languages = current_app.config["LANGUAGES"]
    chosen = getattr(user, "locale", None)
    return chosen if chosen in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


@contextmanager
def in_locale(locale: str):
    """Render in ``locale``, inside a request or not (the daily scan and the digests run from the CLI)."""
    if has_request_context():
        with force_locale(locale):
            yield
    else:
        with current_app.test_request_context(), force_locale(locale):
            yield


def base_url() -> str:
    return (current_app.config.get("BASE_URL") or "http://127.0.0.1:5000").rstrip("/")


def absolute_url(endpoint: str, **values) -> str:
    """The absolute address of a page, on BASE_URL, inside or outside a request (CLI, jobs)."""
    parts = urlsplit(base_url())
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "http")
    return adapter.build(endpoint, values, force_external=True)


def render(template: str, locale: str = "fr", **context) -> tuple[str, str]:
    """(text, html) of ``templates/mail/<template>`` in ``locale`` (``mail/<locale>/<template>`` when it exists,
    the French template otherwise), whatever the language of the page that caused it."""
    context.setdefault("base_url", base_url())
    with in_locale(locale):
        text = render_template([f"mail/{locale}/{template}.txt", f"mail/{template}.txt"], **context)
        html = render_template([f"mail/{locale}/{template}.html", f"mail/{template}.html"], **context)
    return text, html


def _insert_ignoring_duplicate(values: dict) -> int | None:
    """INSERT … ON CONFLICT (idempotency_key) DO NOTHING: the id of the new row, or None if it existed."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (insert(OutboxMessage).values(**values)
            .on_conflict_do_nothing(index_elements=["idempotency_key"]).returning(OutboxMessage.id))
    return db.session.execute(stmt).scalar()


def enqueue(*, kind: str, event_key: str, recipient: str, subject: str | MailText, template: str, context: dict,
            user=None, link: str = "", object_type: str | None = None, object_id: int | None = None,
            attachments: tuple[Attachment, ...] = (), frequency: Frequency | None = None,
            personal: bool = False) -> OutboxMessage | None:
    """Write one message to ``recipient`` (a user's preference decides: now, in the digest, or not at all).

    ``personal``: the link lets its holder act on the account (set a password…): it is not kept in the
    ``link`` column, and the bodies are blanked once the message is sent.
    Returns the row, or None when the user chose "never", the address is empty, or the event was already
    written to this recipient.
    """
    recipient = (recipient or "").strip()
    if not recipient:
        return None
    if frequency is None:
        frequency = frequency_for(user, kind) if user is not None else Frequency.IMMEDIATE
    if frequency == Frequency.OFF:
        return None
    who = f"u{user.id}" if user is not None else recipient.lower()
    key = f"{event_key}|{who}"[:300]
    if db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.idempotency_key == key)) is not None:
        return None
    locale = recipient_locale(user)
    if isinstance(subject, MailText):
        with in_locale(locale):
            subject = subject.render()
    text, html = render(template, locale, subject=subject, recipient_user=user, link=link, **context)
    now = utcnow()
    message_id = _insert_ignoring_duplicate(dict(
        kind=kind, idempotency_key=key, recipient=recipient[:254], user_id=getattr(user, "id", None),
        subject=subject[:300], text_body=text, html_body=html, link="" if personal else link[:500],
        object_type=object_type,
        object_id=object_id, status=MessageStatus.DIGEST if frequency == Frequency.DIGEST else MessageStatus.PENDING,
        attempts=0, next_attempt_dt=now, last_error="", created_dt=now))
    if message_id is None:
        return None
    for attachment in attachments:
        db.session.add(OutboxAttachment(message_id=message_id, filename=attachment.filename[:200],
                                        content_type=attachment.content_type, data=attachment.data))
    db.session.flush()
    return db.session.get(OutboxMessage, message_id)


def enqueue_for_users(users, *, kind: str, event_key: str, subject: str | MailText, template: str, context: dict,
                      link: str = "", object_type: str | None = None, object_id: int | None = None,
                      exclude=None) -> int:
    """One message per enabled user (their preference applies), each in that user's language; ``exclude``: a
    user not to tell (the actor)."""
    count = 0
    exclude_id = getattr(exclude, "id", None)
    for user in users:
        if not user.is_enabled or user.id == exclude_id:
            continue
        if enqueue(kind=kind, event_key=event_key, recipient=user.email, user=user, subject=subject,
                   template=template, context=context, link=link, object_type=object_type,
                   object_id=object_id) is not None:
            count += 1
    return count
