"""Sustainability reports: territory, EPCI or member, per calendar year — HTML with charts, CSV, XLSX, print."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from lifecycle.domain import agec as agec_domain
from lifecycle.domain import targets
from lifecycle.reports import agec, charts
from lifecycle.reports import data as report_data
from lifecycle.reports.forms import MemberReportForm
from lifecycle.reports.export import report_tables, to_csv, to_xlsx
from lifecycle.reports.indicators import RETIREMENT_ROUTES
from purchasing.db_types import utcnow
from purchasing.extensions import db
from purchasing.syndicate.models import SyndicateIdentity
from purchasing import navigation
from purchasing.accounts.models import Role
from purchasing.auth import roles_required
from purchasing.members import services as member_services
from purchasing.members.models import Member
from purchasing.params import MAX_ID, query_int
from purchasing.scoping import get_scoped_or_404

bp = Blueprint("reports", __name__, url_prefix="/reports")

READERS = (Role.SUSTAINABILITY_OFFICER, Role.ADMIN, Role.PURCHASING_OFFICER, Role.SECRETARY, Role.APPROVER)
navigation.register("reports.sustainability", _l("Rapports durabilité"), READERS, order=70)
#: the sustainability officer declares for every member; each member's users download their own member's file
AGEC_READERS = (Role.SUSTAINABILITY_OFFICER, Role.ADMIN, Role.SECRETARY, Role.APPROVER)
AGEC_ALL_MEMBERS = (Role.SUSTAINABILITY_OFFICER, Role.ADMIN)
navigation.register("reports.agec_declaration", _l("Déclaration AGEC"), AGEC_READERS, order=71)

#: The first year with a legal reuse target (AGEC art. 58, décret 2021-254 from 1 January 2021).
FIRST_YEAR = 2021


def _labels() -> dict:
    locale = str(get_locale())
    categories = report_data.category_labels(locale)
    return {
        "fleet": _("Parc par catégorie et statut"), "fleet_summary": _("Parc : synthèse"),
        "category": _("Catégorie"), "total": _("Total"), "indicator": _("Indicateur"), "value": _("Valeur"),
        "fleet_count": _("Équipements en parc"), "average_age": _("Âge moyen (années)"),
        "past_lifetime_share": _("Part au-delà de la durée de vie attendue (%)"),
        "lifetimes": _("Durée de vie à la sortie d'inventaire"), "retired_count": _("Sortis"),
        "mean_age": _("Âge moyen à la sortie (années)"), "default_lifetime": _("Durée de vie par défaut (années)"),
        "purchases": _("Achats par origine"),
        "it_amount_ht": _("Achats informatiques HT (base de la part)"),
        "it_reuse_amount_ht": _("dont issus du réemploi ou reconditionnés HT"), "origin": _("Origine"), "units": _("Unités"),
        "amount_ht": _("Montant HT (€)"), "reuse_share": _("Part réemploi ou reconditionné, informatique et téléphonie (%)"),
        "reuse_target": _("Objectif légal (%)"),
        "retired": _("Équipements sortis : part réemployée"), "retired_counted": _("Équipements informatiques de moins de 10 ans sortis"),
        "retired_reused": _("dont réemployés (réemploi, don, vente)"), "retired_reuse_share": _("Part réemployée (%)"),
        "retired_reuse_target": _("Objectif légal (%)"),
        "carbon": _("Carbone (kgCO2e)"), "low": _("Bas"), "central": _("Central"), "high": _("Haut"),
        "without_factor": _("Lignes sans facteur"),
        "purchases_embodied": _("Émissions de fabrication des achats de l'année"),
        "fleet_annual": _("Empreinte annuelle du parc"),
        "avoided_reuse": _("Évité par le réemploi (bourse)"),
        "avoided_refurbishment": _("Évité par le reconditionné"),
        "avoided_longer_use": _("Évité par l'allongement de la durée d'usage (par an)"),
        "end_of_life": _("Filières de fin de vie"), "route": _("Filière"), "count": _("Nombre"),
        "categories": categories,
        "statuses": {"in_stock": _("En stock"), "in_service": _("En service"), "in_repair": _("En réparation"),
                     "refurbishing": _("En reconditionnement"), "in_pool": _("Dans la bourse"),
                     "retired": _("Sorti")},
        "routes": {"reused_elsewhere": _("Réemploi ailleurs"), "donated": _("Don"), "sold": _("Vente"),
                   "recycled_weee": _("Recyclage DEEE"), "destroyed": _("Destruction"),
                   "lost_or_stolen": _("Perte ou vol")},
        "origins": {"new": _("Neuf"), "refurbished": _("Reconditionné"), "reuse_pool": _("Bourse de réemploi")},
    }


def default_year(today: date) -> int:
    """The report opens on the last complete year (the current one is provisional: its fleet is today's)."""
    return max(FIRST_YEAR, today.year - 1)


def _parse_scope(default_scope: bool = False):
    """Scope and year from the query string; member users are held to their own member. ``default_scope``: the
    user's default scope whatever the query string says (the member picker's choice was refused)."""
    today = date.today()
    year = query_int("year", None, minimum=FIRST_YEAR, maximum=today.year + 1) if "year" in request.args \
        else default_year(today)
    if year is None:
        abort(400, description=_("Année invalide : choisissez une année entre %(first)d et %(last)d.",
                                 first=FIRST_YEAR, last=today.year + 1))
    scope = request.args.get("scope", report_data.default_scope(current_user))
    if default_scope:
        scope = report_data.default_scope(current_user)
    if scope not in ("territory", "epci", "member"):
        abort(400, description=_("Périmètre invalide : territoire, EPCI ou adhérent."))
    scope_id = query_int("id", None, minimum=1, maximum=MAX_ID) if request.args.get("id") and not default_scope \
        else None
    if request.args.get("id") and scope_id is None and not default_scope:
        abort(404)
    # member users held to their member (403/404), an id required below the territory (shared with the API)
    scope, scope_id, target = report_data.resolve_scope(current_user, scope, scope_id)
    return scope, scope_id, year, target, today


def _build(default_scope: bool = False):
    scope, scope_id, year, target, today = _parse_scope(default_scope)
    report = report_data.build_scope_report(scope, scope_id, year, today)
    labels = _labels()
    tables = report_tables(report, labels)
    return scope, scope_id, year, target, report, labels, tables


def _charts(report, labels) -> list[str]:
    fleet = report.fleet.get("by_category_status")
    svgs = []
    if fleet is not None and not fleet.empty:
        totals = fleet.sum(axis=1).sort_values(ascending=False)
        svgs.append(charts.horizontal_bars([labels["categories"].get(c, c) for c in totals.index],
                                           [int(v) for v in totals.values],
                                           title=_("Parc par catégorie (tous statuts ; le détail par statut est dans "
                                                   "le tableau)"),
                                           xlabel=_("Nombre d'équipements")))
    purchases, retired = report.purchases, report.retired
    shares = [purchases.get("reuse_share"), retired.get("retired_reuse_share")]
    targets = [purchases.get("reuse_target") or 0, retired.get("retired_reuse_target") or 0]
    svgs.append(charts.share_against_target(
        [_("Achats réemploi / reconditionné"), _("Sorties réemployées")],
        [None if s is None else float(s) for s in shares], [float(t) for t in targets],
        title=_("Parts réglementaires %(year)d", year=report.year), ylabel=_("Part (%)"),
        target_label=_("Objectif légal")))
    carbon = report.carbon
    items = [("purchases_embodied", carbon["purchases_embodied_kgco2e"], charts.BLUE),
             ("fleet_annual", carbon["fleet_annual_kgco2e"], charts.BLUE),
             ("avoided_reuse", carbon["avoided_reuse_kgco2e"], charts.GREEN),
             ("avoided_refurbishment", carbon["avoided_refurbishment_kgco2e"], charts.GREEN),
             ("avoided_longer_use", carbon["avoided_longer_use_kgco2e_per_year"], charts.GREEN)]
    svgs.append(charts.ranges([labels[key] for key, _f, _c in items], [f.central for _k, f, _c in items],
                              [f.low for _k, f, _c in items], [f.high for _k, f, _c in items],
                              colors=[c for _k, _f, c in items], title=labels["carbon"],
                              xlabel=_("kgCO2e (barres : estimation basse – haute)")))
    eol = dict(zip(report.end_of_life["route"], report.end_of_life["count"]))
    svgs.append(charts.horizontal_bars([labels["routes"][r] for r in RETIREMENT_ROUTES],
                                       [int(eol.get(r, 0)) for r in RETIREMENT_ROUTES],
                                       title=labels["end_of_life"], xlabel=_("Nombre d'équipements")))
    return svgs


def _filename(scope: str, scope_id: int | None, year: int, extension: str) -> str:
    return f"rapport-durabilite-{scope}{'-' + str(scope_id) if scope_id else ''}-{year}.{extension}"


@bp.get("/sustainability")
@roles_required(*READERS)
def sustainability():
    member_form = None
    if current_user.is_staff:  # staff choose a member by name (a searchable list), never by its number
        member_form = MemberReportForm(request.args, members=member_services.member_picker_entries(active_only=False))
        if "member" in request.args and not request.args.get("id"):
            if member_form.validate():
                return redirect(url_for("reports.sustainability", scope="member", id=member_form.member.data,
                                        **({"year": request.args["year"]} if request.args.get("year") else {})))
        elif request.args.get("scope") == "member" and request.args.get("id"):
            member_form.member.data = query_int("id", None, minimum=1, maximum=MAX_ID)
    refused = bool(member_form and member_form.member.errors)
    scope, scope_id, year, target, report, labels, tables = _build(default_scope=refused)
    return render_template("reports/sustainability.html", scope=scope, scope_id=scope_id, year=year,
                           member_form=member_form,
                           target=target, report=report, tables=tables, charts=_charts(report, labels),
                           years=list(range(date.today().year, FIRST_YEAR - 1, -1)),
                           current_year=date.today().year,
                           epcis=report_data.epci_choices() if current_user.is_staff else [],
                           selected_epci=report_data.epci_of(scope, scope_id),
                           print_mode=request.args.get("print") == "1", trajectory=targets.trajectory(),
                           edited_at=utcnow(), syndicate=db.session.get(SyndicateIdentity, 1)), \
        422 if refused else 200


@bp.get("/sustainability.xlsx")
@roles_required(*READERS)
def sustainability_xlsx():
    scope, scope_id, year, target, report, labels, tables = _build()
    content = to_xlsx(tables, _("Rapport durabilité %(year)d — %(scope)s", year=year, scope=target))
    return Response(content, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f"attachment; filename={_filename(scope, scope_id, year, 'xlsx')}"})


@bp.get("/sustainability.csv")
@roles_required(*READERS)
def sustainability_csv():
    scope, scope_id, year, target, report, labels, tables = _build()
    return Response("\ufeff" + to_csv(tables), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f"attachment; filename={_filename(scope, scope_id, year, 'csv')}"})


# --- AGEC art. 58 declaration ---------------------------------------------------------------------------


def _agec_params():
    """(year, member or None for all members): member users are held to their member (another one: 404)."""
    today = date.today()
    default_year = today.year - 1
    year = query_int("year", None, minimum=FIRST_YEAR, maximum=today.year) if "year" in request.args \
        else default_year
    if year is None:
        abort(400, description=_("Année invalide : choisissez une année entre %(first)d et %(last)d.",
                                 first=FIRST_YEAR, last=today.year))
    member_id = query_int("id", None, minimum=1, maximum=MAX_ID) if request.args.get("id") else None
    if request.args.get("id") and member_id is None:
        abort(404)
    if current_user.role not in AGEC_ALL_MEMBERS:
        member_id = member_id or current_user.member_id
    member = get_scoped_or_404(Member, member_id) if member_id is not None else None
    return year, member, today


@bp.get("/agec")
@roles_required(*AGEC_READERS)
def agec_declaration():
    year, member, today = _agec_params()
    declarations = agec.declarations(year, member.id) if member is not None else []
    return render_template("reports/agec.html", year=year, member=member, declarations=declarations,
                           deadline=agec_domain.declaration_deadline(year),
                           days_left=agec_domain.days_to_deadline(year, today),
                           years=list(range(today.year, FIRST_YEAR - 1, -1)),
                           members=report_data.member_choices() if current_user.role in AGEC_ALL_MEMBERS else [],
                           can_all=current_user.role in AGEC_ALL_MEMBERS)


@bp.get("/agec.csv")
@roles_required(*AGEC_READERS)
def agec_csv():
    year, member, _today = _agec_params()
    content = agec.csv_bytes(agec.declarations(year, member.id if member is not None else None))
    return Response(content, mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f"attachment; filename={agec.file_name(year, member)}"})
