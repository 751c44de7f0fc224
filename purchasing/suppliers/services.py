"""Use cases on suppliers. Services flush, never commit."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.sql import Select

from purchasing.domain.errors import N_, ConflictError, DomainError
from purchasing.domain.identifiers import is_valid_siret, normalise_siren, siren_of_siret
from purchasing.extensions import db
from purchasing.members.models import fold_for_search
from purchasing.suppliers.models import Supplier


@dataclass
class SupplierData:
    name: str
    siret: str
    address: str = ""
    postal_code: str = ""
    city: str = ""
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    order_email: str = ""
    accepts_order_x: bool = False
    is_active: bool = True


def search_suppliers(q: str = "") -> Select:
    """Suppliers matching a free text (name, SIRET or SIREN), ordered by name."""
    stmt = select(Supplier)
    q = (q or "").strip()
    if q:
        digits = normalise_siren(q)
        stmt = stmt.where(or_(Supplier.search_name.contains(fold_for_search(q), autoescape=True),
                              Supplier.siret == digits, Supplier.siren == digits))
    return stmt.order_by(Supplier.search_name, Supplier.id)


def siret_taken(siret: str, exclude_id: int | None = None) -> bool:
    stmt = select(Supplier.id).where(Supplier.siret == normalise_siren(siret))
    if exclude_id is not None:
        stmt = stmt.where(Supplier.id != exclude_id)
    return db.session.scalar(stmt) is not None


def _apply(supplier: Supplier, data: SupplierData) -> None:
    siret = normalise_siren(data.siret)
    if not is_valid_siret(siret):
        raise DomainError(N_("Ce SIRET n'est pas valide : 14 chiffres dont le dernier est une clé de contrôle."),
                          code="invalid_siret")
    if siret_taken(siret, exclude_id=supplier.id):
        raise ConflictError(N_("Un fournisseur a déjà ce SIRET."), code="siret_taken")
    supplier.name = data.name.strip()
    supplier.search_name = fold_for_search(supplier.name)
    supplier.siret = siret
    supplier.siren = siren_of_siret(siret)
    for attribute in ("address", "postal_code", "city", "contact_name", "contact_email", "contact_phone",
                      "order_email"):
        setattr(supplier, attribute, (getattr(data, attribute) or "").strip())
    supplier.accepts_order_x = bool(data.accepts_order_x)
    supplier.is_active = data.is_active


def create_supplier(data: SupplierData) -> Supplier:
    supplier = Supplier()
    _apply(supplier, data)
    db.session.add(supplier)
    db.session.flush()
    return supplier


def update_supplier(supplier: Supplier, data: SupplierData) -> Supplier:
    _apply(supplier, data)
    db.session.flush()
    return supplier
