"""``/api/v1/orders``: member orders, through the same services as the cart and the order pages."""
from __future__ import annotations

from datetime import date

from flask import abort
from flask_login import current_user

from purchasing.accounts.models import Role
from purchasing.api.framework import api_route
from purchasing.api.schemas import OrderCreate, OrderOut, OrdersQuery, OrderSummaryOut, ReasonIn, RejectIn
from purchasing.extensions import db
from purchasing.orders import services as orders
from purchasing.orders.models import Order

MEMBER = (Role.SECRETARY, Role.APPROVER)
STAFF = (Role.ADMIN, Role.PURCHASING_OFFICER, Role.SUSTAINABILITY_OFFICER)


def _order_or_404(order_id: int) -> Order:
    order = orders.load_order(order_id, current_user)
    if order is None:
        abort(404)
    return order


def _reloaded(order_id: int) -> Order:
    """After a commit: the order with its lines and events freshly loaded."""
    db.session.expire_all()
    return _order_or_404(order_id)


@api_route("/orders", methods=["POST"], roles=MEMBER, body=OrderCreate, response=OrderOut, status=201,
           errors=(409,), tags=("orders",))
def create_order(body: OrderCreate):
    """Créer une commande (brouillon)

    Une commande brouillon de l'adhérent de l'appelant, aux prix de l'adhérent du jour ; le même offre
    donnée deux fois fait une ligne. Indiquez `delivery_site_id` (un site de l'adhérent) pour pouvoir la
    soumettre. Refusée (409 `no_billing_siret`) quand l'adhérent n'a pas de SIRET de facturation.
    """
    order = orders.create_order(current_user, [(line.offer_id, line.quantity) for line in body.lines],
                                date.today(), body.delivery_site_id or body.delivery_site, body.note,
                                engagement_number=body.engagement_number)
    db.session.commit()
    return _reloaded(order.id)


@api_route("/orders", query=OrdersQuery, response=OrderSummaryOut, paginated=True, roles=MEMBER + STAFF,
           tags=("orders",))
def list_orders(query: OrdersQuery):
    """Commandes

    Commandes soumises et suivantes (pas les brouillons), les plus récentes d'abord : celles de son adhérent
    pour un utilisateur d'un adhérent, toutes pour le personnel du syndicat.
    """
    return orders.orders_for(current_user, status=query.status)


@api_route("/orders/<int:order_id>", response=OrderOut, roles=MEMBER + STAFF, tags=("orders",))
def get_order(order_id: int):
    """Une commande, avec ses lignes et son historique (404 pour un autre adhérent)"""
    return _order_or_404(order_id)


@api_route("/orders/<int:order_id>/submit", methods=["POST"], roles=MEMBER, response=OrderOut, errors=(409,),
           tags=("orders",))
def submit_order(order_id: int):
    """Soumettre une commande brouillon

    Les prix sont figés (grille en vigueur) ; au-dessous du seuil d'approbation de l'adhérent, la commande
    est approuvée automatiquement (`status` = `approved`), sinon elle attend l'approbateur (`submitted`).
    """
    order = _order_or_404(order_id)
    orders.submit_order(order, current_user, date.today())
    db.session.commit()
    return _reloaded(order_id)


@api_route("/orders/<int:order_id>/approve", methods=["POST"], roles=(Role.APPROVER,), response=OrderOut,
           errors=(409,), tags=("orders",))
def approve_order(order_id: int):
    """Approuver une commande soumise (approbateur de l'adhérent)"""
    order = _order_or_404(order_id)
    orders.approve(order, current_user)
    db.session.commit()
    return _reloaded(order_id)


@api_route("/orders/<int:order_id>/reject", methods=["POST"], roles=(Role.APPROVER,), body=RejectIn,
           response=OrderOut, errors=(409,), tags=("orders",))
def reject_order(order_id: int, body: RejectIn):
    """Refuser une commande soumise (approbateur ; motif obligatoire)"""
    order = _order_or_404(order_id)
    orders.reject(order, current_user, body.reason)
    db.session.commit()
    return _reloaded(order_id)


@api_route("/orders/<int:order_id>/cancel", methods=["POST"], roles=MEMBER, body=ReasonIn, response=OrderOut,
           errors=(409,), tags=("orders",))
def cancel_order(order_id: int, body: ReasonIn):
    """Annuler une commande (brouillon, soumise ou approuvée)"""
    order = _order_or_404(order_id)
    orders.cancel(order, current_user, body.reason)
    db.session.commit()
    return _reloaded(order_id)
