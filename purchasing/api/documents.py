"""``/api/v1/documents``: attachments, with the web's rules (purchasing/documents/services.py)."""
from __future__ import annotations

import io
from datetime import datetime
from typing import Literal

from flask import request
from flask_login import current_user
from pydantic import BaseModel, ConfigDict, Field
from werkzeug.datastructures import FileStorage

from purchasing.api.framework import MAX_ID, PageQuery, api_route
from purchasing.api.schemas import Output
from purchasing.documents import services as documents
from purchasing.documents.models import DocumentKind, OwnerKind
from purchasing.documents.sniff import EXTENSIONS
from purchasing.documents.responses import download_response
from purchasing.extensions import db

OwnerKindName = Literal[tuple(k.value for k in OwnerKind)]  # type: ignore[valid-type]
DocumentKindName = Literal[tuple(k.value for k in DocumentKind)]  # type: ignore[valid-type]
#: what a download may be: the accepted types, as sniffed from the content
CONTENT_TYPES = tuple(dict.fromkeys(EXTENSIONS.values()))


class DocumentOut(Output):
    id: int
    owner_kind: str
    owner_id: int
    #: the member owning the owner; null for syndicate-level owners (purchase orders, contracts, tenders, bids)
    member_id: int | None
    kind: str
    original_name: str
    #: read from the content, not from the name
    content_type: str
    size_bytes: int
    sha256: str
    uploaded_at: datetime
    uploaded_by_id: int | None


class DocumentsQuery(PageQuery):
    owner_kind: OwnerKindName = Field(description="Kind of the owner: order, purchase_order, delivery, contract, "
                                                  "tender, bid, asset")
    owner_id: int = Field(ge=1, le=MAX_ID, description="The owner's id")


class DocumentUpload(BaseModel):
    """The text fields of the multipart upload (the file is the ``file`` part)."""

    model_config = ConfigDict(extra="ignore")

    owner_kind: OwnerKindName
    owner_id: int = Field(ge=1, le=MAX_ID)
    kind: DocumentKindName


@api_route("/documents", methods=["POST"], form=DocumentUpload, files=("file",), response=DocumentOut,
           status=201, errors=(403, 404, 409), tags=("documents",))
def upload_document(form: DocumentUpload):
    """Joindre un fichier à un objet

    Corps multipart/form-data : `owner_kind`, `owner_id`, `kind` et le fichier `file`. Le type est lu dans le
    contenu (PDF, PNG, JPEG, ODT, ODS, DOCX, XLSX, CSV, TXT) et doit correspondre à l'extension du nom : sinon
    409 `document_type_refused`, et rien n'est enregistré. Au-delà de la taille autorisée : 413
    `document_too_large`. Les pièces d'une offre ne s'ajoutent que jusqu'à la date limite.
    """
    owner = documents.load_owner(form.owner_kind, form.owner_id, current_user)
    upload = request.files.get("file")
    if upload is None:  # a part without a file name: the text is the content, and a name without a type
        upload = FileStorage(io.BytesIO(request.form["file"].encode("utf-8")), filename="")
    document = documents.attach(owner, form.kind, upload.filename or "", upload.stream, current_user)
    db.session.commit()
    return document


@api_route("/documents", query=DocumentsQuery, response=DocumentOut, paginated=True, errors=(403, 404),
           tags=("documents",))
def list_documents(query: DocumentsQuery):
    """Les pièces jointes d'un objet

    Mêmes règles que les pages : l'objet d'un autre adhérent est un 404 ; les pièces d'une offre sont sous pli
    scellé (403 `bids_sealed`) jusqu'à la date limite de remise des offres.
    """
    owner = documents.load_owner(query.owner_kind, query.owner_id, current_user)
    stmt = documents.documents_query(owner, current_user)
    db.session.commit()  # a tender past its deadline closed on access
    return stmt


@api_route("/documents/<int:document_id>/content", media=CONTENT_TYPES, errors=(403,), tags=("documents",))
def document_content(document_id: int):
    """Télécharger une pièce jointe

    Le contenu tel qu'il a été déposé, avec `Content-Disposition: attachment` (le nom d'origine),
    `Cache-Control: no-store` et `X-Content-Type-Options: nosniff`.
    """
    document, _owner = documents.load_document(document_id, current_user)
    db.session.commit()
    return download_response(document)
