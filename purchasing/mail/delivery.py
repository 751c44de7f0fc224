"""Sending due outbox messages through SMTP (the standard library's smtplib: no extra dependency, and
the protocol handling we need — STARTTLS or implicit TLS, login, one connection per pass — is all there).

Each message is claimed by a conditional UPDATE (``status = 'pending'`` → ``'sending'``, committed), so two
deliverers running at once never take the same row; it is marked sent in its own short transaction right
after the server accepted it. A temporary failure (server down, 4xx) puts it back with a growing delay;
a permanent refusal (5xx) or MAIL_MAX_ATTEMPTS failures mark it failed. A row left "sending" by a
deliverer that died between the server's acceptance and the commit is marked failed, never resent (the
server may have it): nothing is ever sent twice.
"""
from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from flask import current_app
from sqlalchemy import select, update

from purchasing.db_types import utcnow
from purchasing.extensions import db
from purchasing.mail import messages
from purchasing.mail.models import MessageStatus, OutboxMessage

#: how long a claim lasts; a row still "sending" after that belonged to a deliverer that died
CLAIM_SECONDS = 300
BATCH = 200
#: what remains of a message carrying a personal link once it is sent (the link is not kept)
SENT_PERSONAL_BODY = "(Message envoyé ; il contenait un lien personnel, qui n'est pas conservé.)"


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    interrupted: int = 0
    #: set when no SMTP server is configured (messages are kept for the "E-mails envoyés" page)
    not_configured: bool = False
    errors: list[str] = field(default_factory=list)


def mail_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def build_email(message: OutboxMessage) -> EmailMessage:
    config = current_app.config
    email = EmailMessage()
    email["From"] = config["MAIL_DEFAULT_SENDER"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = format_datetime(message.created_dt)
    email["Message-ID"] = message.message_id or make_msgid()
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(message.text_body)
    email.add_alternative(message.html_body, subtype="html")
    for attachment in message.attachments:
        maintype, _sep, subtype = attachment.content_type.partition("/")
        email.add_attachment(attachment.data, maintype=maintype, subtype=subtype or "octet-stream",
                             filename=attachment.filename)
    return email


def _connect() -> smtplib.SMTP:
    config = current_app.config
    host, port, timeout = config["MAIL_SERVER"], int(config["MAIL_PORT"]), config.get("MAIL_TIMEOUT", 10)
    if config.get("MAIL_USE_SSL"):
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
        if config.get("MAIL_USE_TLS"):
            smtp.starttls(context=ssl.create_default_context())
    if config.get("MAIL_USERNAME"):
        smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
    return smtp


def retry_delay(attempts: int) -> timedelta:
    config = current_app.config
    base, cap = config["MAIL_RETRY_BASE_SECONDS"], config["MAIL_RETRY_MAX_SECONDS"]
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), cap))


def _claim(message_id: int, now: datetime) -> bool:
    """Take one due row for this deliverer (committed at once): False if another deliverer took it first."""
    result = db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id == message_id, OutboxMessage.status == MessageStatus.PENDING,
                                    OutboxMessage.next_attempt_dt <= now)
        .values(status=MessageStatus.SENDING, claimed_until_dt=now + timedelta(seconds=CLAIM_SECONDS),
                attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount == 1


def _finish(message_id: int, **values) -> None:
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id,
                                                   OutboxMessage.status == MessageStatus.SENDING)
                       .values(claimed_until_dt=None, **values).execution_options(synchronize_session=False))
    db.session.commit()


def _give_up_interrupted(now: datetime, report: DeliveryReport) -> None:
    stale = db.session.scalars(select(OutboxMessage).where(OutboxMessage.status == MessageStatus.SENDING,
                                                           OutboxMessage.claimed_until_dt < now)).all()
    for message in stale:
        message.status = MessageStatus.FAILED
        message.last_error = ("Envoi interrompu après la connexion au serveur SMTP : le message a peut-être été "
                              "remis ; il n'est pas renvoyé automatiquement pour ne jamais l'envoyer deux fois.")
        report.interrupted += 1
        _on_final_failure(message)
    if stale:
        db.session.commit()


def _on_final_failure(message: OutboxMessage) -> None:
    messages.delivery_failed(message)  # the business messages know what a final failure means


def deliver_due_messages(now: datetime | None = None, limit: int = BATCH) -> DeliveryReport:
    """One pass: send the pending messages that are due (oldest first). Commits per message."""
    report = DeliveryReport()
    if not mail_configured():
        report.not_configured = True
        return report
    now = now or utcnow()
    _give_up_interrupted(now, report)
    max_attempts = current_app.config["MAIL_MAX_ATTEMPTS"]
    due = list(db.session.scalars(select(OutboxMessage.id).where(
        OutboxMessage.status == MessageStatus.PENDING, OutboxMessage.next_attempt_dt <= now)
        .order_by(OutboxMessage.next_attempt_dt, OutboxMessage.id).limit(limit)))
    db.session.commit()  # end the read transaction: each claim is its own short transaction
    smtp = None
    try:
        for message_id in due:
            if not _claim(message_id, now):
                continue
            message = db.session.get(OutboxMessage, message_id)
            email = build_email(message)
            recipient, attempts, kind = message.recipient, message.attempts, message.kind
            db.session.commit()  # no transaction (nor SQLite lock) held while talking to the SMTP server
            stage = "connect"
            try:
                if smtp is None:
                    smtp = _connect()
                stage = "send"
                smtp.send_message(email, to_addrs=[recipient])
            except (smtplib.SMTPException, OSError) as error:
                # refusals of this message (5xx) are final; a server that cannot be reached or logged into
                # is temporary for every message: this one is retried later, the others wait untouched
                connection_lost = stage == "connect" or not isinstance(
                    error, (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused))
                permanent = not connection_lost and _is_permanent(error)
                text = _describe(error)
                report.errors.append(f"{recipient}: {text}")
                if permanent or attempts >= max_attempts:
                    _finish(message_id, status=MessageStatus.FAILED, last_error=text)
                    db.session.refresh(message)
                    _on_final_failure(message)
                    db.session.commit()
                    report.failed += 1
                else:
                    _finish(message_id, status=MessageStatus.PENDING, last_error=text,
                            next_attempt_dt=now + retry_delay(attempts))
                    report.retried += 1
                if connection_lost:
                    if smtp is not None:
                        _quit(smtp)
                    smtp = None
                    break
                continue
            blanked = {"text_body": SENT_PERSONAL_BODY, "html_body": SENT_PERSONAL_BODY} \
                if kind in messages.PERSONAL_KINDS else {}
            _finish(message_id, status=MessageStatus.SENT, sent_dt=utcnow(), last_error="", **blanked)
            report.sent += 1
    finally:
        if smtp is not None:
            _quit(smtp)
    return report


def _is_permanent(error: Exception) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _msg in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


def _describe(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{addr} refusé ({code} {msg.decode(errors='replace') if isinstance(msg, bytes) else msg})"
                         for addr, (code, msg) in error.recipients.items())[:2000]
    if isinstance(error, smtplib.SMTPResponseException):
        msg = error.smtp_error.decode(errors="replace") if isinstance(error.smtp_error, bytes) else str(error.smtp_error)
        return f"{error.smtp_code} {msg}"[:2000]
    return f"{type(error).__name__}: {error}"[:2000]


def _quit(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()
