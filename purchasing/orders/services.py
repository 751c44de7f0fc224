"""Cart and orders: the cart is the user's draft order; prices are frozen on submission.

Every status change goes through :func:`change_order_status` (transition table in
purchasing.domain.states.ORDER, one OrderEvent per change). Services flush, never commit.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload, selectinload

from lifecycle.domain import carbon
from purchasing.accounts.models import Role
from purchasing.catalogue import services as catalogue
from lifecycle.pool.models import PoolListing
from purchasing.catalogue.models import Condition, Offer, Product
from purchasing.contracts.models import FrameworkContract
from purchasing.db_types import utcnow
from purchasing.domain import pricing as domain_pricing
from purchasing.domain.errors import N_, ConflictError, DomainError
from purchasing.domain.money import format_eur, round_cents
from purchasing.domain.states import ORDER, approval_needed
from purchasing.domain.vat import DocumentTotals, VatLine, document_totals
from purchasing.extensions import db
from purchasing.mail import messages as mail
from purchasing.members.models import Member, Site
from purchasing.members.services import resolve_sites
from purchasing.notifications.services import link, notify, settle, users_with_role
from purchasing.orders.models import Order, OrderEvent, OrderLine
from purchasing.pricing import services as pricing
from purchasing.scoping import member_scope
from purchasing.transitions import apply_transition

CANCELLABLE = ("draft", "submitted", "approved")


class ReasonRequired(DomainError):
    code = "reason_required"
    http_status = 422
    default_message = N_("Le motif du refus est obligatoire.")


class FourEyesRequired(DomainError):
    """An approver asked to approve what they created, submitted or committed themselves."""

    code = "four_eyes_required"
    http_status = 409
    default_message = N_("Vous ne pouvez pas approuver ce que vous avez vous-même créé ou soumis.")


#: recorded in the approval's audit event when the member's "un seul élu" setting waived four-eyes
FOUR_EYES_WAIVED = ("Approbation par son auteur : l'adhérent n'a qu'un seul élu utilisateur "
                    "(paramètre « un seul élu »), le contrôle à quatre yeux ne s'applique pas.")


def check_four_eyes(member, author_ids, actor, what: str) -> str:
    """Nobody approves what they created or submitted, unless the member has a single elected user.

    Returns the note to record in the approval's audit event ("" when another person approves).
    """
    actor_id = getattr(actor, "id", None)
    if actor_id is None or actor_id not in {i for i in author_ids if i is not None}:
        return ""
    if member.single_elected_user:
        return FOUR_EYES_WAIVED
    raise FourEyesRequired(
        N_("Vous avez vous-même créé ou soumis %(what)s : un autre élu ou le DGS de la "
           "collectivité doit l'approuver (contrôle à quatre yeux). Si votre collectivité n'a "
           "qu'un seul élu utilisateur, l'administrateur du syndicat peut l'indiquer sur la fiche "
           "de l'adhérent (« un seul élu »)."), params={"what": what},
        details={"member_id": member.id})


def get_cart(user) -> Order | None:
    return db.session.scalars(
        select(Order).options(selectinload(Order.lines).joinedload(OrderLine.product).joinedload(Product.category))
        .where(Order.created_by_id == user.id, Order.status == "draft").order_by(Order.id).limit(1)
    ).first()


def _get_or_create_cart(user) -> Order:
    cart = get_cart(user)
    if cart is None:
        if user.member_id is None:
            raise ConflictError(N_("Seuls les utilisateurs d'un adhérent ont un panier."), code="no_member")
        cart = Order(member_id=user.member_id, created_by_id=user.id, status="draft")
        db.session.add(cart)
        db.session.flush()
        db.session.add(OrderEvent(order_id=cart.id, actor_id=user.id, from_status=None, to_status="draft"))
    return cart


def _price_line(line: OrderLine, member, today: date) -> None:
    price = pricing.member_price(line.offer, member, line.quantity, today)
    line.base_unit_price_ht = price.base_unit_price_ht
    line.fee_rate = price.fee_rate
    line.unit_price_ht = price.unit_price_ht
    line.vat_rate = line.product.vat_rate
    line.line_total_ht = domain_pricing.line_total(price.unit_price_ht, line.quantity)


def _retotal(order: Order) -> None:
    order.total_ht = round_cents(sum((line.line_total_ht for line in order.lines), Decimal(0)))


def add_to_cart(user, offer_id, quantity, today: date) -> OrderLine:
    """Add ``quantity`` of an orderable offer to the user's cart (validated before anything is written)."""
    quantity = domain_pricing.validate_quantity(quantity)
    offer = catalogue.orderable_offer(offer_id, today)
    cart = _get_or_create_cart(user)
    line = next((line for line in cart.lines if line.offer_id == offer.id), None)
    with db.session.no_autoflush:
        if line is None:
            line = OrderLine(offer=offer, product=offer.product, quantity=quantity)
            _price_line(line, cart.member, today)
            cart.lines.append(line)
        else:
            line.quantity = domain_pricing.validate_quantity(line.quantity + quantity)
            _price_line(line, cart.member, today)
    _retotal(cart)
    db.session.flush()
    return line


# --- delivery site, billing identity, engagement number (issue 12) --------------------------------

NO_BILLING_SIRET = N_("Votre collectivité n'a pas de SIRET de facturation : le syndicat doit le renseigner "
                       "avant toute commande.")
UNKNOWN_SITE = N_("Choisissez un site de livraison du carnet d'adresses de votre collectivité.")
NO_SITE = N_("Choisissez le site de livraison avant de soumettre la commande.")
ENGAGEMENT_REQUIRED = N_("Votre collectivité exige un numéro d'engagement (Chorus Pro) sur chaque commande.")


def delivery_sites(member_id: int) -> list[Site]:
    """The member's active sites, its default first (the cart's select)."""
    return list(db.session.scalars(select(Site).where(Site.member_id == member_id, Site.is_active.is_(True))
                                   .order_by(Site.is_default.desc(), Site.name)))


def delivery_site_for(member_id: int, value: int | str | None) -> Site | None:
    """The order's delivery site: a site id of the member's active sites (anything else is refused), or a
    site's name (the API's older text field: resolved in the address book, created when unknown), or None."""
    if value is None or value == "" or value == 0:
        return None
    if isinstance(value, str):
        name = value.strip()
        if not name:
            return None
        return db.session.get(Site, resolve_sites(member_id, [name])[name])
    site = db.session.get(Site, value)
    if site is None or site.member_id != member_id or not site.is_active:
        raise DomainError(UNKNOWN_SITE, code="unknown_delivery_site", details={"field": "delivery_site_id"})
    return site


def submission_problems(member: Member, site: Site | None, engagement_number: str) -> list[tuple[str, str, str]]:
    """What prevents submitting an order: (field, French message, code); empty when it may be submitted."""
    problems = []
    if member.billing_siret is None:
        problems.append(("", NO_BILLING_SIRET, "no_billing_siret"))
    if site is None:
        problems.append(("delivery_site_id", NO_SITE, "no_delivery_site"))
    if member.engagement_required and not (engagement_number or "").strip():
        problems.append(("engagement_number", ENGAGEMENT_REQUIRED, "engagement_required"))
    return problems


def _set_delivery(order: Order, site: Site | None) -> None:
    order.delivery_site_id = site.id if site else None
    order.delivery_site_ref = site
    # the snapshot printed on the purchase order (refreshed at submit)
    order.delivery_site = site.full_address[:300] if site else ""


def create_order(user, lines, today: date, delivery_site: int | str | None = None, note: str = "",
                 engagement_number: str = "") -> Order:
    """A new draft order of the user's member with ``lines`` (pairs offer id, quantity), priced today.

    Everything is validated before anything is written (quantities, orderable offers); the same offer
    given twice is one line with the quantities added. The API's counterpart of the cart.
    """
    if user.member_id is None:
        raise ConflictError(N_("Seuls les utilisateurs d'un adhérent peuvent commander."), code="no_member")
    quantities: dict[int, int] = {}
    offers = {}
    for offer_id, quantity in lines:
        quantity = domain_pricing.validate_quantity(quantity)
        offer = catalogue.orderable_offer(offer_id, today)
        offers[offer.id] = offer
        quantities[offer.id] = domain_pricing.validate_quantity(quantities.get(offer.id, 0) + quantity)
    if not quantities:
        raise ConflictError(N_("Le panier est vide."), code="empty_cart")
    member = db.session.get(Member, user.member_id)
    if member.billing_siret is None:
        raise ConflictError(NO_BILLING_SIRET, code="no_billing_siret")
    site = delivery_site_for(user.member_id, delivery_site)
    order = Order(member_id=user.member_id, created_by_id=user.id, status="draft",
                  engagement_number=(engagement_number or "").strip()[:50], note=(note or "").strip()[:5000])
    _set_delivery(order, site)
    db.session.add(order)
    db.session.flush()
    db.session.add(OrderEvent(order_id=order.id, actor_id=user.id, from_status=None, to_status="draft"))
    with db.session.no_autoflush:
        for offer_id, quantity in quantities.items():
            offer = offers[offer_id]
            line = OrderLine(offer=offer, product=offer.product, quantity=quantity)
            _price_line(line, order.member, today)
            order.lines.append(line)
    _retotal(order)
    db.session.flush()
    return order


def update_cart(cart: Order, quantities: dict[int, object], delivery_site: int | str | None, note: str, today: date,
                engagement_number: str | None = None) -> Order:
    """Set the lines' quantities (0 removes a line), the delivery site (a site id of the member, or a name:
    see :func:`delivery_site_for`), the note and the engagement number (None: unchanged)."""
    _require_status(cart, "draft")
    site = delivery_site_for(cart.member_id, delivery_site)
    checked: dict[int, int] = {}
    for line in cart.lines:
        if line.id in quantities:
            raw = quantities[line.id]
            checked[line.id] = 0 if str(raw).strip() == "0" else domain_pricing.validate_quantity(raw)
    for line in list(cart.lines):
        if checked.get(line.id) == 0:
            cart.lines.remove(line)
        elif line.id in checked:
            line.quantity = checked[line.id]
            _price_line(line, cart.member, today)
    _set_delivery(cart, site)
    if engagement_number is not None:
        cart.engagement_number = engagement_number.strip()[:50]
    cart.note = (note or "").strip()[:5000]
    _retotal(cart)
    db.session.flush()
    return cart


def cart_quantity_errors(cart: Order, quantities: dict[int, object]) -> dict[int, DomainError]:
    """The quantities typed in the cart that :func:`update_cart` would refuse: line id -> the error (translated by the page)."""
    errors = {}
    for line in cart.lines:
        raw = quantities.get(line.id)
        if raw is None or str(raw).strip() == "0":
            continue
        try:
            domain_pricing.validate_quantity(raw)
        except DomainError as error:
            errors[line.id] = error
    return errors


def order_totals(order: Order) -> DocumentTotals:
    """HT, VAT per rate and TTC of an order or a cart, by the purchase order's rounding rule (domain.vat)."""
    return document_totals(VatLine(line.vat_rate, line.line_total_ht) for line in order.lines
                           if line.vat_rate is not None)


@dataclass(frozen=True)
class ApprovalRule:
    """What the member's approval threshold means for an order (shown in the cart before submitting)."""

    threshold_ht: Decimal
    #: True: above the threshold, the member's approver (the mayor or an authorised councillor) decides
    needed: bool


def approval_rule(order: Order) -> ApprovalRule:
    threshold = order.member.approval_threshold_ht
    return ApprovalRule(threshold, approval_needed(order.total_ht, threshold))


#: units in a user's cart (the cart of get_cart: the user's oldest draft); built once: every member page counts it,
#: and building the statement cost several times what running it does
_CART_UNITS = select(func.coalesce(func.sum(OrderLine.quantity), 0)).where(
    OrderLine.order_id == select(func.min(Order.id))
    .where(Order.created_by_id == bindparam("user_id"), Order.status == "draft").scalar_subquery())


def cart_item_count(user) -> int:
    """Units in the user's cart (the "Panier" menu entry's count); 0 without a cart."""
    if getattr(user, "member_id", None) is None:
        return 0
    return int(db.session.scalar(_CART_UNITS, {"user_id": user.id}) or 0)


def _require_status(order: Order, status: str) -> None:
    if order.status != status:
        raise ConflictError(N_("Cette commande n'est plus un panier : elle ne peut plus être modifiée."),
                            code="not_a_cart")


def change_order_status(order: Order, to_status: str, actor, reason: str = "", automatic: bool = False) -> OrderEvent:
    """The only way an order changes status: checks the transition table and writes the audit event."""
    event = OrderEvent(order_id=order.id, actor_id=None if automatic else getattr(actor, "id", None),
                       reason=(reason or "").strip(), is_automatic=automatic)
    decided = {"decided_dt": utcnow()} if to_status in ("approved", "rejected") else None
    return apply_transition(ORDER, order, to_status, event, values=decided)


def _link(order: Order) -> str:
    return link("orders.show", order_id=order.id)


def submit_order(order: Order, actor, today: date) -> Order:
    """Freeze the prices (grid in force today), submit, and approve automatically at or under the threshold."""
    if not order.lines:
        raise ConflictError(N_("Le panier est vide."), code="empty_cart")
    site = db.session.get(Site, order.delivery_site_id) if order.delivery_site_id else None
    problems = submission_problems(order.member, site, order.engagement_number)
    if problems:
        raise ConflictError(problems[0][1], code=problems[0][2])
    _set_delivery(order, site)  # the address as it is when ordering
    for line in order.lines:
        catalogue.orderable_offer(line.offer_id, today)
        _price_line(line, order.member, today)
    _retotal(order)
    grid = pricing.grid_in_force(today)
    order.tariff_grid_id = grid.id
    order.fee_rate = order.lines[0].fee_rate
    order.submitted_dt = utcnow()
    change_order_status(order, "submitted", actor)
    db.session.flush()
    order.reference = f"CMD-{today.year}-{order.id:06d}"
    if approval_needed(order.total_ht, order.member.approval_threshold_ht):
        notify(users_with_role(Role.APPROVER, order.member_id),
               f"Commande {order.reference} à approuver ({format_eur(order.total_ht)} HT).", _link(order))
        mail.approval_requested(order)
    else:
        change_order_status(order, "approved", actor, reason="Montant inférieur ou égal au seuil d'approbation.",
                            automatic=True)
        _notify_approved(order)
    return order


def _notify_approved(order: Order) -> None:
    notify(users_with_role(Role.SECRETARY, order.member_id), f"Commande {order.reference} approuvée.", _link(order))
    notify(users_with_role(Role.PURCHASING_OFFICER),
           f"Commande {order.reference} ({order.member.name}) approuvée : à passer au fournisseur.",
           link("purchase_orders.to_place"))


def submitter_id(order: Order) -> int | None:
    """Who submitted the order (the actor of its latest "submitted" event)."""
    return db.session.scalar(select(OrderEvent.actor_id).where(OrderEvent.order_id == order.id,
                                                              OrderEvent.to_status == "submitted")
                             .order_by(OrderEvent.id.desc()).limit(1))


def may_approve(order: Order, user) -> bool:
    """False when four-eyes forbids ``user`` to approve ``order`` (shown on the order page)."""
    try:
        check_four_eyes(order.member, (order.created_by_id, submitter_id(order)), user, "cette commande")
    except FourEyesRequired:
        return False
    return True


def approve(order: Order, actor) -> Order:
    """The member's approver approves a submitted order; never one they created or submitted (four-eyes)."""
    note = check_four_eyes(order.member, (order.created_by_id, submitter_id(order)), actor, "cette commande")
    change_order_status(order, "approved", actor, reason=note)
    settle(Role.APPROVER, order.member_id, _link(order))
    _notify_approved(order)
    mail.order_decided(order)
    return order


def reject(order: Order, actor, reason: str) -> Order:
    if not (reason or "").strip():
        raise ReasonRequired()
    change_order_status(order, "rejected", actor, reason=reason)
    settle(Role.APPROVER, order.member_id, _link(order))
    notify(users_with_role(Role.SECRETARY, order.member_id),
           f"Commande {order.reference} refusée : {reason.strip()}", _link(order))
    mail.order_decided(order, reason)
    return order


def cancel(order: Order, actor, reason: str = "") -> Order:
    change_order_status(order, "cancelled", actor, reason=reason)
    settle(Role.APPROVER, order.member_id, _link(order))
    return order


#: filters of the order list naming several statuses (the home page's "deliveries due" links here)
STATUS_GROUPS = {"to_deliver": ("placed", "partially_delivered")}


def orders_for(user, member_id: int | None = None, status: str | None = None):
    """Orders the user may see (not carts), newest first; ``status``: one status or a key of STATUS_GROUPS."""
    stmt = member_scope(select(Order).options(joinedload(Order.member)).where(Order.status != "draft"), Order, user)
    if member_id:
        stmt = stmt.where(Order.member_id == member_id)
    if status in STATUS_GROUPS:
        stmt = stmt.where(Order.status.in_(STATUS_GROUPS[status]))
    elif status:
        stmt = stmt.where(Order.status == status)
    return stmt.order_by(Order.id.desc())


def load_order(order_id: int, user) -> Order | None:
    stmt = member_scope(select(Order).where(Order.id == order_id), Order, user).options(
        selectinload(Order.lines).joinedload(OrderLine.product).joinedload(Product.category),
        selectinload(Order.events).joinedload(OrderEvent.actor), joinedload(Order.member))
    return db.session.scalars(stmt).first()


@dataclass(frozen=True)
class RefurbishedAlternative:
    """The cheapest refurbished product of the line's category orderable today (by base offer price)."""

    product: Product
    offer: Offer
    share: float
    saving: carbon.Estimate
    #: the member's unit price HT for the alternative at the line's quantity (None without a grid in force)
    unit_price_ht: Decimal | None
    #: alternative unit price − line unit price (negative: the refurbished one is cheaper)
    unit_price_difference_ht: Decimal | None


@dataclass(frozen=True)
class PoolAlternative:
    """Open listings of the line's category offered by other members in the reuse pool."""

    category_id: int
    available: int
    units: int
    saving: carbon.Estimate


@dataclass(frozen=True)
class LineCarbon:
    line: OrderLine
    #: product embodied × quantity; None when the category has no factor ("sans facteur", never zero)
    embodied: carbon.Estimate | None
    refurbished: RefurbishedAlternative | None
    pool: PoolAlternative | None


@dataclass(frozen=True)
class OrderCarbon:
    """Embodied CO2e of an order and what refurbished or reuse-pool alternatives would have avoided.

    Avoided emissions are reported beside the footprint, never subtracted from it (carbon-method.md).
    Figures are rounded half-up to 0.01 kgCO2e after summing.
    """

    embodied: carbon.Estimate | None
    lines_without_factor: int
    lines: list[LineCarbon]
    refurbished_saving: carbon.Estimate | None
    pool_saving: carbon.Estimate | None
    year: int

    @property
    def has_alternative(self) -> bool:
        return self.refurbished_saving is not None or self.pool_saving is not None

    @property
    def all_refurbished(self) -> bool:
        """Every line is already a refurbished product: no refurbished alternative to look for."""
        return bool(self.lines) and all(item.line.product.condition == Condition.REFURBISHED for item in self.lines)


def _sum(estimates) -> carbon.Estimate | None:
    total = None
    for estimate in estimates:
        if estimate is not None:
            total = estimate if total is None else total + estimate
    return total.rounded(2) if total is not None else None


def _cheapest_refurbished(category_ids: set[int], today: date) -> dict[int, Offer]:
    """Per category, the cheapest refurbished offer orderable today (one query for all categories)."""
    if not category_ids:
        return {}
    offers = db.session.scalars(
        select(Offer).join(FrameworkContract, Offer.contract_id == FrameworkContract.id)
        .join(Product, Offer.product_id == Product.id)
        .options(joinedload(Offer.product).joinedload(Product.category), selectinload(Offer.price_breaks))
        .where(Product.category_id.in_(category_ids), Product.condition == Condition.REFURBISHED,
               Product.is_active.is_(True), catalogue.offer_valid_clause(today))
        .order_by(Offer.unit_price_ht, Offer.id)
    ).unique()
    cheapest: dict[int, Offer] = {}
    for offer in offers:
        cheapest.setdefault(offer.product.category_id, offer)
    return cheapest


def _pool_counts(category_ids: set[int], member_id: int | None) -> dict[int, int]:
    """Open reuse-pool listings per category from members other than ``member_id`` (one grouped query)."""
    if not category_ids:
        return {}
    stmt = (select(PoolListing.category_id, func.count(PoolListing.id))
            .where(PoolListing.status == "open", PoolListing.category_id.in_(category_ids))
            .group_by(PoolListing.category_id))
    if member_id is not None:
        stmt = stmt.where(PoolListing.offering_member_id != member_id)
    return {category_id: count for category_id, count in db.session.execute(stmt)}


def _member_unit_price(offer: Offer, band, quantity: int) -> Decimal | None:
    if band is None:
        return None
    base = domain_pricing.unit_price_at(pricing.offer_breaks(offer), quantity)
    return domain_pricing.member_unit_price(base, band.fee_rate)


def order_carbon(order: Order, today: date) -> OrderCarbon:
    """Embodied CO2e of ``order`` (cart or submitted order) and the savings of refurbished/pool alternatives.

    Per line: embodied = product embodied (manufacturer value or category factor) × quantity.
    (a) refurbished: when the line's product is new, its category has an avoided share r and a refurbished
    product of the category is orderable today, saving = embodied × r (the cheapest such offer is proposed,
    with the member's price difference per unit).
    (b) reuse pool: listings of the category offered by other members; saving = the line product's
    embodied (the new equivalent not bought) × min(quantity, units still available), units being shared
    between lines of the same category in line order.
    Bounded queries: one for refurbished offers, one for pool counts, one or two for the tariff band,
    whatever the number of lines. Used by the cart, the order page, and callable from the API.
    """
    member = order.member
    lines = list(order.lines)
    category_ids = {line.product.category_id for line in lines}
    refurbished = _cheapest_refurbished(category_ids, today)
    pool_left = _pool_counts(category_ids, order.member_id)
    band = None
    if refurbished and member is not None:
        try:
            _grid, band = pricing.band_for(member, today)
        except DomainError:
            band = None
    result = []
    for line in lines:
        footprint = catalogue.footprint_of(line.product, today.year)
        embodied = footprint.embodied.scale(line.quantity) if footprint.embodied is not None else None
        refurb_alt = None
        pool_alt = None
        if embodied is not None:
            category_id = line.product.category_id
            share = carbon.refurbished_avoided_share(line.product.category.code)
            offer = refurbished.get(category_id)
            if offer is not None and share is not None and line.product.condition != Condition.REFURBISHED:
                unit = _member_unit_price(offer, band, line.quantity)
                refurb_alt = RefurbishedAlternative(
                    product=offer.product, offer=offer, share=share, saving=embodied.scale(share),
                    unit_price_ht=unit,
                    unit_price_difference_ht=unit - line.unit_price_ht if unit is not None else None)
            available = pool_left.get(category_id, 0)
            if available > 0:
                units = min(line.quantity, available)
                pool_left[category_id] = available - units
                pool_alt = PoolAlternative(category_id=category_id, available=available, units=units,
                                           saving=carbon.pool_claim_avoided(footprint.embodied).scale(units))
        result.append(LineCarbon(line=line, embodied=embodied.rounded(2) if embodied else None,
                                 refurbished=refurb_alt, pool=pool_alt))
    return OrderCarbon(
        embodied=_sum(item.embodied for item in result),
        lines_without_factor=sum(1 for item in result if item.embodied is None),
        lines=result,
        refurbished_saving=_sum(item.refurbished.saving if item.refurbished else None for item in result),
        pool_saving=_sum(item.pool.saving if item.pool else None for item in result),
        year=today.year,
    )
