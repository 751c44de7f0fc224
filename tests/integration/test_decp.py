"""DECP publication: which contracts go into the file, missing data listed instead, the register, the demo file."""
from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from importlib import resources

import pytest
from jsonschema import Draft7Validator
from sqlalchemy import func, select

from purchasing.contracts.models import ContractModification, DecpPublication, FrameworkContract
from purchasing.decp import services
from purchasing.domain.errors import ConflictError, DomainError
from purchasing.domain.decp import UnknownCpvCode
from purchasing.extensions import db
from purchasing.syndicate.services import current_identity
from purchasing.tenders import services as tenders
from tests.tender_helpers import AFTER_DEADLINE, line, make_supplier, published_tender, submit

TODAY = date(2026, 12, 1)
BUYER_SIRET = "25240001200016"


def _validator() -> Draft7Validator:
    text = resources.files("purchasing.domain").joinpath("data/schema_decp_v2.0.3.json").read_text(encoding="utf-8")
    return Draft7Validator(json.loads(text))


@contextmanager
def set_buyer(commit: bool = False):
    """The syndicate's identity (SIRET, postal code of the place of execution), restored afterwards."""
    from purchasing.syndicate.services import current_identity

    identity = current_identity()
    saved = (identity.siret, identity.postal_code)
    identity.siret, identity.postal_code = BUYER_SIRET, "24000"
    if commit:
        db.session.commit()
    try:
        yield
    finally:
        identity = current_identity()
        identity.siret, identity.postal_code = saved
        if commit:
            db.session.commit()


@pytest.fixture
def buyer(app):
    with set_buyer():
        yield


def awarded_contract(reference: str, max_amount: str, cpv: str | None = "30213100",
                     notified_on: date | None = date(2026, 3, 2)) -> FrameworkContract:
    """A tender lot with two bids, evaluated and awarded: its framework contract, notified."""
    tender = published_tender(reference)
    lot = tender.lots[0]
    lot.max_amount_ht = Decimal(max_amount)
    tenders.set_lot_cpv(lot, cpv)
    for price, carbon in (("900.00", "50"), ("950.00", "40")):
        submit(lot, make_supplier(), [line(f"R-{reference}-{price}", price, annual_kgco2e=carbon,
                                           indice_reparabilite="8")])
    tenders.change_tender_status(tender, "closed", None, "", now=AFTER_DEADLINE)
    for bid in lot.bids:
        tenders.add_score(bid, "technical", Decimal("15"), "Conforme.", _officer(), now=AFTER_DEADLINE)
    tenders.evaluate_tender(tender, _officer(), now=AFTER_DEADLINE)
    contract = tenders.award_lot(lot, None, date(2026, 3, 1), date(2029, 2, 28), _officer(), now=AFTER_DEADLINE)
    if notified_on is not None:
        services.set_notification_date(contract, notified_on, TODAY)
    return contract


def _officer():
    from purchasing.accounts.models import Role, User
    from purchasing.accounts.services import UserData, create_user

    user = db.session.scalar(select(User).where(User.email == "decp-officer@test.local"))
    return user or create_user(UserData(email="decp-officer@test.local", full_name="Acheteuse",
                                        role=Role.PURCHASING_OFFICER, member_id=None), "password-123")


def _references(entries) -> set[str]:
    return {entry.contract.reference for entry in entries}


def test_threshold_boundary_39999_99_left_out_40000_00_exported(app, buyer):
    below = awarded_contract("AO-B-01", "39999.99")
    at = awarded_contract("AO-B-02", "40000.00")
    built = services.period_file(date(2026, 1, 1), TODAY, TODAY)
    assert _references(built.exported) == {at.reference}
    assert below.reference not in _references(built.refused)
    assert below.reference not in _references(services.unpublished_entries(TODAY))
    assert list(_validator().iter_errors(built.document)) == []
    record = built.document["marches"]["marche"][0]
    assert record["montant"] == 40000 and record["acheteur"] == {"id": BUYER_SIRET}
    assert record["offresRecues"] == 2 and record["codeCPV"] == "30213100"
    assert record["lieuExecution"] == {"code": "24000", "typeCode": "Code postal"}


def test_a_contract_with_missing_data_is_listed_with_its_reasons_not_exported(app, buyer):
    complete = awarded_contract("AO-M-01", "90000.00")
    without_cpv = awarded_contract("AO-M-02", "90000.00", cpv=None)
    built = services.period_file(date(2026, 1, 1), TODAY, TODAY)
    assert _references(built.exported) == {complete.reference}
    refused = {e.contract.reference: [m.code for m in e.missing] for e in built.refused}
    assert refused == {without_cpv.reference: ["missing_cpv"]}
    assert without_cpv.reference not in json.dumps(built.document)
    assert list(_validator().iter_errors(json.loads(built.content))) == []


def test_without_the_syndicate_siret_nothing_is_exported(app):
    contract = awarded_contract("AO-S-01", "90000.00")
    built = services.period_file(date(2026, 1, 1), TODAY, TODAY)
    assert built.exported == []
    assert [m.code for m in built.refused[0].missing] == ["missing_buyer_siret", "missing_place"]
    assert built.refused[0].contract.id == contract.id


def test_an_unnotified_contract_is_unpublished_but_outside_every_period(app, buyer):
    contract = awarded_contract("AO-N-01", "90000.00", notified_on=None)
    assert contract.reference not in _references(services.period_entries(date(2000, 1, 1), TODAY, TODAY))
    entry = next(e for e in services.unpublished_entries(TODAY) if e.contract.id == contract.id)
    assert [m.code for m in entry.missing] == ["missing_notification_date"]


def test_unpublished_contracts_are_overdue_two_months_after_notification(app, buyer):
    contract = awarded_contract("AO-O-01", "90000.00", notified_on=date(2026, 3, 2))
    entry = next(e for e in services.unpublished_entries(date(2026, 5, 2)) if e.contract.id == contract.id)
    assert entry.due_on == date(2026, 5, 2) and not entry.overdue
    entry = next(e for e in services.unpublished_entries(date(2026, 5, 3)) if e.contract.id == contract.id)
    assert entry.overdue


def test_publishing_records_the_register_and_fixes_the_publication_date(app, buyer):
    contract = awarded_contract("AO-P-01", "90000.00")
    publication = services.publish_period(date(2026, 1, 1), TODAY, _officer(), TODAY)
    assert (publication.contract_count, publication.modification_count) == (1, 0)
    assert publication.file_name == "decp-2026-01-01-2026-12-01.json" and len(publication.sha256) == 64
    db.session.refresh(contract)
    assert contract.decp_publication_id == publication.id
    assert contract.reference not in _references(services.unpublished_entries(TODAY))
    # rebuilt later, the file carries the day it was published, not the day it is rebuilt
    later = services.period_file(date(2026, 1, 1), TODAY, date(2027, 1, 15))
    assert later.document["marches"]["marche"][0]["datePublicationDonnees"] == "2026-12-01"
    with pytest.raises(ConflictError) as caught:
        services.publish_period(date(2026, 1, 1), TODAY, _officer(), TODAY)
    assert caught.value.code == "nothing_to_publish"
    with pytest.raises(ConflictError):
        services.set_notification_date(contract, date(2026, 3, 3), TODAY)


def test_a_modification_after_publication_is_republished_with_the_record(app, buyer):
    contract = awarded_contract("AO-D-01", "90000.00")
    services.publish_period(date(2026, 1, 1), TODAY, _officer(), TODAY)
    db.session.refresh(contract)
    first = services.add_modification(contract, services.ModificationInput(
        date(2026, 11, 20), "Avenant n° 1 : montant", Decimal("99000.00"), None), TODAY)
    second = services.add_modification(contract, services.ModificationInput(
        date(2026, 11, 25), "Avenant n° 2 : durée", None, 40), TODAY)
    assert (first.number, second.number) == (1, 2)
    entry = next(e for e in services.unpublished_entries(TODAY) if e.contract.id == contract.id)
    assert entry.published and len(entry.unpublished_modifications) == 2
    built = services.period_file(date(2026, 11, 1), TODAY, TODAY)
    record = built.document["marches"]["marche"][0]
    assert [m["modification"]["id"] for m in record["modifications"]] == [1, 2]
    assert record["modifications"][0]["modification"]["montant"] == 99000
    assert list(_validator().iter_errors(built.document)) == []
    publication = services.publish_period(date(2026, 11, 1), TODAY, _officer(), TODAY)
    assert (publication.contract_count, publication.modification_count) == (0, 2)
    assert db.session.scalar(select(func.count(ContractModification.id)).where(
        ContractModification.decp_publication_id.is_(None))) == 0


@pytest.mark.parametrize("data, code", [
    (("2026-11-20", "", Decimal("1"), None), "object_required"),
    (("2026-11-20", "Rien", None, None), "nothing_modified"),
    (("2026-02-01", "Avant la notification", Decimal("1"), None), "invalid_modification_date"),
    (("2026-12-02", "Dans le futur", Decimal("1"), None), "invalid_modification_date"),
])
def test_bad_modifications_are_refused_and_nothing_is_written(app, buyer, data, code):
    contract = awarded_contract("AO-X-01", "90000.00")
    day, text, amount, months = data
    with pytest.raises(DomainError) as caught:
        services.add_modification(contract, services.ModificationInput(date.fromisoformat(day), text, amount, months),
                                  TODAY)
    assert caught.value.code == code
    assert db.session.scalar(select(func.count(ContractModification.id))) == 0


def test_a_cpv_code_not_in_the_list_is_refused_on_a_lot(app):
    tender = published_tender("AO-C-01")
    with pytest.raises(UnknownCpvCode):
        tenders.set_lot_cpv(tender.lots[0], "45112500")
    db.session.refresh(tender.lots[0])
    assert tender.lots[0].cpv_code is None
    with pytest.raises(UnknownCpvCode):
        tenders.add_lot(tenders.create_tender(tenders.TenderInput(
            "AO-C-02", "Test", date(2026, 1, 10), tender.bid_deadline)), tenders.LotInput(
            1, "Lot", "", Decimal("1000"), Decimal("2000"), 12, cpv_code="99999999"))


@pytest.mark.parametrize("start, end", [("2026-13-01", "2026-12-31"), ("hier", None), ("2026-12-01", "2026-01-01")])
def test_bad_periods_are_refused_in_french(app, start, end):
    with pytest.raises(services.InvalidPeriod) as caught:
        services.parse_period(start, end, TODAY)
    assert caught.value.code == "invalid_period" and "période" in caught.value.message.lower()


def test_the_demo_file_validates_and_its_awarded_contracts_are_publishable(app):
    from purchasing.demo import load_demo

    load_demo(seed=2026)
    today = date.today()
    built = services.period_file(date(2024, 1, 1), today, today)
    assert list(_validator().iter_errors(built.document)) == []
    assert built.document["marches"]["marche"][0]["acheteur"]["id"] == current_identity().siret
    references = {record["id"] for record in built.document["marches"]["marche"]}
    assert {"AC-2025-01-L1", "AC-2025-01-L2", "AC-2025-01-L3", "AC-2026-01-L1"} <= references
    assert built.refused == []
    laptops = next(r for r in built.document["marches"]["marche"] if r["id"] == "AC-2025-01-L1")
    assert laptops["modifications"][0]["modification"]["id"] == 1
    assert all(r["considerationsEnvironnementales"]["considerationEnvironnementale"] == ["Critère environnemental"]
               for r in built.document["marches"]["marche"])
    assert db.session.scalar(select(func.count(DecpPublication.id))) == 0
