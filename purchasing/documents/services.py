"""Use cases on attachments: attach, list, open, delete. Flush, never commit.

Who sees a document: the users who may open its owner's page (role and member scope), and, for a member-level
owner (an order, a delivery, an asset), only the users of the member that owned it when the file was attached
(``Document.member_id``, as ``purchasing.scoping`` reads it; an asset given to another member through the pool
does not take its former member's files along, as its erasure record stays with that member too). Bid
documents stay sealed until the bids are (``purchasing.tenders.services.bids_unsealed``).

Stored objects follow the transaction: an object put for a row that is rolled back is removed, and the object
of a deleted document is removed only once the deletion is committed.
"""
from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, BinaryIO

from flask import abort, current_app
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from lifecycle.assets.models import Asset, DataErasure
from purchasing.accounts.models import STAFF_ROLES, Role
from purchasing.contracts.models import FrameworkContract
from purchasing.documents.models import Document, DocumentKind, OwnerKind
from purchasing.documents.sniff import DocumentTypeRefused, sniff
from purchasing.domain.errors import N_, ConflictError, DomainError
from purchasing.extensions import db
from purchasing.orders.models import Order, OrderLine
from purchasing.purchase_orders.models import Delivery, PurchaseOrder, PurchaseOrderLine
from purchasing.scoping import get_scoped_or_404, member_scope
from purchasing.storage import Storage, get_storage
from purchasing.tenders import services as tenders
from purchasing.tenders.models import Bid, Tender

ALL_ROLES = frozenset(r.value for r in Role)
OFFICERS = frozenset({Role.PURCHASING_OFFICER.value, Role.ADMIN.value})
MANAGE = frozenset({Role.SECRETARY.value, Role.PURCHASING_OFFICER.value, Role.ADMIN.value})
STAFF = frozenset(r.value for r in STAFF_ROLES)
ORDER_WRITERS = frozenset({Role.SECRETARY.value, Role.APPROVER.value}) | OFFICERS

#: who may read, who may attach, and which kinds of document, per kind of owner (the roles of its pages)
READERS = {OwnerKind.ORDER: ALL_ROLES, OwnerKind.ASSET: ALL_ROLES, OwnerKind.DELIVERY: ALL_ROLES,
           OwnerKind.PURCHASE_ORDER: OFFICERS, OwnerKind.CONTRACT: STAFF, OwnerKind.TENDER: STAFF,
           OwnerKind.BID: OFFICERS}
WRITERS = {OwnerKind.ORDER: ORDER_WRITERS, OwnerKind.ASSET: MANAGE, OwnerKind.DELIVERY: OFFICERS,
           OwnerKind.PURCHASE_ORDER: OFFICERS, OwnerKind.CONTRACT: OFFICERS, OwnerKind.TENDER: OFFICERS,
           OwnerKind.BID: OFFICERS}
KINDS = {
    OwnerKind.ORDER: (DocumentKind.INVOICE, DocumentKind.OTHER),
    OwnerKind.PURCHASE_ORDER: (DocumentKind.INVOICE, DocumentKind.OTHER),
    OwnerKind.DELIVERY: (DocumentKind.DELIVERY_NOTE, DocumentKind.OTHER),
    OwnerKind.CONTRACT: (DocumentKind.OTHER,),
    OwnerKind.TENDER: (DocumentKind.DCE_PIECE, DocumentKind.OTHER),
    OwnerKind.BID: (DocumentKind.BID_DOCUMENT,),
    OwnerKind.ASSET: (DocumentKind.INVOICE, DocumentKind.ERASURE_CERTIFICATE, DocumentKind.REPAIR_REPORT,
                      DocumentKind.OTHER),
}
#: may delete any document they can read, besides its uploader
DELETERS = OFFICERS


class DocumentTooLarge(DomainError):
    code = "document_too_large"
    http_status = 413


class BidDocumentsClosed(ConflictError):
    code = "bid_documents_closed"


#: the refusals of a file itself (its type, its content, its size), for ``except``: a form shows them on its field
DocumentRefused = (DocumentTypeRefused, DocumentTooLarge)


@dataclass
class Owner:
    """The object a document is attached to, loaded within the user's scope."""

    kind: OwnerKind
    id: int
    obj: Any
    #: the member owning it (None: a syndicate-level object)
    member_id: int | None
    #: for a delivery: its purchase order; for a bid: its tender
    parent_id: int | None = None
    #: bid documents sealed (read refused) until the bids are unsealed
    sealed: bool = False
    #: bid documents can be added only while the tender takes bids
    open_for_bids: bool = True
    extra: dict = field(default_factory=dict)


# --- owners --------------------------------------------------------------------------------------

def owner_kind_or_404(kind: str) -> OwnerKind:
    try:
        return OwnerKind(kind)
    except ValueError:
        abort(404)


def _bid_state(tender: Tender, now: datetime | None = None) -> tuple[bool, bool]:
    now = now or datetime.now(timezone.utc)
    return (not tenders.bids_unsealed(tender, now),
            tender.status in tenders.OPEN_FOR_BIDS and now < tender.bid_deadline)


def load_owner(kind: str, owner_id: int, user) -> Owner:
    """The owner within ``user``'s scope: wrong role 403, unknown or another member's object 404."""
    kind = owner_kind_or_404(kind)
    if user.role not in READERS[kind]:
        abort(403)
    if kind is OwnerKind.ORDER:
        order = get_scoped_or_404(Order, owner_id, user)
        return Owner(kind, order.id, order, order.member_id)
    if kind is OwnerKind.ASSET:
        asset = get_scoped_or_404(Asset, owner_id, user)
        return Owner(kind, asset.id, asset, asset.member_id)
    if kind is OwnerKind.DELIVERY:
        row = db.session.execute(
            member_scope(select(Delivery, Order.member_id, PurchaseOrderLine.purchase_order_id)
                         .join(PurchaseOrderLine, Delivery.purchase_order_line_id == PurchaseOrderLine.id)
                         .join(OrderLine, PurchaseOrderLine.order_line_id == OrderLine.id)
                         .join(Order, OrderLine.order_id == Order.id)
                         .where(Delivery.id == owner_id), Order, user)).first()
        if row is None:
            abort(404)
        return Owner(kind, row[0].id, row[0], row[1], parent_id=row[2])
    model = {OwnerKind.PURCHASE_ORDER: PurchaseOrder, OwnerKind.CONTRACT: FrameworkContract,
             OwnerKind.TENDER: Tender, OwnerKind.BID: Bid}[kind]
    obj = db.session.get(model, owner_id)
    if obj is None:
        abort(404)
    if kind is OwnerKind.BID:
        tenders.close_due_tenders()
        sealed, open_for_bids = _bid_state(obj.lot.tender)
        return Owner(kind, obj.id, obj, None, parent_id=obj.lot.tender_id, sealed=sealed,
                     open_for_bids=open_for_bids)
    return Owner(kind, obj.id, obj, None)


def require_readable(owner: Owner) -> None:
    if owner.sealed:
        raise tenders.BidsSealed(N_("Les pièces des offres sont sous pli scellé jusqu'à la date limite de remise "
                                    "des offres : elles ne peuvent pas être consultées avant."))


def can_attach(owner: Owner, user) -> bool:
    if user.role not in WRITERS[owner.kind]:
        return False
    if owner.kind is OwnerKind.BID and not owner.open_for_bids:
        return False
    return user.is_staff or user.member_id == owner.member_id


def can_delete(document: Document, owner: Owner, user, *, is_certificate: bool | None = None) -> bool:
    """The uploader (while still allowed to attach there) or a purchasing officer/admin; bid documents and the
    certificate of a recorded erasure are kept."""
    if is_certificate is None:
        is_certificate = _is_erasure_certificate(document)
    if owner.kind is OwnerKind.BID or is_certificate:
        return False
    if user.role in DELETERS:
        return True
    return document.uploaded_by_id == user.id and can_attach(owner, user)


def _certificate_ids(document_ids: list[int]) -> set[int]:
    if not document_ids:
        return set()
    return set(db.session.scalars(select(DataErasure.certificate_document_id)
                                  .where(DataErasure.certificate_document_id.in_(document_ids))))


def _is_erasure_certificate(document: Document) -> bool:
    return bool(_certificate_ids([document.id]))


@dataclass
class Panel:
    """What an attachments section shows: the documents (or only their count, sealed), and what may be done."""

    owner: Owner
    documents: list[Document]
    count: int
    can_attach: bool
    deletable: set[int]
    kinds: tuple[DocumentKind, ...]


def panel(kind: str, owner_id: int, user) -> Panel:
    owner = load_owner(kind, owner_id, user)
    if owner.sealed:
        documents, deletable = [], set()
    else:
        documents = documents_of(owner, user)
        certificates = _certificate_ids([d.id for d in documents])
        deletable = {d.id for d in documents if can_delete(d, owner, user, is_certificate=d.id in certificates)}
    return Panel(owner, documents, count_of(owner) if owner.sealed else len(documents), can_attach(owner, user),
                 deletable, KINDS[owner.kind])


# --- listing and loading -------------------------------------------------------------------------

def documents_query(owner: Owner, user):
    """The owner's documents that ``user`` may see, oldest first (raises if sealed)."""
    require_readable(owner)
    stmt = select(Document).where(Document.owner_kind == owner.kind.value, Document.owner_id == owner.id,
                                  Document.deleted_at.is_(None))
    if owner.member_id is not None:
        stmt = member_scope(stmt, Document, user)
    return stmt.order_by(Document.uploaded_at, Document.id)


def documents_of(owner: Owner, user) -> list[Document]:
    return list(db.session.scalars(documents_query(owner, user)))


def delivery_documents_of_order(order: Order, user) -> list[Document]:
    """The delivery notes (and other documents) of the deliveries of ``order``'s lines, for its page."""
    deliveries = (select(Delivery.id).join(PurchaseOrderLine, Delivery.purchase_order_line_id == PurchaseOrderLine.id)
                  .join(OrderLine, PurchaseOrderLine.order_line_id == OrderLine.id).where(OrderLine.order_id == order.id))
    stmt = select(Document).where(Document.owner_kind == OwnerKind.DELIVERY.value, Document.owner_id.in_(deliveries),
                                  Document.deleted_at.is_(None))
    return list(db.session.scalars(member_scope(stmt, Document, user).order_by(Document.uploaded_at, Document.id)))


def count_of(owner: Owner) -> int:
    """How many documents the owner has (what a sealed bid shows: the count, nothing else)."""
    return db.session.scalar(select(func.count(Document.id)).where(
        Document.owner_kind == owner.kind.value, Document.owner_id == owner.id, Document.deleted_at.is_(None)))


def load_document(document_id: int, user) -> tuple[Document, Owner]:
    """A document ``user`` may read, with its owner: another member's, a deleted or an unknown one is 404."""
    document = db.session.scalars(member_scope(
        select(Document).where(Document.id == document_id, Document.deleted_at.is_(None)), Document, user)).first()
    if document is None:
        abort(404)
    if document.member_id is None and not user.is_staff:
        abort(404)
    owner = load_owner(document.owner_kind, document.owner_id, user)
    require_readable(owner)
    return document, owner


def open_content(document: Document) -> BinaryIO:
    return get_storage().open(document.storage_key)


# --- writing -------------------------------------------------------------------------------------

def clean_filename(filename: str) -> str:
    """The name as the user gave it, without a path, control characters or excess length."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if ch.isprintable()).strip()
    if len(name) > 255:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 254 - len(ext)] + dot + ext) if dot and len(ext) < 20 else name[:255]
    return name or "document"


def read_limited(stream: BinaryIO, filename: str, max_bytes: int | None = None) -> bytes:
    limit = max_bytes if max_bytes is not None else current_app.config["DOCUMENT_MAX_BYTES"]
    content = stream.read(limit + 1)
    if len(content) > limit:
        raise DocumentTooLarge(N_("Le fichier « %(filename)s » dépasse la taille autorisée "
                                  "(%(limit)s Mio au plus). Rien n'a été enregistré."),
                               params={"filename": filename, "limit": format(limit / 1024 / 1024, '.0f')},
                               details={"max_bytes": limit})
    return content


def attach(owner: Owner, kind: str, filename: str, stream: BinaryIO, user) -> Document:
    """Check, store and record one file on ``owner``; nothing is written when any check refuses it."""
    if user.role not in WRITERS[owner.kind] or not (user.is_staff or user.member_id == owner.member_id):
        abort(403)
    if owner.kind is OwnerKind.BID and not owner.open_for_bids:
        raise BidDocumentsClosed(N_("La date limite de remise des offres est passée : aucune pièce ne peut plus "
                                    "être ajoutée à une offre."))
    allowed = [k.value for k in KINDS[owner.kind]]
    if kind not in allowed:
        raise DomainError(N_("Ce type de pièce ne peut pas être joint ici."), code="document_kind_not_allowed",
                          details={"allowed": allowed})
    name = clean_filename(filename)
    content = read_limited(stream, name)
    sniffed = sniff(content, name)
    storage = get_storage()
    key = storage.put(content)
    _on_rollback_remove(storage, key)
    document = Document(owner_kind=owner.kind.value, owner_id=owner.id, member_id=owner.member_id, kind=kind,
                        original_name=name, content_type=sniffed.content_type, size_bytes=len(content),
                        sha256=hashlib.sha256(content).hexdigest(), storage_key=key, uploaded_by_id=user.id)
    db.session.add(document)
    db.session.flush()
    return document


def delete_document(document: Document, owner: Owner, user) -> None:
    """Mark the document deleted (who, when: the row stays as the record); its object goes at commit."""
    check_deletable(document, owner, user)
    document.deleted_at = datetime.now(timezone.utc)
    document.deleted_by_id = user.id
    db.session.flush()
    _on_commit_remove(get_storage(), document.storage_key)


def check_deletable(document: Document, owner: Owner, user) -> None:
    """Refuse (409 kept documents, 403 others' documents) what :func:`delete_document` would refuse."""
    if owner.kind is OwnerKind.BID:
        raise ConflictError(N_("Les pièces d'une offre font partie de l'offre reçue : elles ne peuvent pas être "
                               "supprimées."), code="bid_document_kept")
    if _is_erasure_certificate(document):
        raise ConflictError(N_("Ce certificat est celui d'un effacement enregistré : il ne peut pas être supprimé."),
                            code="erasure_certificate_kept")
    if not can_delete(document, owner, user):
        abort(403)


# --- stored objects follow the transaction -------------------------------------------------------

_NEW, _DOOMED = "parc_storage_new", "parc_storage_doomed"


def _on_rollback_remove(storage: Storage, key: str) -> None:
    db.session.info.setdefault(_NEW, []).append((storage, key))


def _on_commit_remove(storage: Storage, key: str) -> None:
    db.session.info.setdefault(_DOOMED, []).append((storage, key))


def _remove(pairs) -> None:
    for storage, key in pairs:
        try:
            storage.delete(key)
        except Exception:  # pragma: no cover - a leftover object is harmless; the row is what counts
            current_app.logger.exception("could not remove stored object %s", key)


@event.listens_for(Session, "after_commit")
def _after_commit(session) -> None:
    session.info.pop(_NEW, None)
    _remove(session.info.pop(_DOOMED, []))


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session, previous_transaction) -> None:
    if previous_transaction.parent is not None:
        return  # a SAVEPOINT: the outer transaction decides
    session.info.pop(_DOOMED, None)
    _remove(session.info.pop(_NEW, []))
