"""The e-mail work that the job consumers run on schedule: delivery every minute, the daily scan, then digests.

Huey's crontab is read in UTC: the scan runs at 05:30 UTC (06:30 or 07:30 in Paris), the digests at 06:00 UTC,
after the scan so that its warnings can go into the same day's digest.
"""
from __future__ import annotations

from purchasing.extensions import db
from purchasing.jobs import crontab, register_periodic
from purchasing.mail.delivery import deliver_due_messages
from purchasing.mail.digest import build_digests
from purchasing.mail.scan import scan


def daily_scan() -> None:
    scan()
    db.session.commit()


def daily_digests() -> None:
    build_digests()
    db.session.commit()


register_periodic("mail_deliver", crontab(minute="*"), deliver_due_messages)
register_periodic("mail_scan", crontab(hour="5", minute="30"), daily_scan)
register_periodic("mail_digest", crontab(hour="6", minute="0"), daily_digests)
