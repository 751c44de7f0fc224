"""Integrity check in SQL, run by bench/load.py after the load (also on its own: python bench/integrity.py URL).

Each check is one query returning the offending rows (none when the data is sound). They hold on the demo
data and must still hold after any number of concurrent users, killed workers and database restarts:

- amounts: an order's total equals the sum of its lines, a purchase order's total the sum of its lines;
- histories: every status equals the last event's ``to_status`` (orders, purchase orders, campaigns, tenders,
  lots, assets); each event starts where the previous one ended; no two identical consecutive transitions
  (one event per transition);
- the contract ceiling: no contract committed past its maximum amount;
- the reuse pool: no asset with two open listings, none claimed twice from one offer, and the claimant of an
  asset's last claimed listing owns it;
- tags: no duplicate tag or serial number, and each year's tag counter ahead of every tag of that year;
- nothing half-written: no submitted order without lines, every imported asset has its import event, every
  bid has the lines its price list announced, delivered quantities equal the deliveries recorded.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection

#: (entity table, event table, foreign key in the event table, extra condition on events)
HISTORIES = [
    ("purchase_request", "order_event", "order_id", ""),
    ("purchase_order", "purchase_order_event", "purchase_order_id", ""),
    ("campaign", "campaign_event", "campaign_id", ""),
    ("tender", "tender_event", "tender_id", "AND e.lot_id IS NULL"),
    ("tender_lot", "tender_event", "lot_id", ""),
    ("asset", "asset_event", "asset_id", "AND e.to_status IS NOT NULL"),
]


def _history_checks() -> dict[str, str]:
    checks = {}
    for entity, events, key, condition in HISTORIES:
        ordered = f"""
            SELECT e.{key} AS entity_id, e.id, e.from_status, e.to_status,
                   LAG(e.to_status) OVER (PARTITION BY e.{key} ORDER BY e.id) AS previous_to,
                   LAG(e.from_status) OVER (PARTITION BY e.{key} ORDER BY e.id) AS previous_from,
                   ROW_NUMBER() OVER (PARTITION BY e.{key} ORDER BY e.id DESC) AS from_last
            FROM {events} e WHERE e.{key} IS NOT NULL {condition}"""
        checks[f"{entity}: status = last event's to_status"] = f"""
            SELECT x.id, x.status, last.to_status FROM {entity} x
            JOIN ({ordered}) last ON last.entity_id = x.id AND last.from_last = 1
            WHERE last.to_status <> x.status"""
        checks[f"{events} ({entity}): one event per transition (no identical consecutive transitions)"] = f"""
            SELECT entity_id, id, from_status, to_status FROM ({ordered}) o
            WHERE o.previous_to IS NOT NULL AND o.from_status = o.previous_from AND o.to_status = o.previous_to"""
        checks[f"{events} ({entity}): each event starts where the previous one ended"] = f"""
            SELECT entity_id, id, previous_to, from_status, to_status FROM ({ordered}) o
            WHERE o.previous_to IS NOT NULL AND o.from_status IS NOT NULL AND o.from_status <> o.previous_to"""
    return checks


CHECKS: dict[str, str] = {
    "order total = sum of its lines": """
        SELECT o.id, o.total_ht, SUM(l.line_total_ht) FROM purchase_request o
        LEFT JOIN order_line l ON l.order_id = o.id
        WHERE o.status <> 'draft'
        GROUP BY o.id, o.total_ht
        HAVING ABS(COALESCE(o.total_ht, 0) - COALESCE(SUM(l.line_total_ht), 0)) >= 0.005""",
    "order line total = quantity × unit price": """
        SELECT l.id, l.quantity, l.unit_price_ht, l.line_total_ht FROM order_line l
        WHERE ABS(l.quantity * l.unit_price_ht - l.line_total_ht) >= 0.005""",
    "purchase order total = sum of its lines": """
        SELECT p.id, p.total_ht, SUM(l.line_total_ht) FROM purchase_order p
        LEFT JOIN purchase_order_line l ON l.purchase_order_id = p.id
        GROUP BY p.id, p.total_ht
        HAVING ABS(COALESCE(p.total_ht, 0) - COALESCE(SUM(l.line_total_ht), 0)) >= 0.005""",
    "no order line in two purchase orders": """
        SELECT order_line_id, COUNT(*) FROM purchase_order_line GROUP BY order_line_id HAVING COUNT(*) > 1""",
    "no contract past its ceiling": """
        SELECT id, reference, committed_ht, max_amount_ht FROM framework_contract
        WHERE committed_ht > max_amount_ht + 0.005""",
    "no submitted order without lines": """
        SELECT o.id, o.status FROM purchase_request o
        WHERE o.status <> 'draft' AND o.status <> 'cancelled'
          AND NOT EXISTS (SELECT 1 FROM order_line l WHERE l.order_id = o.id)""",
    "no asset with two open pool listings": """
        SELECT asset_id, COUNT(*) FROM pool_listing WHERE status = 'open' GROUP BY asset_id HAVING COUNT(*) > 1""",
    "no asset claimed twice from one offer (claimed events between offers)": """
        SELECT asset_id, id FROM (
            SELECT asset_id, id, kind,
                   LAG(kind) OVER (PARTITION BY asset_id ORDER BY id) AS previous_kind
            FROM asset_event WHERE kind IN ('offered', 'claimed', 'withdrawn')) e
        WHERE e.kind = 'claimed' AND (e.previous_kind IS NULL OR e.previous_kind <> 'offered')""",
    "the claimant of an asset's last claimed listing owns it (no asset with two owners)": """
        SELECT a.id, a.member_id, p.claimed_by_member_id FROM asset a
        JOIN pool_listing p ON p.asset_id = a.id AND p.status = 'claimed'
        WHERE p.id = (SELECT MAX(q.id) FROM pool_listing q WHERE q.asset_id = a.id)
          AND p.claimed_by_member_id <> a.member_id""",
    "no duplicate asset tag": "SELECT tag, COUNT(*) FROM asset GROUP BY tag HAVING COUNT(*) > 1",
    "no duplicate serial number": """
        SELECT serial_number, COUNT(*) FROM asset WHERE serial_number IS NOT NULL
        GROUP BY serial_number HAVING COUNT(*) > 1""",
    "each year's tag counter is ahead of every tag of that year": """
        SELECT c.year, c.last_value, MAX(CAST(SUBSTR(a.tag, LENGTH(a.tag) - 5) AS INTEGER)) FROM asset_tag_counter c
        JOIN asset a ON a.tag LIKE '%-' || CAST(c.year AS VARCHAR(4)) || '-______'
        GROUP BY c.year, c.last_value
        HAVING MAX(CAST(SUBSTR(a.tag, LENGTH(a.tag) - 5) AS INTEGER)) > c.last_value""",
    "every imported asset has its import event (no half-written import)": """
        SELECT a.id, a.tag FROM asset a WHERE a.origin = 'imported'
          AND NOT EXISTS (SELECT 1 FROM asset_event e WHERE e.asset_id = a.id AND e.kind = 'imported')""",
    "every bid holds the lines of its price list (no half-written import)": """
        SELECT b.id, b.line_count, COUNT(l.id) FROM bid b LEFT JOIN bid_line l ON l.bid_id = b.id
        GROUP BY b.id, b.line_count HAVING b.line_count <> COUNT(l.id)""",
    "purchase-order line delivered quantity = its deliveries, never above the ordered quantity": """
        SELECT l.id, l.quantity, l.delivered_quantity, COALESCE(SUM(d.quantity), 0) FROM purchase_order_line l
        LEFT JOIN delivery d ON d.purchase_order_line_id = l.id
        GROUP BY l.id, l.quantity, l.delivered_quantity
        HAVING l.delivered_quantity <> COALESCE(SUM(d.quantity), 0) OR l.delivered_quantity > l.quantity""",
    **_history_checks(),
}


@dataclass
class Finding:
    check: str
    count: int
    examples: list[tuple]


def run_checks(connection: Connection) -> list[Finding]:
    """Every check, with its offending rows (count 0: sound)."""
    findings = []
    for name, query in CHECKS.items():
        rows = [tuple(row) for row in connection.execute(text(query))]
        findings.append(Finding(name, len(rows), rows[:5]))
    return findings


def report(findings: list[Finding], *, verbose: bool = False) -> str:
    lines = []
    bad = [f for f in findings if f.count]
    lines.append(f"Integrity: {len(findings) - len(bad)}/{len(findings)} checks clean"
                 + ("" if not bad else f", {len(bad)} VIOLATED"))
    for finding in findings:
        if finding.count or verbose:
            mark = "ok  " if not finding.count else "FAIL"
            lines.append(f"  {mark} {finding.check}" + (f": {finding.count} rows, e.g. {finding.examples}"
                                                          if finding.count else ""))
    return "\n".join(lines)


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: python bench/integrity.py DATABASE_URL", file=sys.stderr)
        return 2
    from purchasing.config import normalise_database_url

    engine = create_engine(normalise_database_url(sys.argv[1]))
    try:
        with engine.connect() as connection:
            findings = run_checks(connection)
    finally:
        engine.dispose()
    print(report(findings, verbose=True))
    return 1 if any(f.count for f in findings) else 0


if __name__ == "__main__":
    sys.exit(main())
