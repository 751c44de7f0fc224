"""``/api/v1/assets`` and ``/api/v1/pool``: the inventory and the reuse pool, through lifecycle's services."""
from __future__ import annotations

from flask import abort
from flask_login import current_user

from lifecycle.assets import services as lifecycle
from lifecycle.assets.models import Asset
from lifecycle.pool import services as pool_services
from lifecycle.pool.models import PoolListing
from purchasing.accounts.models import Role
from purchasing.api.framework import api_route
from purchasing.api.schemas import (
    AssetDetailOut, AssetOut, AssetsQuery, ClaimIn, DeclineIn, ErasureIn, PoolListingOut, PoolOfferIn, PoolQuery,
)
from purchasing.catalogue.services import category_id_for_code
from purchasing.extensions import db

ALL = tuple(Role)
#: who may record an erasure, offer to the pool or claim (as on the web: lifecycle.assets.views.MANAGE)
MANAGE = (Role.SECRETARY, Role.PURCHASING_OFFICER, Role.ADMIN)


def _asset_out(asset: Asset) -> dict:
    return {"tag": asset.tag, "name": asset.name, "status": asset.status, "category": asset.category.code,
            "member": asset.member, "serial_number": asset.serial_number, "site": asset.site_name,
            "site_id": asset.site_id,
            "condition": asset.condition, "holds_storage": asset.holds_storage,
            "acquisition_date": asset.acquisition_date, "warranty_end_date": asset.warranty_end_date,
            "purchase_price_ht": asset.purchase_price_ht, "hardware": asset.hardware}


def _asset_or_404(tag: str) -> Asset:
    asset = lifecycle.asset_with_timeline(tag)
    if asset is None:
        abort(404)
    return asset


def _detail(tag: str) -> dict:
    db.session.expire_all()
    asset = _asset_or_404(tag)
    return {**_asset_out(asset), "events": lifecycle.timeline_of(asset, asset.events)}


@api_route("/assets", query=AssetsQuery, response=AssetOut, paginated=True, tags=("assets",))
def list_assets(query: AssetsQuery):
    """Inventaire des équipements

    Ceux de son adhérent pour un utilisateur d'un adhérent, tous pour le personnel du syndicat ; sans filtre de
    statut, les équipements sortis de l'inventaire sont exclus.
    """
    return lifecycle.inventory_query(lifecycle.InventoryFilter(
        category_id=category_id_for_code(query.category), status=query.status))


@api_route("/assets/<tag>", response=AssetDetailOut, tags=("assets",))
def get_asset(tag: str):
    """Un équipement par son numéro d'inventaire, avec son historique (404 pour un autre adhérent)"""
    asset = _asset_or_404(tag)
    return {**_asset_out(asset), "events": lifecycle.timeline_of(asset, asset.events)}


@api_route("/assets/<tag>/erasure", methods=["POST"], roles=MANAGE, body=ErasureIn, response=AssetDetailOut,
           status=201, errors=(409,), tags=("assets",))
def record_erasure(tag: str, body: ErasureIn):
    """Enregistrer l'effacement des données (NIST SP 800-88)

    Condition pour qu'un équipement contenant un support de stockage quitte son adhérent.
    `operator` vaut par défaut le nom de l'appelant.
    """
    asset = _asset_or_404(tag)
    lifecycle.record_erasure(asset, method=body.method, performed_on=body.performed_on,
                             operator=body.operator or current_user.full_name or current_user.email,
                             certificate_ref=body.certificate_ref, actor=current_user)
    db.session.commit()
    return _detail(asset.tag)


@api_route("/assets/<tag>/offer", methods=["POST"], roles=MANAGE, body=PoolOfferIn, response=AssetDetailOut,
           errors=(409,), tags=("assets",))
def offer_asset(tag: str, body: PoolOfferIn):
    """Proposer un équipement dans la bourse de réemploi"""
    asset = _asset_or_404(tag)
    pool_services.offer_to_pool(asset, condition=body.condition, note=body.note, actor=current_user)
    db.session.commit()
    return _detail(asset.tag)


@api_route("/pool", query=PoolQuery, response=PoolListingOut, paginated=True, tags=("pool",))
def list_pool(query: PoolQuery):
    """Bourse de réemploi : équipements proposés par les adhérents, les plus récents d'abord"""
    return pool_services.pool_query(category_id=category_id_for_code(query.category), condition=query.condition)


@api_route("/pool/<tag>/claim", methods=["POST"], roles=MANAGE, body=ClaimIn, response=PoolListingOut,
           errors=(409,), tags=("pool",))
def claim(tag: str, body: ClaimIn):
    """Réclamer un équipement de la bourse

    La première demande réserve l'équipement (statut `reserved`) : ensuite 409. Le donateur peut refuser jusqu'à
    `decline_until` ; sans refus, l'équipement est donné à cette date (ou plus tôt si le donateur confirme). Un
    équipement contenant un support de stockage ne part qu'après un effacement enregistré (409 sinon, avec le
    motif). Le personnel du syndicat indique `member_id` ; un utilisateur d'un adhérent réclame pour le sien.
    """
    listing: PoolListing | None = pool_services.latest_listing_for_tag(tag)
    if listing is None:
        abort(404)
    member_id = body.member_id if current_user.is_staff else current_user.member_id
    pool_services.claim_listing(listing, member_id, current_user)
    db.session.commit()
    return listing


def _donors_reserved_listing(tag: str) -> PoolListing:
    """The latest listing of the caller's own asset (the donor's users, or the staff): another member's is 404."""
    asset = _asset_or_404(tag)
    listing = pool_services.latest_listing_for_tag(asset.tag)
    if listing is None:
        abort(404)
    return listing


@api_route("/pool/<tag>/confirm", methods=["POST"], roles=MANAGE, response=PoolListingOut, errors=(409,),
           tags=("pool",))
def confirm_claim(tag: str):
    """Donner tout de suite l'équipement réservé (le donateur)

    L'équipement passe dans l'inventaire du demandeur. 409 `reservation_decided` si la demande a déjà reçu sa
    réponse (donnée ou refusée).
    """
    listing = _donors_reserved_listing(tag)
    pool_services.confirm_claim(listing, current_user)
    db.session.commit()
    return listing


@api_route("/pool/<tag>/decline", methods=["POST"], roles=MANAGE, body=DeclineIn, response=PoolListingOut,
           errors=(409,), tags=("pool",))
def decline_claim(tag: str, body: DeclineIn):
    """Refuser la demande reçue pour son équipement (le donateur), avec un motif

    L'équipement revient dans la bourse ; le demandeur est informé et ne peut plus le redemander. 409
    `decline_period_over` après `decline_until`, 409 `reservation_decided` si la demande a déjà reçu sa réponse.
    """
    listing = _donors_reserved_listing(tag)
    pool_services.decline_claim(listing, current_user, body.reason)
    db.session.commit()
    return listing