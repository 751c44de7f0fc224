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
from lifecycle.reports.forms import ReportScopeForm
from lifecycle.reports.export import cell_text, report_tables, to_csv, to_xlsx
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


@bp.app_template_filter("report_cell")
def report_cell(value) -> str:
    """A table cell as the page and its print layout show it (amounts in euros, counts, decimals)."""
    from purchasing.i18n import format_eur, format_number

    return cell_text(value, format_number, format_eur)

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
        "carbon": _("Carbone par an"), "low": _("Bas"), "central": _("Central"), "high": _("Haut"),
        "unit_kg_per_year": _("kgCO2e par an"), "unit_t_per_year": _("tCO2e par an"),
        "without_factor": _("Lignes sans facteur"),
        "fleet_annual": _("Empreinte annuelle du parc"),
        "avoided_refurbishment": _("Évité par le reconditionné acheté dans l'année"),
        "avoided_reuse": _("Évité par le réemploi (bourse) dans l'année"),
        "avoided_longer_use": _("Évité par l'allongement de la durée d'usage"),
        "avoided_total": _("Total évité"),
        "carbon_note": _("Chaque ligne est une quantité par an, dans la même unité : l'empreinte du parc sur un an "
                         "(fabrication répartie sur la durée de vie, plus l'électricité), et ce que chaque choix évite "
                         "par année d'usage. Le total évité est la somme des trois lignes au-dessus ; il est présenté "
                         "à côté de l'empreinte, jamais soustrait."),
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


def _parse_scope():
    """Scope and year of a report's file (XLSX, CSV, the export job) from the query string, the bookmarkable
    address the page links to; member users are held to their own member (403 for another scope, 404 for another
    member), a bad year or scope a 400, an unknown id a 404."""
    today = date.today()
    year = query_int("year", None, minimum=FIRST_YEAR, maximum=today.year) if "year" in request.args \
        else default_year(today)
    if year is None:
        abort(400, description=_("Année invalide : choisissez une année entre %(first)d et %(last)d.",
                                 first=FIRST_YEAR, last=today.year))
    scope, scope_id, target = _requested_scope()
    return scope, scope_id, year, target, today


def _requested_scope():
    """The address's scope and id (a bad scope a 400, a bad id a 404), held by ``resolve_scope``: member users to
    their member (403/404), an id required below the territory (shared with the API)."""
    scope = request.args.get("scope", report_data.default_scope(current_user))
    if scope not in ("territory", "epci", "member"):
        abort(400, description=_("Périmètre invalide : territoire, EPCI ou adhérent."))
    scope_id = query_int("id", None, minimum=1, maximum=MAX_ID) if request.args.get("id") else None
    if request.args.get("id") and scope_id is None:
        abort(404)
    return report_data.resolve_scope(current_user, scope, scope_id)


def _build():
    scope, scope_id, year, target, today = _parse_scope()
    report = report_data.build_scope_report(scope, scope_id, year, today)
    labels = _labels()
    tables = report_tables(report, labels)
    return scope, scope_id, year, target, report, labels, tables


def _charts(report, labels, tables) -> list[str]:
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
    # the carbon table's rows, in its unit (per year): the chart and the table show the same figures
    carbon = next(t for t in tables if t.key == "carbon")
    colours = [charts.BLUE] + [charts.GREEN] * (len(carbon.rows) - 1)
    svgs.append(charts.ranges([row[0] for row in carbon.rows], [float(row[2]) for row in carbon.rows],
                              [float(row[1]) for row in carbon.rows], [float(row[3]) for row in carbon.rows],
                              colors=colours, title=labels["carbon"],
                              xlabel=_("%(unit)s (barres : estimation basse – haute)",
                                       unit=carbon.unit)))
    eol = dict(zip(report.end_of_life["route"], report.end_of_life["count"]))
    svgs.append(charts.horizontal_bars([labels["routes"][r] for r in RETIREMENT_ROUTES],
                                       [int(eol.get(r, 0)) for r in RETIREMENT_ROUTES],
                                       title=labels["end_of_life"], xlabel=_("Nombre d'équipements")))
    return svgs


def _filename(scope: str, scope_id: int | None, year: int, extension: str) -> str:
    return f"rapport-durabilite-{scope}{'-' + str(scope_id) if scope_id else ''}-{year}.{extension}"


def _canonical(scope: str, scope_id: int | None, year: int, **extra) -> dict:
    """The bookmarkable query of a report (the page, its files and its print layout share it)."""
    return {"scope": scope, **({"id": scope_id} if scope_id is not None else {}), "year": year, **extra}


@bp.get("/sustainability")
@roles_required(*READERS)
def sustainability():
    """One scope form (territory, an EPCI, a member; the year) drives the page and its XLSX, CSV and print links."""
    today = date.today()
    staff = current_user.is_staff
    scope, scope_id = None, None
    if not staff:  # a member user's scope is their member: another scope a 403, another member a 404
        scope, scope_id, _target = _requested_scope()
    epcis = report_data.epci_choices() if staff else []
    form = ReportScopeForm(request.args, staff=staff,
                           members=member_services.member_picker_entries(active_only=False) if staff else (),
                           epcis=epcis, first_year=FIRST_YEAR, last_year=today.year,
                           default_scope=report_data.default_scope(current_user), default_year=default_year(today))
    valid = form.validate()
    if staff and valid:
        scope, scope_id = form.scope, form.scope_id
        if form.submitted:
            return redirect(url_for("reports.sustainability", **_canonical(scope, scope_id, form.year)))
    context = dict(form=form, epcis=epcis, years=list(range(today.year, FIRST_YEAR - 1, -1)),
                   current_year=today.year, print_mode=request.args.get("print") == "1",
                   selected_epci=form.epci_selected() or (report_data.epci_of(scope, scope_id) if valid else None))
    if not valid:  # the form again, its errors on their fields, what was typed kept; no figures
        return render_template("reports/sustainability.html", report=None, year=form.year, **context), 422
    year = form.year
    report = report_data.build_scope_report(scope, scope_id, year, today)
    labels = _labels()
    tables = report_tables(report, labels)
    return render_template("reports/sustainability.html", scope=scope, scope_id=scope_id, year=year,
                           target=report_data.scope_target(scope, scope_id), report=report, tables=tables,
                           charts=_charts(report, labels, tables), query=_canonical(scope, scope_id, year),
                           trajectory=targets.trajectory(), edited_at=utcnow(),
                           syndicate=db.session.get(SyndicateIdentity, 1), **context)


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
