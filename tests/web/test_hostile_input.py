"""The hostile inputs observed in the field, each answered with a 4xx (or an ignored filter), never a 500.

The full walk over every route and role is tests/web/test_hostile_parameters.py (slow); these are the cases
the adversarial test found, kept in the fast suite. In tests a server error raises out of the client.
"""
from __future__ import annotations

from html import unescape

import pytest

from purchasing.params import choice_id, database_id, parse_int, safe_redirect_target

HUGE = "99999999999999999999"


@pytest.mark.parametrize("raw, expected", [
    ("1", 1), (" 42 ", 42), ("-7", -7), ("2147483647", 2147483647), (7, 7),
])
def test_parse_int_accepts_plain_integers(raw, expected):
    assert parse_int(raw) == expected


@pytest.mark.parametrize("raw", [HUGE, "2147483648", "-2147483648", "1.5", "1e9", "", "abc", "٣", "²", "1\x00",
                                 "9" * 10_000, None, True, 2**40, "+", " "])
def test_parse_int_refuses_everything_else_with_value_error(raw):
    with pytest.raises(ValueError):
        parse_int(raw)


def test_ids_start_at_one_and_choices_at_zero():
    assert choice_id("0") == 0
    with pytest.raises(ValueError):
        database_id("0")
    with pytest.raises(ValueError):
        database_id("-1")


@pytest.mark.parametrize("target", [
    "/\r\nSet-Cookie: x=1", "/orders/\n", "//evil.example/", "https://evil.example/", "/\\evil.example",
    "\\\\evil.example", "javascript:alert(1)", "http:/evil", "/a\x00b", "", None, "orders", "/" + "a" * 3000,
])
def test_bad_next_targets_fall_back_home(target):
    assert safe_redirect_target(target, "/") == "/"


@pytest.mark.parametrize("target", ["/orders/", "/lifecycle/?status=in_stock&page=2", "/catalogue/products/3#offres"])
def test_paths_of_the_site_are_kept(target):
    assert safe_redirect_target(target, "/") == target


@pytest.fixture
def secretary(browser, make_member, make_user, make_grid, make_offer):
    make_grid()
    member = make_member()
    make_user(member=member, email="hostile@a.test")
    browser.login("hostile@a.test")
    return browser, make_offer(price="100.00")


@pytest.mark.parametrize("url", [
    f"/catalogue/?page={HUGE}", f"/catalogue/?per_page={HUGE}", f"/catalogue/?category={HUGE}",
    "/catalogue/?category=-1", "/catalogue/?category=%C2%B2", f"/catalogue/?price_min=1e999999",
    f"/orders/?page={HUGE}", f"/lifecycle/?category_id={HUGE}", f"/lifecycle/pool?epci_id={HUGE}",
    f"/lifecycle/pool?category_id={HUGE}&page=-5", f"/campaigns/?page={HUGE}",
])
def test_out_of_range_list_parameters_are_ignored(secretary, url):
    browser, _offer = secretary
    assert browser.get(url).status_code == 200


@pytest.mark.parametrize("ids", [HUGE, "²", "-1", "abc", "0"])
def test_labels_with_bad_ids_ask_for_a_selection(secretary, ids):
    browser, _offer = secretary
    response = browser.post_form("/lifecycle/labels", {"ids": [ids]}, page="/lifecycle/")
    assert response.status_code == 303 and response.headers["Location"].endswith("/lifecycle/")


@pytest.mark.parametrize("path", [f"/orders/{HUGE}", "/orders/2147483648", "/orders/0", "/orders/%D9%A3",
                                  f"/lifecycle/assets/{'9' * 10_000}", f"/catalogue/products/{HUGE}"])
def test_out_of_range_path_ids_are_404(secretary, path):
    browser, _offer = secretary
    assert browser.get(path).status_code == 404


@pytest.mark.parametrize("offer_id", [HUGE, "-1", "٣", "1e3", ""])
def test_cart_add_with_a_bad_offer_id_is_a_form_error(secretary, offer_id):
    browser, _offer = secretary
    response = browser.post_form("/cart/add", {"offer_id": offer_id, "quantity": "1"}, page="/catalogue/")
    assert response.status_code == 422
    assert "Cette offre n'existe pas" in unescape(response.get_data(as_text=True))


def test_member_filter_out_of_range_is_ignored_for_staff(browser, make_user):
    make_user(role="purchasing_officer", email="po-hostile@s.test")
    browser.login("po-hostile@s.test")
    assert browser.get(f"/lifecycle/?member_id={HUGE}").status_code == 200
    response = browser.post_form("/purchase-orders/create", {"contract_id": HUGE}, page="/purchase-orders/to-place")
    assert response.status_code in (404, 409, 422)


@pytest.mark.parametrize("url", ["/catalogue/?q=a%00b", "/lifecycle/scan?tag=%00", "/catalogue/%00"])
def test_nul_characters_are_refused_before_any_query(secretary, url):
    browser, _offer = secretary
    response = browser.get(url)
    assert response.status_code in (400, 404)
    if response.status_code == 400:
        assert "caractère nul" in response.get_data(as_text=True)


def test_nul_in_a_form_is_refused(secretary):
    browser, offer = secretary
    response = browser.post_form("/cart", {"engagement_number": "Mairie\x00", "note": ""}, page="/catalogue/")
    assert response.status_code == 400 and "caractère nul" in response.get_data(as_text=True)


def test_report_year_in_other_digits_is_a_400(secretary):
    browser, _offer = secretary
    # a form error on the year (the page again, its error on the field), not a 500
    assert browser.get("/reports/sustainability?year=%C2%B2%E0%A5%A6%E0%A5%A8%E0%A5%AB").status_code == 422
    assert browser.get("/reports/sustainability.csv?year=%C2%B2%E0%A5%A6%E0%A5%A8%E0%A5%AB").status_code == 400
    assert browser.get(f"/reports/sustainability?scope=member&id={HUGE}").status_code == 404


@pytest.mark.parametrize("next_url", ["/%0D%0ASet-Cookie:%20x=1", "//evil.example", "https://evil.example",
                                      "/%5Cevil.example"])
def test_login_with_a_bad_next_goes_home(browser, make_user, next_url):
    from tests.conftest import csrf_from

    make_user(email="next@a.test", member=None, role="admin")
    token = csrf_from(browser.get("/login").get_data(as_text=True))
    response = browser.client.post(f"/login?next={next_url}", data={"csrf_token": token, "email": "next@a.test",
                                                                    "password": "password-123"})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_form_integers_out_of_range_are_form_errors(browser, make_user):
    make_user(role="admin", email="admin-hostile@s.test")
    browser.login("admin-hostile@s.test")
    response = browser.post_form("/admin/tariff-grids/new", {
        "effective_from": "2030-01-01", "deliberation": "Délibération test",
        "bands-0-label": "tranche", "bands-0-min_population": HUGE, "bands-0-max_population": "",
        "bands-0-fee_percent": "2"}, page="/admin/tariff-grids/new")
    assert response.status_code == 422


def test_lot_form_errors_are_a_422_not_a_500(browser, make_user):
    from tests.tender_helpers import make_tender

    make_user(role="purchasing_officer", email="po-lot@s.test")
    tender = make_tender("AO-HOSTILE")
    browser.login("po-lot@s.test")
    response = browser.post_form(f"/tenders/{tender.id}/lots", {"number": "2", "title": "Lot", "duration_months": HUGE,
                                                                "estimated_amount_ht": "abc"},
                                 page=f"/tenders/{tender.id}")
    assert response.status_code == 422


def test_every_integer_path_parameter_uses_the_one_converter(app):
    from werkzeug.routing import IntegerConverter

    from purchasing.params import DatabaseIdConverter

    checked = 0
    for rule in app.url_map.iter_rules():
        for name, converter in rule._converters.items():
            if isinstance(converter, IntegerConverter):
                assert isinstance(converter, DatabaseIdConverter), (rule.rule, name)
                assert (converter.min, converter.max) == (1, 2**31 - 1), rule.rule
                checked += 1
    assert checked > 50
