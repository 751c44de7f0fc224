"""Asset use cases: tags, status, creation, inventory queries, placement, warranty, data erasure.

Load, call the domain, add and flush. Never commit (the view does, once).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import BinaryIO

from flask import current_app
from sqlalchemy import Date, and_, case, func, literal, null, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from lifecycle.assets.models import (Asset, AssetEvent, AssetHardware, AssetTagCounter, DataErasure, InventoryImport,
                                     Origin)
from lifecycle.domain.erasure import check_certificate_ref
from lifecycle.domain import carbon
from lifecycle.domain.states import ASSET
from purchasing.catalogue.models import Category, Product
from purchasing.documents import services as documents
from purchasing.documents.models import DocumentKind, OwnerKind
from purchasing.db_types import utcnow
from purchasing.domain.errors import N_, ConflictError, DomainError, TransitionNotAllowed
from purchasing.extensions import db
from purchasing.members.models import Member, Site
from purchasing.members.services import resolve_sites
from purchasing.scoping import member_scope
from purchasing.transitions import apply_transition

ACTIVE_STATUSES = ("in_stock", "in_service", "in_repair", "refurbishing", "in_pool")
CONDITIONS = ("new", "good", "fair", "poor")
ERASURE_METHODS = ("nist_clear", "nist_purge", "nist_destroy")


# --- tags ----------------------------------------------------------------------------------------

def tag_prefix() -> str:
    return current_app.config.get("ASSET_TAG_PREFIX", "SDN")


def format_tag(year: int, sequence: int, prefix: str | None = None) -> str:
    return f"{prefix or tag_prefix()}-{year}-{sequence:06d}"


def reserve_tags(count: int, year: int | None = None) -> list[str]:
    """Reserve ``count`` consecutive tags of ``year``; the counter row is locked FOR UPDATE (PostgreSQL)."""
    year = year or utcnow().year
    counter = db.session.scalars(
        select(AssetTagCounter).where(AssetTagCounter.year == year).with_for_update()
    ).first()
    if counter is None:
        # first tag of the year: create the row in a savepoint; a concurrent creator wins, we re-read
        try:
            with db.session.begin_nested():
                db.session.add(AssetTagCounter(year=year, last_value=0))
        except Exception:  # noqa: BLE001 - unique violation from a concurrent first tag
            pass
        counter = db.session.scalars(
            select(AssetTagCounter).where(AssetTagCounter.year == year).with_for_update()
        ).one()
    start = counter.last_value + 1
    counter.last_value += count
    db.session.flush()
    prefix = tag_prefix()  # once, not per tag (an import reserves 100,000 at a time)
    return [f"{prefix}-{year}-{n:06d}" for n in range(start, start + count)]


# --- events and status ---------------------------------------------------------------------------

def actor_id(actor) -> int | None:
    return getattr(actor, "id", None)


def add_event(asset: Asset, kind: str, actor, *, reason: str = "", from_status=None, to_status=None,
              from_member_id=None, to_member_id=None, **details) -> AssetEvent:
    event = AssetEvent(asset_id=asset.id, kind=kind, author_id=actor_id(actor), reason=reason or "",
                       from_status=from_status, to_status=to_status, from_member_id=from_member_id,
                       to_member_id=to_member_id, details=_jsonable(details), created_dt=utcnow())
    db.session.add(event)
    return event


def _jsonable(data: dict) -> dict:
    out = {}
    for key, value in data.items():
        if isinstance(value, (Decimal, date)):
            value = str(value)
        out[key] = value
    return out


def change_asset_status(asset: Asset, to: str, actor, reason: str = "", *, kind: str = "status",
                        **event_data) -> AssetEvent:
    """The one way an asset's status changes: checked by the ASSET machine, guarded against races, audited.

    Through the shared conditional transition (purchasing/transitions.py): when another transaction changed
    the status first, this one is refused (409 ``status_changed``) instead of overwriting it, and writes
    no event.
    """
    old = asset.status
    apply_transition(ASSET, asset, to)
    return add_event(asset, kind, actor, reason=reason, from_status=old, to_status=to, **event_data)


# --- creation ------------------------------------------------------------------------------------

def holds_storage_for(product: Product | None, category: Category) -> bool:
    if product is not None and product.holds_storage is not None:
        return bool(product.holds_storage)
    return bool(category.holds_storage)


def serials_taken(serials: list[str]) -> list[str]:
    """The serial numbers of ``serials`` already recorded on an asset (sorted)."""
    return sorted(db.session.scalars(select(Asset.serial_number).where(Asset.serial_number.in_(serials))))


def duplicate_serial(serial: str) -> ConflictError:
    return ConflictError(N_("Le numéro de série « %(serial)s » est déjà enregistré sur un autre "
                            "équipement."), params={"serial": serial},
                         code="duplicate_serial", details={"field": "serial_number"})


def flush_new_assets(assets: list[Asset]) -> None:
    """Add and flush new assets in a savepoint: a serial recorded by another request since it was checked
    (the unique constraint's race) is the same "duplicate_serial" refusal as the check's, never a 500."""
    try:
        with db.session.begin_nested():
            db.session.add_all(assets)
    except IntegrityError as error:
        if "serial_number" not in str(error.orig):
            raise
        serials = [asset.serial_number for asset in assets if asset.serial_number]
        if len(serials) == 1:
            raise duplicate_serial(serials[0]) from None
        raise ConflictError(N_("Un des numéros de série vient d'être enregistré sur un autre équipement : "
                               "%(serials)s"), params={"serials": ", ".join(serials)}, code="duplicate_serial",
                            details={"field": "serial_number"}) from None


def create_asset(*, member_id: int, category: Category, product: Product | None = None, actor=None,
                 origin: str = Origin.IMPORTED, serial_number: str | None = None, site: str | None = None,
                 **fields) -> Asset:
    """One asset; ``site`` is a site's name (resolved in the member's address book, created when unknown)
    and ``site_id`` one of the member's sites."""
    if site is not None:
        fields["site_id"] = site_id_for(member_id, site)
    serial_number = (serial_number or "").strip() or None
    if serial_number and serials_taken([serial_number]):
        raise duplicate_serial(serial_number)
    asset = Asset(tag=reserve_tags(1)[0], member_id=member_id, category_id=category.id,
                  product_id=product.id if product else None, origin=origin, serial_number=serial_number,
                  holds_storage=holds_storage_for(product, category), status=ASSET.initial, **fields)
    flush_new_assets([asset])
    add_event(asset, "created", actor, to_status=asset.status, to_member_id=member_id, origin=origin)
    return asset


def create_asset_by_hand(*, member_id: int, category_id: int, actor, origin: str, **fields) -> Asset:
    """A donation received or a device missing from the inventory, entered through the form."""
    if origin not in (Origin.DONATION, Origin.IMPORTED):
        raise DomainError(N_("Origine non autorisée pour une saisie manuelle."), code="bad_origin")
    category = db.session.get(Category, category_id)
    if category is None or not category.is_device:
        raise DomainError(N_("Catégorie d'équipement inconnue."), code="unknown_category")
    return create_asset(member_id=member_id, category=category, actor=actor, origin=origin, **fields)


# --- queries -------------------------------------------------------------------------------------

@dataclass
class InventoryFilter:
    member_id: int | None = None
    category_id: int | None = None
    status: str | None = None
    #: a site of the member's address book (purchasing.members.models.Site)
    site_id: int | None = None
    past_lifetime: bool = False
    include_retired: bool = False
    #: hardware filters (AssetHardware, indexed): RAM strictly below, a rotational disk, the OS label
    ram_below_mb: int | None = None
    has_hdd: bool = False
    os_label: str | None = None
    #: a data erasure recorded without a certificate (no reference, no file), and none recorded with one
    uncertified_erasure: bool = False


def expected_lifetime(product: Product | None, category: Category) -> float | None:
    if product is not None and product.expected_lifetime_years:
        return float(product.expected_lifetime_years)
    factor = carbon.category_factor(category.code)
    return factor.default_lifetime_years if factor else None


def inventory_query(filters: InventoryFilter):
    stmt = member_scope(select(Asset), Asset).options(joinedload(Asset.product), joinedload(Asset.category),
                                                      joinedload(Asset.member), joinedload(Asset.site),
                                                      joinedload(Asset.hardware).selectinload(AssetHardware.storages))
    if filters.ram_below_mb or filters.has_hdd or filters.os_label:
        hardware = aliased(AssetHardware)
        stmt = stmt.join(hardware, hardware.asset_id == Asset.id)
        if filters.ram_below_mb:
            stmt = stmt.where(hardware.ram_mb < filters.ram_below_mb)
        if filters.has_hdd:
            stmt = stmt.where(hardware.has_hdd.is_(True))
        if filters.os_label:
            stmt = stmt.where(hardware.os_label == filters.os_label)
    if filters.member_id:
        stmt = stmt.where(Asset.member_id == filters.member_id)
    if filters.category_id:
        stmt = stmt.where(Asset.category_id == filters.category_id)
    if filters.status:
        stmt = stmt.where(Asset.status == filters.status)
    elif not filters.include_retired:
        stmt = stmt.where(Asset.status != "retired")
    if filters.site_id:
        stmt = stmt.where(Asset.site_id == filters.site_id)
    if filters.past_lifetime:
        stmt = stmt.outerjoin(Product, Asset.product_id == Product.id).where(past_lifetime_condition())
    if filters.uncertified_erasure:
        stmt = stmt.where(uncertified_erasure_condition())
    return stmt.order_by(Asset.id.desc())


def uncertified_erasure_condition():
    """Assets with an erasure recorded without its certificate (no reference, no file) and none with one."""
    certified = (DataErasure.certificate_ref != "") | DataErasure.certificate_document_id.is_not(None)
    return and_(Asset.id.in_(select(DataErasure.asset_id).where(~certified)),
                Asset.id.not_in(select(DataErasure.asset_id).where(certified)))


def past_lifetime_condition(today: date | None = None):
    """Assets acquired longer ago than their expected lifetime (the product's, else the category's default),
    as one SQL condition: the days since acquisition against COALESCE(product lifetime, the category's default
    from a CASE over the few categories). Needs ``product`` outer-joined to ``asset``."""
    today = today or date.today()
    by_category = {}
    for category_id, code in db.session.execute(select(Category.id, Category.code)).all():
        factor = carbon.category_factor(code)
        if factor and factor.default_lifetime_years:
            by_category[category_id] = int(round(factor.default_lifetime_years * 365.25))
    category_days = case(by_category, value=Asset.category_id, else_=None) if by_category else null()
    lifetime_days = func.coalesce(func.round(Product.expected_lifetime_years * 365.25), category_days)
    if db.engine.dialect.name == "sqlite":
        age_days = func.julianday(literal(today.isoformat())) - func.julianday(Asset.acquisition_date)
    else:
        age_days = literal(today, type_=Date) - Asset.acquisition_date
    return and_(Asset.acquisition_date.is_not(None), age_days > lifetime_days)


def _past_lifetime_ids():
    """The ids of the assets past their expected lifetime (see ``past_lifetime_condition``)."""
    return select(Asset.id).outerjoin(Product, Asset.product_id == Product.id).where(past_lifetime_condition())


def _years_before(day: date, years: float) -> date:
    from datetime import timedelta
    return day - timedelta(days=int(round(years * 365.25)))


@dataclass(frozen=True)
class ImportEntry:
    """The first entry of the timeline of an asset an import created: its ``InventoryImport`` record (file,
    author, moment) shown as the "imported" event the import no longer writes per asset."""

    created_dt: object
    author: object
    to_member: object
    to_status: str | None
    details: dict
    kind: str = "imported"
    from_status: str | None = None
    from_member: object = None
    reason: str = ""
    id: int | None = None


def import_entry(asset: Asset, events) -> ImportEntry | None:
    """The timeline entry of the import that created ``asset`` (None if none did through an import record); its
    status then: the first status change's starting status, else the current one."""
    record = asset.import_record if asset.import_id is not None else None
    if record is None:
        return None
    status = next((e.from_status for e in events if e.from_status), asset.status)
    return ImportEntry(created_dt=record.created_dt, author=record.author, to_member=record.member, to_status=status,
                       details={"origin": Origin.IMPORTED.value, "file": record.filename})


def timeline_of(asset: Asset, events) -> list:
    """``events`` (the asset's, in order) behind the entry of the import that created it, if any."""
    events = list(events)
    entry = import_entry(asset, events)
    return [entry, *events] if entry is not None else events


def asset_timeline(asset: Asset) -> list:
    """The asset's timeline: the import that created it (if any), then its events in order."""
    events = db.session.scalars(select(AssetEvent).where(AssetEvent.asset_id == asset.id)
                                .options(joinedload(AssetEvent.author), joinedload(AssetEvent.from_member),
                                         joinedload(AssetEvent.to_member)).order_by(AssetEvent.id))
    if asset.import_id is not None and "import_record" not in asset.__dict__:
        set_committed_value(asset, "import_record", db.session.scalars(select(InventoryImport).where(
            InventoryImport.id == asset.import_id).options(joinedload(InventoryImport.author),
                                                           joinedload(InventoryImport.member))).first())
    return timeline_of(asset, events)


def device_category_choices(locale: str = "fr") -> list[tuple[int, str]]:
    stmt = select(Category).where(Category.is_device.is_(True)).order_by(Category.sort_order, Category.label_fr)
    return [(c.id, c.label(locale)) for c in db.session.scalars(stmt)]


def member_choices(kind: str | None = None) -> list[tuple[int, str]]:
    stmt = select(Member.id, Member.name).where(Member.is_active.is_(True)).order_by(Member.name)
    if kind:
        stmt = stmt.where(Member.kind == kind)
    return [tuple(row) for row in db.session.execute(stmt)]


class LabelSelectionRefused(DomainError):
    """An empty selection, or more labels than one sheet job prints."""

    code = "labels_refused"
    http_status = 400
    default_message = N_("Cochez au moins un équipement pour imprimer ses étiquettes.")


#: at most this many labels in one sheet (209 A4 pages)
MAX_LABELS = 5000


def label_ids(ids: list[int] | None = None, filters: InventoryFilter | None = None, user=None) -> list[int]:
    """The ids of the selection the user may print: the ids given, or every asset the inventory's filters
    match, within the user's scope (another member's ids are left out). Refuses an empty selection and
    one above MAX_LABELS, saying so."""
    if filters is not None:
        stmt = inventory_query(filters).limit(MAX_LABELS + 1)
        ids = [asset.id for asset in db.session.scalars(stmt)]
    ids = sorted(set(ids or ()))
    if not ids:
        raise LabelSelectionRefused(N_("Cochez au moins un équipement pour imprimer ses étiquettes."),
                                    code="no_assets")
    if len(ids) > MAX_LABELS:
        raise LabelSelectionRefused(
            N_("La sélection compte plus de %(MAX_LABELS)s équipements : affinez les filtres ou "
               "cochez moins d'équipements."), params={"MAX_LABELS": MAX_LABELS}, code="too_many_labels")
    stmt = member_scope(select(Asset.id), Asset, user).where(Asset.id.in_(ids)).order_by(Asset.id)
    return list(db.session.scalars(stmt))


def assets_for_labels(ids: list[int], user=None) -> list[Asset]:
    stmt = member_scope(select(Asset), Asset, user).where(Asset.id.in_(ids)).options(joinedload(Asset.member))
    return list(db.session.scalars(stmt.order_by(Asset.tag)))


def find_by_tag(tag: str) -> Asset | None:
    tag = (tag or "").strip().upper()
    if not tag:
        return None
    return db.session.scalars(member_scope(select(Asset).where(Asset.tag == tag), Asset)).first()


def member_sites(member_id: int | None) -> list[tuple[int, str]]:
    """(id, name) of a member's sites from its address book (the inventory filter's choices), active first.

    No member (staff looking at every member): no site choices, the filter needs a member first.
    """
    if not member_id:
        return []
    stmt = (select(Site.id, Site.name).where(Site.member_id == member_id)
            .order_by(Site.is_active.desc(), Site.name))
    return [tuple(row) for row in db.session.execute(member_scope(stmt, Site))]


def member_systems(member_id: int | None) -> list[str]:
    """The operating systems' labels of the visible assets ("Windows 10", "Debian 12"), for the filter."""
    stmt = (select(AssetHardware.os_label).join(Asset, Asset.id == AssetHardware.asset_id)
            .where(AssetHardware.os_label != "").distinct().order_by(AssetHardware.os_label))
    if member_id:
        stmt = stmt.where(Asset.member_id == member_id)
    return list(db.session.scalars(member_scope(stmt, Asset).limit(100)))


def member_filter_choices(selected_id: int | None, limit: int) -> list[tuple[int, str]]:
    """The staff's member filter: every active member while there are at most ``limit``; beyond (a national
    territory), the selected member only, so that the page does not render tens of thousands of options."""
    n = db.session.scalar(select(func.count()).select_from(
        select(Member.id).where(Member.is_active.is_(True)).limit(limit + 1).subquery()))
    if n <= limit:
        return member_choices()
    if not selected_id:
        return []
    return [tuple(row) for row in db.session.execute(select(Member.id, Member.name).where(Member.id == selected_id))]


def carbon_summary(asset: Asset, today: date | None = None) -> dict:
    """Carbon attributed to the asset so far, or the reason there is none ("pas de facteur")."""
    today = today or date.today()
    product = asset.product
    fp = carbon.product_footprint(
        asset.category.code, year=today.year,
        years_of_service=expected_lifetime(product, asset.category),
        embodied_override=product.embodied_kgco2e if product else None,
        annual_kwh_override=product.annual_kwh if product else None)
    if fp.embodied is None or fp.years is None or fp.annual_kwh is None or fp.grid_factor is None:
        return {"estimate": None, "reason": fp.reason}
    start = asset.acquisition_date or asset.created_dt.date()
    years_so_far = max((today - start).days, 0) / 365.25
    estimate = carbon.carbon_to_date(fp.embodied, fp.annual_kwh, fp.grid_factor, years_so_far, fp.years)
    return {"estimate": estimate.rounded(1), "reason": None, "years": round(years_so_far, 1)}


def site_id_for(member_id: int, name: str | None) -> int | None:
    """The id of the member's site named ``name`` (by site_key), created when missing; None when blank."""
    name = (name or "").strip()
    return resolve_sites(member_id, [name]).get(name) if name else None


# --- place -------------------------------------------------------------------------------------

def update_placement(asset: Asset, *, site_id: int | None, assigned_to: str, actor,
                     reason: str = "") -> AssetEvent | None:
    """Record where the asset is (a site of its member) and who uses it; an audited event keeps the old values."""
    assigned_to = (assigned_to or "").strip()
    if asset.status == "retired":
        raise TransitionNotAllowed(N_("Un équipement sorti de l'inventaire ne change plus de site ni d'affectation."),
                                   code="asset_retired")
    site = None
    if site_id:
        site = db.session.get(Site, site_id)
        if site is None or site.member_id != asset.member_id:
            raise DomainError(N_("Ce site n'appartient pas à l'adhérent de l'équipement."), code="foreign_site")
    if (site_id or None, assigned_to) == (asset.site_id, asset.assigned_to or ""):
        return None
    event = add_event(asset, "placement", actor, reason=reason, from_site=asset.site_name,
                      to_site=site.name if site else "", from_assigned_to=asset.assigned_to,
                      to_assigned_to=assigned_to)
    asset.site_id, asset.site, asset.assigned_to = (site.id if site else None), site, assigned_to
    db.session.flush()
    return event


# --- warranty ----------------------------------------------------------------------------------

def warranty_end_from(start: date, warranty_years: int | None) -> date | None:
    """The day a warranty of ``warranty_years`` years starting on ``start`` ends (29 February → 28)."""
    if not warranty_years:
        return None
    try:
        return start.replace(year=start.year + warranty_years)
    except ValueError:  # 29 February, into a year without one
        return start.replace(year=start.year + warranty_years, day=28)


def update_warranty(asset: Asset, warranty_end_date: date | None, actor) -> AssetEvent | None:
    """Record the warranty's end date (audited in the timeline with the previous value)."""
    if asset.status == "retired":
        raise TransitionNotAllowed(N_("Un équipement sorti de l'inventaire ne change plus de garantie."),
                                   code="asset_retired")
    if warranty_end_date == asset.warranty_end_date:
        return None
    event = add_event(asset, "warranty", actor, from_warranty_end=asset.warranty_end_date,
                      to_warranty_end=warranty_end_date)
    asset.warranty_end_date = warranty_end_date
    db.session.flush()
    return event


# --- erasure -------------------------------------------------------------------------------------

def record_erasure(asset: Asset, *, method: str, performed_on: date, operator: str, certificate_ref: str,
                   actor, certificate_file: tuple[str, BinaryIO] | None = None) -> DataErasure:
    """Record the erasure; ``certificate_file`` (name, stream) is stored as the record's certificate document."""
    if method not in ERASURE_METHODS:
        raise DomainError(N_("Méthode d'effacement inconnue."), code="unknown_erasure_method")
    if asset.status == "retired":
        raise TransitionNotAllowed(N_("L'équipement est sorti de l'inventaire : aucun effacement ne peut plus "
                                      "être enregistré."))
    if not (operator or "").strip():
        raise DomainError(N_("Indiquez l'opérateur qui a effacé les données."), code="operator_required")
    erasure = DataErasure(asset_id=asset.id, member_id=asset.member_id, method=method, performed_on=performed_on,
                          operator=operator.strip(), certificate_ref=check_certificate_ref(certificate_ref),
                          author_id=actor_id(actor))
    if certificate_file is not None:
        owner = documents.load_owner(OwnerKind.ASSET, asset.id, actor)
        erasure.certificate_document = documents.attach(owner, DocumentKind.ERASURE_CERTIFICATE, *certificate_file,
                                                        actor)
    db.session.add(erasure)
    db.session.flush()
    add_event(asset, "erasure", actor, method=method, performed_on=performed_on, operator=operator.strip(),
              certificate_ref=erasure.certificate_ref)
    return erasure


def latest_erasure(asset: Asset) -> DataErasure | None:
    return db.session.scalars(select(DataErasure).where(DataErasure.asset_id == asset.id,
                                                        DataErasure.member_id == asset.member_id)
                              .order_by(DataErasure.id.desc())).first()


def check_can_leave(asset: Asset) -> None:
    """Equipment holding storage leaves its member only after an erasure recorded while it held it."""
    if asset.holds_storage and latest_erasure(asset) is None:
        raise ConflictError(
            N_("L'équipement %(tag)s contient un support de stockage : il ne peut pas quitter « "
               "%(name)s » tant qu'un effacement des données (méthode NIST SP 800-88, date, "
               "opérateur, référence du certificat) n'a pas été enregistré."),
            params={"tag": asset.tag, "name": asset.member.name}, code="erasure_required")


def asset_with_timeline(tag: str) -> Asset | None:
    """The caller's asset by tag (scoped: another member's is None), its events loaded in one query."""
    tag = (tag or "").strip().upper()
    if not tag:
        return None
    return db.session.scalars(member_scope(select(Asset).where(Asset.tag == tag), Asset).options(
        joinedload(Asset.member), joinedload(Asset.category), joinedload(Asset.product),
        joinedload(Asset.hardware).selectinload(AssetHardware.storages), selectinload(Asset.events),
        joinedload(Asset.import_record).joinedload(InventoryImport.author),
        joinedload(Asset.import_record).joinedload(InventoryImport.member))).first()
