"""Demo tenders: a tender in each status, AO-2025-01 linked to AC-2025-01-L1..L3, idempotent."""
from sqlalchemy import func, select

from purchasing.catalogue.models import Offer
from purchasing.contracts.models import FrameworkContract
from purchasing.demo import load_demo
from purchasing.extensions import db
from purchasing.tenders.models import Tender


def test_demo_has_a_tender_in_each_status_and_the_catalogue_contracts(app):
    load_demo(seed=2026)
    statuses = set(db.session.scalars(select(Tender.status)))
    assert statuses == {"draft", "published", "closed", "evaluated", "awarded", "unsuccessful", "cancelled"}
    for n in (1, 2, 3):
        contract = db.session.scalar(select(FrameworkContract).where(FrameworkContract.reference == f"AC-2025-01-L{n}"))
        assert contract is not None and contract.tender_lot_id is not None
        assert db.session.scalar(select(func.count(Offer.id)).where(Offer.contract_id == contract.id)) > 0
    must_show = db.session.scalar(select(Tender).where(Tender.reference == "AO-2026-01"))
    assert [lot.status for lot in must_show.lots] == ["awarded", "unsuccessful"]
    assert all(len(lot.bids) == 3 for lot in must_show.lots)
    count = db.session.scalar(select(func.count(Tender.id)))
    load_demo(seed=2026)
    assert db.session.scalar(select(func.count(Tender.id))) == count


def test_demo_links_existing_catalogue_contracts_instead_of_creating_them(app):
    from datetime import date
    from decimal import Decimal

    from tests.tender_helpers import make_supplier

    holder = make_supplier("Titulaire catalogue")
    ids = []
    for n in (1, 2, 3):
        contract = FrameworkContract(reference=f"AC-2025-01-L{n}", title=f"Lot {n}", supplier_id=holder.id,
                                     start_on=date(2025, 4, 1), end_on=date(2029, 3, 31),
                                     max_amount_ht=Decimal("100000.00"))
        db.session.add(contract)
        db.session.flush()
        ids.append(contract.id)
    load_demo(seed=2026)
    tender = db.session.scalar(select(Tender).where(Tender.reference == "AO-2025-01"))
    assert tender.status == "awarded"
    contracts = [db.session.get(FrameworkContract, i) for i in ids]
    assert [c.tender_lot_id for c in contracts] == [lot.id for lot in tender.lots]
    assert all(c.supplier_id == holder.id for c in contracts)
    assert db.session.scalar(select(func.count(Offer.id)).where(Offer.contract_id.in_(ids))) == 0
