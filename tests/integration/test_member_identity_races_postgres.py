"""The same SIRET added to two members at once, two default sites chosen at once: one winner, a 409 (PostgreSQL)."""
from __future__ import annotations

import itertools
from datetime import date

import pytest
from sqlalchemy import func, select

from purchasing.domain.identifiers import luhn_check_digit
from purchasing.extensions import db
from purchasing.members import services
from purchasing.members.models import Member, MemberSiret, Site
from tests.integration.test_races_postgres import one_winner, pg, race  # noqa: F401 - fixture

pytestmark = pytest.mark.postgres


_serial = itertools.count(1)


def _members(count):
    """Members committed for real (the race's threads read them through their own connections)."""
    members = []
    for _ in range(count):
        body = f"{87000000 + next(_serial):08d}"
        members.append(Member(kind="commune", name=f"Course {body}", search_name=f"course {body}",
                              siren=body + luhn_check_digit(body), population=10, joined_on=date(2020, 1, 1)))
    db.session.add_all(members)
    db.session.flush()
    db.session.add(Site(member_id=members[0].id, name="Mairie", name_key="mairie", is_default=True))
    db.session.commit()
    return [m.id for m in members]


def test_one_siret_added_to_two_members_at_once_goes_to_one(pg):  # noqa: F811
    ids = _members(2)
    body = "2130000150003"
    siret = body + luhn_check_digit(body)

    def work(member_id):
        def load():
            member = db.session.get(Member, member_id)
            return lambda: services.add_siret(member, siret, "CCAS", False)
        return load

    one_winner(race(pg, [work(i) for i in ids], threads=2), loser_codes=("duplicate",))
    with db.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(MemberSiret).where(MemberSiret.siret == siret)
                            ).scalar_one() == 1


def test_two_default_sites_chosen_at_once_leave_one_default(pg):  # noqa: F811
    (member_id,) = _members(1)
    site_ids = []
    for name in ("École", "Gymnase"):
        site = services.create_site(db.session.get(Member, member_id), services.SiteData(name=name))
        site_ids.append(site.id)
    db.session.commit()

    def work(site_id):
        def load():
            site = db.session.get(Site, site_id)
            return lambda: services.set_default_site(site)
        return load

    results = race(pg, [work(i) for i in site_ids], threads=2)
    assert all(r == "ok" or r == "409:duplicate" for r in results), results
    with db.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Site).where(Site.member_id == member_id,
                                                                          Site.is_default.is_(True))).scalar_one() == 1
