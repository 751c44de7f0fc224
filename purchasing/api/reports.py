"""``/api/v1/reports/sustainability``: the sustainability report's indicators, from lifecycle.reports.data."""
from __future__ import annotations

from datetime import date

from flask_login import current_user

from lifecycle.reports import data as report_data
from lifecycle.reports.indicators import CarbonFigure
from purchasing.api.framework import api_route
from purchasing.api.schemas import ReportQuery, SustainabilityReportOut


def _carbon(figure: CarbonFigure) -> dict:
    return figure.as_dict()


def report_figures(report) -> dict:
    """The API's figures of a report (everything but the scope)."""
    purchases, retired, carbon = report.purchases, report.retired, report.carbon
    fleet = report.fleet
    return {
        "year": report.year,
        "reference_date": report.reference_date,
        "fleet_count": fleet.get("count", 0), "average_age_years": fleet.get("average_age_years"),
        "past_lifetime_share": fleet.get("past_lifetime_share"),
        "purchases_by_origin": purchases["by_origin"],
        "it_amount_ht": purchases["it_amount_ht"], "it_reuse_amount_ht": purchases["it_reuse_amount_ht"],
        "reuse_share": purchases["reuse_share"], "reuse_target": purchases["reuse_target"],
        "reuse_target_source": purchases["reuse_target_source"],
        "retired_counted": retired["counted"], "retired_reused": retired["reused"],
        "retired_reuse_share": retired["retired_reuse_share"],
        "retired_reuse_target": retired["retired_reuse_target"],
        "retired_reuse_target_source": retired["retired_reuse_target_source"],
        "purchases_embodied_kgco2e": _carbon(carbon["purchases_embodied_kgco2e"]),
        "fleet_annual_kgco2e": _carbon(carbon["fleet_annual_kgco2e"]),
        "grid_factor": carbon["grid_factor"],
        "avoided_kgco2e": _carbon(carbon["avoided_kgco2e"]),
        "avoided_reuse_kgco2e": _carbon(carbon["avoided_reuse_kgco2e"]),
        "avoided_refurbishment_kgco2e": _carbon(carbon["avoided_refurbishment_kgco2e"]),
        "avoided_longer_use_kgco2e_per_year": _carbon(carbon["avoided_longer_use_kgco2e_per_year"]),
        "avoided_reuse_kgco2e_per_year": _carbon(carbon["avoided_reuse_kgco2e_per_year"]),
        "avoided_refurbishment_kgco2e_per_year": _carbon(carbon["avoided_refurbishment_kgco2e_per_year"]),
        "avoided_kgco2e_per_year": _carbon(carbon["avoided_kgco2e_per_year"]),
        "end_of_life": [] if report.end_of_life is None else report.end_of_life.to_dict("records"),
    }


@api_route("/reports/sustainability", query=ReportQuery, response=SustainabilityReportOut,
           errors=(403, 404, 409), tags=("reports",))
def sustainability_report(query: ReportQuery):
    """Rapport de durabilité d'un périmètre pour une année

    Mêmes indicateurs que la page « Rapports durabilité » : parc, achats par origine et part issue du réemploi
    ou du reconditionné face à l'objectif légal (`reuse_share`, `reuse_target`), part réemployée des
    équipements sortis (`retired_reuse_share`), émissions de fabrication des achats
    (`purchases_embodied_kgco2e`) et émissions évitées (`avoided_kgco2e`), chacune en bas / central / haut.
    Le personnel du syndicat choisit le périmètre ; un utilisateur d'un adhérent ne voit que le sien
    (403 pour un autre périmètre que « member », 404 pour un autre adhérent).
    """
    today = date.today()
    scope, scope_id, name = report_data.resolve_scope(
        current_user, query.scope or report_data.default_scope(current_user), query.id)
    report = report_data.build_scope_report(scope, scope_id, query.year, today)
    return {"scope": scope, "scope_id": scope_id, "scope_name": name, **report_figures(report)}
