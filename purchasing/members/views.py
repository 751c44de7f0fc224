"""Member pages: staff list and read every member; admins create, edit, deactivate; a member's users see their own."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from sqlalchemy.orm import joinedload

from purchasing import list_exports
from purchasing.accounts.models import Role
from purchasing.auth import roles_required
from purchasing.extensions import db
from purchasing.members import services
from purchasing.members.forms import (KIND_LABELS, ContactForm, IdentityForm, MemberForm, MemberSearchForm, SiretForm,
                                      SiteForm)
from purchasing.members.models import Member, MemberContact, MemberSiret, Site
from purchasing.list_exports import DATE, INTEGER, MONEY, Column
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


def _members_filtered(args):
    """The members page's search form and filtered query (its export uses the same): purchasing/list_exports.py."""
    form = MemberSearchForm(args)
    form.validate()
    return form, services.search_members(form.q.data or "", form.kind.data or None).options(joinedload(Member.epci))


MEMBERS_EXPORT = list_exports.register(
    bp, "members", list_endpoint="members.index", rule="/export.<fmt>", roles=STAFF, filename="adherents",
    filtered=_members_filtered, key=3, columns=(
        Column(_l("Nom"), lambda m: m.name, width=36),
        Column(_l("Type"), lambda m: KIND_LABELS.get(m.kind, m.kind)),
        Column(_l("Code INSEE"), lambda m: m.insee_code),
        Column(_l("SIREN"), lambda m: m.siren),
        Column(_l("Population"), lambda m: m.population, kind=INTEGER),
        Column(_l("EPCI"), lambda m: m.epci.name if m.epci else None, width=36),
        Column(_l("Seuil d'approbation HT"), lambda m: m.approval_threshold_ht, kind=MONEY),
        Column(_l("Adhésion le"), lambda m: m.joined_on, kind=DATE),
        Column(_l("Commune"), lambda m: m.city, width=24),
        Column(_l("État"), lambda m: _("Actif") if m.is_active else _("Inactif")),
    ))


@bp.get("/")
@roles_required(*STAFF)
def index():
    form, stmt = MEMBERS_EXPORT.filtered(request.args)
    pagination = paginate(stmt)
    return render_template("members/index.html", form=form, pagination=pagination, kind_labels=KIND_LABELS,
                           export_endpoint=MEMBERS_EXPORT.endpoint)


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


# --- identity: addresses, SIRETs, contacts (administrator) -------------------------------------------

def _identity_page(member: Member, identity_form=None, siret_form=None, contact_form=None, status: int = 200):
    if identity_form is None:
        identity_form = IdentityForm(obj=member, formdata=None)
    return render_template("members/identity.html", member=member, form=identity_form,
                           siret_form=siret_form or SiretForm(formdata=None),
                           contact_form=contact_form or ContactForm(formdata=None)), status


def _child_or_404(model, child_id: int, member: Member):
    child = db.session.get(model, child_id)
    if child is None or child.member_id != member.id:
        abort(404)
    return child


@bp.route("/<int:member_id>/identity", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def identity(member_id: int):
    member = get_scoped_or_404(Member, member_id)
    if request.method == "GET":
        return _identity_page(member)
    form = IdentityForm()
    if not form.validate_on_submit():
        return _identity_page(member, identity_form=form, status=422)
    services.update_identity(member, services.IdentityData(**{
        name: getattr(form, name).data or ("" if name != "engagement_required" else False)
        for name in services.IdentityData.__dataclass_fields__}))
    db.session.commit()
    flash(_("Adresses et paramètres Chorus Pro enregistrés."), "success")
    return redirect(url_for("members.identity", member_id=member.id))


@bp.post("/<int:member_id>/sirets")
@roles_required(Role.ADMIN)
def add_siret(member_id: int):
    member = get_scoped_or_404(Member, member_id)
    form = SiretForm()
    if form.validate_on_submit():
        try:
            services.add_siret(member, form.siret.data, form.label.data, form.is_billing.data)
        except services.DuplicateError:  # another member took it between the check and the insert
            db.session.rollback()
            form.siret.errors = [_("Ce SIRET est déjà enregistré pour un adhérent.")]
            return _identity_page(member, siret_form=form, status=409)
        db.session.commit()
        flash(_("SIRET ajouté."), "success")
        return redirect(url_for("members.identity", member_id=member.id))
    return _identity_page(member, siret_form=form, status=422)


@bp.post("/<int:member_id>/sirets/<int:siret_id>/billing")
@roles_required(Role.ADMIN)
def set_billing_siret(member_id: int, siret_id: int):
    member = get_scoped_or_404(Member, member_id)
    row = _child_or_404(MemberSiret, siret_id, member)
    try:
        services.set_billing_siret(member, row)
    except services.DuplicateError:
        db.session.rollback()
        flash(_("Le SIRET de facturation vient d'être changé par quelqu'un d'autre : vérifiez et recommencez."), "error")
        return _identity_page(db.session.get(Member, member_id), status=409)
    db.session.commit()
    flash(_("SIRET de facturation : %(siret)s.", siret=row.siret), "success")
    return redirect(url_for("members.identity", member_id=member.id))


@bp.post("/<int:member_id>/sirets/<int:siret_id>/remove")
@roles_required(Role.ADMIN)
def remove_siret(member_id: int, siret_id: int):
    member = get_scoped_or_404(Member, member_id)
    row = _child_or_404(MemberSiret, siret_id, member)
    if not services.remove_siret(row):
        flash(_("Le SIRET de facturation ne peut pas être supprimé : choisissez d'abord un autre SIRET de facturation."),
              "error")
        return redirect(url_for("members.identity", member_id=member.id))
    db.session.commit()
    flash(_("SIRET supprimé."), "success")
    return redirect(url_for("members.identity", member_id=member.id))


@bp.post("/<int:member_id>/contacts")
@roles_required(Role.ADMIN)
def add_contact(member_id: int):
    member = get_scoped_or_404(Member, member_id)
    form = ContactForm()
    if not form.validate_on_submit():
        return _identity_page(member, contact_form=form, status=422)
    services.add_contact(member, form.name.data, form.role.data or "", form.email.data or "", form.phone.data or "")
    db.session.commit()
    flash(_("Contact ajouté."), "success")
    return redirect(url_for("members.identity", member_id=member.id))


@bp.post("/<int:member_id>/contacts/<int:contact_id>/remove")
@roles_required(Role.ADMIN)
def remove_contact(member_id: int, contact_id: int):
    member = get_scoped_or_404(Member, member_id)
    services.remove_contact(_child_or_404(MemberContact, contact_id, member))
    db.session.commit()
    flash(_("Contact supprimé."), "success")
    return redirect(url_for("members.identity", member_id=member.id))


# --- delivery sites: the administrator (any member) and the member's secretary (its own) ------------------

SITE_MANAGERS = (Role.ADMIN, Role.SECRETARY)


def _site_data(form: SiteForm) -> services.SiteData:
    return services.SiteData(**{name: getattr(form, name).data or "" for name in services.SiteData.__dataclass_fields__})


@bp.get("/<int:member_id>/sites")
@roles_required(*SITE_MANAGERS)
def sites(member_id: int):
    return _sites_page(get_scoped_or_404(Member, member_id))


def _sites_page(member: Member, status: int = 200):
    pagination = paginate(services.member_sites(member.id))
    return render_template("members/sites.html", member=member, pagination=pagination), status


@bp.route("/<int:member_id>/sites/new", methods=["GET", "POST"])
@roles_required(*SITE_MANAGERS)
def new_site(member_id: int):
    return _site_form(get_scoped_or_404(Member, member_id), None)


@bp.route("/<int:member_id>/sites/<int:site_id>/edit", methods=["GET", "POST"])
@roles_required(*SITE_MANAGERS)
def edit_site(member_id: int, site_id: int):
    member = get_scoped_or_404(Member, member_id)
    return _site_form(member, _child_or_404(Site, site_id, member))


def _site_form(member: Member, site: Site | None):
    """Add (``site`` None) or edit a site: a name that folds to another site's is refused on the field."""
    form = SiteForm(obj=site, member_id=member.id, site_id=site.id if site else None)
    status = 200
    if form.validate_on_submit():
        try:
            if site is None:
                site = services.create_site(member, _site_data(form))
            else:
                services.update_site(site, _site_data(form))
        except services.DuplicateError:  # the same name saved by a concurrent request
            db.session.rollback()
            form.name.errors = [SiteForm.DUPLICATE_NAME]
            return render_template("members/site_form.html", member=member, form=form, site=site), 409
        db.session.commit()
        flash(_("Site « %(name)s » enregistré.", name=site.name), "success")
        return redirect(url_for("members.sites", member_id=member.id))
    if form.errors:
        status = 422
    return render_template("members/site_form.html", member=member, form=form, site=site), status


@bp.post("/<int:member_id>/sites/<int:site_id>/active")
@roles_required(*SITE_MANAGERS)
def set_site_active(member_id: int, site_id: int):
    member = get_scoped_or_404(Member, member_id)
    site = _child_or_404(Site, site_id, member)
    active = request.form.get("active") == "1"
    services.set_site_active(site, active)
    db.session.commit()
    flash(_("Site réactivé.") if active else _("Site désactivé : il n'est plus proposé à la commande."), "success")
    return redirect(url_for("members.sites", member_id=member.id))


@bp.post("/<int:member_id>/sites/<int:site_id>/default")
@roles_required(*SITE_MANAGERS)
def set_default_site(member_id: int, site_id: int):
    member = get_scoped_or_404(Member, member_id)
    site = _child_or_404(Site, site_id, member)
    try:
        services.set_default_site(site)
    except services.DuplicateError:  # another default set at the same moment
        db.session.rollback()
        flash(_("Le site par défaut vient d'être changé par quelqu'un d'autre : vérifiez et recommencez."), "error")
        return _sites_page(db.session.get(Member, member_id), status=409)
    db.session.commit()
    flash(_("« %(name)s » est désormais le site de livraison par défaut.", name=site.name), "success")
    return redirect(url_for("members.sites", member_id=member.id))
