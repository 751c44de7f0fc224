"""Two purchase orders sent at the same moment against a nearly exhausted ceiling: exactly one is sent.

PostgreSQL only: two real connections in two threads, committing for real, cleaned up afterwards.
"""
import threading
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import delete, select

from purchasing.domain.errors import ProcurementRuleViolation
from purchasing.extensions import db
from purchasing.members.models import MemberSiret, Site
from tests.conftest import billing_siret_for

pytestmark = pytest.mark.postgres


def test_two_purchase_orders_cannot_exceed_the_ceiling_together(_app):
    from purchasing.members.models import MemberSiret
    from purchasing.syndicate.models import SyndicateIdentity
    from tests.conftest import _syndicate_identity

    from purchasing.accounts.models import User
    from purchasing.accounts.services import UserData, create_user
    from purchasing.catalogue.models import Category, Offer, Product
    from purchasing.contracts.models import FrameworkContract
    from purchasing.domain.identifiers import luhn_check_digit
    from purchasing.members.models import Member
    from purchasing.notifications.models import Notification
    from purchasing.orders import services as orders
    from purchasing.orders.models import Order, OrderEvent, OrderLine
    from purchasing.pricing.models import TariffGrid
    from purchasing.pricing.services import BandData, create_grid_version
    from purchasing.purchase_orders import services as pos
    from purchasing.purchase_orders.models import PurchaseOrder, PurchaseOrderEvent, PurchaseOrderLine
    from purchasing.suppliers.models import Supplier

    with _app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("needs PostgreSQL (two real connections and row locks)")
        today = date.today()
        ids: dict[str, list[int]] = {}
        try:
            grid = create_grid_version(date(2000, 1, 1), "Délibération test concurrence",
                                       [BandData("toutes", 0, None, Decimal("0"))])
            siren = "88800000" + luhn_check_digit("88800000")
            supplier = Supplier(name="Concurrence SA", siret=siren + "0001" + luhn_check_digit(siren + "0001"),
                                siren=siren)
            contract = FrameworkContract(reference="AC-CONC-1", title="Plafond presque atteint", supplier=supplier,
                                         start_on=date(2000, 1, 1), end_on=date(2099, 1, 1),
                                         max_amount_ht=Decimal("10000.00"), committed_ht=Decimal("8500.00"))
            category = db.session.scalars(select(Category).where(Category.code == "laptop")).one()
            product = Product(category=category, brand="Conc", model="Portable", manufacturer_ref="CONC-1")
            offer = Offer(product=product, contract=contract, unit_price_ht=Decimal("1000.00"),
                          valid_from=date(2000, 1, 1))
            member = Member(kind="commune", name="Concurrence", siren="21999999" + luhn_check_digit("21999999"),
                            population=100, approval_threshold_ht=Decimal("100000"), joined_on=date(2020, 1, 1))
            member.sirets.append(billing_siret_for(member.siren))
            db.session.add_all([supplier, contract, product, offer, member])
            db.session.flush()
            db.session.add(Site(member_id=member.id, name="Mairie", name_key="mairie", address="1 place de la Mairie",
                                postal_code="24000", city="Concurrence", is_default=True))
            identity_existed = db.session.get(SyndicateIdentity, 1) is not None
            _syndicate_identity()
            secretary = create_user(UserData(email="conc-sec@test.local", full_name="S", role="secretary",
                                             member_id=member.id), "password-123")
            officer = create_user(UserData(email="conc-po@test.local", full_name="P", role="purchasing_officer", member_id=None),
                                  "password-123")
            po_ids = []
            for _ in range(2):  # two purchase orders of 1 000 € each; 1 500 € remain
                orders.add_to_cart(secretary, offer.id, 1, today)
                cart = orders.get_cart(secretary)
                orders.update_cart(cart, {}, "Mairie", "", today)
                orders.submit_order(cart, secretary, today)
                po_ids.append(pos.create_purchase_order(contract.id, officer).id)
            ids = {"grid": [grid.id], "supplier": [supplier.id], "contract": [contract.id], "product": [product.id],
                   "offer": [offer.id], "member": [member.id], "users": [secretary.id, officer.id], "pos": po_ids}
            db.session.commit()

            barrier = threading.Barrier(2)
            outcomes: list[str] = []

            def send(po_id: int) -> None:
                with _app.app_context():
                    try:
                        po = db.session.get(PurchaseOrder, po_id)
                        actor = db.session.get(User, ids["users"][1])
                        barrier.wait(timeout=10)
                        pos.send_purchase_order(po, actor)
                        db.session.commit()
                        outcomes.append("sent")
                    except ProcurementRuleViolation:
                        db.session.rollback()
                        outcomes.append("refused")
                    finally:
                        db.session.remove()

            threads = [threading.Thread(target=send, args=(po_id,)) for po_id in po_ids]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=30)
            assert sorted(outcomes) == ["refused", "sent"]
            db.session.expire_all()
            assert db.session.get(FrameworkContract, contract.id).committed_ht == Decimal("9500.00")
            statuses = sorted(db.session.scalars(select(PurchaseOrder.status).where(PurchaseOrder.id.in_(po_ids))))
            assert statuses == ["draft", "sent"]
        finally:
            db.session.rollback()
            if ids:
                order_ids = list(db.session.scalars(select(Order.id).where(Order.member_id.in_(ids["member"]))))
                db.session.execute(delete(Notification).where(Notification.user_id.in_(ids["users"])))
                db.session.execute(delete(PurchaseOrderEvent).where(PurchaseOrderEvent.purchase_order_id.in_(ids["pos"])))
                db.session.execute(delete(PurchaseOrderLine).where(PurchaseOrderLine.purchase_order_id.in_(ids["pos"])))
                db.session.execute(delete(PurchaseOrder).where(PurchaseOrder.id.in_(ids["pos"])))
                db.session.execute(delete(OrderEvent).where(OrderEvent.order_id.in_(order_ids)))
                db.session.execute(delete(OrderLine).where(OrderLine.order_id.in_(order_ids)))
                db.session.execute(delete(Order).where(Order.id.in_(order_ids)))
                db.session.execute(delete(Offer).where(Offer.id.in_(ids["offer"])))
                db.session.execute(delete(Product).where(Product.id.in_(ids["product"])))
                db.session.execute(delete(FrameworkContract).where(FrameworkContract.id.in_(ids["contract"])))
                db.session.execute(delete(Supplier).where(Supplier.id.in_(ids["supplier"])))
                db.session.execute(delete(User).where(User.id.in_(ids["users"])))
                db.session.execute(delete(MemberSiret).where(MemberSiret.member_id.in_(ids["member"])))
                db.session.execute(delete(Site).where(Site.member_id.in_(ids["member"])))
                db.session.execute(delete(Member).where(Member.id.in_(ids["member"])))
                if not identity_existed:
                    db.session.execute(delete(SyndicateIdentity))
                db.session.execute(delete(TariffGrid).where(TariffGrid.id.in_(ids["grid"])))
                db.session.commit()
            db.session.remove()
