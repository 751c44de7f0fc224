"""The inventory uses the member's sites: the filter's choices come from the site table, spellings resolve to
one site, an import's unknown location creates a site of that member."""
from __future__ import annotations

from html import unescape

from sqlalchemy import func, select

from purchasing.extensions import db
from purchasing.members.models import Site
from purchasing.members.services import resolve_sites


def test_resolve_sites_matches_by_key_and_creates_the_missing_ones_once(make_member):
    member, other = make_member(), make_member()
    created: list[str] = []
    ids = resolve_sites(member.id, ["MAIRIE", "mairie ", "École  du Bourg", "ecole du bourg", "", "Gymnase"],
                        created=created)
    assert ids["MAIRIE"] == ids["mairie "] == int(_default(member))  # the fixture's "Mairie"
    assert ids["École  du Bourg"] == ids["ecole du bourg"] and "" not in ids
    assert created == ["École du Bourg", "Gymnase"]
    again: list[str] = []
    assert resolve_sites(member.id, ["ÉCOLE DU BOURG", "gymnase"], created=again) == {
        "ÉCOLE DU BOURG": ids["ecole du bourg"], "gymnase": ids["Gymnase"]}
    assert again == []
    # another member's sites are its own
    assert resolve_sites(other.id, ["Gymnase"])["Gymnase"] != ids["Gymnase"]
    assert db.session.scalar(select(func.count(Site.id)).where(Site.member_id == member.id)) == 3


def _default(member) -> str:
    from tests.conftest import default_site_id

    return default_site_id(member)


def test_inventory_filter_by_site_uses_the_member_sites(browser, make_member, make_user, make_asset):
    member, other = make_member(), make_member()
    make_user(role="secretary", member=member, email="sec@a.test")
    at_hall = make_asset(member, site="Mairie", designation="Portable mairie")
    at_school = make_asset(member, site="École", designation="Portable école")
    make_asset(other, site="Gymnase", designation="Portable autre")
    school_id = at_school.site_id
    browser.login("sec@a.test")
    html = unescape(browser.get("/lifecycle/").get_data(as_text=True))
    start = html.index('id="site"')
    select_html = html[start:html.index("</select>", start)]
    assert "Mairie" in select_html and "École" in select_html and "Gymnase" not in select_html
    filtered = unescape(browser.get(f"/lifecycle/?site={school_id}").get_data(as_text=True))
    assert at_school.tag in filtered and at_hall.tag not in filtered
    # another member's site id filters nothing in (member scope)
    foreign = db.session.scalar(select(Site.id).where(Site.member_id == other.id, Site.name == "Gymnase"))
    response = browser.get(f"/lifecycle/?site={foreign}")
    assert response.status_code in (200, 422) and "Portable autre" not in unescape(response.get_data(as_text=True))
