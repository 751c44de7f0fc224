"""The demo territory: realistic shape, idempotent, refused in production."""
from sqlalchemy import func, select

from purchasing import create_app
from purchasing.accounts.models import Role, User
from purchasing.accounts.services import authenticate
from purchasing.domain.login_throttle import ThrottlePolicy
from purchasing.demo import load_demo
from purchasing.extensions import db
from purchasing.members.models import Member


def _count(*where):
    return db.session.scalar(select(func.count(Member.id)).where(*where))


def test_demo_territory_has_the_shape_of_the_reference_syndicate(app):
    load_demo(seed=2026)
    assert 560 <= _count() <= 600
    in_24 = Member.insee_code.like("24%")
    assert _count(Member.kind == "commune", in_24) == 463
    assert _count(Member.kind == "commune", in_24, Member.population > 3000) == 47
    assert _count(Member.kind == "commune", Member.insee_code.like("47%")) > 0  # a second département
    for kind in ("epci", "ccas", "syndicate"):
        assert _count(Member.kind == kind) > 0
    orphan_communes = _count(Member.kind == "commune", Member.epci_id.is_(None))
    assert orphan_communes == 0


def test_demo_users_log_in_with_the_demo_password_and_belong_to_the_right_communes(app):
    load_demo(seed=2026)
    petite = authenticate("secretaire@petite-commune.demo", "demo", client_address="127.0.0.1", policy=ThrottlePolicy())
    assert petite.role == Role.SECRETARY and petite.member.population < 1000
    maire = authenticate("maire@petite-commune.demo", "demo", client_address="127.0.0.1", policy=ThrottlePolicy())
    assert maire.role == Role.APPROVER and maire.member_id == petite.member_id
    moyenne = authenticate("secretaire@moyenne-commune.demo", "demo", client_address="127.0.0.1", policy=ThrottlePolicy())
    assert 3500 <= moyenne.member.population <= 10000
    for email, role in [("admin@demo.local", Role.ADMIN), ("achats@demo.local", Role.PURCHASING_OFFICER),
                        ("durabilite@demo.local", Role.SUSTAINABILITY_OFFICER)]:
        user = authenticate(email, "demo", client_address="127.0.0.1", policy=ThrottlePolicy())
        assert user.role == role and user.member_id is None


def _rows_per_table():
    return {table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


def test_demo_is_idempotent(app):
    load_demo(seed=2026)
    before = _rows_per_table()
    # the demo fills the whole product, not only members and users
    for table in ("member", "user_account", "product", "offer", "framework_contract", "purchase_request", "asset"):
        assert before.get(table, 0) > 0, table
    load_demo(seed=2026)
    assert _rows_per_table() == before  # every table, row for row: nothing added twice


def test_demo_cli_loads(runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "adhérents" in result.output


def test_demo_cli_is_refused_in_production():
    # No app fixture here: the command must run in the production app's own context.
    prod = create_app({"ENV_NAME": "production", "SECRET_KEY": "p" * 64, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    result = prod.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code != 0
    assert "refusée en production" in result.output
