"""The load bench's integrity check (bench/integrity.py): clean on the demo, and each kind of damage is found."""
import importlib.util
import sys
from pathlib import Path

from sqlalchemy import text

from purchasing.demo import load_demo
from purchasing.extensions import db

_spec = importlib.util.spec_from_file_location(
    "bench_integrity", Path(__file__).resolve().parents[2] / "bench" / "integrity.py")
integrity = importlib.util.module_from_spec(_spec)
sys.modules["bench_integrity"] = integrity  # dataclasses look their module up there
_spec.loader.exec_module(integrity)


def _failing(connection) -> dict[str, int]:
    return {f.check: f.count for f in integrity.run_checks(connection) if f.count}


def test_the_demo_is_sound_and_each_kind_of_damage_is_found(app):
    load_demo(seed=2026)
    db.session.flush()
    connection = db.session.connection()
    assert _failing(connection) == {}

    execute = lambda sql: connection.execute(text(sql))  # noqa: E731
    # an order approved twice (the lost race of two approvers): two identical events
    execute("""INSERT INTO order_event (order_id, actor_id, from_status, to_status, reason, is_automatic, created_dt)
               SELECT order_id, actor_id, from_status, to_status, reason, is_automatic, created_dt FROM order_event
               WHERE id = (SELECT MAX(id) FROM order_event)""")
    # a contract committed past its ceiling, a status that its history does not explain, a tag counter behind
    execute("UPDATE framework_contract SET committed_ht = max_amount_ht + 1 "
            "WHERE id = (SELECT MIN(id) FROM framework_contract)")
    execute("UPDATE asset SET status = 'retired' WHERE id = (SELECT MIN(id) FROM asset WHERE status = 'in_service')")
    execute("UPDATE asset_tag_counter SET last_value = 1")
    # an order total that its lines do not add up to
    execute("UPDATE purchase_request SET total_ht = total_ht + 1 "
            "WHERE id = (SELECT MIN(id) FROM purchase_request WHERE status = 'delivered')")
    failing = _failing(connection)
    for check in ["no contract past its ceiling",
                  "order_event (purchase_request): one event per transition (no identical consecutive transitions)",
                  "asset: status = last event's to_status",
                  "each year's tag counter is ahead of every tag of that year",
                  "order total = sum of its lines"]:
        assert failing.get(check), (check, failing)
