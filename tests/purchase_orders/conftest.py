"""A purchase order of two members (two delivery sites, two VAT rates) with the legal identity complete."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from purchasing.domain.identifiers import luhn_check_digit
from purchasing.extensions import db
from purchasing.orders import services as orders

TODAY = date.today()


def siret_for(siren: str, nic: str = "0001") -> str:
    return siren + nic + luhn_check_digit(siren + nic)


SYNDICATE_SIRET = siret_for("25240001" + luhn_check_digit("25240001"))


@pytest.fixture
def syndicate(app):
    from purchasing.syndicate.services import IdentityData, update_identity

    return update_identity(IdentityData(
        name="Syndicat numérique test", siret=SYNDICATE_SIRET, address="2 place Hoche", postal_code="24000",
        city="Périgueux", email="achats@syndicat.test", phone="05 53 00 00 00", signatory_name="Claire Dumas",
        signatory_title="Présidente"))


def give_identity(member, *, nic="0001", label="Budget principal", service_code="", engagement_required=False,
                  site_name="Mairie", billing=True):
    """The member's postal address, a SIRET (the billing one unless ``billing=False``) and a default site."""
    from purchasing.domain.sites import site_key
    from purchasing.members.models import MemberSiret, Site

    member.postal_address, member.postal_code, member.city = "1 place de la Mairie", "24420", member.name
    member.chorus_service_code, member.engagement_required = service_code, engagement_required
    db.session.add(MemberSiret(member_id=member.id, siret=siret_for(member.siren, nic), label=label,
                               is_billing=billing))
    site = Site(member_id=member.id, name=site_name, name_key=site_key(site_name), address="3 rue des Écoles",
                postal_code="24420", city=member.name, opening_hours="lun.-ven. 9 h-12 h",
                contact_name="Sophie Secrétaire", contact_phone="05 53 11 11 11",
                contact_email=f"mairie{member.id}@commune.test", is_default=True)
    db.session.add(site)
    db.session.flush()
    db.session.expire(member, ["sirets"])
    return site


def place(user, offer, quantity, site, engagement=""):
    orders.add_to_cart(user, offer.id, quantity, TODAY)
    cart = orders.get_cart(user)
    orders.update_cart(cart, {}, site.full_address, "", TODAY)
    cart.delivery_site_id, cart.engagement_number = site.id, engagement
    db.session.flush()
    return orders.submit_order(cart, user, TODAY)


@pytest.fixture
def po_world(app, syndicate, make_grid, make_offer, make_member, make_user):
    """Commune A (20 %: 2 × 849.99) and CCAS B (5.5 %: 1 × 3.00, Chorus code and engagement number required),
    both approved, on one draft purchase order of the contract's supplier (order address set, Order-X read)."""
    from purchasing.purchase_orders import services as pos

    make_grid()
    laptop = make_offer(price="849.99", breaks=())
    supplier = laptop.contract.supplier
    supplier.address, supplier.postal_code, supplier.city = "10 rue du Port", "33000", "Bordeaux"
    supplier.contact_email, supplier.order_email = "contact@fournisseur.test", "commandes@fournisseur.test"
    supplier.accepts_order_x = True
    aid = make_offer(price="3.00", breaks=(), contract=laptop.contract, vat_rate=Decimal("0.0550"))
    commune = make_member(name="Commune A", approval_threshold_ht=Decimal("100000.00"), billing_siret=False)
    ccas = make_member(name="CCAS de B", kind="ccas", approval_threshold_ht=Decimal("100000.00"),
                       billing_siret=False)
    site_a = give_identity(commune)
    site_b = give_identity(ccas, label="CCAS", service_code="SERV-CCAS", engagement_required=True,
                           site_name="Foyer")
    officer = make_user(role="purchasing_officer", email="achats@syndicat.test")
    order_a = place(make_user(role="secretary", member=commune), laptop, 2, site_a)
    order_b = place(make_user(role="secretary", member=ccas), aid, 1, site_b, engagement="ENG-2026-42")
    po = pos.create_purchase_order(laptop.contract_id, officer)
    db.session.flush()
    return {"po": po, "officer": officer, "commune": commune, "ccas": ccas, "orders": (order_a, order_b),
            "supplier": supplier, "sites": (site_a, site_b)}
