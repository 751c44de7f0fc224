"""The pool's scheduled work: confirm the reservations whose donors did not decline within the delay.

Run by the job consumers every hour at minute 10 (register_periodic), and by hand or from cron with
``flask --app purchasing lifecycle pool-confirm-due`` where no consumer runs. Idempotent: a reservation is
confirmed once (conditional transition), one its donor decided meanwhile is skipped.
"""
from __future__ import annotations

import click

from lifecycle.assets.views import bp
from lifecycle.pool.services import confirm_due_claims
from purchasing.extensions import db
from purchasing.jobs import crontab, register_periodic


def confirm_due() -> int:
    confirmed = confirm_due_claims()
    db.session.commit()
    return confirmed


register_periodic("pool_confirm_due", crontab(minute="10"), confirm_due)


@bp.cli.command("pool-confirm-due")
def confirm_due_command() -> None:
    """Donner les équipements réservés dont le délai de refus du donateur est passé."""
    click.echo(f"{confirm_due()} réservation(s) confirmée(s).")
