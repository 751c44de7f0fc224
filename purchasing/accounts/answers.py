"""The "too many attempts" answer shared by the login page and the API token endpoint."""
from __future__ import annotations

from datetime import timedelta

from flask_babel import format_timedelta
from flask_babel import gettext as _


def too_many_attempts_message(retry_after) -> str:
    return _("Trop de tentatives de connexion pour cette adresse e-mail. Réessayez dans %(delay)s.",
             delay=format_timedelta(max(retry_after, timedelta(seconds=1)), granularity="second",
                                    threshold=1.0))


def retry_after_seconds(retry_after) -> str:
    return str(max(1, int(retry_after.total_seconds() + 0.999)))

