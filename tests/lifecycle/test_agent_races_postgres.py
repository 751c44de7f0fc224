"""PostgreSQL, real connections: two agents sending the same new machine at the same moment create one asset.

With one token, the inventories of the token are serialised (row lock): the second matches the first's asset.
With two tokens of the member, the loser of the unique serial is a 409 (never a 500), nothing half-written."""
from __future__ import annotations

import threading
import zlib
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import scoped_session, sessionmaker

from purchasing.extensions import db
from tests.lifecycle.inventory_samples import fusion_laptop

pytestmark = pytest.mark.postgres


@pytest.fixture
def live(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL")
    from lifecycle.agents import services as agents
    from purchasing.domain.identifiers import luhn_check_digit
    from purchasing.members.models import Member

    original = db.session
    db.session = scoped_session(sessionmaker(bind=db.engine, expire_on_commit=False), scopefunc=threading.get_ident)
    body = "87700001"
    member = Member(kind="commune", name="Course agents", siren=body + luhn_check_digit(body), insee_code="87001",
                    population=100, approval_threshold_ht=Decimal("0"), joined_on=date(2020, 1, 1),
                    search_name="course agents")
    db.session.add(member)
    db.session.flush()
    secrets = [agents.create_token(member.id, f"t{n}", None)[1] for n in range(2)]
    db.session.commit()
    member_id = member.id
    try:
        yield member_id, secrets
    finally:
        db.session.remove()
        db.session = original
        with db.engine.begin() as conn:
            ids = "SELECT id FROM asset WHERE member_id = :m"
            for table in ("asset_storage", "asset_hardware", "asset_event"):
                conn.execute(text(f"DELETE FROM {table} WHERE asset_id IN ({ids})"), {"m": member_id})
            conn.execute(text("DELETE FROM asset WHERE member_id = :m"), {"m": member_id})
            conn.execute(text("DELETE FROM inventory_import WHERE member_id = :m"), {"m": member_id})
            conn.execute(text("DELETE FROM agent_token WHERE member_id = :m"), {"m": member_id})
            conn.execute(text("DELETE FROM member WHERE id = :m"), {"m": member_id})


def _send_together(app, secrets):
    barrier = threading.Barrier(len(secrets))
    statuses = [None] * len(secrets)
    body = zlib.compress(fusion_laptop(serial="RACE-001", device_id="race-2026"))

    def run(index, secret):
        client = app.test_client()
        barrier.wait(timeout=10)
        statuses[index] = client.post(f"/agent/{secret}/", data=body,
                                      content_type="application/x-compress-zlib").status_code
        db.session.remove()

    threads = [threading.Thread(target=run, args=(i, s)) for i, s in enumerate(secrets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return statuses


def _assets(member_id):
    from lifecycle.assets.models import Asset, AssetHardware

    with db.engine.connect() as conn:
        assets = conn.execute(select(func.count()).select_from(Asset).where(Asset.member_id == member_id)).scalar()
        details = conn.execute(select(func.count()).select_from(AssetHardware).join(Asset)
                               .where(Asset.member_id == member_id)).scalar()
    return assets, details


def test_one_token_twice_at_once_creates_one_asset(app, live):
    member_id, secrets = live
    assert _send_together(app, [secrets[0], secrets[0]]) == [200, 200]
    assert _assets(member_id) == (1, 1)


def test_two_tokens_at_once_one_asset_the_loser_409(app, live):
    member_id, secrets = live
    statuses = _send_together(app, secrets)
    assert sorted(statuses) in ([200, 200], [200, 409]), statuses
    assert _assets(member_id) == (1, 1)
