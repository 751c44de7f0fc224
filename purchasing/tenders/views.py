"""Tender pages: purchasing officers and admins run tenders; bid prices stay sealed until the deadline."""
from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from purchasing import list_exports, navigation, uploads
from purchasing.accounts.models import Role
from purchasing.auth import roles_required
from purchasing.db_types import utcnow
from purchasing.domain.decp import CPV_SOURCE, cpv_codes
from purchasing.domain.errors import DomainError
from purchasing.domain.states import TENDER
from purchasing.extensions import db
from purchasing.jobs import kinds as job_kinds
from purchasing.list_exports import DATE, DATETIME, Column
from purchasing.pagination import paginate
from purchasing.suppliers.models import Supplier
from purchasing.tenders import imports, letters, services
from purchasing.tenders.forms import (
    CRITERION_LABELS,
    LOT_STATUS_LABELS,
    MODE_LABELS,
    AwardForm,
    BidUploadForm,
    CpvForm,
    CriterionForm,
    LettersForm,
    LotForm,
    ScoreForm,
    StatusForm,
    TenderForm,
    TenderSearchForm,
    UnsuccessfulForm,
)
from purchasing.tenders.models import Bid, TenderLot
from purchasing.domain.local_time import paris_to_utc, utc_to_paris
from purchasing.i18n import error_message

bp = Blueprint("tenders", __name__, url_prefix="/tenders")
OFFICERS = (Role.ADMIN, Role.PURCHASING_OFFICER)
navigation.register("tenders.index", _l("Consultations"), OFFICERS, order=62)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _labels():
    return {"criterion_labels": CRITERION_LABELS, "mode_labels": MODE_LABELS, "lot_status_labels": LOT_STATUS_LABELS,
            "status_label": TENDER.label, "cpv_codes": cpv_codes(), "cpv_source": CPV_SOURCE,
            "locale": str(get_locale())}


def _tender_or_404(tender_id: int):
    services.close_due_tenders()
    db.session.commit()
    tender = services.tender_with_lots(tender_id)
    if tender is None:
        abort(404)
    return tender


def _lot_or_404(lot_id: int) -> TenderLot:
    lot = db.get_or_404(TenderLot, lot_id)
    _tender_or_404(lot.tender_id)
    return lot


def _bid_or_404(bid_id: int) -> Bid:
    bid = db.get_or_404(Bid, bid_id)
    _tender_or_404(bid.lot.tender_id)
    return bid


def _tender_input(form: TenderForm) -> services.TenderInput:
    return services.TenderInput(
        reference=form.reference.data, title=form.title.data, publication_date=form.publication_date.data,
        bid_deadline=paris_to_utc(form.bid_deadline.data),
        abnormally_low_ratio=(form.abnormally_low_percent.data / 100).quantize(Decimal("0.0001")))


def _lot_input(form: LotForm) -> services.LotInput:
    return services.LotInput(
        number=form.number.data, title=form.title.data, estimated_quantities=form.estimated_quantities.data or "",
        estimated_amount_ht=form.estimated_amount_ht.data, max_amount_ht=form.max_amount_ht.data,
        duration_months=form.duration_months.data, cpv_code=form.cpv_code.data)


def _tenders_filtered(args):
    """The tenders page's search form and filtered query (its export uses the same): purchasing/list_exports.py."""
    form = TenderSearchForm(args)
    form.validate()
    return form, services.search_tenders(form.q.data or "", awaiting_decision_at=utcnow() if form.due.data else None)


TENDERS_EXPORT = list_exports.register(
    bp, "tenders", list_endpoint="tenders.index", rule="/export.<fmt>", roles=OFFICERS, filename="consultations",
    filtered=_tenders_filtered, prepare=services.close_due_tenders, columns=(
        Column(_l("Référence"), lambda t: t.reference, width=18),
        Column(_l("Objet"), lambda t: t.title, width=50),
        Column(_l("Publication"), lambda t: t.publication_date, kind=DATE),
        Column(_l("Date limite de remise des offres"), lambda t: t.bid_deadline, kind=DATETIME),
        Column(_l("Statut"), lambda t: TENDER.label(t.status, list_exports.locale()), width=30),
    ))


@bp.get("/")
@roles_required(*OFFICERS)
def index():
    services.close_due_tenders()
    db.session.commit()
    form, stmt = TENDERS_EXPORT.filtered(request.args)
    pagination = paginate(stmt)
    return render_template("tenders/index.html", form=form, pagination=pagination,
                           export_endpoint=TENDERS_EXPORT.endpoint, **_labels())


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*OFFICERS)
def create():
    form = TenderForm()
    if form.validate_on_submit():
        try:
            tender = services.create_tender(_tender_input(form))
        except DomainError as error:
            db.session.rollback()
            form.reference.errors = [*form.reference.errors, error_message(error)]
        else:
            db.session.commit()
            flash(_("Consultation « %(ref)s » créée.", ref=tender.reference), "success")
            return redirect(url_for("tenders.show", tender_id=tender.id))
    return render_template("tenders/form.html", form=form, tender=None), 422 if form.errors else 200


@bp.route("/<int:tender_id>/edit", methods=["GET", "POST"])
@roles_required(*OFFICERS)
def edit(tender_id: int):
    tender = _tender_or_404(tender_id)
    form = TenderForm(obj=tender)
    if request.method == "GET":
        form.bid_deadline.data = utc_to_paris(tender.bid_deadline)
        form.abnormally_low_percent.data = (tender.abnormally_low_ratio * 100).normalize()
    if form.validate_on_submit():
        try:
            services.update_tender(tender, _tender_input(form))
        except DomainError as error:
            db.session.rollback()
            form.reference.errors = [*form.reference.errors, error_message(error)]
        else:
            db.session.commit()
            flash(_("Consultation enregistrée."), "success")
            return redirect(url_for("tenders.show", tender_id=tender.id))
    return render_template("tenders/form.html", form=form, tender=tender), 422 if form.errors else 200


@bp.get("/<int:tender_id>")
@roles_required(*OFFICERS)
def show(tender_id: int):
    return _render_show(_tender_or_404(tender_id))


def _render_show(tender, status: int = 200, evaluation_error: str | None = None, evaluation_gaps=(),
                 status_form=None, lot_form=None, criterion_form=None, criterion_lot_id: int | None = None):
    """The tender page; after a refused evaluation, the rule's message and the bids still lacking a score."""
    warnings, violations = [], None
    if tender.status == "draft":
        try:
            warnings = services.publication_warnings(tender)
        except DomainError as error:
            violations = error.details.get("violations", [])
    return render_template(
        "tenders/show.html", tender=tender, procedure=services.procedure(tender),
        unsealed=services.bids_unsealed(tender), warnings=warnings, violations=violations,
        events=services.tender_events(tender),
        status_form=status_form or StatusForm(allowed=TENDER.allowed_from(tender.status)),
        lot_form=lot_form or LotForm(formdata=None), criterion_form=CriterionForm(formdata=None),
        posted_criterion_form=criterion_form, criterion_lot_id=criterion_lot_id,
        upload_form=BidUploadForm(supplier_choices=services.supplier_choices()),
        evaluation_error=evaluation_error, evaluation_gaps=evaluation_gaps, **_labels()), status


@bp.post("/<int:tender_id>/status")
@roles_required(*OFFICERS)
def change_status(tender_id: int):
    tender = _tender_or_404(tender_id)
    form = StatusForm(allowed=TENDER.allowed_from(tender.status))
    if not form.validate_on_submit():
        abort(409, _("Ce changement de statut n'est pas possible depuis le statut « %(s)s ».",
                     s=TENDER.label(tender.status)))
    warnings = services.change_tender_status(tender, form.to.data, current_user, form.reason.data or "")
    db.session.commit()
    for warning in warnings:
        flash(_("Avertissement : %(msg)s", msg=warning.message), "warning")
    flash(_("Consultation passée au statut « %(s)s ».", s=TENDER.label(tender.status)), "success")
    return redirect(url_for("tenders.show", tender_id=tender.id))


@bp.post("/<int:tender_id>/lots")
@roles_required(*OFFICERS)
def add_lot(tender_id: int):
    tender = _tender_or_404(tender_id)
    form = LotForm()
    if not form.validate_on_submit():  # the tender page again, the errors on the lot form's fields
        return _render_show(tender, 422, lot_form=form)
    try:
        services.add_lot(tender, _lot_input(form))
    except DomainError as error:
        db.session.rollback()
        form.form_errors.append(error_message(error))
        return _render_show(_tender_or_404(tender_id), error.http_status, lot_form=form)
    db.session.commit()
    flash(_("Lot ajouté."), "success")
    return redirect(url_for("tenders.show", tender_id=tender.id))


@bp.route("/lots/<int:lot_id>/edit", methods=["GET", "POST"])
@roles_required(*OFFICERS)
def edit_lot(lot_id: int):
    lot = _lot_or_404(lot_id)
    form = LotForm(obj=lot)
    if form.validate_on_submit():
        try:
            services.update_lot(lot, _lot_input(form))
        except DomainError as error:
            db.session.rollback()
            form.number.errors = [*form.number.errors, error_message(error)]
        else:
            db.session.commit()
            flash(_("Lot enregistré."), "success")
            return redirect(url_for("tenders.show", tender_id=lot.tender_id))
    return render_template("tenders/lot_form.html", form=form, lot=lot, **_labels()), 422 if form.errors else 200


@bp.post("/lots/<int:lot_id>/criteria/<kind>/delete")
@roles_required(*OFFICERS)
def remove_criterion(lot_id: int, kind: str):
    lot = _lot_or_404(lot_id)
    services.remove_criterion(lot, kind)
    db.session.commit()
    flash(_("Critère supprimé."), "success")
    return redirect(url_for("tenders.show", tender_id=lot.tender_id))


@bp.post("/lots/<int:lot_id>/criteria")
@roles_required(*OFFICERS)
def set_criterion(lot_id: int):
    lot = _lot_or_404(lot_id)
    form = CriterionForm()
    if not form.validate_on_submit():  # the tender page again, the errors on this lot's criterion form
        return _render_show(lot.tender, 422, criterion_form=form, criterion_lot_id=lot.id)
    try:
        services.set_criterion(lot, form.kind.data, form.weight.data, form.environmental_mode.data)
    except DomainError as error:
        db.session.rollback()
        form.form_errors.append(error_message(error))
        lot = _lot_or_404(lot_id)
        return _render_show(lot.tender, error.http_status, criterion_form=form, criterion_lot_id=lot.id)
    db.session.commit()
    flash(_("Critère enregistré."), "success")
    return redirect(url_for("tenders.show", tender_id=lot.tender_id))


@bp.post("/lots/<int:lot_id>/criteria/copy")
@roles_required(*OFFICERS)
def copy_criteria(lot_id: int):
    """The lot's criteria copied to the tender's other lots (they are often the same for every lot)."""
    lot = _lot_or_404(lot_id)
    try:
        targets = services.copy_criteria(lot)
    except DomainError as error:  # the tender page again, saying why
        db.session.rollback()
        flash(error_message(error), "error")
        return _render_show(_lot_or_404(lot_id).tender, error.http_status)
    db.session.commit()
    flash(_("Critères du lot %(n)s copiés vers les lots %(others)s.", n=lot.number,
            others=", ".join(str(t.number) for t in targets)), "success")
    return redirect(url_for("tenders.show", tender_id=lot.tender_id))


@bp.get("/price-list-template.<fmt>")
@roles_required(*OFFICERS)
def price_list_template(fmt: str):
    if fmt == "csv":
        return Response(imports.template_csv(), mimetype="text/csv",
                        headers={"Content-Disposition": "attachment; filename=bordereau-modele.csv"})
    if fmt == "xlsx":
        return Response(imports.template_xlsx(), mimetype=XLSX,
                        headers={"Content-Disposition": "attachment; filename=bordereau-modele.xlsx"})
    abort(404)


@bp.route("/lots/<int:lot_id>/bids/new", methods=["GET", "POST"])
@roles_required(*OFFICERS)
def upload_bid(lot_id: int):
    lot = _lot_or_404(lot_id)
    form = BidUploadForm(supplier_choices=services.supplier_choices())
    error_details = []
    if form.validate_on_submit():
        supplier = db.get_or_404(Supplier, form.supplier_id.data)
        upload = form.price_list.data
        try:
            content = uploads.read_upload(upload)
            rows = job_kinds.count_price_list_rows(upload.filename or "", content)
            if rows > current_app.config["JOBS_IMPORT_ROW_THRESHOLD"]:
                # a long price list: a background job with a progress bar (all lines or nothing, as below)
                job = job_kinds.start_price_list_import(current_user, lot, supplier, upload.filename or "", content,
                                                        rows=rows)
                db.session.commit()
                return redirect(url_for("jobs.show", job_id=job.id), code=303)
            bid = services.import_bid(lot, supplier, upload.filename or "", content)
        except DomainError as error:
            db.session.rollback()
            form.price_list.errors = [error_message(error)]
            error_details = error.details.get("errors", [])
        else:
            db.session.commit()
            flash(_("Offre de %(s)s reçue : %(n)s lignes importées.", s=supplier.name, n=bid.line_count), "success")
            return redirect(url_for("tenders.show", tender_id=lot.tender_id))
    return (render_template("tenders/upload.html", form=form, lot=lot, error_details=error_details,
                            columns=imports.COLUMNS, units=imports.UNITS),
            422 if form.errors else 200)


@bp.get("/bids/<int:bid_id>")
@roles_required(*OFFICERS)
def show_bid(bid_id: int):
    bid = _bid_or_404(bid_id)
    lines = services.bid_lines(bid)
    return render_template("tenders/bid.html", bid=bid, lines=lines, score_form=ScoreForm(),
                           scores=services.lot_scores(bid.lot)[bid.id], category_names=_category_names(), **_labels())


def _category_names() -> dict[str, str]:
    """Category code -> its name in the page's language (bid lines carry the code the supplier's price list gave)."""
    from purchasing.catalogue.models import Category

    locale = str(get_locale())
    return {c.code: c.label(locale) for c in db.session.scalars(db.select(Category))}


@bp.post("/bids/<int:bid_id>/scores")
@roles_required(*OFFICERS)
def add_score(bid_id: int):
    bid = _bid_or_404(bid_id)
    services.require_unsealed(bid.lot.tender)
    form = ScoreForm()
    if not form.validate_on_submit():
        return (render_template("tenders/bid.html", bid=bid, lines=services.bid_lines(bid), score_form=form,
                                scores=services.lot_scores(bid.lot)[bid.id], category_names=_category_names(),
                                **_labels()), 422)
    services.add_score(bid, form.kind.data, form.score.data, form.justification.data, current_user)
    db.session.commit()
    flash(_("Note enregistrée."), "success")
    return redirect(url_for("tenders.show_bid", bid_id=bid.id))


def N_(text: str) -> str:  # noqa: N802 (marks a string for extraction; translated where it is shown)
    return text


#: what a bid may lack to be scored (domain.scoring.missing_by_bid), translated on the tender page
MISSING_LABELS = (N_("note technique"), N_("note environnementale"), N_("délai de livraison"),
                  N_("délai de livraison d'au moins un jour"))


@bp.post("/<int:tender_id>/evaluate")
@roles_required(*OFFICERS)
def evaluate(tender_id: int):
    tender = _tender_or_404(tender_id)
    try:
        services.evaluate_tender(tender, current_user)
    except DomainError as error:  # the tender page again, saying which bids still lack a score
        db.session.rollback()
        tender = _tender_or_404(tender_id)
        return _render_show(tender, error.http_status, evaluation_error=error_message(error),
                            evaluation_gaps=services.evaluation_gaps(tender))
    db.session.commit()
    flash(_("Offres notées et classées."), "success")
    return redirect(url_for("tenders.evaluation", tender_id=tender.id))


@bp.get("/<int:tender_id>/evaluation")
@roles_required(*OFFICERS)
def evaluation(tender_id: int):
    tender = _tender_or_404(tender_id)
    services.require_unsealed(tender)
    lots = [(lot, services.ranked_bids(lot), services.lot_scores(lot)) for lot in tender.lots]
    return render_template("tenders/evaluation.html", tender=tender, lots=lots, **_labels())


@bp.get("/<int:tender_id>/evaluation.xlsx")
@roles_required(*OFFICERS)
def evaluation_export(tender_id: int):
    tender = _tender_or_404(tender_id)
    content = services.evaluation_xlsx(tender)
    return Response(content, mimetype=XLSX, headers={
        "Content-Disposition": f"attachment; filename=analyse-{tender.reference}.xlsx"})


@bp.get("/lots/<int:lot_id>")
@roles_required(*OFFICERS)
def show_lot(lot_id: int):
    return _render_lot(_lot_or_404(lot_id))


def _bid_choices(ranked) -> list:
    return [(b.id, f"{b.rank or '—'}. {b.supplier.name}") for b in ranked]


def _render_lot(lot, status: int = 200, award_form=None, unsuccessful_form=None, cpv_form=None):
    """The lot page; after a refused award or declaration, that form again with its errors and typed values."""
    unsealed = services.bids_unsealed(lot.tender)
    ranked = services.ranked_bids(lot) if unsealed else []
    if award_form is None:
        award_form = AwardForm(formdata=None, bid_choices=_bid_choices(ranked))
        if ranked:
            award_form.bid_id.data = ranked[0].id
    letters_form = _letters_form()
    return render_template("tenders/lot.html", lot=lot, unsealed=unsealed, ranked=ranked, award_form=award_form,
                           unsuccessful_form=unsuccessful_form or UnsuccessfulForm(formdata=None),
                           contract=services.lot_contract(lot), cpv_form=cpv_form or CpvForm(formdata=None, obj=lot),
                           letters_form=letters_form, letters_ok=not letters_form.errors, **_labels()), status


def _letters_form() -> LettersForm:
    """The letters' date and channel from the query string; today (Paris) and electronic by default."""
    form = LettersForm(request.args)
    if "sent_on" not in request.args:
        form.sent_on.data = utc_to_paris(utcnow()).date()
    if "channel" not in request.args:
        form.channel.data = "electronic"
    if "sent_on" in request.args or "channel" in request.args:
        form.validate()
    return form


@bp.get("/lots/<int:lot_id>/letters/<int:bid_id>.pdf")
@roles_required(*OFFICERS)
def letter(lot_id: int, bid_id: int):
    """The award or rejection letter of one candidate of an awarded lot, dated and timed by the query string."""
    lot = _lot_or_404(lot_id)
    bid = db.get_or_404(Bid, bid_id)
    if bid.lot_id != lot.id:
        abort(404)
    form = _letters_form()
    if form.errors:
        abort(422, " ".join(" ".join(map(str, errors)) for errors in form.errors.values()))
    built = letters.build_letter(lot, bid, form.sent_on.data, form.channel.data)
    response = Response(letters.letter_pdf(built), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{built.file_name}"'
    return response


@bp.post("/lots/<int:lot_id>/cpv")
@roles_required(*OFFICERS)
def set_cpv(lot_id: int):
    lot = _lot_or_404(lot_id)
    form = CpvForm()
    if not form.validate_on_submit():
        return _render_lot(lot, 422, cpv_form=form)
    try:
        services.set_lot_cpv(lot, form.cpv_code.data)
    except DomainError as error:
        db.session.rollback()
        form.cpv_code.errors = [*form.cpv_code.errors, error_message(error)]
        return _render_lot(_lot_or_404(lot_id), error.http_status, cpv_form=form)
    db.session.commit()
    flash(_("Code CPV du lot enregistré."), "success")
    return redirect(url_for("tenders.show_lot", lot_id=lot.id))


@bp.post("/lots/<int:lot_id>/award")
@roles_required(*OFFICERS)
def award(lot_id: int):
    lot = _lot_or_404(lot_id)
    ranked = services.ranked_bids(lot)
    form = AwardForm(bid_choices=_bid_choices(ranked))
    if not form.validate_on_submit():  # unconfirmed, no bid chosen…: the lot page again, errors on the fields
        return _render_lot(lot, 422, award_form=form)
    bid = next(b for b in ranked if b.id == form.bid_id.data)
    try:
        contract = services.award_lot(lot, bid, form.start_on.data, form.end_on.data, current_user)
    except DomainError as error:
        db.session.rollback()
        form.form_errors.append(error_message(error))
        return _render_lot(_lot_or_404(lot_id), error.http_status, award_form=form)
    db.session.commit()
    flash(_("Lot attribué : accord-cadre %(ref)s créé, ses prix sont au catalogue.", ref=contract.reference), "success")
    return redirect(url_for("tenders.show_lot", lot_id=lot.id))


@bp.post("/lots/<int:lot_id>/unsuccessful")
@roles_required(*OFFICERS)
def unsuccessful(lot_id: int):
    lot = _lot_or_404(lot_id)
    form = UnsuccessfulForm()
    if not form.validate_on_submit():
        return _render_lot(lot, 422, unsuccessful_form=form)
    services.declare_unsuccessful(lot, current_user, form.reason.data)
    db.session.commit()
    flash(_("Lot déclaré infructueux."), "success")
    return redirect(url_for("tenders.show_lot", lot_id=lot.id))


@bp.cli.command("close-due")
def close_due_command() -> None:
    """Clôt les consultations publiées dont la date limite de remise des offres est passée (tâche planifiée)."""
    import click

    closed = services.close_due_tenders()
    db.session.commit()
    click.echo(f"{len(closed)} consultation(s) close(s)" + (" : " + ", ".join(t.reference for t in closed)
                                                            if closed else "."))
