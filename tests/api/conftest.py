"""Fixtures for the API: users of every role, tokens, and a JSON client."""
from __future__ import annotations

import pytest

from purchasing.accounts.models import Role


class ApiClient:
    """The test client speaking JSON with a bearer token."""

    def __init__(self, client, token: str | None = None):
        self.client = client
        self.token = token

    def headers(self, token=None, **extra):
        token = token if token is not None else self.token
        return {**({"Authorization": f"Bearer {token}"} if token else {}), **extra}

    def get(self, url, token=None, **kw):
        return self.client.get(url, headers=self.headers(token), **kw)

    def post(self, url, json=None, token=None, **kw):
        return self.client.post(url, json=json, headers=self.headers(token), **kw)

    def as_(self, token):
        return ApiClient(self.client, token)


@pytest.fixture
def api(client):
    return ApiClient(client)


@pytest.fixture
def token_for(app):
    from purchasing.api.services import issue_token

    def factory(user, name="test"):
        return issue_token(user, name)[1]

    return factory


@pytest.fixture
def actx(make_member, make_user, token_for):
    """Two members; a user of every role (member roles in member A); a token for each."""
    member_a, member_b = make_member(name="Commune Alpha"), make_member(name="Commune Beta")
    users = {
        Role.SECRETARY: make_user(role=Role.SECRETARY, member=member_a, email="secretary@a.test"),
        Role.APPROVER: make_user(role=Role.APPROVER, member=member_a, email="approver@a.test"),
        Role.PURCHASING_OFFICER: make_user(role=Role.PURCHASING_OFFICER, email="purchasing_officer@s.test"),
        Role.SUSTAINABILITY_OFFICER: make_user(role=Role.SUSTAINABILITY_OFFICER,
                                               email="sustainability_officer@s.test"),
        Role.ADMIN: make_user(role=Role.ADMIN, email="admin@s.test"),
    }
    tokens = {str(role): token_for(user) for role, user in users.items()}
    return {"member_a": member_a, "member_b": member_b, "users": users, "tokens": tokens}


@pytest.fixture
def make_asset(app):
    from datetime import date
    from decimal import Decimal

    from sqlalchemy import select

    from lifecycle.assets import services
    from purchasing.catalogue.models import Category
    from purchasing.extensions import db

    def factory(member, code="laptop", actor=None, **kw):
        kw.setdefault("acquisition_date", date(2024, 1, 15))
        kw.setdefault("purchase_price_ht", Decimal("800.00"))
        kw.setdefault("designation", "Portable test")
        category = db.session.scalars(select(Category).where(Category.code == code)).one()
        return services.create_asset(member_id=member.id, category=category, actor=actor, **kw)

    return factory


@pytest.fixture
def world(actx, make_grid, make_offer, make_user, make_asset):
    """actx + a tariff grid, an orderable offer, a submitted order of each member (member B's approved),
    a draft purchase order of B's order, an asset of each member, a tender with a lot."""
    from datetime import date, datetime, timedelta, timezone

    from purchasing.orders import services as orders
    from purchasing.purchase_orders import services as purchase_orders
    from purchasing.tenders import services as tenders

    make_grid()
    offer = make_offer(price="500.00")
    secretary_a = actx["users"][Role.SECRETARY]
    secretary_b = make_user(role=Role.SECRETARY, member=actx["member_b"], email="secretary@b.test")
    today = date.today()
    from tests.conftest import default_site_id

    order_a = orders.create_order(secretary_a, [(offer.id, 1)], today, int(default_site_id(actx["member_a"])))
    orders.submit_order(order_a, secretary_a, today)
    order_b = orders.create_order(secretary_b, [(offer.id, 1)], today, int(default_site_id(actx["member_b"])))
    orders.submit_order(order_b, secretary_b, today)  # 515 € ≤ 1 000 €: approved automatically
    assert order_b.status == "approved"
    officer = actx["users"][Role.PURCHASING_OFFICER]
    po = purchase_orders.create_purchase_order_for_orders([order_b.id], officer)
    asset_a = make_asset(actx["member_a"])
    asset_b = make_asset(actx["member_b"])
    from lifecycle.pool import services as pool_services

    pool_services.offer_to_pool(asset_b, condition="good", note="Bon état", actor=secretary_b)
    tender = tenders.create_tender(tenders.TenderInput(
        reference="AO-API-1", title="Postes de travail", publication_date=today,
        bid_deadline=datetime.now(timezone.utc) + timedelta(days=30)))
    from purchasing.extensions import db
    from purchasing.jobs import kinds

    job_a = kinds.start_label_sheet(secretary_a, [asset_a.id])
    job_b = kinds.start_label_sheet(secretary_b, [asset_b.id])
    db.session.commit()  # queued at commit; the suite runs jobs at once (JOBS_IMMEDIATE)
    import io

    from purchasing.documents import services as documents

    docs = {f"doc_{key}": documents.attach(documents.load_owner("asset", asset.id, user), "invoice",
                                           f"facture-{key}.pdf", io.BytesIO(b"%PDF-1.4\n%test\n"), user)
            for key, asset, user in (("a", asset_a, secretary_a), ("b", asset_b, secretary_b))}
    from lifecycle.imports import mapping as mappings

    headers = ["Type", "Lieu", "Remarque", "Désignation"]
    columns = {"Type": "category_code", "Lieu": "site", "Remarque": "", "Désignation": "designation"}
    saved = {f"mapping_{key}": mappings.save_mapping(member.id, "spreadsheet", headers,
                                                     mappings.Mapping(columns=columns))
             for key, member in (("a", actx["member_a"]), ("b", actx["member_b"]))}
    from purchasing.campaigns import services as campaigns

    campaign = campaigns.create_campaign(offer.id, "Portables", today, 1, None, officer, today)
    commitments = {f"commitment_{key}": campaigns.commit_quantity(campaign, actx[f"member_{key}"], 1, today, actor=user)
                   for key, user in (("a", secretary_a), ("b", secretary_b))}  # 515 € ≤ 1 000 €: approved
    db.session.commit()
    return {**actx, "offer": offer, "order_a": order_a, "order_b": order_b, "secretary_b": secretary_b, "po": po,
            "campaign": campaign, **commitments, "asset_a": asset_a, "asset_b": asset_b, "tender": tender, **docs,
            "job_a": job_a, "job_b": job_b, **saved}
