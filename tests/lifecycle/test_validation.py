"""Stage 3 of the import (lifecycle.imports.validation): the column-wise checks give the same rows and the same
errors (row, column, reason, in order) as the per-row checks they replaced, on a file mixing every case."""
from __future__ import annotations

import random
import pandas as pd
import pytest

from lifecycle.imports import services as imports
from lifecycle.imports import validation
from purchasing.catalogue.models import Product
from purchasing.extensions import db

from tests.lifecycle.per_row_validate import validate_per_row

COLUMNS = validation.TYPED_COLUMNS


GOOD = {
    "category_code": ["laptop", "laptop", "monitor_24"],
    "designation": ["PC", "Écran 24", "y" * 200],
    "manufacturer_ref": ["", "", "", "LAT-5440", "P24-H", "lat-5440"],
    "serial_number": ["", "DUP-A", "DUP-B", "s" * 80] + [f"SN{k}" for k in range(2000)],
    "site": ["", "Mairie"],
    "assigned_to": ["", "Accueil"],
    "acquisition_date": ["", "2022-03-01", "01/03/2022", "1/3/2022", "2022-3-1", "15-06-2021", "15.06.2021",
                         "2021-06-15 00:00:00", "15/06/2021 10:30", "15/06/2021 10:30:00", "2021-06-15T10:30:00",
                         "0001-01-01", "29/02/2024"],
    "purchase_price_ht": ["", "650,00", "849.9", "1 234,56", "1.234,56", "1,234.56", "12 €", ",5", "0",
                          "9999999999,99", "1e3"],
    "condition": ["", "good", "new", "fair", "poor"],
    "status": ["", "in_stock", "in_service"],
    "holds_storage": ["", "oui", "non", "Yes", "N", "x", "VRAI", "0"],
    "warranty_end_date": ["", "2026-03-15", "15/03/2026", "9999-12-31"],
}
BAD = {
    "category_code": ["", "toaster", "LAPTOP"],
    "designation": ["", "x" * 201],
    "manufacturer_ref": ["NOPE-1", "P24-H"],  # P24-H: a monitor, bad with a laptop category
    "serial_number": ["IN-DB-1", "s" * 81, "DUP-A"],
    "site": ["é" * 201],
    "assigned_to": ["a" * 201],
    "acquisition_date": ["31/02/2023", "2099-01-01", "20220301", "demain", "2022-13-01", "29/02/2023"],
    "purchase_price_ht": ["-12", "abc", "99999999999", "-0,01", "1.2.3", "€"],
    "condition": ["cassé", "GOOD"],
    "status": ["retired", "en service"],
    "holds_storage": ["peut-être", "2"],
    "warranty_end_date": ["32/01/2026", "2026-02-30", "demain"],
}


def _mixed_frame(rng: random.Random, n: int) -> pd.DataFrame:
    """Good rows, and rows with one to three bad values (every check, and their combinations)."""
    rows = []
    for _ in range(n):
        row = {c: rng.choice(values) for c, values in GOOD.items()}
        if rng.random() < 0.5:
            for column in rng.sample(list(BAD), rng.randint(1, 3)):
                row[column] = rng.choice(BAD[column])
        rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_column_wise_validation_equals_the_per_row_checks_on_a_mixed_file(seed, make_member, make_asset, category,
                                                                            monkeypatch):
    laptop, monitor = category("laptop"), category("monitor_24")
    db.session.add_all([
        Product(brand="Dell", model="Latitude", manufacturer_ref="LAT-5440", category_id=laptop.id, holds_storage=None),
        Product(brand="Dell", model="P24", manufacturer_ref="P24-H", category_id=monitor.id, holds_storage=False),
        # a product without reference: an empty cell never finds it
        Product(brand="X", model="Sans réf", manufacturer_ref="", category_id=monitor.id, holds_storage=True),
    ])
    db.session.flush()
    make_asset(make_member(), serial_number="IN-DB-1")
    frame = _mixed_frame(random.Random(seed), 3_000)
    monkeypatch.setattr(validation, "CHUNK_ROWS", 700)  # duplicates across chunks too

    expected_rows, expected_errors = validate_per_row(frame)
    # the column-wise validator with the per-row code's database check of serials (services.validate leaves that
    # check to stage 4, the matching)
    rows, errors = validation.Validator(check_database_serials=True).validate(frame)

    assert [(e.row, e.column, e.reason) for e in errors] == [(e.row, e.column, e.reason) for e in expected_errors]
    assert len(expected_rows) > 500 and len(expected_errors) > 1000  # both kinds well represented
    assert [{k: r[k] for k in expected_rows[0]} for r in rows] == expected_rows
    assert {type(r["category_id"]) for r in rows} == {int}
    assert all(r["line"] >= 2 for r in rows)


def test_progress_is_reported_per_chunk(app, monkeypatch):
    monkeypatch.setattr(validation, "CHUNK_ROWS", 100)
    frame = pd.DataFrame([{"category_code": "laptop", "designation": f"PC {n}"} for n in range(250)])
    seen = []
    rows, errors = imports.validate(frame, progress=lambda done, total: seen.append((done, total)))
    assert not errors and len(rows) == 250
    assert seen == [(0, 250), (100, 250), (200, 250)]
