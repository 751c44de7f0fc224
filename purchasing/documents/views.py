"""Attachments: upload, download and delete, for every kind of owner (the sections are ``documents/_attachments.html``)."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel.speaklater import LazyString
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.exceptions import HTTPException

from purchasing.accounts.models import Role
from purchasing.auth import roles_required
from purchasing.documents import services
from purchasing.documents.forms import FILE_HINT, KIND_LABELS, DocumentUploadForm
from purchasing.documents.models import OwnerKind
from purchasing.documents.responses import download_response
from purchasing.domain.errors import DomainError
from purchasing.extensions import db
from purchasing.i18n import error_message

bp = Blueprint("documents", __name__, url_prefix="/documents")
ALL = tuple(Role)


def owner_url(owner: services.Owner) -> str:
    """The page showing the owner's attachments section."""
    kind = owner.kind
    if kind is OwnerKind.ORDER:
        url = url_for("orders.show", order_id=owner.id)
    elif kind is OwnerKind.ASSET:
        url = url_for("lifecycle.show", asset_id=owner.id)
    elif kind is OwnerKind.PURCHASE_ORDER:
        url = url_for("purchase_orders.show", po_id=owner.id)
    elif kind is OwnerKind.DELIVERY:
        url = url_for("purchase_orders.show", po_id=owner.parent_id)
    elif kind is OwnerKind.CONTRACT:
        url = url_for("purchase_orders.contract", contract_id=owner.id)
    elif kind is OwnerKind.TENDER:
        url = url_for("tenders.show", tender_id=owner.id)
    else:
        url = url_for("tenders.show", tender_id=owner.parent_id) if owner.sealed \
            else url_for("tenders.show_bid", bid_id=owner.id)
    return url + "#documents-" + kind.value + "-" + str(owner.id)


@bp.app_context_processor
def _attachment_helpers():
    def attachment_panel(kind: str, owner_id: int):
        """The panel of one owner for the current user, or None where the user may not see it."""
        try:
            return services.panel(kind, owner_id, current_user)
        except HTTPException:
            return None

    def delivery_documents(order):
        return services.delivery_documents_of_order(order, current_user)

    return {"attachment_panel": attachment_panel, "delivery_documents": delivery_documents,
            "document_kind_labels": KIND_LABELS,
            # translated when a page shows it (the attachments panel), not on every page
            "document_file_hint": LazyString(_file_hint)}


def _file_hint() -> str:
    return FILE_HINT % {"mib": current_app.config["DOCUMENT_MAX_BYTES"] // (1024 * 1024)}


def _refused(owner: services.Owner | None, message: str, status: int):
    back = owner_url(owner) if owner is not None else url_for("main.home")
    return render_template("documents/refused.html", message=message, back=back), status


@bp.post("/")
@roles_required(*ALL)
def upload():
    form = DocumentUploadForm()
    target = form.owner()
    if target is None:
        abort(404)
    owner = services.load_owner(*target, current_user)
    if not form.validate_on_submit():
        messages = [e for name in ("kind", "file", "csrf_token") for e in form.errors.get(name, [])]
        if "csrf_token" in form.errors:
            abort(400)
        return _refused(owner, " ".join(str(m) for m in messages), 422)
    upload_file = form.file.data
    try:
        document = services.attach(owner, form.kind.data, upload_file.filename or "", upload_file.stream,
                                   current_user)
    except DomainError as error:
        db.session.rollback()
        return _refused(owner, error_message(error), error.http_status)
    db.session.commit()
    flash(_("Pièce « %(name)s » jointe.", name=document.original_name), "success")
    return redirect(owner_url(owner))


@bp.get("/<int:document_id>")
@roles_required(*ALL)
def download(document_id: int):
    document, _owner = services.load_document(document_id, current_user)
    db.session.commit()  # a tender past its deadline closed on access, as on the tender pages
    return download_response(document)


@bp.post("/<int:document_id>/delete")
@roles_required(*ALL)
def delete(document_id: int):
    document, owner = services.load_document(document_id, current_user)
    if not FlaskForm().validate_on_submit():
        abort(400)
    services.check_deletable(document, owner, current_user)
    if request.form.get("confirm") != "yes":  # the second step: what will be deleted, and a confirm button
        return render_template("documents/confirm_delete.html", document=document, back=owner_url(owner),
                               kind_labels=KIND_LABELS)
    services.delete_document(document, owner, current_user)
    db.session.commit()
    flash(_("Pièce « %(name)s » supprimée.", name=document.original_name), "success")
    return redirect(owner_url(owner))
