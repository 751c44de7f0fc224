"""The home page's "what needs me now": per role, a few counts, each a link to the list showing those rows.

Each count is one aggregate query over the *same* statement the linked list pages (``count_capped`` over the
list's own query function, with the list's filter): the number on the home page is the number of rows the
list shows, and it is scoped as the list is (a member user's counts cover her member's rows only).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from lifecycle.assets import services as assets
from lifecycle.pool import services as pool
from purchasing.accounts import services as accounts
from purchasing.accounts.models import Role
from purchasing.db_types import utcnow
from purchasing.decp import services as decp
from purchasing.domain.money import round_cents, ttc
from purchasing.extensions import db
from purchasing.mail import services as mail
from purchasing.orders import services as orders
from purchasing.orders.models import Order, OrderLine
from purchasing.pagination import count_capped
from purchasing.purchase_orders import services as purchase_orders
from purchasing.tenders import services as tenders


@dataclass
class Count:
    """One line of the home page: how many rows wait, and the list that shows them."""

    key: str
    label: object
    count: int
    url: str
    #: more rows than the lists count exactly (LIST_COUNT_CAP): "more than <count>"
    capped: bool = False
    #: what the rows amount to, all taxes included (the approver's orders to decide)
    amount_ttc: Decimal | None = None
    hint: object = None


@dataclass
class Notice:
    """A line of information with a link (no count), e.g. the report's year status."""

    key: str
    text: object
    url: str
    link_label: object


def _count(key: str, label, stmt, url: str, **extra) -> Count:
    n, capped = count_capped(stmt, current_app.config.get("LIST_COUNT_CAP", 10_000))
    return Count(key, label, n, url, capped, **extra)


def submitted_total_ttc(user) -> Decimal:
    """The submitted orders' amount TTC within the user's scope: HT summed per VAT rate, then the VAT of each
    rate (as an invoice does), in one grouped query."""
    scoped = orders.orders_for(user, status="submitted").with_only_columns(Order.id).order_by(None)
    rows = db.session.execute(select(OrderLine.vat_rate, func.sum(OrderLine.line_total_ht))
                              .where(OrderLine.order_id.in_(scoped)).group_by(OrderLine.vat_rate)).all()
    return sum((ttc(round_cents(Decimal(str(total))), Decimal(str(rate))) for rate, total in rows if total is not None),
               Decimal("0.00"))


def _secretary(user, today: date) -> list[Count]:
    return [
        _count("orders_submitted", _l("Commandes en attente d'approbation"),
               orders.orders_for(user, status="submitted"), url_for("orders.index", status="submitted"),
               hint=_l("Soumises, elles attendent la décision du maire ou de l'approbateur.")),
        _count("deliveries_due", _l("Livraisons attendues"), orders.orders_for(user, status="to_deliver"),
               url_for("orders.index", status="to_deliver"),
               hint=_l("Commandes passées au fournisseur, pas encore entièrement livrées.")),
        _count("pool_requests", _l("Demandes reçues pour vos équipements de la bourse"),
               pool.requests_for(user.member_id), url_for("lifecycle.pool", _anchor="requests"),
               hint=_l("À donner ou à refuser avant la date indiquée ; sans réponse, l'équipement est donné.")),
        _count("pool_matching", _l("Offres de la bourse dans les catégories de votre parc"),
               pool.pool_query(matching_member_id=user.member_id, claimable_only=True),
               url_for("lifecycle.pool", matching="y"),
               hint=_l("Équipements proposés par d'autres adhérents, à réemployer avant d'acheter neuf.")),
        _count("past_lifetime", _l("Équipements au-delà de leur durée de vie prévue"),
               assets.inventory_query(assets.InventoryFilter(past_lifetime=True)),
               url_for("lifecycle.index", past_lifetime="y")),
    ]


def _approver(user, today: date) -> list[Count]:
    return [
        _count("orders_to_decide", _l("Commandes qui attendent votre décision"),
               orders.orders_for(user, status="submitted"), url_for("orders.to_approve"),
               amount_ttc=submitted_total_ttc(user)),
        _count("deliveries_due", _l("Livraisons attendues"), orders.orders_for(user, status="to_deliver"),
               url_for("orders.index", status="to_deliver")),
    ]


def _purchasing_officer(user, today: date) -> list[Count]:
    return [
        _count("orders_approved", _l("Commandes approuvées à passer"), orders.orders_for(user, status="approved"),
               url_for("orders.index", status="approved"),
               hint=_l("À regrouper en bons de commande fournisseurs.")),
        _count("contracts_attention", _l("Contrats proches du plafond ou de l'échéance"),
               purchase_orders.contracts_query("", today), url_for("purchase_orders.contracts", attention=1),
               hint=_l("Consommés à 80 %% ou plus, ou arrivant à échéance dans les %(days)d jours.",
                       days=purchase_orders.EXPIRY_WARNING_DAYS)),
        _count("tenders_awaiting", _l("Consultations à noter ou à attribuer"),
               tenders.search_tenders(awaiting_decision_at=utcnow()), url_for("tenders.index", due="y"),
               hint=_l("Date limite de remise des offres passée, ni attribuées ni déclarées infructueuses.")),
        _count("decp_unpublished", _l("Attributions à publier (DECP)"), decp.unpublished_stmt(today),
               url_for("decp.index") + "#unpublished-title"),
    ]


def _sustainability_officer(user, today: date) -> list[Count]:
    return [
        _count("pool_open", _l("Équipements dans la bourse de réemploi"), pool.pool_query(claimable_only=True),
               url_for("lifecycle.pool")),
        _count("erasures_uncertified", _l("Effacements de données sans certificat"),
               assets.inventory_query(assets.InventoryFilter(uncertified_erasure=True)),
               url_for("lifecycle.index", erasure_uncertified="y"),
               hint=_l("Effacement enregistré sans référence ni fichier de certificat.")),
    ]


def _admin(user, today: date) -> list[Count]:
    return [
        _count("users_without_member", _l("Secrétaires et approbateurs sans adhérent"),
               accounts.search_users(without_member=True), url_for("accounts.users", without_member="y"),
               hint=_l("Ils ne peuvent rien faire tant qu'ils ne sont pas rattachés à un adhérent.")),
        _count("emails_failed", _l("E-mails en échec"), mail.outbox_query("failed"),
               url_for("mail.outbox", status="failed")),
        _count("emails_pending", _l("E-mails en attente d'envoi"), mail.outbox_query("pending"),
               url_for("mail.outbox", status="pending")),
    ] + _purchasing_officer(user, today)


BY_ROLE = {Role.SECRETARY: _secretary, Role.APPROVER: _approver, Role.PURCHASING_OFFICER: _purchasing_officer,
           Role.SUSTAINABILITY_OFFICER: _sustainability_officer, Role.ADMIN: _admin}


def counts_for(user, today: date | None = None) -> list[Count]:
    """The home page's counts for the user's role (member users: within their member)."""
    builder = BY_ROLE.get(user.role)
    if builder is None or (user.role in (Role.SECRETARY, Role.APPROVER) and not user.member_id):
        return []
    return builder(user, today or date.today())


def notices_for(user, today: date | None = None) -> list[Notice]:
    """Lines of information: the sustainability report's year status for the officer."""
    today = today or date.today()
    if user.role != Role.SUSTAINABILITY_OFFICER:
        return []
    last = today.year - 1
    return [
        Notice("report_last_year",
               _l("Rapport %(year)d : année complète, le rapport annuel peut être établi.", year=last),
               url_for("reports.sustainability", scope="territory", year=last),
               _l("Ouvrir le rapport %(year)d", year=last)),
        Notice("report_current_year",
               _l("Année %(year)d en cours : ses chiffres sont provisoires jusqu'au 31 décembre.", year=today.year),
               url_for("reports.sustainability", scope="territory", year=today.year),
               _l("Voir l'état provisoire %(year)d", year=today.year)),
    ]
