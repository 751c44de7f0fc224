"""AGEC domain: product types, the donation value, the 30 June deadline, the declaration rows."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from lifecycle.domain import agec


def test_catalogue_categories_map_to_the_schema_product_types():
    assert agec.product_type("laptop", True) == "Matériel informatique et téléphonie"
    assert agec.product_type("smartphone", True) == "Matériel informatique et téléphonie"
    assert agec.product_type("printer_mfp_a4", False) == "Matériel de reprographie et d'impression"
    assert agec.product_type("network_switch", False) is None
    assert agec.product_type("software", False) is None


def test_unknown_kinds_are_valued_at_the_application_constant():
    assert agec.donation_value("laptop") == agec.DEFAULT_DONATION_VALUE_HT == Decimal("200.00")
    assert not agec.has_grid_value("laptop")


def test_grid_values_are_used_when_filled_in(monkeypatch):
    monkeypatch.setitem(agec.DONATION_VALUES_HT, "tablet", Decimal("90.00"))
    assert agec.donation_value("tablet") == Decimal("90.00")
    assert agec.donation_value("laptop") == Decimal("200.00")


def test_the_declaration_is_due_on_30_june_of_the_next_year():
    assert agec.declaration_deadline(2025) == date(2026, 6, 30)
    assert agec.days_to_deadline(2025, date(2026, 6, 30)) == 0
    assert agec.days_to_deadline(2025, date(2026, 7, 1)) == -1


def test_rows_follow_the_schema_fields_and_say_how_donations_were_valued():
    amounts = [agec.TypeAmounts("Matériel informatique et téléphonie", Decimal("1250.5"), Decimal("450"),
                                Decimal("400"), Decimal("0"), donated_units=2, donated_units_without_grid_value=2)]
    rows = agec.declaration_rows(2025, agec.Declarant("21240322500011", "Commune de Test"), amounts)
    assert list(rows[0]) == list(agec.FIELDS)
    assert rows[0]["montant_total"] == "1250.50" and rows[0]["montant_produits_issus_don"] == "400.00"
    assert "200.00 € l'unité" in rows[0]["commentaires"]
    with pytest.raises(ValueError):
        agec.declaration_rows(2025, agec.Declarant(None, "Sans SIRET"), amounts)
