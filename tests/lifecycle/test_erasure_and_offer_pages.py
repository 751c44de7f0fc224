"""The asset page's erasure and pool-offer forms: NIST guidance per storage, certificate references checked, the
offer's condition proposed from the device's age, a warning when data have not been erased."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from lifecycle.assets.models import DataErasure
from purchasing.extensions import db


def _owner(browser, make_member, make_user, make_asset, **kw):
    member = make_member()
    make_user(member=member, email=f"owner{member.id}@erase.test")
    browser.login(f"owner{member.id}@erase.test")
    return make_asset(member, **kw)


def test_a_bad_certificate_reference_is_an_error_on_its_field_and_nothing_is_written(
        browser, make_member, make_user, make_asset):
    asset = _owner(browser, make_member, make_user, make_asset)
    page = f"/lifecycle/assets/{asset.id}"
    data = {"erasure-method": "nist_purge", "erasure-performed_on": "2026-01-05", "erasure-operator": "Atelier",
            "erasure-certificate_ref": "n'importe quoi"}
    response = browser.post_form(f"{page}/erasure", data, page=page)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="erasure-certificate_ref-error"' in html
    assert "par exemple EFF-2026-0042" in html and 'value="Atelier"' in html  # what was typed is kept
    assert db.session.scalar(select(func.count()).select_from(DataErasure)) == 0
    response = browser.post_form(f"{page}/erasure", {**data, "erasure-certificate_ref": "EFF-2026-0042"}, page=page)
    assert response.status_code == 302
    assert db.session.scalar(select(DataErasure.certificate_ref)) == "EFF-2026-0042"


def test_the_api_refuses_the_same_references(client, make_member, make_user, make_asset):
    from purchasing.api.services import issue_token

    member = make_member()
    user = make_user(member=member, email="api@erase.test")
    asset = make_asset(member)
    headers = {"Authorization": f"Bearer {issue_token(user, 't')[1]}"}
    body = {"method": "nist_purge", "performed_on": "2026-01-05", "operator": "Atelier"}
    response = client.post(f"/api/v1/assets/{asset.tag}/erasure", json={**body, "certificate_ref": "certificat"},
                           headers=headers)
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(DataErasure)) == 0
    response = client.post(f"/api/v1/assets/{asset.tag}/erasure", json={**body, "certificate_ref": "EFF-7"},
                           headers=headers)
    assert response.status_code in (200, 201), response.get_data(as_text=True)


def test_guidance_for_the_devices_storage_is_shown_with_the_erasure_form(browser, make_member, make_user, make_asset):
    laptop = _owner(browser, make_member, make_user, make_asset)
    html = browser.get(f"/lifecycle/assets/{laptop.id}").get_data(as_text=True)
    guidance = html[html.index('id="erasure-guidance"'):]
    guidance = guidance[:guidance.index("</div>")]
    assert "Disque dur (HDD)" in guidance and "SSD ou mémoire flash" in guidance  # disks unknown: both
    phone = make_asset(laptop.member, code="smartphone")
    html = browser.get(f"/lifecycle/assets/{phone.id}").get_data(as_text=True)
    guidance = html[html.index('id="erasure-guidance"'):]
    assert "Téléphone ou tablette" in guidance[:guidance.index("</div>")]
    assert "Disque dur (HDD)" not in guidance[:guidance.index("</div>")]


def test_an_old_device_is_not_offered_as_new_and_missing_erasure_is_said(browser, make_member, make_user, make_asset):
    asset = _owner(browser, make_member, make_user, make_asset,
                   acquisition_date=date(2019, 3, 1), condition="new")
    page = f"/lifecycle/assets/{asset.id}"
    html = browser.get(page).get_data(as_text=True)
    offer = html[html.index('name="offer-condition"'):]
    offer = offer[:offer.index("</select>")]
    assert '<option selected value="good">' in offer or 'value="good" selected' in offer
    assert 'id="offer-erasure-warning"' in html
    response = browser.post_form(f"{page}/offer", {"offer-condition": "good", "offer-note": ""}, page=page)
    assert response.status_code == 302
    assert "aucun adhérent ne pourra obtenir cet équipement" in browser.get(page).get_data(as_text=True)


def test_the_asset_pages_actions_are_closed_until_one_is_needed(browser, make_member, make_user, make_asset):
    """Issue 15: the asset page showed six action forms at once. Each is now a closed disclosure named by its title;
    the one whose form came back with an error is open."""
    import re

    asset = _owner(browser, make_member, make_user, make_asset)
    page = f"/lifecycle/assets/{asset.id}"
    html = browser.get(page).get_data(as_text=True)
    actions = re.findall(r'<details class="card action"( open)?>', html)
    assert len(actions) >= 6 and not any(actions)
    response = browser.post_form(f"{page}/erasure", {"erasure-method": "nist_purge", "erasure-performed_on": "2026-01-05",
                                                     "erasure-operator": "", "erasure-certificate_ref": "EFF-1"},
                                 page=page)
    html = response.get_data(as_text=True)
    opened = re.findall(r'<details class="card action" open>\s*<summary><h3>([^<]+)</h3>', html)
    assert response.status_code == 422 and opened == ["Enregistrer un effacement des données"]
