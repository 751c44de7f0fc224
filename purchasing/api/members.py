"""``/api/v1/me`` and ``/api/v1/members``: who am I, and the members I may see."""
from __future__ import annotations

from datetime import date

from flask_login import current_user

from purchasing.api.framework import api_route
from purchasing.api.schemas import MembersQuery, MemberOut, MeOut, SiteOut, SitesQuery
from purchasing.domain.errors import PricingError
from purchasing.members import services as members
from purchasing.members.models import Member
from purchasing.pricing.services import band_for
from purchasing.scoping import get_scoped_or_404, member_scope


def member_tier(member: Member) -> str | None:
    """The label of the member's population band in the tariff grid in force today; None without a grid."""
    try:
        return band_for(member, date.today())[1].label
    except PricingError:
        return None


@api_route("/me", response=MeOut, tags=("accounts",))
def me():
    """Mon compte : adresse, rôle et adhérent (avec sa tranche tarifaire)"""
    member = current_user.member
    return {
        "email": current_user.email,
        "full_name": current_user.full_name,
        "role": current_user.role,
        "member": None if member is None else {"id": member.id, "name": member.name, "tier": member_tier(member)},
    }


@api_route("/members", query=MembersQuery, response=MemberOut, paginated=True, tags=("members",))
def list_members(query: MembersQuery):
    """Adhérents

    Le personnel du syndicat voit tous les adhérents ; un utilisateur d'un adhérent ne voit que le sien.
    """
    return member_scope(members.search_members(query.q, query.kind or None), Member)


@api_route("/members/<int:member_id>", response=MemberOut, tags=("members",))
def get_member(member_id: int):
    """Un adhérent (404 pour un autre adhérent que le sien)"""
    return get_scoped_or_404(Member, member_id)


@api_route("/members/<int:member_id>/sites", query=SitesQuery, response=SiteOut, paginated=True, tags=("members",))
def list_member_sites(member_id: int, query: SitesQuery):
    """Sites de livraison d'un adhérent

    Le carnet d'adresses de l'adhérent, site par défaut en tête, sites désactivés compris (`is_active`).
    404 pour un autre adhérent que le sien.
    """
    member = get_scoped_or_404(Member, member_id)
    return members.member_sites(member.id)
