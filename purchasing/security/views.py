"""The security log page: the administrator reads and filters the security events."""
from __future__ import annotations

from datetime import timedelta

import click
from flask import Blueprint, current_app, render_template, request
from flask_babel import lazy_gettext as _l

from purchasing import navigation
from purchasing.accounts.forms import ROLE_LABELS
from purchasing.accounts.models import Role
from purchasing.auth import roles_required
from purchasing.extensions import db
from purchasing.pagination import paginate
from purchasing.security import services
from purchasing.security.forms import CHANNEL_LABELS, KIND_LABELS, OUTCOME_LABELS, SecurityLogFilterForm

bp = Blueprint("security", __name__, url_prefix="/admin/security-log", cli_group="security")
navigation.register("security.log", _l("Journal de sécurité"), {Role.ADMIN}, order=92)


@bp.get("/")
@roles_required(Role.ADMIN)
def log():
    form = SecurityLogFilterForm(request.args)
    form.validate()  # an invalid filter is shown with its error and left out of the query
    criteria = services.EventFilter(
        kind=form.kind.data if form.kind.data in KIND_LABELS and not form.kind.errors else None,
        outcome=form.outcome.data if form.outcome.data in OUTCOME_LABELS and not form.outcome.errors else None,
        who=form.who.data or "" if not form.who.errors else "",
        since=form.since.data if not form.since.errors else None,
        until=form.until.data if not form.until.errors else None,
    )
    pagination = paginate(services.search_events(criteria))
    return render_template("security/log.html", form=form, pagination=pagination, kind_labels=KIND_LABELS,
                           outcome_labels=OUTCOME_LABELS, channel_labels=CHANNEL_LABELS, role_labels=ROLE_LABELS)


@bp.cli.command("prune")
@click.option("--days", default=365, show_default=True, help="Durée de conservation des événements (jours).")
def prune_command(days: int) -> None:
    """Supprime les événements de sécurité plus anciens que --days et les compteurs de connexion inutiles."""
    events, rows = services.prune(keep_events=timedelta(days=days),
                                  forget_failures=timedelta(hours=current_app.config["LOGIN_FAILURE_MEMORY_HOURS"]))
    db.session.commit()
    click.echo(f"{events} événement(s) de sécurité et {rows} compteur(s) de connexion supprimés.")
