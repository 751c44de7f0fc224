"""AGEC declaration: the CSV rows from the report's own figures, the Table Schema, member scope."""
from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal
from importlib import resources

import pytest
from frictionless import Resource, Schema
from sqlalchemy import delete, select

from lifecycle.assets import services as assets
from lifecycle.pool import services as pool_services
from lifecycle.reports import agec
from lifecycle.reports import data as report_data
from purchasing.extensions import db
from purchasing.members.models import Member
from tests.lifecycle.test_report_data import _order

YEAR = date.today().year
IT = "Matériel informatique et téléphonie"
PRINTING = "Matériel de reprographie et d'impression"


def _schema() -> Schema:
    text = resources.files("lifecycle").joinpath("data/agec_schema.json").read_text(encoding="utf-8")
    return Schema.from_descriptor(json.loads(text))


def schema_errors(content: bytes) -> list:
    report = Resource(content, format="csv", schema=_schema()).validate()
    return report.flatten(["rowNumber", "fieldName", "type", "note"])


def rows_of(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


@pytest.fixture
def billing_sirets(app):
    """Every member without one gets a billing SIRET: its SIREN, NIC 0001 and the Luhn key (the demo has its own)."""
    from purchasing.domain.identifiers import luhn_check_digit
    from purchasing.members.models import MemberSiret

    def give(members):
        for member in members:
            if member.billing_siret is None:
                body = member.siren + "0001"
                member.sirets.append(MemberSiret(siret=body + luhn_check_digit(body), label="Budget", is_billing=True))
        db.session.flush()

    return give


@pytest.fixture
def world(make_member, make_user, make_offer, make_asset):
    a, b = make_member(name="Commune A"), make_member(name="Commune B")
    user_a, user_b = make_user(role="secretary", member=a), make_user(role="secretary", member=b)
    new = make_offer(price="1000.00")
    refurbished = make_offer(price="450.00", condition="refurbished", recycled_content_pct=Decimal("25"),
                             recycled_content_source="Fiche produit")
    printer = make_offer(price="300.00", category="printer_mfp_a4")
    switch = make_offer(price="800.00", category="network_switch")
    _order(a, user_a, new, 2, "2000.00")
    _order(a, user_a, refurbished, 1, "450.00")
    _order(a, user_a, printer, 1, "300.00")
    _order(a, user_a, switch, 1, "800.00")
    _order(a, user_a, new, 1, "1000.00", year=YEAR - 1)
    _order(b, user_b, new, 1, "1000.00")
    # B gives a laptop through the pool (erased first); A claims it: a donation for A
    asset = make_asset(b, "laptop", actor=user_b)
    assets.record_erasure(asset, method="nist_purge", performed_on=date.today(), operator="Atelier",
                          certificate_ref="EFF-1", actor=user_b)
    listing = pool_services.offer_to_pool(asset, condition="good", note="", actor=user_b)
    pool_services.claim_listing(listing, a.id, user_a)
    pool_services.confirm_claim(listing, None)
    db.session.flush()
    return {"a": a, "b": b, "user_a": user_a}


def test_rows_per_product_type_from_purchases_and_pool_claims(world, billing_sirets):
    billing_sirets([world["a"], world["b"]])
    content = agec.csv_bytes(agec.declarations(YEAR, world["a"].id))
    assert schema_errors(content) == []
    rows = {row["type_produit_acquis"]: row for row in rows_of(content)}
    assert set(rows) == {IT, PRINTING}  # the network switch belongs to no declared type
    it = rows[IT]
    assert it["annee"] == str(YEAR) and it["raison_sociale"] == "Commune A" and len(it["siret"]) == 14
    assert (it["montant_total"], it["montant_reemploi_et_reutilisation"], it["montant_produits_issus_don"],
            it["montant_produits_recycles"]) == ("2650.00", "450.00", "200.00", "450.00")
    assert "valorisée(s) à 200.00 € l'unité" in it["commentaires"]
    assert (rows[PRINTING]["montant_total"], rows[PRINTING]["montant_produits_issus_don"]) == ("300.00", "0.00")


def test_amounts_equal_the_sustainability_report(world, billing_sirets):
    billing_sirets([world["a"], world["b"]])
    for member in (world["a"], world["b"]):
        for year in (YEAR - 1, YEAR):
            _assert_same_as_report(member, year)


def _assert_same_as_report(member, year):
    report = report_data.build_scope_report("member", member.id, year, date.today()).purchases
    rows = {row["type_produit_acquis"]: row for row in rows_of(agec.csv_bytes(agec.declarations(year, member.id)))}
    it = rows.get(IT)
    total = Decimal(it["montant_total"]) if it else Decimal("0.00")
    reuse = (Decimal(it["montant_reemploi_et_reutilisation"]) + Decimal(it["montant_produits_issus_don"])
             if it else Decimal("0.00"))
    assert total == report["it_amount_ht"], (member.name, year)
    assert reuse == report["it_reuse_amount_ht"], (member.name, year)
    donations = sum((Decimal(row["montant_produits_issus_don"]) for row in rows.values()), Decimal("0.00"))
    assert donations <= report["by_origin"]["reuse_pool"]["amount_ht"]


def test_a_member_without_billing_siret_is_listed_not_written(world):
    from purchasing.members.models import MemberSiret

    db.session.execute(delete(MemberSiret).where(MemberSiret.member_id == world["a"].id))
    db.session.expire(world["a"])
    declaration = agec.declarations(YEAR, world["a"].id)[0]
    assert declaration.rows == [] and "SIRET" in declaration.problem
    content = agec.csv_bytes([declaration])
    assert rows_of(content) == [] and content.startswith(b"annee,siret,raison_sociale,")


def test_the_officer_gets_every_member_and_a_member_user_only_its_own(world, billing_sirets, browser, make_user):
    billing_sirets([world["a"], world["b"]])
    make_user(role="sustainability_officer", email="agec@s.test")
    db.session.commit()
    browser.login("agec@s.test")
    everyone = browser.get(f"/reports/agec.csv?year={YEAR}")
    assert everyone.status_code == 200 and everyone.mimetype == "text/csv"
    assert {row["raison_sociale"] for row in rows_of(everyone.get_data())} >= {"Commune A", "Commune B"}
    page = browser.get(f"/reports/agec?id={world['a'].id}&year={YEAR - 1}").get_data(as_text=True)
    assert f"30/06/{YEAR}" in page or f"30 juin {YEAR}" in page
    browser.logout()
    browser.login(world["user_a"].email)
    own = browser.get(f"/reports/agec.csv?year={YEAR}")
    assert {row["raison_sociale"] for row in rows_of(own.get_data())} == {"Commune A"}
    assert browser.get(f"/reports/agec.csv?year={YEAR}&id={world['b'].id}").status_code == 404
    assert browser.get(f"/reports/agec?year={YEAR}&id={world['b'].id}").status_code == 404


def test_every_demo_members_csv_validates_and_matches_the_report(app):
    """Every demo member's file: rows checked by frictionless, amounts equal to its sustainability report."""
    from purchasing.demo import load_demo

    load_demo(seed=2026)
    # this year: each member's own file, checked by frictionless and against that member's report
    everyone = agec.declarations(YEAR)
    assert everyone and schema_errors(agec.csv_bytes(everyone)) == []
    for declaration in everyone:
        content = agec.csv_bytes(agec.declarations(YEAR, declaration.member.id))
        assert content == agec.csv_bytes([declaration])
        assert schema_errors(content) == [], declaration.member.name
        _assert_same_as_report(declaration.member, YEAR)
    # last year: the all-members file, checked by frictionless; its IT rows add up to the territory's report
    last_year = agec.csv_bytes(agec.declarations(YEAR - 1))
    assert schema_errors(last_year) == []
    territory = report_data.build_scope_report("territory", None, YEAR - 1, date.today()).purchases
    it_rows = [row for row in rows_of(last_year) if row["type_produit_acquis"] == IT]
    assert sum((Decimal(r["montant_total"]) for r in it_rows), Decimal("0")) == territory["it_amount_ht"]
    assert sum((Decimal(r["montant_reemploi_et_reutilisation"]) + Decimal(r["montant_produits_issus_don"])
                for r in it_rows), Decimal("0")) == territory["it_reuse_amount_ht"]
    assert any(Decimal(r["montant_produits_recycles"]) > 0 for r in rows_of(agec.csv_bytes(everyone)) + it_rows)
    # a member with no purchase that year is left out of the all-members file, and its report has none either
    idle = db.session.scalar(select(Member).where(Member.id.not_in(report_data.members_with_purchases(YEAR)))
                             .order_by(Member.id).limit(1))
    assert agec.declarations(YEAR, idle.id)[0].rows == []
    assert report_data.build_scope_report("member", idle.id, YEAR, date.today()).purchases["it_amount_ht"] == 0
