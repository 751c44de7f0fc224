"""The agents' endpoint (/agent/<token>/, the OCS/FusionInventory protocol: zlib-compressed XML) and the enrolment
tokens' page; the inventory's hardware filters."""
from __future__ import annotations

import gzip
import re
import zlib

import pytest
from sqlalchemy import func, select

from lifecycle.agents import services as agents
from lifecycle.agents.models import AgentToken
from lifecycle.assets.models import Asset, AssetEvent, AssetHardware, AssetStorage
from lifecycle.imports import services as imports
from purchasing.extensions import db
from tests.web.test_catalogue_pages import count_queries
from tests.lifecycle.inventory_samples import REAL_AGENT_FILE, fusion_laptop

PROLOG = b"""<?xml version="1.0" encoding="UTF-8" ?>
<REQUEST><DEVICEID>pc-compta-2026-01-05-10-00-00</DEVICEID><QUERY>PROLOG</QUERY><TOKEN>12345678</TOKEN></REQUEST>"""


def _post(client, secret, xml: bytes, compress=zlib.compress, content_type="application/x-compress-zlib"):
    return client.post(f"/agent/{secret}/", data=compress(xml), content_type=content_type)


def _reply(response) -> str:
    body = response.get_data()
    if body[:1] == b"\x78":
        return zlib.decompress(body).decode()
    if body[:2] == b"\x1f\x8b":
        return gzip.decompress(body).decode()
    return body.decode()


@pytest.fixture
def enrolled(make_member):
    member = make_member()
    token, secret = agents.create_token(member.id, "Mairie", None)
    db.session.commit()
    return member, token, secret


def test_prolog_then_inventory_creates_then_updates(client, enrolled):
    member, token, secret = enrolled
    response = _post(client, secret, PROLOG)
    assert response.status_code == 200 and response.mimetype == "application/x-compress-zlib"
    assert re.search(r"<REPLY><RESPONSE>SEND</RESPONSE><PROLOG_FREQ>\d+</PROLOG_FREQ></REPLY>", _reply(response))
    assert db.session.scalar(select(func.count()).select_from(Asset).where(Asset.member_id == member.id)) == 0

    response = _post(client, secret, fusion_laptop(ram_modules=(4096,)))
    assert response.status_code == 200 and "<REPLY>" in _reply(response)
    asset = db.session.scalars(select(Asset).where(Asset.member_id == member.id)).one()
    hw = asset.hardware
    assert (asset.serial_number, asset.category.code, asset.designation) == ("PF2ABCDE", "laptop", "LENOVO ThinkPad T480")
    assert (hw.ram_mb, hw.os_label, hw.cpu_generation, hw.battery_health_pct, hw.has_hdd) == (4096, "Windows 10", "8",
                                                                                              76, True)
    assert hw.source == "agent" and hw.last_contact_dt is not None and hw.device_id == "pc-compta-2026-01-05-10-00-00"
    first_contact = hw.last_contact_dt

    # the same machine, another serial typed by a technician? no: same serial, more memory, the HDD replaced
    response = _post(client, secret, fusion_laptop(ram_modules=(8192, 8192), hdd_mb=0))
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Asset).where(Asset.member_id == member.id)) == 1
    hw = db.session.get(Asset, asset.id).hardware
    assert hw.ram_mb == 16384 and hw.has_hdd is False and hw.last_contact_dt >= first_contact
    [change] = db.session.scalars(select(AssetEvent.details).where(AssetEvent.asset_id == asset.id,
                                                                   AssetEvent.kind == "inventory_update")).all()
    assert change["changes"]["ram_mb"] == [4096, 16384] and change["changes"]["storage"] == ["ssd:250;hdd:500",
                                                                                              "ssd:250"]
    assert db.session.get(AgentToken, token.id).inventories == 2


def test_gzip_and_plain_messages_are_answered_alike(client, enrolled):
    _member, _token, secret = enrolled
    response = _post(client, secret, PROLOG, compress=gzip.compress, content_type="application/x-compress-gzip")
    assert response.mimetype == "application/x-compress-gzip" and "SEND" in _reply(response)
    response = _post(client, secret, PROLOG, compress=lambda b: b, content_type="application/xml")
    assert response.mimetype == "application/xml" and "SEND" in _reply(response)


def test_the_real_agent_file_of_a_virtual_machine(client, enrolled):
    member, _token, secret = enrolled
    assert _post(client, secret, REAL_AGENT_FILE.read_bytes()).status_code == 200
    asset = db.session.scalars(select(Asset).where(Asset.member_id == member.id)).one()
    assert asset.category.code == "virtual_machine" and asset.hardware.ram_mb == 24105
    from lifecycle.assets.services import carbon_summary

    assert carbon_summary(asset)["estimate"] is None  # no embodied carbon for a virtual machine


@pytest.mark.parametrize("secret_of", ["revoked", "unknown", "inactive"])
def test_a_revoked_or_unknown_token_is_401_and_nothing_written(client, enrolled, secret_of):
    member, token, secret = enrolled
    if secret_of == "revoked":
        agents.revoke_token(token, None)
        db.session.commit()
    elif secret_of == "inactive":
        member.is_active = False
        db.session.commit()
    else:
        secret = "not-a-token-of-ours"
    before = db.session.scalar(select(func.count()).select_from(Asset))
    response = _post(client, secret, fusion_laptop())
    assert response.status_code == 401
    assert response.headers["X-Error-Code"] == {"revoked": "agent_token_revoked", "unknown": "agent_token_unknown",
                                                "inactive": "agent_member_inactive"}[secret_of]
    assert any(word in response.get_data(as_text=True) for word in ("révoqué", "inconnu", "plus actif"))
    assert db.session.scalar(select(func.count()).select_from(Asset)) == before


def test_the_token_is_rate_limited(app, client, enrolled):
    _member, _token, secret = enrolled
    app.config["AGENT_RATE_LIMIT"] = 3
    try:
        assert [_post(client, secret, PROLOG).status_code for _ in range(4)] == [200, 200, 200, 429]
    finally:
        app.config["AGENT_RATE_LIMIT"] = 1200


@pytest.mark.parametrize("body, status, code", [
    (b"\x78\x9c not zlib at all", 400, "agent_message_corrupted"),
    (zlib.compress(b"<REQUEST><QUERY>PROLOG"), 400, "inventory_xml_invalid"),
    (zlib.compress(b"<REQUEST><QUERY>SNMPQUERY</QUERY></REQUEST>"), 400, "agent_query_unsupported"),
    (b"", 400, "agent_message_empty"),
    (zlib.compress(b"<REQUEST>" + b" " * (agents.MAX_MESSAGE_BYTES + 10) + b"</REQUEST>"), 413,
     "agent_message_too_large"),
])
def test_bad_messages_are_4xx_with_a_code(client, enrolled, body, status, code):
    _member, _token, secret = enrolled
    response = client.post(f"/agent/{secret}/", data=body, content_type="application/x-compress-zlib")
    assert response.status_code == status and response.headers["X-Error-Code"] == code


def test_another_members_serial_is_refused_and_said(client, enrolled, make_member, make_asset):
    _member, _token, secret = enrolled
    make_asset(make_member(), serial_number="PF2ABCDE")
    before = db.session.scalar(select(func.count()).select_from(AssetHardware))
    response = _post(client, secret, fusion_laptop())
    assert response.status_code == 409 and response.headers["X-Error-Code"] == "agent_inventory_refused"
    assert "autre adhérent" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(AssetHardware)) == before


def test_the_endpoint_needs_no_csrf_and_only_post(client, enrolled):
    _member, _token, secret = enrolled
    assert client.get(f"/agent/{secret}/").status_code == 405


# --- tokens page ------------------------------------------------------------------------------------

def test_a_secretary_creates_a_token_shown_once_and_revokes_it(browser, make_member, make_user):
    member = make_member()
    make_user(member=member, email="sec-agents@test.local")
    browser.login("sec-agents@test.local")
    response = browser.post_form("/lifecycle/agents", {"name": "Écoles"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "il ne sera plus affiché" in html
    url = re.search(r'value="(http://[^"]+/agent/([^"/]+)/)"', html)
    secret = url.group(2)
    token = db.session.scalars(select(AgentToken).where(AgentToken.member_id == member.id)).one()
    assert token.token_hash == agents.hash_token(secret) and secret not in token.token_hash and token.name == "Écoles"
    html = browser.get("/lifecycle/agents").get_data(as_text=True)
    assert secret not in html and token.prefix in html  # never shown again
    assert browser.post_form(f"/lifecycle/agents/{token.id}/revoke", page="/lifecycle/agents").status_code == 302
    db.session.expire_all()
    assert db.session.get(AgentToken, token.id).revoked_dt is not None
    assert browser.client.post(f"/agent/{secret}/", data=zlib.compress(PROLOG)).status_code == 401


def test_another_members_token_cannot_be_revoked(browser, make_member, make_user):
    mine, theirs = make_member(), make_member()
    make_user(member=mine, email="sec-a-agents@test.local")
    token, _secret = agents.create_token(theirs.id, "", None)
    db.session.commit()
    browser.login("sec-a-agents@test.local")
    assert browser.post_form(f"/lifecycle/agents/{token.id}/revoke", page="/lifecycle/agents").status_code == 404
    assert token.prefix not in browser.get("/lifecycle/agents").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(AgentToken, token.id).revoked_dt is None


# --- inventory filters ------------------------------------------------------------------------------

def _statements(browser, url):
    with count_queries() as statements:
        html = browser.get(url).get_data(as_text=True)
    return html, len(statements)


def test_hardware_filters_in_sql(browser, make_member, make_user):
    member = make_member()
    make_user(member=member, email="sec-filters@test.local")
    rows = ["category_code;designation;serial_number;ram_mb;storage;os_name;os_version",
            "laptop;Vieux portable;F-OLD;4096;hdd:500;Microsoft Windows 10 Professionnel;22H2",
            "laptop;Portable récent;F-NEW;16384;nvme:512;Windows 11 Pro;23H2",
            "desktop;Tour;F-TOWER;8192;\"ssd:256;hdd:1000\";Microsoft Windows 10 Famille;21H2",
            "desktop;Sans détail;F-BARE;;;;"]
    report = imports.run_import("parc.csv", ("\n".join(rows) + "\n").encode(), member.id, None, dry_run=False)
    assert report.ok, report.errors
    db.session.commit()
    browser.login("sec-filters@test.local")
    tags = dict(db.session.execute(select(Asset.serial_number, Asset.tag).where(Asset.member_id == member.id)).all())

    def shown(query):
        html = browser.get("/lifecycle/?" + query).get_data(as_text=True)
        return {serial for serial, tag in tags.items() if tag in html}

    assert shown("ram_below=8192") == {"F-OLD"}
    assert shown("ram_below=16384") == {"F-OLD", "F-TOWER"}
    assert shown("hdd=y") == {"F-OLD", "F-TOWER"}
    assert shown("os=Windows+10") == {"F-OLD", "F-TOWER"}
    assert shown("os=Windows+10&ram_below=8192") == {"F-OLD"}
    assert shown("") == {"F-OLD", "F-NEW", "F-TOWER", "F-BARE"}
    html = browser.get("/lifecycle/").get_data(as_text=True)
    assert '<option value="Windows 10">Windows 10</option>' in html and "Windows 11" in html
    assert db.session.scalar(select(func.count()).select_from(AssetStorage)) >= 4
    # bounded queries whatever the number of rows shown
    _html, few = _statements(browser, "/lifecycle/?hdd=y")
    imports.run_import("parc2.csv", ("\n".join([rows[0]] + [f"laptop;PC {n};G-{n};4096;hdd:320;Windows 10;"
                                                            for n in range(15)]) + "\n").encode(),
                       member.id, None, dry_run=False)
    db.session.commit()
    _html, many = _statements(browser, "/lifecycle/?hdd=y")
    assert few == many


def test_the_api_shows_the_hardware_details(client, enrolled, make_user):
    from purchasing.api.services import issue_token

    member, _token, secret = enrolled
    assert _post(client, secret, fusion_laptop()).status_code == 200
    asset = db.session.scalars(select(Asset).where(Asset.member_id == member.id)).one()
    _api_token, bearer = issue_token(make_user(member=member), "test")
    db.session.commit()
    headers = {"Authorization": f"Bearer {bearer}"}
    detail = client.get(f"/api/v1/assets/{asset.tag}", headers=headers).get_json()
    hw = detail["hardware"]
    assert (hw["ram_mb"], hw["os_label"], hw["device_id"], hw["source"]) == (
        16384, "Windows 10", "pc-compta-2026-01-05-10-00-00", "agent")
    assert hw["storages"] == [{"type": "ssd", "size_gb": 250}, {"type": "hdd", "size_gb": 500}]
    listed = client.get("/api/v1/assets", headers=headers).get_json()
    [item] = [a for a in listed["items"] if a["tag"] == asset.tag]
    assert item["hardware"]["cpu"].startswith("Intel(R) Core(TM) i5-8250U") and item["hardware"]["last_contact_dt"]


def test_the_pages_in_english(browser, make_member, make_user, client, enrolled):
    member, _token, secret = enrolled
    make_user(member=member, email="sec-en-agents@test.local")
    assert _post(client, secret, fusion_laptop()).status_code == 200
    asset = db.session.scalars(select(Asset).where(Asset.member_id == member.id)).one()
    browser.login("sec-en-agents@test.local")
    browser.post_form("/language", {"locale": "en", "next": "/lifecycle/agents"}, page="/lifecycle/agents")
    html = browser.get("/lifecycle/agents").get_data(as_text=True)
    assert "Inventory agents" in html and "New token" in html and "Agents d'inventaire" not in html
    html = browser.get(f"/lifecycle/assets/{asset.id}").get_data(as_text=True)
    assert "Hardware" in html and "Battery health" in html and "Agent's last contact" in html
    html = browser.get("/lifecycle/").get_data(as_text=True)
    assert "less than 8 GB" in html and "With a hard disk drive (HDD)" in html
