"""Where an asset is and who uses it: changed on the asset page, audited in its timeline."""
from html import unescape

from sqlalchemy import select

from lifecycle.assets.models import AssetEvent
from purchasing.extensions import db


def test_secretary_moves_an_asset_and_the_timeline_keeps_both_places(browser, make_member, make_user, make_asset):
    member = make_member()
    user = make_user(role="secretary", member=member, email="sec@test.local")
    asset = make_asset(member, "laptop", actor=user, site="Mairie", assigned_to="Accueil")
    browser.login("sec@test.local")
    page = f"/lifecycle/assets/{asset.id}"
    response = browser.post_form(f"/lifecycle/assets/{asset.id}/placement",
                                 {"place-site": "École", "place-assigned_to": "Classe de CM2",
                                  "place-reason": "Rentrée"}, page=page)
    assert response.status_code == 302
    db.session.refresh(asset)
    assert (asset.site_name, asset.assigned_to) == ("École", "Classe de CM2")
    event = db.session.scalars(select(AssetEvent).where(AssetEvent.asset_id == asset.id,
                                                        AssetEvent.kind == "placement")).one()
    assert event.details["from_site"] == "Mairie" and event.details["to_site"] == "École"
    html = unescape(browser.get(page).get_data(as_text=True))
    assert "Changement de site ou d'affectation" in html and "Mairie → École" in html


def test_too_long_site_is_refused_and_nothing_changes(browser, make_member, make_user, make_asset):
    member = make_member()
    user = make_user(role="secretary", member=member, email="sec@test.local")
    asset = make_asset(member, "laptop", actor=user, site="Mairie")
    browser.login("sec@test.local")
    response = browser.post_form(f"/lifecycle/assets/{asset.id}/placement", {"place-site": "x" * 201},
                                 page=f"/lifecycle/assets/{asset.id}")
    assert response.status_code == 422
    db.session.refresh(asset)
    assert asset.site_name == "Mairie"


def test_another_members_asset_is_404_and_an_approver_cannot_move(browser, make_member, make_user, make_asset):
    mine, other = make_member(), make_member()
    make_user(role="secretary", member=mine, email="sec@test.local")
    make_user(role="approver", member=mine, email="maire@test.local")
    theirs = make_asset(other, "laptop", actor=None, site="Salle des fêtes", assigned_to="Comité")
    own = make_asset(mine, "laptop", actor=None, site="Mairie", assigned_to="Accueil")

    def unchanged(asset, site, assigned_to):
        db.session.refresh(asset)
        events = db.session.scalars(select(AssetEvent).where(AssetEvent.asset_id == asset.id,
                                                             AssetEvent.kind == "placement")).all()
        return (asset.site_name, asset.assigned_to, events) == (site, assigned_to, [])

    # a secretary may move her member's assets, not another member's: 404, as if it did not exist
    browser.login("sec@test.local")
    response = browser.post_form(f"/lifecycle/assets/{theirs.id}/placement", {"place-site": "x"}, page="/")
    assert response.status_code == 404
    assert unchanged(theirs, "Salle des fêtes", "Comité")
    browser.logout()
    # an approver reads but does not move, not even her own member's asset: 403 (the role, before any lookup)
    browser.login("maire@test.local")
    for asset in (own, theirs):
        response = browser.post_form(f"/lifecycle/assets/{asset.id}/placement", {"place-site": "x"}, page="/")
        assert response.status_code == 403
    assert unchanged(own, "Mairie", "Accueil")
    assert unchanged(theirs, "Salle des fêtes", "Comité")
