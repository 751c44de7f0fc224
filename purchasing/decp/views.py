"""The purchasing officer's DECP page: the period's JSON, what is still to publish, the publication register."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from purchasing import navigation
from purchasing.accounts.models import Role
from purchasing.auth import roles_required
from purchasing.contracts.models import FrameworkContract
from purchasing.decp import services
from purchasing.decp.forms import ModificationForm, NotificationForm, PublishForm
from purchasing.domain import decp
from purchasing.domain.errors import DomainError
from purchasing.extensions import db
from purchasing.i18n import error_message

bp = Blueprint("decp", __name__, url_prefix="/decp")
OFFICERS = (Role.ADMIN, Role.PURCHASING_OFFICER)
navigation.register("decp.index", _l("Publication DECP"), OFFICERS, order=63)


def _period(today: date) -> tuple[date, date]:
    return services.parse_period(request.args.get("from"), request.args.get("to"), today)


@bp.get("/")
@roles_required(*OFFICERS)
def index():
    today = date.today()
    error, status = None, 200
    try:
        period_from, period_to = _period(today)
    except DomainError as problem:
        error, status = error_message(problem), 422
        period_from, period_to = date(today.year, 1, 1), today
    built = services.period_file(period_from, period_to, today)
    publish_form = PublishForm(formdata=None, period_from=period_from.isoformat(), period_to=period_to.isoformat())
    return render_template("decp/index.html", period_from=period_from, period_to=period_to, error=error,
                           built=built, unpublished=services.unpublished_entries(today),
                           publications=services.publications(), publish_form=publish_form,
                           threshold=decp.threshold_on(today), today=today), status


@bp.get("/decp.json")
@roles_required(*OFFICERS)
def download():
    today = date.today()
    try:
        period_from, period_to = _period(today)
    except DomainError as problem:
        abort(422, error_message(problem))
    built = services.period_file(period_from, period_to, today)
    return Response(built.content, mimetype="application/json",
                    headers={"Content-Disposition": f"attachment; filename={built.file_name}"})


@bp.post("/publish")
@roles_required(*OFFICERS)
def publish():
    form = PublishForm()
    if not form.validate_on_submit():
        abort(422, _("Période manquante."))
    today = date.today()
    period_from, period_to = services.parse_period(form.period_from.data, form.period_to.data, today)
    publication = services.publish_period(period_from, period_to, current_user, today)
    db.session.commit()
    flash(_("Publication enregistrée au registre : %(n)d contrat(s), %(m)d modification(s), fichier %(file)s.",
            n=publication.contract_count, m=publication.modification_count, file=publication.file_name), "success")
    return redirect(url_for("decp.index", **{"from": period_from.isoformat(), "to": period_to.isoformat()}))


def _contract_or_404(contract_id: int) -> FrameworkContract:
    return db.get_or_404(FrameworkContract, contract_id)


@bp.post("/contracts/<int:contract_id>/notification")
@roles_required(*OFFICERS)
def set_notification(contract_id: int):
    contract = _contract_or_404(contract_id)
    form = NotificationForm()
    if not form.validate_on_submit():
        abort(422, " ".join(" ".join(map(str, errors)) for errors in form.errors.values()))
    services.set_notification_date(contract, form.notified_on.data, date.today())
    db.session.commit()
    flash(_("Date de notification enregistrée."), "success")
    return redirect(url_for("purchase_orders.contract", contract_id=contract.id))


@bp.post("/contracts/<int:contract_id>/modifications")
@roles_required(*OFFICERS)
def add_modification(contract_id: int):
    contract = _contract_or_404(contract_id)
    form = ModificationForm()
    if not form.validate_on_submit():
        abort(422, " ".join(" ".join(map(str, errors)) for errors in form.errors.values()))
    modification = services.add_modification(contract, services.ModificationInput(
        notified_on=form.notified_on.data, object=form.object.data, new_max_amount_ht=form.new_max_amount_ht.data,
        new_duration_months=form.new_duration_months.data), date.today())
    db.session.commit()
    flash(_("Modification n° %(n)d enregistrée : à publier dans les deux mois.", n=modification.number), "success")
    return redirect(url_for("purchase_orders.contract", contract_id=contract.id))
