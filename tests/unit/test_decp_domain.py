"""DECP domain: the publication threshold and delay, CPV codes, the ``marche`` record against the shipped schema."""
from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from decimal import Decimal
from importlib import resources

import pytest
from jsonschema import Draft7Validator

from purchasing.domain import decp

FACTS = decp.ContractFacts(
    reference="AC-2025-01-L1", buyer_siret="25240001200016", object="Ordinateurs portables", cpv_code="30213100",
    procedure_kind="formal", place_code_type="Code postal", place_code="24000", duration_months=48,
    notified_on=date(2025, 3, 24), amount_ht=Decimal("480000.00"), holder_siret="61000121400015",
    environmental_criterion=True, social_criterion=False, offers_received=3)


def _schema_errors(document: dict) -> list[str]:
    text = resources.files("purchasing.domain").joinpath("data/schema_decp_v2.0.3.json").read_text(encoding="utf-8")
    return [error.message for error in Draft7Validator(json.loads(text)).iter_errors(document)]


def test_threshold_is_inclusive_at_40000_ht():
    day = date(2026, 6, 1)
    assert not decp.is_above_threshold(Decimal("39999.99"), day)
    assert decp.is_above_threshold(Decimal("40000.00"), day)
    assert decp.threshold_on(day).min_amount_ht == Decimal("40000")
    assert "R2196-1" in decp.threshold_on(day).source


def test_no_v2_threshold_before_2024():
    assert decp.threshold_on(date(2023, 12, 31)) is None
    assert not decp.is_above_threshold(Decimal("1000000"), date(2023, 12, 31))
    assert decp.threshold_on(date(2024, 1, 1)) is not None


def test_publication_is_due_two_months_after_notification():
    assert decp.publication_due(date(2026, 3, 27)) == date(2026, 5, 27)
    assert decp.publication_due(date(2025, 12, 31)) == date(2026, 2, 28)
    assert decp.publication_due(date(2023, 12, 31)) == date(2024, 2, 29)
    assert not decp.is_overdue(date(2026, 3, 27), date(2026, 5, 27))
    assert decp.is_overdue(date(2026, 3, 27), date(2026, 5, 28))


@pytest.mark.parametrize("value", ["30213100", "30213100-6", " 3021 3100 ", "48000000", "72000000"])
def test_known_cpv_codes_are_accepted_without_check_digit(value):
    assert decp.check_cpv(value) == decp.normalise_cpv(value)
    assert len(decp.check_cpv(value)) == 8


@pytest.mark.parametrize("value", ["45112500", "99999999", "3021310", "portable", "30213100-66"])
def test_a_cpv_code_not_in_the_list_is_refused_in_french(value):
    with pytest.raises(decp.UnknownCpvCode) as caught:
        decp.check_cpv(value)
    assert caught.value.code == "unknown_cpv"
    assert "CPV" in caught.value.message


def test_the_cpv_list_covers_the_it_families_with_its_source():
    codes = decp.cpv_codes()
    for code in ("30200000", "30230000", "30213000", "48000000", "32250000", "32400000", "50300000", "72000000"):
        assert code in codes, code
    assert all(len(c) == 8 and c.isdigit() for c in codes)
    assert "213/2008" in decp.CPV_SOURCE


def test_complete_facts_give_a_record_the_schema_accepts():
    record = decp.marche_record(FACTS, date(2026, 12, 1))
    assert _schema_errors(decp.decp_document([record])) == []
    assert record["techniques"] == {"technique": ["Accord-cadre"]}
    assert record["modalitesExecution"] == {"modaliteExecution": ["Bons de commande"]}
    assert record["procedure"] == "Appel d'offres ouvert"
    assert record["considerationsEnvironnementales"] == {"considerationEnvironnementale": ["Critère environnemental"]}
    assert record["considerationsSociales"] == {"considerationSociale": ["Pas de considération sociale"]}
    assert record["titulaires"] == [{"titulaire": {"typeIdentifiant": "SIRET", "id": "61000121400015"}}]
    assert record["montant"] == 480000 and record["dureeMois"] == 48 and record["offresRecues"] == 3
    assert record["dateNotification"] == "2025-03-24" and record["datePublicationDonnees"] == "2026-12-01"


def test_a_published_record_keeps_its_first_publication_date_and_lists_modifications():
    facts = replace(FACTS, published_on=date(2025, 4, 10), modifications=(
        decp.ModificationFacts(2, date(2026, 9, 1), None, None, 54),
        decp.ModificationFacts(1, date(2026, 1, 5), date(2026, 1, 20), Decimal("520000.50"), None)))
    record = decp.marche_record(facts, date(2026, 12, 1))
    assert _schema_errors(decp.decp_document([record])) == []
    assert record["datePublicationDonnees"] == "2025-04-10"
    assert [m["modification"]["id"] for m in record["modifications"]] == [1, 2]
    first, second = (m["modification"] for m in record["modifications"])
    assert first == {"id": 1, "dateNotificationModification": "2026-01-05",
                     "datePublicationDonneesModification": "2026-01-20", "montant": 520000.5}
    assert second["dureeMois"] == 54 and second["datePublicationDonneesModification"] == "2026-12-01"


@pytest.mark.parametrize("change, code", [
    ({"cpv_code": None}, "missing_cpv"),
    ({"buyer_siret": None}, "missing_buyer_siret"),
    ({"notified_on": None}, "missing_notification_date"),
    ({"holder_siret": "123"}, "missing_holder_siret"),
    ({"offers_received": None}, "missing_offers"),
    ({"procedure_kind": None}, "missing_procedure"),
    ({"place_code": None}, "missing_place"),
    ({"reference": "AC-2025-01-LOT-0001"}, "invalid_identifier"),
    ({"duration_months": None}, "missing_duration"),
    ({"amount_ht": None}, "missing_amount"),
    ({"object": " "}, "missing_object"),
])
def test_missing_data_is_listed_with_a_french_reason_and_no_record(change, code):
    facts = replace(FACTS, **change)
    missing = decp.missing_data(facts)
    assert [m.code for m in missing] == [code]
    assert missing[0].message
    with pytest.raises(ValueError):
        decp.marche_record(facts, date(2026, 12, 1))


@pytest.mark.parametrize("kind, label", [("none_required", "Marché passé sans publicité ni mise en concurrence préalable"),
                                         ("adapted", "Procédure adaptée"), ("formal", "Appel d'offres ouvert")])
def test_procedures_map_to_the_decp_vocabulary(kind, label):
    assert decp.marche_record(replace(FACTS, procedure_kind=kind), date(2026, 12, 1))["procedure"] == label
