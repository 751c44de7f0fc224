"""Member pages: staff list and read every member; admins create, edit, deactivate; a member's users see their own."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from purchasing.accounts.models import Role
from purchasing.auth import roles_required
from purchasing.extensions import db
from purchasing.members import services
from purchasing.members.forms import KIND_LABELS, MemberForm, MemberSearchForm
from purchasing.members.models import Member
from purchasing.pagination import paginate
from purchasing.scoping import get_scoped_or_404

bp = Blueprint("members", __name__, url_prefix="/members")

STAFF = (Role.ADMIN, Role.PURCHASING_OFFICER, Role.SUSTAINABILITY_OFFICER)


def _data_from(form: MemberForm) -> services.MemberData:
    return services.MemberData(
        kind=form.kind.data, name=form.name.data, siren=form.siren.data,
        population=form.population.data, joined_on=form.joined_on.data,
        approval_threshold_ht=form.approval_threshold_ht.data, insee_code=form.insee_code.data or None,
        epci_id=form.epci_id.data or None, is_active=form.is_active.data,
        single_elected_user=form.single_elected_user.data,
    )


@bp.get("/")
@roles_required(*STAFF)
def index():
    form = MemberSearchForm(request.args)
    form.validate()
    pagination = paginate(services.search_members(form.q.data or "", form.kind.data or None))
    return render_template("members/index.html", form=form, pagination=pagination, kind_labels=KIND_LABELS)


@bp.get("/mine")
@login_required
def my_member():
    if current_user.member_id is None:
        abort(404)
    return redirect(url_for("members.show", member_id=current_user.member_id))


@bp.get("/<int:member_id>")
@login_required
def show(member_id: int):
    member = get_scoped_or_404(Member, member_id)
    return render_template("members/show.html", member=member, kind_labels=KIND_LABELS)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def create():
    form = MemberForm(epci_choices=services.epci_choices())
    if form.validate_on_submit():
        member = services.create_member(_data_from(form))
        db.session.commit()
        flash(_("Adhérent « %(name)s » créé.", name=member.name), "success")
        return redirect(url_for("members.show", member_id=member.id))
    return render_template("members/form.html", form=form, member=None), 422 if form.errors else 200


@bp.route("/<int:member_id>/edit", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit(member_id: int):
    member = get_scoped_or_404(Member, member_id)
    form = MemberForm(obj=member, member_id=member.id, epci_choices=services.epci_choices())
    if request.method == "GET":
        form.epci_id.data = member.epci_id or 0
    if form.validate_on_submit():
        services.update_member(member, _data_from(form))
        db.session.commit()
        flash(_("Adhérent « %(name)s » enregistré.", name=member.name), "success")
        return redirect(url_for("members.show", member_id=member.id))
    return render_template("members/form.html", form=form, member=member), 422 if form.errors else 200


@bp.post("/<int:member_id>/active")
@roles_required(Role.ADMIN)
def set_active(member_id: int):
    member = get_scoped_or_404(Member, member_id)
    active = request.form.get("active") == "1"
    services.set_member_active(member, active)
    db.session.commit()
    flash(_("Adhérent réactivé.") if active else _("Adhérent désactivé."), "success")
    return redirect(url_for("members.show", member_id=member.id))
