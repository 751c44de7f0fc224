"""Supplier purchase orders: grouping approved member lines, sending under the contract ceiling, deliveries.

Sending locks the contract row (SELECT … FOR UPDATE on PostgreSQL) and updates
FrameworkContract.committed_ht in the same transaction, so two purchase orders sent at the same moment
cannot exceed the ceiling together. Services flush, never commit.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from lifecycle.assets.receiving import receive_delivered_line
from purchasing.accounts.models import Role
from purchasing.catalogue.models import Offer, Product
from purchasing.contracts.models import FrameworkContract
from purchasing.db_types import utcnow
from purchasing.domain.errors import N_, ConflictError, DomainError, InvalidQuantity, ProcurementRuleViolation
from purchasing.domain.money import format_eur, round_cents
from purchasing.domain.pricing import line_total, validate_quantity
from purchasing.domain.states import PURCHASE_ORDER, order_after_delivery
from purchasing.extensions import db
from purchasing.mail import messages as mail
from purchasing.mail.outbox import Attachment
from purchasing.notifications.services import link, notify, users_with_role
from purchasing.members.models import Member
from purchasing.orders.models import Order, OrderLine
from purchasing.orders.services import change_order_status
from purchasing.purchase_orders import orderx
from purchasing.purchase_orders.document import PurchaseOrderDocument, build_purchase_order_document
from purchasing.purchase_orders.models import Delivery, PurchaseOrder, PurchaseOrderEvent, PurchaseOrderLine
from purchasing.purchase_orders.pdf import purchase_order_pdf_a3
from purchasing.suppliers.models import Supplier
from purchasing.transitions import apply_transition, lock_for_update

WARNING_SHARE = Decimal("0.80")


@dataclass
class Group:
    contract: FrameworkContract
    lines: list[OrderLine] = field(default_factory=list)

    @property
    def total_ht(self) -> Decimal:
        return round_cents(sum((line.base_unit_price_ht * line.quantity for line in self.lines), Decimal(0)))


def _unplaced_lines_stmt():
    """The approved lines no purchase order line carries, from the rows themselves (what creating a purchase order
    reads under the order locks; the "to place" page reads the marker kept from the same rule)."""
    placed = exists().where(PurchaseOrderLine.order_line_id == OrderLine.id)
    return (select(OrderLine).join(Order, OrderLine.order_id == Order.id).join(Offer, OrderLine.offer_id == Offer.id)
            .where(Order.status == "approved", ~placed))


def approved_groups() -> list[Group]:
    """Approved member lines not yet on a purchase order, grouped by contract (hence supplier)."""
    lines = db.session.scalars(
        _unplaced_lines_stmt().options(
            joinedload(OrderLine.order).joinedload(Order.member), joinedload(OrderLine.product),
            joinedload(OrderLine.offer).joinedload(Offer.contract).joinedload(FrameworkContract.supplier))
        .order_by(Offer.contract_id, OrderLine.id)
    ).unique().all()
    groups: dict[int, Group] = {}
    for line in lines:
        groups.setdefault(line.offer.contract_id, Group(line.offer.contract)).lines.append(line)
    return list(groups.values())


@dataclass(frozen=True)
class PlaceLine:
    """One line shown on the "to place" page: the columns it prints, read as one row (no ORM objects)."""

    id: int
    order_id: int
    order_reference: str | None
    member_name: str
    product_name: str
    quantity: int
    base_unit_price_ht: Decimal


@dataclass
class GroupSummary:
    """One contract of the "to place" page: its first lines, and its line count and total computed in SQL."""

    contract: FrameworkContract
    line_count: int
    total_ht: Decimal
    lines: list[PlaceLine] = field(default_factory=list)

    @property
    def hidden_lines(self) -> int:
        return self.line_count - len(self.lines)


def to_place_groups_stmt():
    """(contract_id, line count, supplier total) of the approved lines not yet placed, one row per contract."""
    contract_id = OrderLine.to_place_contract_id
    return (select(contract_id, func.count(OrderLine.id), func.sum(OrderLine.base_unit_price_ht * OrderLine.quantity))
            .where(contract_id.is_not(None)).group_by(contract_id).order_by(contract_id))


def to_place_contracts_stmt():
    """The contracts with lines to place: as many rows as ``to_place_groups_stmt``, counted by one probe of the
    marker's index per contract instead of aggregating every waiting line."""
    return select(FrameworkContract.id).where(
        exists().where(OrderLine.to_place_contract_id == FrameworkContract.id))


def to_place_page(rows, lines_per_group: int) -> list[GroupSummary]:
    """The groups of one page of ``to_place_groups_stmt`` rows, each with its first ``lines_per_group`` lines
    (three queries, whatever the number of groups)."""
    ids = [row[0] for row in rows]
    if not ids:
        return []
    contracts = {c.id: c for c in db.session.scalars(
        select(FrameworkContract).where(FrameworkContract.id.in_(ids)).options(joinedload(FrameworkContract.supplier)))}
    marker = OrderLine.to_place_contract_id
    rank = func.row_number().over(partition_by=marker, order_by=OrderLine.id).label("rank")
    ranked = select(OrderLine.id.label("line_id"), marker.label("contract_id"), rank).where(marker.in_(ids)).subquery()
    # the first lines' ids first (an index range of the marker per contract), then those lines by id: the
    # planner joins a known list of ids, whatever its estimate of the waiting lines
    shown = dict(db.session.execute(select(ranked.c.line_id, ranked.c.contract_id)
                                    .where(ranked.c.rank <= lines_per_group)).all())
    lines = db.session.execute(
        select(OrderLine.id, OrderLine.order_id, Order.reference, Member.name, Product.brand, Product.model,
               OrderLine.quantity, OrderLine.base_unit_price_ht)
        .join(Order, OrderLine.order_id == Order.id).join(Member, Order.member_id == Member.id)
        .join(Product, OrderLine.product_id == Product.id)
        .where(OrderLine.id.in_(sorted(shown))).order_by(OrderLine.id)).all() if shown else []
    groups = {contract_id: GroupSummary(contracts[contract_id], count, round_cents(Decimal(total or 0)))
              for contract_id, count, total in rows}
    for line_id, order_id, reference, member, brand, model, quantity, price in lines:
        groups[shown[line_id]].lines.append(PlaceLine(line_id, order_id, reference, member, f"{brand} {model}",
                                                      quantity, price))
    return list(groups.values())


def change_po_status(po: PurchaseOrder, to_status: str, actor, reason: str = "") -> PurchaseOrderEvent:
    """The only way a purchase order changes status (transition table + audit event)."""
    event = PurchaseOrderEvent(purchase_order_id=po.id, actor_id=getattr(actor, "id", None),
                               reason=(reason or "").strip())
    return apply_transition(PURCHASE_ORDER, po, to_status, event)


def _lock_orders(order_ids) -> list[Order]:
    """Lock the member orders (FOR UPDATE, in id order so that two creators never deadlock), freshly read.

    Two purchase orders created at once for the same orders (API ``order_ids``, web contract): the second
    waits here until the first commits, then sees the lines already placed and is refused (409).
    """
    return list(db.session.scalars(select(Order).where(Order.id.in_(sorted(set(order_ids)))).order_by(Order.id)
                                   .with_for_update().execution_options(populate_existing=True)))


def create_purchase_order(contract_id: int, actor) -> PurchaseOrder:
    """A draft purchase order with every approved line under the contract not yet on a purchase order.

    The member orders become "placed" when the purchase order is sent.
    """
    contract = db.session.get(FrameworkContract, contract_id) if contract_id else None
    if contract is None:
        raise ConflictError(N_("Ce contrat n'existe pas."), code="unknown_contract")
    candidates = db.session.scalars(_unplaced_lines_stmt().where(Offer.contract_id == contract.id)
                                    .with_only_columns(OrderLine.order_id).distinct()).all()
    _lock_orders(candidates)
    lines = db.session.scalars(_unplaced_lines_stmt().where(Offer.contract_id == contract.id)
                               .options(joinedload(OrderLine.order)).order_by(OrderLine.id)
                               .execution_options(populate_existing=True)).unique().all()
    if not lines:
        raise ConflictError(N_("Aucune ligne approuvée à commander pour ce contrat."), code="nothing_to_place")
    return _new_purchase_order(contract, lines, actor)


def create_purchase_order_for_orders(order_ids, actor) -> PurchaseOrder:
    """A draft purchase order with the lines of the given member orders (the API's way of grouping).

    Every order must exist and be approved, with no line already on a purchase order, and all lines
    must be under the same framework contract (hence the same supplier). The orders are locked first.
    """
    ids = sorted({int(i) for i in order_ids})
    if not ids:
        raise ConflictError(N_("Indiquez au moins une commande."), code="no_orders")
    orders = _lock_orders(ids)
    db.session.scalars(select(OrderLine).where(OrderLine.order_id.in_(ids)).options(joinedload(OrderLine.offer))
                       .execution_options(populate_existing=True)).unique().all()
    found = {o.id: o for o in orders}
    unknown = [i for i in ids if i not in found]
    if unknown:
        raise ConflictError(N_("Commande(s) inconnue(s) : %(orders)s."),
                            params={"orders": ", ".join(map(str, unknown))},
                            code="unknown_orders", details={"order_ids": unknown})
    not_approved = [o for o in orders if o.status != "approved"]
    if not_approved:
        raise ConflictError(N_("Seules les commandes approuvées peuvent être passées au fournisseur : %(orders)s."),
                            params={"orders": ", ".join(f"{o.reference or o.id} ({o.status})" for o in not_approved)},
                            code="orders_not_approved", details={"order_ids": [o.id for o in not_approved]})
    lines = [line for o in sorted(orders, key=lambda o: o.id) for line in o.lines]
    placed = set(db.session.scalars(select(PurchaseOrderLine.order_line_id)
                                    .where(PurchaseOrderLine.order_line_id.in_([line.id for line in lines]))))
    if placed:
        raise ConflictError(N_("Certaines lignes de ces commandes sont déjà sur un bon de commande."),
                            code="already_placed", details={"order_line_ids": sorted(placed)})
    contract_ids = {line.offer.contract_id for line in lines}
    if len(contract_ids) != 1:
        raise ConflictError(N_("Les commandes relèvent de plusieurs contrats : un bon de commande porte sur un "
                               "seul contrat (un seul fournisseur)."), code="several_contracts",
                            details={"contract_ids": sorted(contract_ids)})
    if not lines:
        raise ConflictError(N_("Aucune ligne à commander."), code="nothing_to_place")
    contract = db.session.get(FrameworkContract, contract_ids.pop())
    return _new_purchase_order(contract, lines, actor)


def _new_purchase_order(contract: FrameworkContract, lines, actor) -> PurchaseOrder:
    po = PurchaseOrder(reference="", supplier_id=contract.supplier_id, contract_id=contract.id, status="draft",
                       created_by_id=actor.id)
    db.session.add(po)
    db.session.flush()
    po.reference = f"BC-{po.created_dt:%Y}-{po.id:05d}"
    po.events.append(PurchaseOrderEvent(purchase_order_id=po.id, actor_id=actor.id, from_status=None,
                                        to_status="draft"))
    for line in lines:
        po.lines.append(PurchaseOrderLine(order_line=line, quantity=line.quantity,
                                          unit_price_ht=line.base_unit_price_ht,
                                          line_total_ht=line_total(line.base_unit_price_ht, line.quantity)))
    po.total_ht = round_cents(sum((pl.line_total_ht for pl in po.lines), Decimal(0)))
    try:
        with db.session.begin_nested():  # belt and braces behind the order locks: one line, one purchase order
            db.session.flush()
    except IntegrityError:
        raise ConflictError(N_("Ces lignes viennent d'être mises sur un autre bon de commande : rechargez la page."),
                            code="already_placed") from None
    return po


def order_x_file(po: PurchaseOrder, document: PurchaseOrderDocument | None = None) -> Attachment:
    """The purchase order's Order-X XML, checked against the official XSD before it leaves.

    (The schematron is run by the tests on every demo purchase order: ~0.5 s a file, too slow for each
    download; the generator, not the data, decides the structure it checks.)
    """
    document = document or build_purchase_order_document(po)
    xml = orderx.order_x_xml(document)
    problems = orderx.xsd_errors(xml)
    if problems:  # a bug of the generator, never the user's input: fail loudly, send nothing
        raise RuntimeError(f"Order-X XML of {po.reference} refused by the XSD: {problems[0]}")
    return Attachment(filename=f"{po.reference}.xml", content_type="application/xml", data=xml)


def pdf_file(po: PurchaseOrder, document: PurchaseOrderDocument | None = None,
             order_x: Attachment | None = None) -> Attachment:
    """The printable purchase order as PDF/A-3 carrying its Order-X XML (one PDF everywhere: a person's reader
    shows it like any PDF, a supplier's system finds ``order-x.xml`` inside)."""
    document = document or build_purchase_order_document(po)
    order_x = order_x or order_x_file(po, document)
    return Attachment(filename=f"{po.reference}.pdf", content_type="application/pdf",
                      data=purchase_order_pdf_a3(document, order_x.data))


def supplier_files(po: PurchaseOrder) -> tuple[Attachment, ...]:
    """What the supplier's mail carries: the PDF, plus the Order-X XML as its own file when the supplier's
    system reads Order-X (it may take the XML from the mail rather than from inside the PDF)."""
    document = build_purchase_order_document(po)
    xml = order_x_file(po, document)
    pdf = pdf_file(po, document, xml)
    return (pdf, xml) if po.supplier.accepts_order_x else (pdf,)


def send_purchase_order(po: PurchaseOrder, actor) -> PurchaseOrder:
    """Send: refused when committed + total would exceed the contract's maximum amount (row lock held),
    or when the purchase order lacks what a supplier needs (422 listing it, nothing written)."""
    PURCHASE_ORDER.check(po.status, "sent")
    po.sent_dt = utcnow()  # the date printed on the purchase order
    # the supplier's files, made before the contract lock is taken (it is held for less time); an incomplete
    # purchase order is refused here, before anything changes
    files = supplier_files(po)
    contract = db.session.scalars(
        select(FrameworkContract).where(FrameworkContract.id == po.contract_id)
        .with_for_update().execution_options(populate_existing=True)
    ).one()
    change_po_status(po, "sent", actor)  # the same purchase order sent twice at once: the second loses here
    if contract.committed_ht + po.total_ht > contract.max_amount_ht:
        remaining = contract.max_amount_ht - contract.committed_ht
        raise ProcurementRuleViolation(
            N_("Envoi refusé : le bon de commande (%(total_ht)s HT) dépasse le montant restant du "
               "contrat %(reference)s (%(remaining)s HT disponibles sur %(max_amount_ht)s HT)."),
            params={"total_ht": format_eur(po.total_ht), "reference": contract.reference,
                    "remaining": format_eur(remaining), "max_amount_ht": format_eur(contract.max_amount_ht)},
            code="contract_ceiling_exceeded",
            details={"remaining_ht": str(remaining), "total_ht": str(po.total_ht)},
        )
    contract.committed_ht = contract.committed_ht + po.total_ht
    for order in sorted({pl.order_line.order for pl in po.lines}, key=lambda o: o.id):
        if order.status == "approved":
            change_order_status(order, "placed", actor, reason=f"Bon de commande {po.reference}")
            notify(users_with_role(Role.SECRETARY, order.member_id),
                   f"Commande {order.reference} transmise au fournisseur ({po.reference}).",
                   link("orders.show", order_id=order.id))
    mail.purchase_order_sent(po, files)  # the supplier's mail, in the commit that sends (decisions.md)
    db.session.flush()
    return po


def cancel_purchase_order(po: PurchaseOrder, actor, reason: str = "") -> PurchaseOrder:
    """Cancel a draft: its lines are released and can go on another purchase order."""
    change_po_status(po, "cancelled", actor, reason)
    for pl in list(po.lines):
        po.lines.remove(pl)
    db.session.flush()
    return po


def parse_serials(text: str) -> list[str]:
    return [s.strip() for s in (text or "").splitlines() if s.strip()]


def record_delivery(po: PurchaseOrder, quantities: dict[int, object], serials: dict[int, str], actor) -> list:
    """Record delivered quantities per purchase-order line (partial allowed); statuses follow.

    For each delivered line, lifecycle.assets.receiving.receive_delivered_line turns the units into assets.
    """
    if po.status not in ("sent", "acknowledged", "partially_delivered"):
        PURCHASE_ORDER.check(po.status, "delivered")
    # two deliveries recorded at once: the second waits for the first, then adds to fresh quantities
    lock_for_update(PURCHASE_ORDER, po)
    db.session.scalars(select(PurchaseOrderLine).where(PurchaseOrderLine.purchase_order_id == po.id)
                       .options(joinedload(PurchaseOrderLine.order_line))
                       .execution_options(populate_existing=True)).unique().all()
    lines = {pl.id: pl for pl in po.lines}
    delivered: dict[int, tuple[int, list[str]]] = {}
    for line_id, raw in quantities.items():
        if line_id not in lines or str(raw).strip() in ("", "0"):
            continue
        on_line = {"purchase_order_line_id": line_id}  # the delivery form shows the error on this line
        try:
            quantity = validate_quantity(raw)
        except DomainError as error:
            error.details.update(on_line)
            raise
        pl = lines[line_id]
        if pl.delivered_quantity + quantity > pl.quantity:
            raise InvalidQuantity(
                N_("Ligne %(name)s : %(quantity)s livrés dépasseraient la quantité commandée "
                   "(%(quantity2)s, déjà %(delivered_quantity)s livrés)."),
                params={"name": pl.order_line.product.name, "quantity": quantity, "quantity2": pl.quantity,
                        "delivered_quantity": pl.delivered_quantity}, code="over_delivery", details=on_line)
        serial_list = parse_serials(serials.get(line_id, ""))
        if serial_list and len(serial_list) != quantity:
            raise InvalidQuantity(
                N_("Ligne %(name)s : %(serial_list_count)s numéros de série pour %(quantity)s "
                   "unités livrées."),
                params={"name": pl.order_line.product.name, "serial_list_count": len(serial_list),
                        "quantity": quantity}, code="serial_count_mismatch", details={**on_line, "field": "serials"})
        delivered[line_id] = (quantity, serial_list)
    if not delivered:
        raise InvalidQuantity(N_("Aucune quantité livrée n'a été saisie."), code="empty_delivery")
    assets = []
    touched_orders = set()
    for line_id, (quantity, serial_list) in delivered.items():
        pl = lines[line_id]
        pl.delivered_quantity += quantity
        pl.order_line.delivered_quantity += quantity
        db.session.add(Delivery(purchase_order_line_id=pl.id, quantity=quantity, serial_numbers="\n".join(serial_list),
                                actor_id=actor.id))
        try:
            assets += receive_delivered_line(pl.order_line, quantity, serial_list or None, actor) or []
        except DomainError as error:  # a serial already recorded or repeated: said on this line's serials
            error.details.update({"purchase_order_line_id": line_id, "field": "serials"})
            raise
        touched_orders.add(pl.order_line.order)
    new_status = order_after_delivery({pl.id: pl.quantity for pl in po.lines},
                                      {pl.id: pl.delivered_quantity for pl in po.lines})
    if new_status != po.status:
        change_po_status(po, new_status, actor)
    # lines of one order may be on several purchase orders delivered at once: decide on fresh, locked rows
    db.session.flush()
    _lock_orders(o.id for o in touched_orders)
    db.session.scalars(select(OrderLine).where(OrderLine.order_id.in_([o.id for o in touched_orders]))
                       .execution_options(populate_existing=True)).all()
    for order in sorted(touched_orders, key=lambda o: o.id):
        status = order_after_delivery({ol.id: ol.quantity for ol in order.lines},
                                      {ol.id: ol.delivered_quantity for ol in order.lines})
        if status != order.status:
            change_order_status(order, status, actor)
        notify(users_with_role(Role.SECRETARY, order.member_id), f"Commande {order.reference} : livraison reçue.",
               link("orders.show", order_id=order.id))
        mail.delivery_recorded(order, sum(q for line_id, (q, _s) in delivered.items()
                                          if lines[line_id].order_line.order is order))
    db.session.flush()
    return assets


def record_delivery_by_order_lines(po: PurchaseOrder, lines, actor) -> list:
    """:func:`record_delivery` with lines given by order line id: (order_line_id, quantity, serials list).

    An order line that is not on this purchase order is refused (422) rather than ignored.
    """
    by_order_line = {pl.order_line_id: pl.id for pl in po.lines}
    unknown = sorted({ol for ol, _q, _s in lines if ol not in by_order_line})
    if unknown:
        raise InvalidQuantity(N_("Ligne(s) de commande absente(s) de ce bon de commande : %(lines)s."),
                              params={"lines": ", ".join(map(str, unknown))}, code="unknown_order_line",
                              details={"order_line_ids": unknown})
    quantities: dict[int, object] = {}
    serials: dict[int, str] = {}
    for order_line_id, quantity, serial_numbers in lines:
        pl_id = by_order_line[order_line_id]
        if pl_id in quantities:
            raise InvalidQuantity(N_("Une ligne de commande est donnée deux fois."), code="repeated_line")
        quantities[pl_id] = quantity
        serials[pl_id] = "\n".join(serial_numbers or [])
    return record_delivery(po, quantities, serials, actor)


def list_purchase_orders(status: str | None = None):
    stmt = select(PurchaseOrder).options(joinedload(PurchaseOrder.supplier), joinedload(PurchaseOrder.contract))
    if status:
        stmt = stmt.where(PurchaseOrder.status == status)
    return stmt.order_by(PurchaseOrder.id.desc())


def load_purchase_order(po_id: int) -> PurchaseOrder | None:
    return db.session.scalars(
        select(PurchaseOrder).where(PurchaseOrder.id == po_id).options(
            joinedload(PurchaseOrder.supplier), joinedload(PurchaseOrder.contract),
            selectinload(PurchaseOrder.events).joinedload(PurchaseOrderEvent.actor),
            selectinload(PurchaseOrder.lines).joinedload(PurchaseOrderLine.order_line)
            .joinedload(OrderLine.order).joinedload(Order.member).selectinload(Member.sirets),
            selectinload(PurchaseOrder.lines).joinedload(PurchaseOrderLine.order_line)
            .joinedload(OrderLine.order).joinedload(Order.delivery_site_ref),
            selectinload(PurchaseOrder.lines).joinedload(PurchaseOrderLine.order_line).joinedload(OrderLine.product))
    ).first()


@dataclass
class Consumption:
    contract: FrameworkContract
    share: Decimal

    @property
    def percent(self) -> Decimal:
        return (self.share * 100).quantize(Decimal("0.1"))

    @property
    def warning(self) -> bool:
        return self.share >= WARNING_SHARE


#: a running contract "needs attention" from this share of its ceiling, or within these days of its end
EXPIRY_WARNING_DAYS = 90


def contracts_query(q: str = "", attention_on: date | None = None) -> Select:
    """Framework contracts by reference, matching ``q`` in the reference, the title or the holder's name;
    ``attention_on``: only those running that day (not terminated) and either at ``WARNING_SHARE`` of their
    ceiling or more, or ending within ``EXPIRY_WARNING_DAYS`` days."""
    stmt = select(FrameworkContract).options(joinedload(FrameworkContract.supplier))
    q = (q or "").strip().lower()
    if q:
        stmt = stmt.join(Supplier, FrameworkContract.supplier_id == Supplier.id).where(or_(
            func.lower(FrameworkContract.reference).contains(q, autoescape=True),
            func.lower(FrameworkContract.title).contains(q, autoescape=True),
            func.lower(Supplier.name).contains(q, autoescape=True)))
    if attention_on is not None:
        stmt = stmt.where(
            FrameworkContract.is_terminated.is_(False), FrameworkContract.start_on <= attention_on,
            FrameworkContract.end_on >= attention_on,
            (FrameworkContract.committed_ht >= FrameworkContract.max_amount_ht * WARNING_SHARE)
            | (FrameworkContract.end_on <= attention_on + timedelta(days=EXPIRY_WARNING_DAYS)))
    return stmt.order_by(FrameworkContract.reference, FrameworkContract.id)


def _share(contract: FrameworkContract) -> Decimal:
    return (contract.committed_ht / contract.max_amount_ht) if contract.max_amount_ht else Decimal(0)


def consumption_rows(contracts) -> list[Consumption]:
    return [Consumption(c, _share(c)) for c in contracts]


def consumption_percent(contract: FrameworkContract) -> Decimal:
    """The share of the maximum amount committed, in percent with one decimal (as the contracts page shows it)."""
    return Consumption(contract, _share(contract)).percent


def contract_consumption(attention_on: date | None = None) -> list[Consumption]:
    return consumption_rows(db.session.scalars(contracts_query("", attention_on)))


def po_export_rows(po: PurchaseOrder) -> list[dict]:
    rows = []
    for pl in po.lines:
        order = pl.order_line.order
        rows.append({
            "Bon de commande": po.reference, "Adhérent": order.member.name, "Commande": order.reference,
            "Adresse de livraison": order.delivery_site, "Produit": pl.order_line.product.name,
            "Référence fabricant": pl.order_line.product.manufacturer_ref, "Quantité": pl.quantity,
            "Prix unitaire HT": str(pl.unit_price_ht), "Total HT": str(pl.line_total_ht),
        })
    return rows


def deliveries_of(po: PurchaseOrder) -> list[tuple[Delivery, PurchaseOrderLine]]:
    """The deliveries recorded on the purchase order, oldest first, with their line."""
    return [tuple(row) for row in db.session.execute(
        select(Delivery, PurchaseOrderLine).join(PurchaseOrderLine, Delivery.purchase_order_line_id == PurchaseOrderLine.id)
        .where(PurchaseOrderLine.purchase_order_id == po.id).order_by(Delivery.created_dt, Delivery.id))]


def load_contract(contract_id: int) -> FrameworkContract | None:
    return db.session.scalars(select(FrameworkContract).where(FrameworkContract.id == contract_id)
                              .options(joinedload(FrameworkContract.supplier))).first()
