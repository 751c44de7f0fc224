"""Each message is written in its recipient's language (issue 15, "Language"): a user whose locale is English gets
the English subject and body, the others French, for the same event; the outbox keeps the text as rendered."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from lifecycle.assets import services as lifecycle
from purchasing.accounts.models import Role
from purchasing.catalogue.models import Category
from purchasing.extensions import db
from purchasing.mail.models import OutboxMessage
from purchasing.mail.scan import scan
from tests.conftest import default_site_id


def _to(address) -> list[OutboxMessage]:
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == address)
                              .order_by(OutboxMessage.id)).all()


@pytest.fixture
def people(make_member, make_user):
    member = make_member(name="Commune Alpha", approval_threshold_ht=Decimal("500.00"))
    english = make_user(role=Role.SECRETARY, member=member, email="anne@alpha.test", full_name="Anne Alpha")
    english.locale = "en"
    french = make_user(role=Role.SECRETARY, member=member, email="berthe@alpha.test", full_name="Berthe Alpha")
    mayor_en = make_user(role=Role.APPROVER, member=member, email="mayor@alpha.test")
    mayor_en.locale = "en"
    mayor_fr = make_user(role=Role.APPROVER, member=member, email="maire@alpha.test")
    db.session.flush()
    return {"member": member, "en": english, "fr": french, "mayor_en": mayor_en, "mayor_fr": mayor_fr}


def test_a_warranty_warning_is_english_for_an_english_user_and_french_for_the_others(app, people):
    laptop = db.session.scalars(select(Category).where(Category.code == "laptop")).one()
    ends = date.today() + timedelta(days=60)
    asset = lifecycle.create_asset(member_id=people["member"].id, category=laptop, designation="PC garanti",
                                   warranty_end_date=ends)
    db.session.flush()
    assert scan(date.today()).written["warranty"] == 2

    [english] = [m for m in _to("anne@alpha.test") if m.kind == "warranty"]
    assert english.subject == f"Warranty ends on {ends:%d/%m/%Y}: PC garanti ({asset.tag})"
    assert english.text_body.startswith("Hello Anne Alpha,")
    assert f"The warranty of the item PC garanti ({asset.tag}) of Commune Alpha ends on {ends:%d/%m/%Y}" \
        in english.text_body
    assert "See the item" in english.text_body and "Parc commun — automatic message" in english.text_body
    assert '<html lang="en">' in english.html_body and "The warranty of the item" in english.html_body
    assert "garantie" not in english.text_body and "Bonjour" not in english.html_body

    [french] = [m for m in _to("berthe@alpha.test") if m.kind == "warranty"]
    assert french.subject == f"Fin de garantie le {ends:%d/%m/%Y} : PC garanti ({asset.tag})"
    assert french.text_body.startswith("Bonjour Berthe Alpha,")
    assert "La garantie de l'équipement PC garanti" in french.text_body and "Voir l'équipement" in french.text_body
    assert '<html lang="fr">' in french.html_body and "Hello" not in french.html_body


def test_an_order_to_approve_is_announced_to_each_approver_in_their_language(app, people, make_grid, make_offer):
    from purchasing.orders import services as orders

    make_grid()
    offer = make_offer(price="400.00")
    order = orders.create_order(people["fr"], [(offer.id, 2)], date.today(), int(default_site_id(people["member"])))
    orders.submit_order(order, people["fr"], date.today())
    assert order.status == "submitted"  # 816 € HT > 500 €: both mayors are told

    [english] = _to("mayor@alpha.test")
    assert english.subject == f"Order {order.reference} to approve — Commune Alpha"
    assert f"Order {order.reference} from Commune Alpha is waiting for your approval." in english.text_body
    assert "Open the order to approve or reject it" in english.html_body
    assert "approbation" not in english.text_body + english.html_body

    [french] = _to("maire@alpha.test")
    assert french.subject == f"Commande {order.reference} à approuver — Commune Alpha"
    assert f"La commande {order.reference} de Commune Alpha attend votre approbation." in french.text_body
    assert "approval" not in french.text_body + french.html_body


def test_every_mail_template_has_its_english_version(app):
    """A new message written in French only fails here (the supplier's purchase order stays French: suppliers
    have no account, hence no language of their own)."""
    from pathlib import Path

    folder = Path(app.root_path).parent / "templates" / "mail"
    french = {p.name for p in folder.glob("*.txt")} | {p.name for p in folder.glob("*.html")}
    pages = {"outbox.html", "show.html"}  # the outbox's own pages in the app (translated with gettext)
    english = {p.name for p in (folder / "en").iterdir()}
    assert sorted(french - pages - {"purchase_order.txt", "purchase_order.html"} - english) == []
