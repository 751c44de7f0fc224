"""Tariff grid versions (admin) and the transparency page (admin, sustainability officer)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from purchasing.accounts.models import Role
from purchasing.auth import roles_required
from purchasing.domain.errors import DomainError
from purchasing.extensions import db
from purchasing.navigation import register
from purchasing.pagination import paginate
from purchasing.pricing import services
from purchasing.pricing.forms import GridForm, PeriodForm
from purchasing.pricing.models import TariffGrid
from purchasing.i18n import error_message

bp = Blueprint("pricing", __name__, url_prefix="/admin")
register("pricing.index", _l("Grilles tarifaires"), {Role.ADMIN}, order=70)
register("pricing.transparency", _l("Transparence"), {Role.ADMIN, Role.SUSTAINABILITY_OFFICER}, order=75)


@bp.get("/tariff-grids/")
@roles_required(Role.ADMIN)
def index():
    pagination = paginate(services.list_grids())
    latest = services.latest_grid()
    return render_template("pricing/index.html", pagination=pagination, latest_id=latest.id if latest else None)


@bp.get("/tariff-grids/<int:grid_id>")
@roles_required(Role.ADMIN)
def show(grid_id: int):
    grid = db.session.get(TariffGrid, grid_id)
    if grid is None:
        abort(404)
    return render_template("pricing/show.html", grid=grid, read_only=services.grid_is_read_only(grid))


def _bands(form: GridForm) -> list[services.BandData]:
    bands = []
    for entry in form.bands:
        data = entry.form
        if data.min_population.data is None and data.fee_percent.data is None and not data.label.data:
            continue
        if data.min_population.data is None or data.fee_percent.data is None:
            raise DomainError(_("Chaque tranche doit avoir une population minimale et un taux."), code="band_incomplete")
        bands.append(services.BandData(
            label=data.label.data or f"{data.min_population.data}+", min_population=data.min_population.data,
            max_population=data.max_population.data, fee_rate=(data.fee_percent.data / Decimal(100)).quantize(Decimal("0.0001"))))
    return bands


@bp.route("/tariff-grids/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def create():
    form = GridForm()
    latest = services.latest_grid()
    if request.method == "GET" and latest is not None:
        for entry, band in zip(form.bands, latest.bands):
            entry.form.label.data = band.label
            entry.form.min_population.data = band.min_population
            entry.form.max_population.data = band.max_population
            entry.form.fee_percent.data = band.fee_rate * 100
    error = None
    if form.validate_on_submit():
        try:
            grid = services.create_grid_version(form.effective_from.data, form.deliberation_ref.data, _bands(form),
                                                current_user)
        except DomainError as exc:
            db.session.rollback()
            error = error_message(exc)
        else:
            db.session.commit()
            flash(_("Version %(version)s de la grille créée.", version=grid.version), "success")
            return redirect(url_for("pricing.show", grid_id=grid.id))
    status = 422 if (form.errors or error) else 200
    return render_template("pricing/form.html", form=form, error=error), status


@bp.get("/transparency")
@roles_required(Role.ADMIN, Role.SUSTAINABILITY_OFFICER)
def transparency():
    form = PeriodForm(request.args)
    form.validate()
    today = date.today()
    start = form.start.data or date(today.year, 1, 1)
    end = form.end.data or today
    if end < start:
        start, end = end, start
    result = services.transparency(start, end)
    return render_template("pricing/transparency.html", form=form, result=result, start=start, end=end)
