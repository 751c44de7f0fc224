"""Tender pages: purchasing officers and admins run tenders; bid prices stay sealed until the deadline."""
from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from purchasing import navigation, uploads
from purchasing.accounts.models import Role
from purchasing.auth import roles_required
from purchasing.db_types import utcnow
from purchasing.domain.decp import CPV_SOURCE, cpv_codes
from purchasing.domain.errors import DomainError
from purchasing.domain.states import TENDER
from purchasing.extensions import db
from purchasing.jobs import kinds as job_kinds
from purchasing.pagination import paginate
from purchasing.suppliers.models import Supplier
from purchasing.tenders import imports, services
from purchasing.tenders.forms import (
    CRITERION_LABELS,
    LOT_STATUS_LABELS,
    MODE_LABELS,
    AwardForm,
    BidUploadForm,
    CpvForm,
    CriterionForm,
    LotForm,
    ScoreForm,
    StatusForm,
    TenderForm,
    TenderSearchForm,
    UnsuccessfulForm,
)
from purchasing.tenders.models import Bid, TenderLot
from purchasing.domain.local_time import paris_to_utc, utc_to_paris

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
        abnormally_low_ratio=form.abnormally_low_ratio.data)


def _lot_input(form: LotForm) -> services.LotInput:
    return services.LotInput(
        number=form.number.data, title=form.title.data, estimated_quantities=form.estimated_quantities.data or "",
        estimated_amount_ht=form.estimated_amount_ht.data, max_amount_ht=form.max_amount_ht.data,
        duration_months=form.duration_months.data, cpv_code=form.cpv_code.data)


@bp.get("/")
@roles_required(*OFFICERS)
def index():
    services.close_due_tenders()
    db.session.commit()
    form = TenderSearchForm(request.args)
    form.validate()
    pagination = paginate(services.search_tenders(form.q.data or "",
                                                  awaiting_decision_at=utcnow() if form.due.data else None))
    return render_template("tenders/index.html", form=form, pagination=pagination, **_labels())


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*OFFICERS)
def create():
    form = TenderForm()
    if form.validate_on_submit():
        try:
            tender = services.create_tender(_tender_input(form))
        except DomainError as error:
            db.session.rollback()
            form.reference.errors = [*form.reference.errors, error.message]
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
    if form.validate_on_submit():
        try:
            services.update_tender(tender, _tender_input(form))
        except DomainError as error:
            db.session.rollback()
            form.reference.errors = [*form.reference.errors, error.message]
        else:
            db.session.commit()
            flash(_("Consultation enregistrée."), "success")
            return redirect(url_for("tenders.show", tender_id=tender.id))
    return render_template("tenders/form.html", form=form, tender=tender), 422 if form.errors else 200


@bp.get("/<int:tender_id>")
@roles_required(*OFFICERS)
def show(tender_id: int):
    tender = _tender_or_404(tender_id)
    warnings, violations = [], None
    if tender.status == "draft":
        try:
            warnings = services.publication_warnings(tender)
        except DomainError as error:
            violations = error.details.get("violations", [])
    return render_template(
        "tenders/show.html", tender=tender, procedure=services.procedure(tender),
        unsealed=services.bids_unsealed(tender), warnings=warnings, violations=violations,
        events=services.tender_events(tender), status_form=StatusForm(allowed=TENDER.allowed_from(tender.status)), lot_form=LotForm(formdata=None),
        criterion_form=CriterionForm(formdata=None), upload_form=BidUploadForm(supplier_choices=services.supplier_choices()),
        **_labels())


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
    if not form.validate_on_submit():
        abort(422, " ".join(f"{form[name].label.text} : {' '.join(map(str, errors))}"
                            for name, errors in form.errors.items() if name in form))
    services.add_lot(tender, _lot_input(form))
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
            form.number.errors = [*form.number.errors, error.message]
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
    if not form.validate_on_submit():
        abort(422, " ".join(" ".join(map(str, errors)) for errors in form.errors.values()))
    services.set_criterion(lot, form.kind.data, form.weight.data, form.environmental_mode.data)
    db.session.commit()
    flash(_("Critère enregistré."), "success")
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
            form.price_list.errors = [error.message]
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
                           scores=services.lot_scores(bid.lot)[bid.id], **_labels())


@bp.post("/bids/<int:bid_id>/scores")
@roles_required(*OFFICERS)
def add_score(bid_id: int):
    bid = _bid_or_404(bid_id)
    services.require_unsealed(bid.lot.tender)
    form = ScoreForm()
    if not form.validate_on_submit():
        return (render_template("tenders/bid.html", bid=bid, lines=services.bid_lines(bid), score_form=form,
                                scores=services.lot_scores(bid.lot)[bid.id], **_labels()), 422)
    services.add_score(bid, form.kind.data, form.score.data, form.justification.data, current_user)
    db.session.commit()
    flash(_("Note enregistrée."), "success")
    return redirect(url_for("tenders.show_bid", bid_id=bid.id))


@bp.post("/<int:tender_id>/evaluate")
@roles_required(*OFFICERS)
def evaluate(tender_id: int):
    tender = _tender_or_404(tender_id)
    services.evaluate_tender(tender, current_user)
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
    lot = _lot_or_404(lot_id)
    unsealed = services.bids_unsealed(lot.tender)
    ranked = services.ranked_bids(lot) if unsealed else []
    award_form = AwardForm(bid_choices=[(b.id, f"{b.rank or '—'}. {b.supplier.name}") for b in ranked])
    if ranked:
        award_form.bid_id.data = ranked[0].id
    return render_template("tenders/lot.html", lot=lot, unsealed=unsealed, ranked=ranked, award_form=award_form,
                           unsuccessful_form=UnsuccessfulForm(), contract=services.lot_contract(lot),
                           cpv_form=CpvForm(formdata=None, obj=lot), **_labels())


@bp.post("/lots/<int:lot_id>/cpv")
@roles_required(*OFFICERS)
def set_cpv(lot_id: int):
    lot = _lot_or_404(lot_id)
    form = CpvForm()
    if not form.validate_on_submit():
        abort(422, " ".join(" ".join(map(str, errors)) for errors in form.errors.values()))
    services.set_lot_cpv(lot, form.cpv_code.data)
    db.session.commit()
    flash(_("Code CPV du lot enregistré."), "success")
    return redirect(url_for("tenders.show_lot", lot_id=lot.id))


@bp.post("/lots/<int:lot_id>/award")
@roles_required(*OFFICERS)
def award(lot_id: int):
    lot = _lot_or_404(lot_id)
    ranked = services.ranked_bids(lot)
    form = AwardForm(bid_choices=[(b.id, b.supplier.name) for b in ranked])
    if not form.validate_on_submit():
        abort(422, " ".join(" ".join(map(str, errors)) for errors in form.errors.values()))
    bid = next(b for b in ranked if b.id == form.bid_id.data)
    contract = services.award_lot(lot, bid, form.start_on.data, form.end_on.data, current_user)
    db.session.commit()
    flash(_("Lot attribué : accord-cadre %(ref)s créé, ses prix sont au catalogue.", ref=contract.reference), "success")
    return redirect(url_for("tenders.show_lot", lot_id=lot.id))


@bp.post("/lots/<int:lot_id>/unsuccessful")
@roles_required(*OFFICERS)
def unsuccessful(lot_id: int):
    lot = _lot_or_404(lot_id)
    form = UnsuccessfulForm()
    if not form.validate_on_submit():
        abort(422, _("Le motif est obligatoire."))
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
