"""The one public entry from purchasing into lifecycle: a delivered order line becomes assets.

Purchasing's deliveries call :func:`receive_delivered_line` for every delivered line; the lifecycle
module creates one asset per delivered unit, linked to the order line, owned by the ordering member.
"""
from __future__ import annotations

from typing import Any


from lifecycle.assets.models import Asset, Origin
from lifecycle.assets.services import (add_event, flush_new_assets, holds_storage_for, reserve_tags,
                                       serials_taken, warranty_end_from)
from purchasing.db_types import utcnow
from purchasing.domain.errors import N_, ConflictError, InvalidQuantity
from purchasing.extensions import db


def receive_delivered_line(order_line: Any, quantity: int, serial_numbers: list[str] | None, actor: Any) -> list:
    """Turn ``quantity`` delivered units of ``order_line`` into assets of the ordering member.

    ``serial_numbers`` (optional) gives one serial per unit. Flushes, never commits. Returns the assets.
    """
    if not isinstance(quantity, int) or quantity <= 0:
        raise InvalidQuantity(N_("La quantité livrée doit être un nombre entier positif."))
    if quantity > order_line.quantity:
        raise InvalidQuantity(N_("%(quantity)s unités reçues pour une ligne de %(quantity2)s "
                                 "unités commandées."), params={"quantity": quantity, "quantity2": order_line.quantity})
    serials = [(s or "").strip() or None for s in (serial_numbers or [])]
    if serials and len(serials) != quantity:
        raise InvalidQuantity(N_("%(serials_count)s numéros de série pour %(quantity)s unités "
                                 "livrées : donnez un numéro par unité, ou aucun."),
                              params={"serials_count": len(serials), "quantity": quantity})
    given = [s for s in serials if s]
    if len(given) != len(set(given)):
        raise ConflictError(N_("Un numéro de série est répété dans la livraison."), code="duplicate_serial")
    if given:
        taken = serials_taken(given)
        if taken:
            raise ConflictError(N_("Numéro(s) de série déjà enregistré(s) : %(serials)s"),
                                params={"serials": ", ".join(sorted(taken))},
                                code="duplicate_serial")
    product = order_line.product
    category = product.category
    order = order_line.order
    tags = reserve_tags(quantity)
    received_on = utcnow().date()
    warranty_end = warranty_end_from(received_on, product.warranty_years)
    assets = []
    for index, tag in enumerate(tags):
        asset = Asset(tag=tag, serial_number=serials[index] if serials else None, product_id=product.id,
                      category_id=category.id, member_id=order.member_id, site_id=order.delivery_site_id,
                      acquisition_date=received_on, warranty_end_date=warranty_end,
                      purchase_price_ht=order_line.unit_price_ht, origin=Origin.DELIVERED,
                      order_line_id=order_line.id, condition="new",
                      holds_storage=holds_storage_for(product, category), status="in_stock")
        assets.append(asset)
    flush_new_assets(assets)
    for asset in assets:
        add_event(asset, "created", actor, to_status="in_stock", to_member_id=asset.member_id,
                  origin=Origin.DELIVERED.value, order_line_id=order_line.id,
                  order_reference=order.reference or "")
    db.session.flush()
    return assets
