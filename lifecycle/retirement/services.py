"""End-of-life use case: retire an asset by one of the routes (reuse, donation, sale, WEEE, destruction, loss).

Load, call the domain, add and flush. Never commit (the view does, once).
"""
from __future__ import annotations

from datetime import date

from lifecycle.assets.models import Asset
from lifecycle.assets.services import change_asset_status, check_can_leave
from lifecycle.pool.services import open_listing_for, take_off_pool
from lifecycle.retirement.models import Retirement, RetirementRoute
from purchasing.domain.errors import N_, DomainError
from purchasing.domain.identifiers import is_valid_siret
from purchasing.extensions import db


# --- end of life ---------------------------------------------------------------------------------

ROUTES_LEAVING = {RetirementRoute.REUSED, RetirementRoute.DONATED, RetirementRoute.SOLD}


def retire_asset(asset: Asset, *, route: str, retired_on: date, actor, recipient: str = "",
                 recipient_siret: str = "", certificate_ref: str = "", note: str = "") -> Retirement:
    routes = {r.value for r in RetirementRoute}
    if route not in routes:
        raise DomainError(N_("Filière de sortie inconnue."), code="unknown_route")
    recipient, certificate_ref = (recipient or "").strip(), (certificate_ref or "").strip()
    siret = (recipient_siret or "").replace(" ", "").strip()
    if route == RetirementRoute.WEEE and not certificate_ref:
        raise DomainError(N_("Le recyclage par la filière DEEE exige la référence du certificat de l'éco-organisme."),
                          code="weee_certificate_required")
    if route == RetirementRoute.DONATED and not recipient:
        raise DomainError(N_("Un don exige le nom du bénéficiaire."), code="recipient_required")
    if siret and not is_valid_siret(siret):
        raise DomainError(N_("Le SIRET « %(siret)s » n'est pas valide (14 chiffres avec clé de "
                             "contrôle)."), params={"siret": siret},
                          code="invalid_siret")
    if route in ROUTES_LEAVING:
        check_can_leave(asset)
    listing = open_listing_for(asset)
    if listing is not None:
        take_off_pool(listing)
    change_asset_status(asset, "retired", actor, reason=note, kind="retired", route=route, recipient=recipient,
                        certificate_ref=certificate_ref)
    retirement = Retirement(asset_id=asset.id, member_id=asset.member_id, route=route, retired_on=retired_on,
                            recipient=recipient, recipient_siret=siret or None, certificate_ref=certificate_ref,
                            note=(note or "").strip())
    db.session.add(retirement)
    db.session.flush()
    return retirement
