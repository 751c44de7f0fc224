"""``/api/v1/campaigns``: grouped campaigns, through the same services as the campaign pages.

Member users (secretary, approver) set their member's commitment with ``PUT …/commitment``, the web form's
service (:func:`purchasing.campaigns.services.commit_quantity`) with its rules; purchasing officers close a
campaign as on its page. Campaigns are not member-owned (every member sees every campaign, as on the web);
a commitment is: a member user reads and writes only their own member's, the path names no member.
"""
from __future__ import annotations

from datetime import date

from flask import abort
from flask_login import current_user

from purchasing.accounts.models import Role
from purchasing.api.framework import api_route
from purchasing.api.schemas import CampaignOut, CampaignsQuery, CampaignSummaryOut, CommitmentIn
from purchasing.campaigns import services as campaigns
from purchasing.campaigns.models import Campaign
from purchasing.domain.states import CAMPAIGN
from purchasing.extensions import db

OFFICERS = (Role.PURCHASING_OFFICER, Role.ADMIN)
MEMBER = (Role.SECRETARY, Role.APPROVER)


def _summary(campaign: Campaign, committed: int) -> dict:
    return {"id": campaign.id, "title": campaign.title, "offer_id": campaign.offer_id,
            "product_id": campaign.offer.product_id, "product_name": campaign.offer.product.name,
            "status": campaign.status, "deadline": campaign.deadline, "min_quantity": campaign.min_quantity,
            "max_quantity": campaign.max_quantity, "committed_quantity": committed,
            "final_unit_price_ht": campaign.final_unit_price_ht}


def _with_totals(page: list[Campaign]) -> list[dict]:
    """The page's campaigns with their committed totals, read in one query for the whole page."""
    totals = campaigns.committed_totals(c.id for c in page)
    return [_summary(c, totals.get(c.id, 0)) for c in page]


def _campaign_or_404(campaign_id: int) -> Campaign:
    campaign = campaigns.load_campaign(campaign_id)
    if campaign is None:
        abort(404)
    return campaign


def _detail(campaign_id: int) -> dict:
    """The campaign as its page shows it to the caller: the caller's member's commitment and estimated price
    for a member user, every member's commitments for the staff."""
    campaign = _campaign_or_404(campaign_id)
    estimate = campaigns.estimate(campaign, current_user.member, date.today())
    member_id = current_user.member_id
    mine = next((c for c in campaign.commitments if c.member_id == member_id), None) if member_id else None
    priced = campaign.final_unit_price_ht is None
    return {**_summary(campaign, estimate.total),
            "unit_price_ht": estimate.unit_price_ht if priced else None,
            "next_break_quantity": estimate.next_break_quantity if priced else None,
            "next_unit_price_ht": estimate.next_unit_price_ht if priced else None,
            "my_commitment": mine,
            "commitments": None if member_id else list(campaign.commitments)}


def _reloaded(campaign_id: int) -> dict:
    """After a commit: the campaign and its commitments freshly read."""
    db.session.expire_all()
    return _detail(campaign_id)


@api_route("/campaigns", query=CampaignsQuery, response=CampaignSummaryOut, paginated=True,
           roles=OFFICERS + MEMBER, page_items=_with_totals, tags=("campaigns",))
def list_campaigns(query: CampaignsQuery):
    """Achats groupés

    Les achats groupés, la date limite la plus lointaine d'abord, comme la page « Achats groupés » :
    tous pour chaque rôle qui y a accès (les engagements d'un adhérent ne sont lus que par lui, sur
    `GET /api/v1/campaigns/{campaign_id}`). `status=open` : ceux qui acceptent des engagements.
    """
    return campaigns.list_campaigns(status=query.status)


@api_route("/campaigns/<int:campaign_id>", response=CampaignOut, roles=OFFICERS + MEMBER, errors=(409,),
           tags=("campaigns",))
def get_campaign(campaign_id: int):
    """Un achat groupé, avec l'engagement de son adhérent

    Pour un utilisateur d'un adhérent : le prix unitaire estimé de son adhérent au total actuel et au palier
    suivant, et l'engagement de son adhérent (`my_commitment`), jamais ceux des autres. Pour le personnel
    du syndicat : le prix fournisseur et les engagements de tous les adhérents (`commitments`). Sans grille
    tarifaire en vigueur, le prix d'un adhérent ne peut pas être estimé : 409 `no_tariff_grid`.
    """
    return _detail(campaign_id)


@api_route("/campaigns/<int:campaign_id>/commitment", methods=["PUT"], roles=MEMBER, body=CommitmentIn,
           response=CampaignOut, errors=(409,), tags=("campaigns",))
def put_commitment(campaign_id: int, body: CommitmentIn):
    """Engager son adhérent, changer la quantité engagée ou retirer l'engagement (quantité 0)

    Fixe la quantité engagée par l'adhérent de l'appelant, qui remplace la précédente (la même requête
    répétée donne le même engagement) ; 0 retire l'engagement (`my_commitment.status` = `withdrawn`, il ne
    compte plus ; 409 `no_commitment` si l'adhérent n'en a pas). Avant la date limite d'un achat groupé
    ouvert seulement (sinon 409
    `campaign_closed`, ou `status_changed` quand la clôture vient d'avoir lieu). Au-delà du maximum de
    l'achat groupé : 409 `campaign_max_exceeded`. Au-dessus du seuil d'approbation de l'adhérent au prix
    affiché, l'engagement attend son approbateur (`my_commitment.status` = `pending`) : non approuvé à la
    date limite, il est retiré à la clôture ; sinon il est approuvé aussitôt. Deux engagements simultanés
    du même adhérent sont enregistrés l'un après l'autre : un seul engagement, celui du dernier.
    """
    campaign = _campaign_or_404(campaign_id)
    campaigns.commit_quantity(campaign, current_user.member, body.quantity, date.today(), actor=current_user)
    db.session.commit()
    return _reloaded(campaign_id)


@api_route("/campaigns/<int:campaign_id>/close", methods=["POST"], roles=OFFICERS, response=CampaignOut,
           errors=(409,), tags=("campaigns",))
def close_campaign(campaign_id: int):
    """Clôturer un achat groupé (définitif)

    Le total des engagements approuvés fixe le palier de prix de tous ; sous la quantité minimale,
    l'achat groupé est annulé (`status` = `cancelled`). Avant la date limite, refusée tant que des
    engagements attendent leur approbateur (409 `commitments_pending`, leurs numéros dans `details`) ;
    après, ceux-là sont retirés (leurs adhérents prévenus). Un achat groupé déjà clos : 409.
    """
    campaign = _campaign_or_404(campaign_id)
    CAMPAIGN.check(campaign.status, "closed")
    campaigns.close_campaign(campaign, current_user, date.today())
    db.session.commit()
    return _reloaded(campaign_id)
