"""``/api/v1/purchase-orders``: supplier purchase orders (purchasing officers, admin), same services as the web."""
from __future__ import annotations

from flask import abort
from flask_login import current_user

from purchasing.accounts.models import Role
from purchasing.api.framework import api_route
from purchasing.documents.responses import bytes_response
from purchasing.api.schemas import DeliveryIn, DeliveryOut, PurchaseOrderCreate, PurchaseOrderOut
from purchasing.extensions import db
from purchasing.purchase_orders import services as purchase_orders
from purchasing.purchase_orders.models import PurchaseOrder

OFFICERS = (Role.PURCHASING_OFFICER, Role.ADMIN)


def _po_or_404(po_id: int) -> PurchaseOrder:
    po = purchase_orders.load_purchase_order(po_id)
    if po is None:
        abort(404)
    return po


def _reloaded(po_id: int) -> PurchaseOrder:
    db.session.expire_all()
    return _po_or_404(po_id)


@api_route("/purchase-orders", methods=["POST"], roles=OFFICERS, body=PurchaseOrderCreate,
           response=PurchaseOrderOut, status=201, errors=(409,), tags=("purchase-orders",))
def create_purchase_order(body: PurchaseOrderCreate):
    """Créer un bon de commande à partir de commandes approuvées

    Toutes les commandes doivent être approuvées, sans ligne déjà passée, et relever du même contrat
    (409 sinon, avec le motif et les identifiants en cause dans `details`).
    """
    po = purchase_orders.create_purchase_order_for_orders(body.order_ids, current_user)
    db.session.commit()
    return _reloaded(po.id)


@api_route("/purchase-orders/<int:po_id>", response=PurchaseOrderOut, roles=OFFICERS, tags=("purchase-orders",))
def get_purchase_order(po_id: int):
    """Un bon de commande, avec ses lignes et son historique"""
    return _po_or_404(po_id)


@api_route("/purchase-orders/<int:po_id>/send", methods=["POST"], roles=OFFICERS, response=PurchaseOrderOut,
           errors=(409,), tags=("purchase-orders",))
def send_purchase_order(po_id: int):
    """Envoyer un bon de commande au fournisseur

    Refusé (409) si le montant engagé du contrat dépasserait son maximum : `details.remaining_ht` donne
    le montant encore disponible. Les commandes des adhérents passent au statut « passée ».
    """
    po = _po_or_404(po_id)
    purchase_orders.send_purchase_order(po, current_user)
    db.session.commit()
    return _reloaded(po_id)


@api_route("/purchase-orders/<int:po_id>/deliveries", methods=["POST"], roles=OFFICERS, body=DeliveryIn,
           response=DeliveryOut, status=201, errors=(409,), tags=("purchase-orders",))
def record_delivery(po_id: int, body: DeliveryIn):
    """Enregistrer une livraison (partielle ou totale)

    Une ligne par ligne de commande livrée ; les équipements sont créés dans l'inventaire de l'adhérent
    (un par unité, avec son numéro de série s'il est donné).
    """
    po = _po_or_404(po_id)
    assets = purchase_orders.record_delivery_by_order_lines(
        po, [(line.order_line_id, line.quantity, line.serial_numbers) for line in body.lines], current_user)
    delivered = [{"tag": a.tag, "serial_number": a.serial_number, "order_line_id": a.order_line_id} for a in assets]
    db.session.commit()
    return {"purchase_order": _reloaded(po_id), "assets": delivered}


@api_route("/purchase-orders/<int:po_id>/order-x", roles=OFFICERS, media=("application/xml",), errors=(409,),
           tags=("purchase-orders",))
def purchase_order_order_x(po_id: int):
    """Le bon de commande au format Order-X (XML, profil EXTENDED)

    Vérifié par le XSD officiel avant l'envoi. 409 `purchase_order_incomplete` quand il manque une donnée
    qu'un fournisseur attend (aucune ligne, identité du syndicat, SIRET de facturation d'un adhérent, site de
    livraison d'une ligne, numéro d'engagement requis) : `details.missing` les liste, aucun fichier n'est produit.
    """
    file = purchase_orders.order_x_file(_po_or_404(po_id))
    return bytes_response(file.filename, file.content_type, file.data)


@api_route("/purchase-orders/<int:po_id>/pdf", roles=OFFICERS, media=("application/pdf",), errors=(409,),
           tags=("purchase-orders",))
def purchase_order_pdf(po_id: int):
    """Le bon de commande imprimable (PDF/A-3 contenant son XML Order-X)

    Mêmes contrôles que `GET /purchase-orders/{po_id}/order-x` (409 `purchase_order_incomplete`).
    """
    file = purchase_orders.pdf_file(_po_or_404(po_id))
    return bytes_response(file.filename, file.content_type, file.data)
