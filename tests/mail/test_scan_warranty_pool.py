"""The daily scan (contracts, campaigns, warranties: idempotent), the asset warranty end date (receiving,
asset page, import), and the delivery and reuse-pool messages."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from lifecycle.assets import services as lifecycle
from lifecycle.assets.models import Asset, AssetEvent
from lifecycle.imports import services as imports
from lifecycle.pool import services as pool_services
from purchasing.accounts.models import Role
from purchasing.catalogue.models import Category
from purchasing.extensions import db
from purchasing.mail.models import MessageStatus, OutboxMessage
from purchasing.mail.scan import scan


def _laptop():
    return db.session.scalars(select(Category).where(Category.code == "laptop")).one()


def _to(address):
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == address)
                              .order_by(OutboxMessage.id)).all()


@pytest.fixture
def people(make_member, make_user):
    a, b = make_member(name="Commune Alpha"), make_member(name="Commune Bêta")
    return {"a": a, "b": b,
            "sec_a": make_user(role=Role.SECRETARY, member=a, email="sec@alpha.test", full_name="Anne Alpha"),
            "sec_a2": make_user(role=Role.SECRETARY, member=a, email="sec2@alpha.test"),
            "sec_b": make_user(role=Role.SECRETARY, member=b, email="sec@beta.test"),
            "officer": make_user(role=Role.PURCHASING_OFFICER, email="achats@syndicat.test")}


def test_scan_warns_once_per_object_and_threshold(app, people, make_offer, runner):
    today = date.today()
    consumed = make_offer(max_amount="10000.00", committed="8000.00").contract  # 80 %: warned
    make_offer(max_amount="10000.00", committed="7999.00")  # under 80 %: not warned
    ending = make_offer().contract
    ending.end_on = today + timedelta(days=90)
    far = make_offer().contract  # ends in 2099
    from purchasing.campaigns.models import Campaign

    offer = make_offer()
    soon = Campaign(title="Écrans 24 pouces", offer_id=offer.id, deadline=today + timedelta(days=3), status="open",
                    created_by_id=people["officer"].id)
    later = Campaign(title="Portables", offer_id=offer.id, deadline=today + timedelta(days=20), status="open",
                     created_by_id=people["officer"].id)
    db.session.add_all([soon, later])
    in_window = lifecycle.create_asset(member_id=people["a"].id, category=_laptop(), designation="PC garanti",
                                       warranty_end_date=today + timedelta(days=60))
    lifecycle.create_asset(member_id=people["a"].id, category=_laptop(), designation="PC loin",
                           warranty_end_date=today + timedelta(days=61))
    lifecycle.create_asset(member_id=people["b"].id, category=_laptop(), designation="PC expiré",
                           warranty_end_date=today - timedelta(days=1))
    db.session.flush()

    report = scan(today)
    assert report.written == {"contract_consumption": 1, "contract_expiry": 1, "campaign_opened": 6,
                              "campaign_closing": 3, "warranty": 2}
    officer_subjects = [m.subject for m in _to("achats@syndicat.test")]
    assert officer_subjects == [f"Contrat {consumed.reference} consommé à 80.0 %",
                                f"Contrat {ending.reference} : échéance le {ending.end_on:%d/%m/%Y}"]
    assert far.reference not in " ".join(officer_subjects)
    alpha = _to("sec@alpha.test")
    assert sorted(m.subject for m in alpha if m.kind == "warranty") == [
        f"Fin de garantie le {in_window.warranty_end_date:%d/%m/%Y} : PC garanti ({in_window.tag})"]
    # campaigns and warranties go to the daily digest by default
    assert {m.status for m in alpha} == {MessageStatus.DIGEST}
    assert "Commune Alpha" in alpha[0].text_body

    assert scan(today).written == {}  # idempotent: the keys name the object and the threshold
    result = runner.invoke(args=["notify", "scan"])
    assert result.exit_code == 0 and "rien de nouveau" in result.output
    # a changed warranty date is a new event
    lifecycle.update_warranty(in_window, today + timedelta(days=59), actor=None)
    assert scan(today).written == {"warranty": 2}


def test_receiving_sets_the_warranty_from_the_product(app, make_offer, make_member, make_user, make_grid):
    from purchasing.orders import services as orders
    from purchasing.purchase_orders import services as pos

    member = make_member(approval_threshold_ht=Decimal("100000.00"))
    secretary = make_user(role=Role.SECRETARY, member=member)
    officer = make_user(role=Role.PURCHASING_OFFICER)
    make_grid()
    offer = make_offer(warranty_years=3)
    today = date.today()
    orders.add_to_cart(secretary, offer.id, 2, today)
    cart = orders.get_cart(secretary)
    orders.update_cart(cart, {}, "Mairie", "", today)
    orders.submit_order(cart, secretary, today)
    po = pos.create_purchase_order(offer.contract_id, officer)
    pos.send_purchase_order(po, officer)
    pos.record_delivery(po, {po.lines[0].id: "1"}, {}, officer)
    [asset] = db.session.scalars(select(Asset).where(Asset.member_id == member.id)).all()
    assert asset.warranty_end_date == lifecycle.warranty_end_from(asset.acquisition_date, 3)
    assert asset.warranty_end_date.year == asset.acquisition_date.year + 3
    # and the member is told of the delivery
    [delivered] = [m for m in _to(secretary.email) if m.kind == "delivery_recorded"]
    assert "livraison reçue" in delivered.subject and "1 unité(s)" in delivered.text_body
    assert lifecycle.warranty_end_from(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert lifecycle.warranty_end_from(date(2024, 5, 1), 0) is None


def test_the_warranty_end_is_edited_on_the_asset_page(app, browser, people):
    asset = lifecycle.create_asset(member_id=people["a"].id, category=_laptop(), designation="PC")
    browser.login("sec@alpha.test")
    assert "Fin de garantie" in browser.get(f"/lifecycle/assets/{asset.id}").get_data(as_text=True)
    response = browser.post_form(f"/lifecycle/assets/{asset.id}/warranty",
                                 {"warranty-warranty_end_date": "2027-06-30"}, page=f"/lifecycle/assets/{asset.id}")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Asset, asset.id).warranty_end_date == date(2027, 6, 30)
    event = db.session.scalars(select(AssetEvent).where(AssetEvent.asset_id == asset.id,
                                                        AssetEvent.kind == "warranty")).one()
    assert event.details == {"from_warranty_end": None, "to_warranty_end": "2027-06-30"}
    bad = browser.post_form(f"/lifecycle/assets/{asset.id}/warranty", {"warranty-warranty_end_date": "30/30/2027"},
                            page=f"/lifecycle/assets/{asset.id}")
    assert bad.status_code == 422
    other = lifecycle.create_asset(member_id=people["b"].id, category=_laptop(), designation="PC")
    assert browser.post_form(f"/lifecycle/assets/{other.id}/warranty", {"warranty-warranty_end_date": "2027-06-30"},
                             page="/").status_code == 404


@pytest.mark.parametrize("header", ["fin de garantie", "Warranty End", "warranty_end_date"])
def test_the_warranty_end_is_imported(app, people, header):
    data = (f"category_code;designation;serial_number;{header}\n"
            "laptop;PC un;SN-GAR-1;2027-01-31\nlaptop;PC deux;SN-GAR-2;31/12/2026\nlaptop;PC trois;SN-GAR-3;\n")
    report = imports.run_import("inventaire.csv", data.encode(), people["a"].id, None, dry_run=False)
    assert report.ok and report.imported == 3
    ends = dict(db.session.execute(select(Asset.serial_number, Asset.warranty_end_date)
                                   .where(Asset.member_id == people["a"].id)).all())
    assert ends == {"SN-GAR-1": date(2027, 1, 31), "SN-GAR-2": date(2026, 12, 31), "SN-GAR-3": None}


def test_a_bad_warranty_date_is_a_row_error(app, people):
    data = "category_code;designation;fin de garantie\nlaptop;PC;bientôt\n".encode()
    report = imports.run_import("inventaire.csv", data, people["a"].id, None, dry_run=False)
    assert [(e.row, e.column) for e in report.errors] == [(2, "warranty_end_date")]
    assert report.imported == 0


def test_pool_claims_tell_the_donor_and_the_claimant(app, people):
    from purchasing.notifications.models import Notification

    asset = lifecycle.create_asset(member_id=people["b"].id, category=_laptop(), designation="Portable donné")
    # the donor must have recorded the erasure before the claim
    lifecycle.record_erasure(asset, method="nist_purge", performed_on=date.today(), operator="Atelier",
                             certificate_ref="C-1", actor=None)
    listing = pool_services.offer_to_pool(asset, condition="good", note="", actor=people["sec_b"])
    # the purchasing officer claims it on behalf of Alpha: the donor is asked, with the date its right ends
    pool_services.claim_listing(listing, people["a"].id, people["officer"])
    [donor] = _to("sec@beta.test")
    assert donor.kind == "pool" and "Commune Alpha demande votre équipement" in donor.subject
    assert "Commune Bêta" in donor.text_body and "refuser en disant pourquoi jusqu'au" in donor.text_body
    assert f"/lifecycle/assets/{asset.id}" in donor.link
    [asked] = db.session.scalars(select(Notification).where(Notification.user_id == people["sec_b"].id)).all()
    assert asked.link.endswith(f"/lifecycle/assets/{asset.id}") and not asked.is_read
    claimants = [m for m in _to("sec@alpha.test") + _to("sec2@alpha.test")]
    assert len(claimants) == 2 and all("pour Commune Alpha" in m.text_body for m in claimants)
    assert all("réservé" in m.subject for m in claimants)
    # the donor gives it: the claimant's secretaries are told it is theirs, the donor's request is settled
    pool_services.confirm_claim(listing, people["sec_b"])
    given = [m for m in _to("sec@alpha.test") + _to("sec2@alpha.test") if "donné" in m.subject]
    assert len(given) == 2 and all("figure désormais dans votre inventaire" in m.text_body for m in given)
    assert f"/lifecycle/assets/{asset.id}" in given[0].link
    assert len(_to("sec@beta.test")) == 1  # the donor who confirmed is not told what she just did
    db.session.refresh(asked)
    assert asked.is_read

    # a secretary who claims herself is not told what she just did; her colleague is
    second = lifecycle.create_asset(member_id=people["b"].id, category=_laptop(), designation="Écran donné")
    lifecycle.record_erasure(second, method="nist_purge", performed_on=date.today(), operator="Atelier",
                             certificate_ref="C-2", actor=None)
    listing = pool_services.offer_to_pool(second, condition="good", note="", actor=people["sec_b"])
    pool_services.claim_listing(listing, people["a"].id, people["sec_a"])
    assert len(_to("sec@alpha.test")) == 2 and len(_to("sec2@alpha.test")) == 3
    # declined: the claimant's secretaries are told why
    pool_services.decline_claim(listing, people["sec_b"], "Promis à l'école de la commune")
    declined = [m for m in _to("sec@alpha.test") if "ne donne pas" in m.subject]
    assert len(declined) == 1 and "Motif : Promis à l'école de la commune" in declined[0].text_body
