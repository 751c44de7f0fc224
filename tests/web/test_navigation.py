"""The main menu (issue 15): exactly one current entry on every page, and the administrator's menu grouped."""
from __future__ import annotations

import re

import pytest

from purchasing.navigation import flat_items


def _nav(html: str) -> str:
    return re.search(r'<nav class="main-nav".*?</nav>', html, re.S).group(0)


def _current(html: str) -> list[str]:
    return re.findall(r'<a href="[^"]*" aria-current="page">([^<]+)</a>', _nav(html))


def _top_level(html: str) -> list[str]:
    """The menu's first-level entries: links and group names (a group's links are inside its <details>)."""
    nav = re.sub(r"<details class=\"nav-group__details\">.*?<summary[^>]*>([^<]+)</summary>.*?</details>", r"<a>\1</a>",
                 _nav(html), flags=re.S)
    return re.findall(r"<a[^>]*>([^<]+)</a>", nav)


@pytest.fixture
def users(app, make_member, make_user):
    member = make_member()
    make_user("approver", member=member, email="mayor@test.local")
    make_user("secretary", member=member, email="sec@test.local")
    make_user("admin", email="admin@test.local")
    make_user("purchasing_officer", email="po@test.local")
    return member


@pytest.mark.parametrize(("email", "url", "entry"), [
    ("mayor@test.local", "/", "Accueil"),
    ("mayor@test.local", "/orders/to-approve", "À approuver"),  # was also "Commandes"
    ("mayor@test.local", "/orders/", "Commandes"),
    ("sec@test.local", "/lifecycle/pool", "Bourse de réemploi"),  # was also "Inventaire"
    ("sec@test.local", "/lifecycle/audits", "Inventaires physiques"),
    ("sec@test.local", "/lifecycle/", "Inventaire"),
    ("po@test.local", "/purchase-orders/to-place", "Bons de commande"),
    ("po@test.local", "/contracts/", "Contrats"),  # was also "Bons de commande"
])
def test_exactly_one_entry_is_current(users, browser, email, url, entry):
    browser.login(email)
    html = browser.get(url).get_data(as_text=True)
    assert _current(html) == [entry]


def test_a_page_without_its_own_entry_marks_its_area(users, browser, make_offer):
    browser.login("po@test.local")
    contract_id = make_offer().contract_id
    html = browser.get(f"/contracts/{contract_id}").get_data(as_text=True)
    assert _current(html) == ["Contrats"]


def test_an_order_waiting_for_the_approver_belongs_to_a_approuver(users, browser, make_user, make_offer):
    from decimal import Decimal

    from purchasing.extensions import db
    from purchasing.orders.models import Order

    author = make_user("secretary", member=users)
    waiting = Order(member_id=users.id, created_by_id=author.id, status="submitted", reference="CMD-NAV-1",
                    total_ht=Decimal("10.00"))
    approved = Order(member_id=users.id, created_by_id=author.id, status="approved", reference="CMD-NAV-2",
                     total_ht=Decimal("10.00"))
    db.session.add_all([waiting, approved])
    db.session.flush()
    browser.login("mayor@test.local")
    assert _current(browser.get(f"/orders/{waiting.id}").get_data(as_text=True)) == ["À approuver"]
    assert _current(browser.get(f"/orders/{approved.id}").get_data(as_text=True)) == ["Commandes"]


def test_the_administrators_menu_is_grouped_on_one_line(users, browser):
    browser.login("admin@test.local")
    html = browser.get("/admin/users").get_data(as_text=True)
    top = _top_level(html)
    assert len(top) <= 10, top
    assert {"Marchés", "Parc", "Rapports", "Administration"} <= set(top)
    # every entry still reachable, without script: a <details> disclosure holds the group's links
    assert '<details class="nav-group__details">' in _nav(html) and "Utilisateurs" in _nav(html) and "Journal de sécurité" in _nav(html)
    # the group of the current page says so
    assert re.search(r'<summary class="nav-group__current">Administration</summary>', html)
    assert _current(html) == ["Utilisateurs"]


def test_a_group_of_one_entry_is_shown_flat(users, browser):
    browser.login("sec@test.local")
    html = browser.get("/").get_data(as_text=True)
    assert "Mon adhérent" in _top_level(html)
    assert "Administration" not in _nav(html)


def test_flat_items_opens_the_groups():
    items = [{"label": "A"}, {"label": "G", "children": [{"label": "B"}, {"label": "C"}]}]
    assert [i["label"] for i in flat_items(items)] == ["A", "B", "C"]
