"""The administrator's pages: the syndicate's identity, and what migration identity_01 merged into sites."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from purchasing import navigation
from purchasing.accounts.models import Role
from purchasing.auth import roles_required
from purchasing.extensions import db
from purchasing.members.models import SiteMergeLog
from purchasing.pagination import paginate
from purchasing.syndicate import services
from purchasing.syndicate.forms import SyndicateIdentityForm

bp = Blueprint("syndicate", __name__, url_prefix="/admin/syndicate")
navigation.register("syndicate.identity", _l("Identité du syndicat"), {Role.ADMIN}, order=91)


@bp.route("/", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def identity():
    current = services.current_identity()
    form = SyndicateIdentityForm(obj=current)
    if form.validate_on_submit():
        services.update_identity(services.IdentityData(
            name=form.name.data, siret=form.siret.data, address=form.address.data,
            postal_code=form.postal_code.data, city=form.city.data, email=form.email.data or "",
            phone=form.phone.data or "", signatory_name=form.signatory_name.data or "",
            signatory_title=form.signatory_title.data or ""))
        db.session.commit()
        flash(_("Identité du syndicat enregistrée."), "success")
        return redirect(url_for("syndicate.identity"))
    # a refused form writes nothing: the request ends without a commit
    return render_template("syndicate/identity.html", form=form), 422 if form.errors else 200


@bp.get("/site-merges")
@roles_required(Role.ADMIN)
def site_merges():
    """What migration identity_01 did with the free-text sites: each spelling and the site it went into."""
    stmt = (select(SiteMergeLog).options(joinedload(SiteMergeLog.member))
            .order_by(SiteMergeLog.member_id, SiteMergeLog.merged_into, SiteMergeLog.original, SiteMergeLog.id))
    return render_template("syndicate/site_merges.html", pagination=paginate(stmt), sources=SOURCE_LABELS)


SOURCE_LABELS = {"asset": _l("Inventaire"), "audit": _l("Inventaire physique"), "order": _l("Commande")}
