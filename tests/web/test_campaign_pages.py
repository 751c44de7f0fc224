"""Grouped campaigns through the web: open, commit, estimate with the next break, close."""
from datetime import date, timedelta
from decimal import Decimal
from html import unescape

from sqlalchemy import select

from purchasing.campaigns.models import Campaign, CampaignCommitment
from purchasing.extensions import db


def test_officer_opens_member_commits_officer_closes(make_grid, make_offer, make_member, make_user, browser):
    make_grid()
    offer = make_offer(price="200.00", breaks=((10, "180.00"),))
    member = make_member(population=412, approval_threshold_ht=Decimal("2000.00"))  # 2 %; 6 units: no approval
    make_user(role="secretary", member=member, email="sec@a.test")
    make_user(role="purchasing_officer", email="po@s.test")
    browser.login("po@s.test")
    deadline = (date.today() + timedelta(days=10)).isoformat()
    response = browser.post_form("/campaigns/new", {"title": "Écrans", "offer_id": offer.id, "deadline": deadline,
                                                    "min_quantity": "5", "max_quantity": "100"})
    assert response.status_code == 302
    campaign = db.session.scalars(select(Campaign)).one()
    browser.logout()

    browser.login("sec@a.test")
    url = f"/campaigns/{campaign.id}"
    assert browser.post_form(f"{url}/commit", {"quantity": "6"}, page=url).status_code == 302
    html = unescape(browser.get(url).get_data(as_text=True))
    # 6 units: 200 × 1.02 = 204.00; from 10 units: 180 × 1.02 = 183.60
    assert "204,00" in html and "à partir de 10 unités au total : 183,60" in html
    browser.logout()

    browser.login("po@s.test")
    assert browser.post_form(f"{url}/close", {"confirm": "y"}, page=url).status_code == 302
    db.session.expire_all()
    commitment = db.session.scalars(select(CampaignCommitment)).one()
    assert db.session.get(Campaign, campaign.id).status == "closed"
    assert commitment.unit_price_ht == Decimal("204.00")

    assert browser.post_form(f"{url}/order", page=url).status_code == 302
    db.session.expire_all()
    from purchasing.orders.models import Order

    order = db.session.scalars(select(Order).where(Order.member_id == member.id)).one()
    assert order.status == "approved" and order.total_ht == Decimal("1224.00")  # 6 × 204.00
    assert [(e.to_status, e.is_automatic) for e in order.events] == [("submitted", False), ("approved", True)]
    assert db.session.get(Campaign, campaign.id).status == "ordered"
    assert browser.post_form(f"{url}/order", page=url).status_code == 409  # ordered → ordered: not allowed


def test_campaign_on_an_unknown_offer_is_refused(make_user, browser):
    make_user(role="purchasing_officer", email="po@s.test")
    browser.login("po@s.test")
    response = browser.post_form("/campaigns/new", {"offer_id": "999999", "deadline": date.today().isoformat(),
                                                    "min_quantity": "1"})
    # the offer is chosen from a searchable list: an unknown one is refused on its field (issue 15)
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 422 and "Aucune offre commandable aujourd'hui ne porte ce nom" in html
    assert 'value="999999"' in html  # what was typed is shown again
    assert db.session.scalars(select(Campaign)).first() is None


def test_refresh_catalogue_command(runner, make_offer):
    offer = make_offer(price="500.00")
    offer.unit_price_ht = Decimal("450.00")
    db.session.flush()
    result = runner.invoke(args=["refresh-catalogue"])
    assert result.exit_code == 0 and "produits recalculés" in result.output
    assert offer.product.min_price_ht == Decimal("450.00")


def test_a_member_withdraws_its_commitment_with_0_and_may_commit_again(make_grid, make_offer, make_member, make_user,
                                                                         browser):
    """The form's 0 withdraws (the API's quantity 0, the same service): no longer in the total, said on the page."""
    from purchasing.campaigns.services import create_campaign

    make_grid()
    offer = make_offer(price="200.00", breaks=((10, "180.00"),))
    member = make_member(population=412, approval_threshold_ht=Decimal("2000.00"))
    make_user(role="secretary", member=member, email="sec@a.test")
    officer = make_user(role="purchasing_officer", email="po@s.test")
    campaign = create_campaign(offer.id, "Écrans", date.today(), 1, None, officer, date.today())
    db.session.commit()
    browser.login("sec@a.test")
    url = f"/campaigns/{campaign.id}"
    assert browser.post_form(f"{url}/commit", {"quantity": "6"}, page=url).status_code == 302
    response = browser.post_form(f"{url}/commit", {"quantity": "0"}, page=url)
    assert response.status_code == 302
    html = unescape(browser.get(url).get_data(as_text=True))
    assert "Engagement retiré : votre collectivité ne participe plus à cet achat groupé." in html
    assert "Votre collectivité a retiré son engagement : il ne compte plus." in html
    assert "Quantité engagée : 6" not in html
    assert "<dt>Total engagé</dt><dd>0</dd>" in html
    assert "0 retire l'engagement de votre collectivité" in html  # the field says how
    db.session.expire_all()
    commitment = db.session.scalars(select(CampaignCommitment)).one()
    assert (commitment.status, commitment.quantity) == ("withdrawn", 6)
    assert browser.post_form(f"{url}/commit", {"quantity": "2"}, page=url).status_code == 302
    db.session.expire_all()
    assert db.session.scalars(select(CampaignCommitment.status)).one() == "approved"
