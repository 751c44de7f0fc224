"""Publishing a DECP period twice at once: one register entry, the other request a 409 (PostgreSQL)."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from purchasing.contracts.models import DecpPublication, FrameworkContract
from purchasing.decp import services
from purchasing.extensions import db
from tests.integration.test_decp import TODAY, awarded_contract, set_buyer
from tests.integration.test_races_postgres import pg, race  # noqa: F401 - fixture

pytestmark = pytest.mark.postgres


def test_two_publications_of_a_period_at_once_record_one_register_entry(pg):  # noqa: F811
    with set_buyer(commit=True):
        contract_id = awarded_contract("AO-RACE-DECP", "90000.00", notified_on=date(2024, 2, 5)).id
        db.session.commit()

        def work():
            return lambda: services.publish_period(date(2024, 2, 1), date(2024, 2, 29), None, TODAY)

        results = race(pg, [work for _ in range(4)], threads=4)
        assert results.count("ok") == 1, results
        assert all(r in ("409:already_published", "409:nothing_to_publish") for r in results if r != "ok"), results
        with db.engine.connect() as conn:
            assert conn.execute(select(func.count(DecpPublication.id))).scalar_one() == 1
            publication_id = conn.execute(select(DecpPublication.id)).scalar_one()
            assert conn.execute(select(FrameworkContract.decp_publication_id)
                                .where(FrameworkContract.id == contract_id)).scalar_one() == publication_id
