"""Grouped campaigns: officers open and close them; member users commit quantities."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from purchasing import list_exports
from purchasing.accounts.models import Role
from purchasing.auth import roles_required
from purchasing.campaigns import services
from purchasing.catalogue import services as catalogue
from purchasing.campaigns.forms import CampaignForm, CloseCampaignForm, CommitForm, RejectCommitmentForm
from purchasing.domain.errors import DomainError
from purchasing.domain.states import CAMPAIGN
from purchasing.extensions import db
from purchasing.params import database_id
from purchasing.navigation import register
from purchasing.list_exports import DATE, INTEGER, MONEY, Column
from purchasing.pagination import paginate
from purchasing.i18n import error_message

bp = Blueprint("campaigns", __name__, url_prefix="/campaigns")
OFFICERS = (Role.PURCHASING_OFFICER, Role.ADMIN)
MEMBER = (Role.SECRETARY, Role.APPROVER)
register("campaigns.index", _l("Achats groupés"), set(OFFICERS) | set(MEMBER), order=35)


def _campaign_or_404(campaign_id: int):
    campaign = services.load_campaign(campaign_id)
    if campaign is None:
        abort(404)
    return campaign


def _campaigns_filtered(args):
    """The campaigns page's status filter and filtered query (its export uses the same): purchasing/list_exports.py."""
    status = args.get("status") if args.get("status") in CAMPAIGN.statuses else None
    return status, services.list_campaigns(status=status)


CAMPAIGNS_EXPORT = list_exports.register(
    bp, "campaigns", list_endpoint="campaigns.index", rule="/export.<fmt>", roles=(*OFFICERS, *MEMBER),
    filename="achats-groupes", filtered=_campaigns_filtered, columns=(
        Column(_l("Numéro"), lambda c: c.id, kind=INTEGER),
        Column(_l("Titre"), lambda c: c.title, width=36),
        Column(_l("Produit"), lambda c: c.offer.product.name, width=36),
        Column(_l("Date limite"), lambda c: c.deadline, kind=DATE),
        Column(_l("Quantité minimale"), lambda c: c.min_quantity, kind=INTEGER),
        Column(_l("Quantité maximale"), lambda c: c.max_quantity, kind=INTEGER),
        Column(_l("Prix unitaire final HT"), lambda c: c.final_unit_price_ht, kind=MONEY),
        Column(_l("Statut"), lambda c: CAMPAIGN.label(c.status, list_exports.locale()), width=24),
    ))


@bp.get("/")
@roles_required(*OFFICERS, *MEMBER)
def index():
    status, stmt = CAMPAIGNS_EXPORT.filtered(request.args)
    pagination = paginate(stmt)
    return render_template("campaigns/index.html", pagination=pagination, machine=CAMPAIGN, status_filter=status,
                           export_endpoint=CAMPAIGNS_EXPORT.endpoint)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*OFFICERS)
def create():
    form = CampaignForm(offer_id=request.args.get("offer_id", type=database_id),
                        offers=catalogue.offer_picker_entries(date.today()))
    error = None
    if form.validate_on_submit():
        try:
            campaign = services.create_campaign(form.offer_id.data, form.title.data or "", form.deadline.data,
                                                form.min_quantity.data, form.max_quantity.data, current_user,
                                                date.today())
        except DomainError as exc:
            db.session.rollback()
            error = error_message(exc)
        else:
            db.session.commit()
            flash(_("Achat groupé ouvert."), "success")
            return redirect(url_for("campaigns.show", campaign_id=campaign.id))
    return render_template("campaigns/form.html", form=form, error=error), 422 if (form.errors or error) else 200


@bp.get("/<int:campaign_id>")
@roles_required(*OFFICERS, *MEMBER)
def show(campaign_id: int):
    return _show(_campaign_or_404(campaign_id))


def _show(campaign, reject_form=None, status: int = 200, confirm_form=None, commit_form=None, refusal=None):
    estimate = services.estimate(campaign, current_user.member, date.today())
    mine = next((c for c in campaign.commitments if c.member_id == current_user.member_id), None)
    can_decide = (mine is not None and mine.status == "pending" and campaign.status == "open"
                  and current_user.role == Role.APPROVER and date.today() <= campaign.deadline)
    return render_template("campaigns/show.html", campaign=campaign, estimate=estimate, mine=mine,
                           machine=CAMPAIGN, commitment_machine=services.COMMITMENT,
                           form=commit_form or CommitForm(formdata=None), refusal=refusal,
                           close_form=FlaskForm(), reject_form=reject_form or RejectCommitmentForm(),
                           confirm_form=confirm_form or CloseCampaignForm(formdata=None), today=date.today(),
                           is_member=current_user.member_id is not None, can_decide=can_decide,
                           may_approve=can_decide and services.may_approve(mine, current_user)), status


@bp.post("/<int:campaign_id>/commit")
@roles_required(*MEMBER)
def commit(campaign_id: int):
    campaign = _campaign_or_404(campaign_id)
    form = CommitForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        commitment = services.commit_quantity(campaign, current_user.member, form.quantity.data, date.today(),
                                              actor=current_user)
    except DomainError as error:  # a bad quantity, a closed campaign…: the page again, the error on the quantity
        db.session.rollback()
        form.quantity.errors = [*form.quantity.errors, error_message(error)]
        return _show(_campaign_or_404(campaign_id), status=error.http_status, commit_form=form,
                     refusal=error_message(error))
    db.session.commit()
    if commitment.status == services.WITHDRAWN:
        flash(_("Engagement retiré : votre collectivité ne participe plus à cet achat groupé."), "success")
    elif commitment.status == "pending":
        flash(_("Engagement enregistré : au-dessus du seuil d'approbation de votre collectivité, il doit être "
                "approuvé par son approbateur avant la date limite, sinon il sera retiré à la clôture."), "warning")
    else:
        flash(_("Engagement enregistré."), "success")
    return redirect(url_for("campaigns.show", campaign_id=campaign.id))


def _commitment_or_404(campaign_id: int, commitment_id: int):
    commitment = services.load_commitment(campaign_id, commitment_id, current_user)
    if commitment is None:
        abort(404)
    return commitment


def _expected_quantity() -> int | None:
    raw = request.form.get("quantity", "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


@bp.post("/<int:campaign_id>/commitments/<int:commitment_id>/approve")
@roles_required(Role.APPROVER)
def approve_commitment(campaign_id: int, commitment_id: int):
    commitment = _commitment_or_404(campaign_id, commitment_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        services.approve_commitment(commitment, current_user, date.today(), _expected_quantity())
    except DomainError as error:  # four-eyes, the quantity changed meanwhile…: the page again, saying why
        db.session.rollback()
        return _show(_campaign_or_404(campaign_id), status=error.http_status, refusal=error_message(error))
    db.session.commit()
    flash(_("Engagement approuvé."), "success")
    return redirect(url_for("campaigns.show", campaign_id=campaign_id))


@bp.post("/<int:campaign_id>/commitments/<int:commitment_id>/reject")
@roles_required(Role.APPROVER)
def reject_commitment(campaign_id: int, commitment_id: int):
    commitment = _commitment_or_404(campaign_id, commitment_id)
    form = RejectCommitmentForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return _show(commitment.campaign, reject_form=form, status=422)
    services.reject_commitment(commitment, current_user, form.reason.data, date.today(), _expected_quantity())
    db.session.commit()
    flash(_("Engagement refusé."), "success")
    return redirect(url_for("campaigns.show", campaign_id=campaign_id))


@bp.post("/<int:campaign_id>/close")
@roles_required(*OFFICERS)
def close(campaign_id: int):
    campaign = _campaign_or_404(campaign_id)
    CAMPAIGN.check(campaign.status, "closed")
    form = CloseCampaignForm()
    if not form.validate_on_submit():  # not confirmed: the page again, the error on the checkbox
        return _show(campaign, status=422, confirm_form=form)
    try:
        services.close_campaign(campaign, current_user, date.today())
    except DomainError as error:  # commitments still waiting…: said on the page, nothing written
        db.session.rollback()
        form.form_errors.append(error_message(error))
        return _show(_campaign_or_404(campaign_id), status=error.http_status, confirm_form=form)
    db.session.commit()
    flash(_("Achat groupé clôturé."), "success")
    return redirect(url_for("campaigns.show", campaign_id=campaign.id))


@bp.post("/<int:campaign_id>/order")
@roles_required(*OFFICERS)
def place_orders(campaign_id: int):
    campaign = _campaign_or_404(campaign_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    created = services.place_campaign_orders(campaign, current_user, date.today())
    db.session.commit()
    flash(_("%(num)s commandes approuvées créées : à grouper en bon de commande.", num=len(created)), "success")
    return redirect(url_for("purchase_orders.to_place"))
