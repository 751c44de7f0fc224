"""Reuse pool pages (blueprint ``lifecycle``): offer an asset from its page, the pool, claim, withdraw."""
from __future__ import annotations

from datetime import date

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from lifecycle.assets import services as assets
from lifecycle.assets.forms import CONDITION_LABELS, OfferForm
from lifecycle.assets.views import (
    ALL, LABELS, MANAGE, _category_choices, _locale_text, _managed_asset, _render_show, attempt, bp,
)
from lifecycle.pool import services
from lifecycle.pool.forms import DeclineForm, PoolFilterForm
from lifecycle.pool.models import PoolListing
from purchasing import list_exports
from purchasing.auth import roles_required
from purchasing.list_exports import DATE, DATETIME, Column
from purchasing.domain.errors import DomainError
from purchasing.extensions import db
from purchasing.i18n import _filter_date
from purchasing.pagination import paginate_flat
from purchasing.params import database_id
from purchasing.i18n import error_message


@bp.post("/assets/<int:asset_id>/offer")
@roles_required(*MANAGE)
def offer(asset_id: int):
    asset = _managed_asset(asset_id)
    form = OfferForm(prefix="offer")
    if not form.validate_on_submit():
        return _render_show(asset, 422, offer_form=form)
    refused = attempt(asset_id, "offer_form", form, lambda: services.offer_to_pool(
        asset, condition=form.condition.data, note=form.note.data or "", actor=current_user))
    if refused is not None:
        return refused
    db.session.commit()
    flash(_("Équipement proposé dans la bourse de réemploi."), "success")
    if asset.holds_storage and assets.latest_erasure(asset) is None:
        flash(_("Aucun effacement des données n'est enregistré : aucun adhérent ne pourra obtenir cet équipement "
                "avant que vous l'enregistriez."), "warning")
    return redirect(url_for("lifecycle.show", asset_id=asset.id))


# --- reuse pool ----------------------------------------------------------------------------------

def _pool_filtered(args):
    """The pool page's form and filtered query (its export uses the same): purchasing/list_exports.py."""
    form = PoolFilterForm(args, categories=_category_choices(), epcis=assets.member_choices("epci"))
    form.validate()
    member_id = getattr(current_user, "member_id", None)
    return form, services.pool_query(category_id=form.category_id.data or None, epci_id=form.epci_id.data or None,
                                     condition=form.condition.data or None,
                                     matching_member_id=member_id if form.matching.data and member_id else None,
                                     claimable_only=not form.unavailable.data)


POOL_EXPORT = list_exports.register(
    bp, "pool", list_endpoint="lifecycle.pool", rule="/pool/export.<fmt>", roles=ALL, filename="bourse-reemploi",
    filtered=_pool_filtered, columns=(
        Column(_l("Étiquette"), lambda l: l.asset.tag),
        Column(_l("Équipement"), lambda l: l.asset.name, width=40),
        Column(_l("Catégorie"), lambda l: l.category.label(_locale_text()), width=20),
        Column(_l("Proposé par"), lambda l: l.offering_member.name, width=30),
        Column(_l("État"), lambda l: CONDITION_LABELS.get(l.condition, l.condition)),
        Column(_l("Date d'acquisition"), lambda l: l.asset.acquisition_date, kind=DATE),
        Column(_l("Proposé le"), lambda l: l.created_dt, kind=DATETIME),
        Column(_l("Note"), lambda l: l.note, width=40),
    ))


@bp.get("/pool")
@roles_required(*ALL)
def pool():
    form, stmt = POOL_EXPORT.filtered(request.args)
    pagination = paginate_flat(stmt)
    staff_claim = current_user.is_staff and current_user.role in MANAGE
    members = _claim_member_choices() if staff_claim else []
    member_id = getattr(current_user, "member_id", None)
    reservations = db.session.scalars(services.reservations_of(member_id).limit(50)).all() if member_id else []
    requests = db.session.scalars(services.requests_for(member_id).limit(50)).all() if member_id else []
    return render_template("lifecycle/pool.html", form=form, pagination=pagination, members=members,
                           staff_claim=staff_claim, export_endpoint=POOL_EXPORT.endpoint, reservations=reservations, requests=requests,
                           decline_days=services.decline_delay_days(),
                           erasures=services.erasures_of(pagination.items), today=date.today(), **LABELS)


def _claim_member_choices() -> list[tuple[int, str]]:
    """The staff's beneficiary select: every active member up to ``MEMBER_SELECT_LIMIT``; beyond (a national
    territory), none: the page asks for the member's number instead of rendering tens of thousands of options."""
    return assets.member_filter_choices(None, current_app.config["MEMBER_SELECT_LIMIT"])


@bp.post("/pool/<int:listing_id>/claim")
@roles_required(*MANAGE)
def claim(listing_id: int):
    listing = db.get_or_404(PoolListing, listing_id)
    # staff claim on behalf of a member chosen on the pool page; secretaries for their own member
    member_id = request.form.get("member_id", type=database_id) if current_user.is_staff else current_user.member_id
    try:
        services.claim_listing(listing, member_id, current_user)
    except DomainError as error:
        db.session.rollback()
        return render_template("lifecycle/claim_refused.html", listing=listing, message=error_message(error)), \
            error.http_status
    db.session.commit()
    flash(_("Équipement %(tag)s réservé pour %(member)s. %(donor)s peut refuser jusqu'au %(until)s ; sans refus, "
            "il entrera dans l'inventaire à cette date, ou plus tôt si le donateur confirme.",
            tag=listing.asset.tag, member=listing.claimed_by.name, donor=listing.offering_member.name,
            until=_filter_date(listing.decline_until)), "success")
    return redirect(url_for("lifecycle.pool"))


@bp.post("/pool/<int:listing_id>/confirm")
@roles_required(*MANAGE)
def confirm_claim(listing_id: int):
    """The donor confirms the gift before the delay ends: the item moves to the claimant at once."""
    listing = db.get_or_404(PoolListing, listing_id)
    asset = _managed_asset(listing.asset_id)  # the donor's users (404 to another member's), or the staff
    refused = attempt(asset.id, "decline_form", DeclineForm(prefix="decline"),
                      lambda: services.confirm_claim(listing, current_user))
    if refused is not None:
        return refused
    claimant = listing.claimed_by.name
    db.session.commit()
    flash(_("Équipement %(tag)s donné à %(member)s.", tag=asset.tag, member=claimant), "success")
    return redirect(url_for("lifecycle.pool"))


@bp.post("/pool/<int:listing_id>/decline")
@roles_required(*MANAGE)
def decline_claim(listing_id: int):
    """The donor declines the claim, with a reason: the item is back in the pool."""
    listing = db.get_or_404(PoolListing, listing_id)
    asset = _managed_asset(listing.asset_id)
    form = DeclineForm(prefix="decline")
    if not form.validate_on_submit():
        return _render_show(asset, 422, decline_form=form)
    claimant = listing.claimed_by.name if listing.claimed_by else ""
    refused = attempt(asset.id, "decline_form", form,
                      lambda: services.decline_claim(listing, current_user, form.reason.data))
    if refused is not None:
        return refused
    db.session.commit()
    flash(_("Demande de %(member)s refusée : l'équipement est de nouveau proposé dans la bourse.", member=claimant),
          "success")
    return redirect(url_for("lifecycle.show", asset_id=asset.id))


@bp.post("/pool/<int:listing_id>/withdraw")
@roles_required(*MANAGE)
def withdraw(listing_id: int):
    listing = db.get_or_404(PoolListing, listing_id)
    asset = _managed_asset(listing.asset_id)
    services.withdraw_listing(listing, current_user)
    db.session.commit()
    flash(_("Équipement retiré de la bourse."), "success")
    return redirect(url_for("lifecycle.show", asset_id=asset.id))
