"""Use cases on members. Services flush, never commit: the view or CLI command commits once."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from collections.abc import Iterable

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql import Select

from purchasing.domain.errors import N_, DomainError
from purchasing.domain.identifiers import normalise_insee_code, normalise_siren
from purchasing.db_types import utcnow
from purchasing.extensions import db
from purchasing.domain.sites import clean_site_name, site_key
from purchasing.members.models import Member, MemberContact, MemberKind, MemberSiret, Site, fold_for_search


@dataclass
class MemberData:
    kind: str
    name: str
    siren: str
    population: int
    joined_on: date
    approval_threshold_ht: Decimal
    insee_code: str | None = None
    epci_id: int | None = None
    is_active: bool = True
    single_elected_user: bool = False


def search_members(q: str = "", kind: str | None = None, active: bool | None = None) -> Select:
    """Members matching a free text (name, INSEE code, SIREN), ordered by name."""
    stmt = select(Member)
    q = (q or "").strip()
    if q:
        folded = fold_for_search(q)
        digits = normalise_siren(q)
        stmt = stmt.where(
            or_(
                Member.search_name.contains(folded, autoescape=True),
                Member.insee_code == normalise_insee_code(q),
                Member.siren == digits,
            )
        )
    if kind:
        stmt = stmt.where(Member.kind == kind)
    if active is not None:
        stmt = stmt.where(Member.is_active.is_(active))
    return stmt.order_by(Member.search_name, Member.id)


def epci_choices() -> list[tuple[int, str]]:
    rows = db.session.execute(
        select(Member.id, Member.name).where(Member.kind == MemberKind.EPCI).order_by(Member.name)
    )
    return [(row.id, row.name) for row in rows]


def member_picker_entries(active_only: bool = True) -> list[tuple]:
    """(id, label, SIREN, INSEE code, name) of the members, for a searchable picker (``purchasing.forms.PickerField``):
    the label names a commune with its INSEE code, the others with their SIREN (names repeat); the name alone
    chooses a member when no other bears it."""
    stmt = select(Member.id, Member.name, Member.insee_code, Member.siren).order_by(Member.search_name, Member.id)
    if active_only:
        stmt = stmt.where(Member.is_active.is_(True))
    return [(r.id, f"{r.name} ({r.insee_code})" if r.insee_code else f"{r.name} (SIREN {r.siren})", r.siren,
             r.insee_code, r.name) for r in db.session.execute(stmt)]


def active_member_choices() -> list[tuple[int, str]]:
    """Active members for a select: name, with the INSEE code for communes (names repeat across départements)."""
    rows = db.session.execute(select(Member.id, Member.name, Member.insee_code)
                              .where(Member.is_active.is_(True)).order_by(Member.search_name))
    return [(r.id, f"{r.name} ({r.insee_code})" if r.insee_code else r.name) for r in rows]


def _apply(member: Member, data: MemberData) -> None:
    member.kind = data.kind
    member.name = data.name.strip()
    member.search_name = fold_for_search(member.name)
    member.siren = normalise_siren(data.siren)
    member.insee_code = normalise_insee_code(data.insee_code) if data.kind == MemberKind.COMMUNE else None
    member.population = data.population
    member.epci_id = data.epci_id if data.kind in (MemberKind.COMMUNE, MemberKind.CCAS) else None
    member.approval_threshold_ht = data.approval_threshold_ht
    member.joined_on = data.joined_on
    member.is_active = data.is_active
    member.single_elected_user = data.single_elected_user


def create_member(data: MemberData) -> Member:
    member = Member()
    _apply(member, data)
    db.session.add(member)
    db.session.flush()
    return member


def update_member(member: Member, data: MemberData) -> Member:
    _apply(member, data)
    db.session.flush()
    return member


def set_member_active(member: Member, active: bool) -> Member:
    member.is_active = active
    db.session.flush()
    return member


def siren_taken(siren: str, exclude_id: int | None = None) -> bool:
    stmt = select(Member.id).where(Member.siren == normalise_siren(siren))
    if exclude_id is not None:
        stmt = stmt.where(Member.id != exclude_id)
    return db.session.scalar(stmt) is not None


def insee_taken(insee_code: str, exclude_id: int | None = None) -> bool:
    stmt = select(Member.id).where(Member.insee_code == normalise_insee_code(insee_code))
    if exclude_id is not None:
        stmt = stmt.where(Member.id != exclude_id)
    return db.session.scalar(stmt) is not None


# --- sites -----------------------------------------------------------------------------------------

def resolve_sites(member_id: int, names: Iterable[str], *, created: list[str] | None = None) -> dict[str, int]:
    """Map site names (as typed in a form or an import) to the ids of the member's sites, by ``site_key``.

    A name that matches no site of the member creates one (decisions.md: "An unknown location in an import
    creates a site of that member, listed in the import's report"); its cleaned name is appended to
    ``created`` when a list is given. Blank names are left out of the result. Bulk: one SELECT for the
    known keys, then for the missing ones one INSERT (ON CONFLICT DO NOTHING, so two imports creating the
    same site at once do not fail) and one SELECT. Inactive sites still match (no duplicate is created).
    Flushes nothing else; never commits.
    """
    by_key: dict[str, str] = {}
    wanted: dict[str, str] = {}
    for name in names:
        if name is None:
            continue
        key = site_key(name)
        if key:
            wanted[name] = key
            by_key.setdefault(key, clean_site_name(name))
    if not wanted:
        return {}
    ids = _site_ids(member_id, list(by_key))
    missing = [key for key in by_key if key not in ids]
    if missing:
        now = utcnow()
        values = [dict(member_id=member_id, name=by_key[key], name_key=key, is_default=False, is_active=True,
                       created_dt=now) for key in missing]
        db.session.execute(_insert_ignoring_duplicates().values(values))
        ids.update(_site_ids(member_id, missing))
        if created is not None:
            created.extend(by_key[key] for key in missing)
    return {name: ids[key] for name, key in wanted.items()}


def _site_ids(member_id: int, keys: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(keys), 500):  # bounded IN lists
        rows = db.session.execute(select(Site.name_key, Site.id).where(
            Site.member_id == member_id, Site.name_key.in_(keys[start:start + 500])))
        found.update(dict(rows.all()))
    return found


def _insert_ignoring_duplicates():
    dialect = sqlite if db.session.get_bind().dialect.name == "sqlite" else postgresql
    return dialect.insert(Site).on_conflict_do_nothing(index_elements=["member_id", "name_key"])


# --- identity: addresses, SIRETs, contacts (issue 12) ----------------------------------------------

class DuplicateError(DomainError):
    """A unique value (a SIRET, a site's name, the one billing SIRET or default site) taken by a concurrent
    request between the form's check and the write: 409, shown on the field (never a 500)."""

    code = "duplicate"
    http_status = 409
    default_message = N_("Cette valeur vient d'être enregistrée par une autre requête.")


@dataclass
class IdentityData:
    postal_address: str = ""
    postal_code: str = ""
    city: str = ""
    billing_address: str = ""
    billing_postal_code: str = ""
    billing_city: str = ""
    chorus_service_code: str = ""
    engagement_required: bool = False


def update_identity(member: Member, data: IdentityData) -> Member:
    for name, value in vars(data).items():
        setattr(member, name, value.strip() if isinstance(value, str) else value)
    db.session.flush()
    return member


def siret_taken(siret: str) -> bool:
    return db.session.scalar(select(MemberSiret.id).where(MemberSiret.siret == normalise_siren(siret))) is not None


def _flush_or_duplicate(new=None) -> None:
    """Flush (adding ``new``) inside a savepoint: a unique-constraint race becomes DuplicateError, the rest of
    the transaction is kept."""
    try:
        with db.session.begin_nested():
            if new is not None:
                db.session.add(new)
            db.session.flush()
    except IntegrityError as exc:
        raise DuplicateError(details={"constraint": str(exc.orig)[:200]}) from exc


def add_siret(member: Member, siret: str, label: str, is_billing: bool) -> MemberSiret:
    """Add a SIRET (validated by the form); the first one, or ``is_billing``, becomes the billing SIRET."""
    row = MemberSiret(member_id=member.id, siret=normalise_siren(siret), label=label.strip(), is_billing=False)
    _flush_or_duplicate(row)
    if is_billing or member.billing_siret is None:
        set_billing_siret(member, row)
    return row


def set_billing_siret(member: Member, row: MemberSiret) -> None:
    """One billing SIRET per member: unset the others first (same transaction), then set this one."""
    db.session.execute(update(MemberSiret).where(MemberSiret.member_id == member.id, MemberSiret.id != row.id)
                       .values(is_billing=False).execution_options(synchronize_session="fetch"))
    row.is_billing = True
    _flush_or_duplicate()


def remove_siret(row: MemberSiret) -> bool:
    """Remove a SIRET that does not bill; False (nothing done) for the billing one."""
    if row.is_billing:
        return False
    db.session.delete(row)
    db.session.flush()
    return True


def add_contact(member: Member, name: str, role: str, email: str, phone: str) -> MemberContact:
    contact = MemberContact(member_id=member.id, name=name.strip(), role=role.strip(), email=email.strip(),
                            phone=phone.strip())
    db.session.add(contact)
    db.session.flush()
    return contact


def remove_contact(contact: MemberContact) -> None:
    db.session.delete(contact)
    db.session.flush()


# --- the delivery-site address book ------------------------------------------------------------------

@dataclass
class SiteData:
    name: str
    address: str = ""
    postal_code: str = ""
    city: str = ""
    opening_hours: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""


def member_sites(member_id: int, *, active_only: bool = False) -> Select:
    stmt = select(Site).where(Site.member_id == member_id)
    if active_only:
        stmt = stmt.where(Site.is_active.is_(True))
    return stmt.order_by(Site.is_default.desc(), Site.name_key, Site.id)


def site_name_taken(member_id: int, name: str, exclude_id: int | None = None) -> bool:
    stmt = select(Site.id).where(Site.member_id == member_id, Site.name_key == site_key(name))
    if exclude_id is not None:
        stmt = stmt.where(Site.id != exclude_id)
    return db.session.scalar(stmt) is not None


def _apply_site(site: Site, data: SiteData) -> None:
    site.name = clean_site_name(data.name)
    site.name_key = site_key(data.name)
    for name in ("address", "postal_code", "city", "opening_hours", "contact_name", "contact_phone",
                 "contact_email"):
        setattr(site, name, (getattr(data, name) or "").strip())


def create_site(member: Member, data: SiteData) -> Site:
    site = Site(member_id=member.id, is_default=False, is_active=True)
    _apply_site(site, data)
    _flush_or_duplicate(site)
    return site


def update_site(site: Site, data: SiteData) -> Site:
    _apply_site(site, data)
    _flush_or_duplicate()
    return site


def set_default_site(site: Site) -> None:
    """The member's default site (one at a time): unset the other one, then set this one, in one transaction.

    An inactive site is reactivated (a default site must be choosable in the cart).
    """
    db.session.execute(update(Site).where(Site.member_id == site.member_id, Site.id != site.id,
                                          Site.is_default.is_(True))
                       .values(is_default=False).execution_options(synchronize_session="fetch"))
    site.is_default = True
    site.is_active = True
    _flush_or_duplicate()


def set_site_active(site: Site, active: bool) -> None:
    """Deactivate (no longer offered in the cart; its assets and orders keep it) or reactivate a site."""
    site.is_active = active
    if not active:
        site.is_default = False
    db.session.flush()
