"""Grouped campaigns: officers open and close them; member users commit quantities."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from purchasing.accounts.models import Role
from purchasing.auth import roles_required
from purchasing.campaigns import services
from purchasing.campaigns.forms import CampaignForm, CommitForm
from purchasing.domain.errors import DomainError
from purchasing.domain.states import CAMPAIGN
from purchasing.extensions import db
from purchasing.params import database_id
from purchasing.navigation import register
from purchasing.pagination import paginate

bp = Blueprint("campaigns", __name__, url_prefix="/campaigns")
OFFICERS = (Role.PURCHASING_OFFICER, Role.ADMIN)
MEMBER = (Role.SECRETARY, Role.APPROVER)
register("campaigns.index", _l("Achats groupés"), set(OFFICERS) | set(MEMBER), order=35)


def _campaign_or_404(campaign_id: int):
    campaign = services.load_campaign(campaign_id)
    if campaign is None:
        abort(404)
    return campaign


@bp.get("/")
@roles_required(*OFFICERS, *MEMBER)
def index():
    pagination = paginate(services.list_campaigns())
    return render_template("campaigns/index.html", pagination=pagination, machine=CAMPAIGN)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*OFFICERS)
def create():
    form = CampaignForm(offer_id=request.args.get("offer_id", type=database_id))
    error = None
    if form.validate_on_submit():
        try:
            campaign = services.create_campaign(form.offer_id.data, form.title.data or "", form.deadline.data,
                                                form.min_quantity.data, form.max_quantity.data, current_user,
                                                date.today())
        except DomainError as exc:
            db.session.rollback()
            error = exc.message
        else:
            db.session.commit()
            flash(_("Achat groupé ouvert."), "success")
            return redirect(url_for("campaigns.show", campaign_id=campaign.id))
    return render_template("campaigns/form.html", form=form, error=error), 422 if (form.errors or error) else 200


@bp.get("/<int:campaign_id>")
@roles_required(*OFFICERS, *MEMBER)
def show(campaign_id: int):
    campaign = _campaign_or_404(campaign_id)
    estimate = services.estimate(campaign, current_user.member, date.today())
    mine = next((c for c in campaign.commitments if c.member_id == current_user.member_id), None)
    return render_template("campaigns/show.html", campaign=campaign, estimate=estimate, mine=mine,
                           machine=CAMPAIGN, form=CommitForm(), close_form=FlaskForm(),
                           is_member=current_user.member_id is not None)


@bp.post("/<int:campaign_id>/commit")
@roles_required(*MEMBER)
def commit(campaign_id: int):
    campaign = _campaign_or_404(campaign_id)
    form = CommitForm()
    if not form.validate_on_submit():
        abort(400)
    services.commit_quantity(campaign, current_user.member, form.quantity.data, date.today())
    db.session.commit()
    flash(_("Engagement enregistré."), "success")
    return redirect(url_for("campaigns.show", campaign_id=campaign.id))


@bp.post("/<int:campaign_id>/close")
@roles_required(*OFFICERS)
def close(campaign_id: int):
    campaign = _campaign_or_404(campaign_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    services.close_campaign(campaign, current_user, date.today())
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
