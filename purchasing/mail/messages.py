"""The messages people need, one function per event, called by the services where the change is made
(same transaction: a rolled-back change writes no message). Recipients follow the in-app notifications;
each user's preference decides between now, the daily digest, or nothing. Flushes, never commits.
"""
from __future__ import annotations

import hashlib
from datetime import date

from sqlalchemy import select

from purchasing.accounts.models import Role, User
from purchasing.domain.errors import N_
from purchasing.domain.money import format_eur
from purchasing.extensions import db
from purchasing.mail.models import OutboxMessage
from purchasing.mail.outbox import Attachment, absolute_url, enqueue, enqueue_for_users, mail_text
from purchasing.members.models import Member
from purchasing.notifications.services import link, notify, users_with_role
from purchasing.purchase_orders.models import PurchaseOrder


def _member_users(member_id: int, *roles: str) -> list[User]:
    return list(db.session.scalars(select(User).where(User.member_id == member_id, User.role.in_(roles),
                                                      User.is_enabled.is_(True)).order_by(User.id)))


# --- orders --------------------------------------------------------------------------------------

def approval_requested(order) -> int:
    """To the member's approvers: an order over the threshold waits for them."""
    subject = mail_text(N_("Commande %(reference)s à approuver — %(member)s"), reference=order.reference,
                        member=order.member.name)
    return enqueue_for_users(
        users_with_role(Role.APPROVER, order.member_id), kind="approval_requested",
        event_key=f"order:{order.id}:approval_requested", subject=subject, template="approval_requested",
        context={"order": order, "member": order.member, "total": format_eur(order.total_ht),
                 "requester": order.created_by},
        link=absolute_url("orders.show", order_id=order.id), object_type="order", object_id=order.id)


def order_decided(order, reason: str = "") -> int:
    """To the requester: the approver approved or rejected the order (with the reason)."""
    approved = order.status == "approved"
    subject = mail_text(N_("Commande %(reference)s approuvée — %(member)s") if approved
                        else N_("Commande %(reference)s refusée — %(member)s"),
                        reference=order.reference, member=order.member.name)
    return enqueue_for_users(
        [order.created_by], kind="order_decided", event_key=f"order:{order.id}:{order.status}", subject=subject,
        template="order_decided",
        context={"order": order, "member": order.member, "approved": approved, "reason": (reason or "").strip(),
                 "total": format_eur(order.total_ht)},
        link=absolute_url("orders.show", order_id=order.id), object_type="order", object_id=order.id)


def delivery_recorded(order, delivered_now: int) -> int:
    """To the member's secretaries and the requester: a delivery was recorded for the order."""
    users = {u.id: u for u in _member_users(order.member_id, Role.SECRETARY)}
    if order.created_by is not None:
        users.setdefault(order.created_by.id, order.created_by)
    delivered_total = sum(line.delivered_quantity for line in order.lines)
    return enqueue_for_users(
        users.values(), kind="delivery_recorded", event_key=f"order:{order.id}:delivered:{delivered_total}",
        subject=mail_text(N_("Commande %(reference)s : livraison reçue — %(member)s"), reference=order.reference,
                          member=order.member.name), template="delivery_recorded",
        context={"order": order, "member": order.member, "delivered_now": delivered_now,
                 "complete": order.status == "delivered"},
        link=absolute_url("orders.show", order_id=order.id), object_type="order", object_id=order.id)


# --- purchase orders -----------------------------------------------------------------------------

def purchase_order_recipient(supplier) -> str:
    """The supplier's order address; when it has none, its contact e-mail (a purchase order still reaches it)."""
    return (supplier.order_email or "").strip() or (supplier.contact_email or "").strip()


def purchase_order_sent(po, attachments: tuple[Attachment, ...]) -> OutboxMessage | None:
    """To the supplier's order address, with the purchase order's files (``purchase_orders.services.supplier_files``)."""
    return enqueue(
        kind="purchase_order", event_key=f"purchase_order:{po.id}:sent", recipient=purchase_order_recipient(po.supplier),
        subject=f"Bon de commande {po.reference} — accord-cadre {po.contract.reference}", template="purchase_order",
        context={"po": po, "supplier": po.supplier, "contract": po.contract, "total": format_eur(po.total_ht),
                 "members": sorted({pl.order_line.order.member.name for pl in po.lines}),
                 "files": [a.filename for a in attachments], "order_x": po.supplier.accepts_order_x},
        object_type="purchase_order", object_id=po.id, attachments=attachments)


def purchase_order_mail(po) -> OutboxMessage | None:
    """The supplier message of a purchase order (its delivery state is shown on the purchase order's page)."""
    return db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.object_type == "purchase_order", OutboxMessage.object_id == po.id,
        OutboxMessage.kind == "purchase_order").order_by(OutboxMessage.id.desc())).first()


def delivery_failed(message: OutboxMessage) -> None:
    """A message was given up: for a purchase order, its officer is told (in the app and by e-mail)."""
    if message.kind != "purchase_order" or message.object_id is None:
        return
    po = db.session.get(PurchaseOrder, message.object_id)
    if po is None:
        return
    page = link("purchase_orders.show", po_id=po.id)
    text = (f"Le bon de commande {po.reference} n'a pas pu être envoyé par e-mail à {message.recipient} : "
            f"transmettez-le au fournisseur par un autre moyen.")
    officers = [po.created_by] if po.created_by and po.created_by.is_enabled else users_with_role(
        Role.PURCHASING_OFFICER)
    notify(officers, text, page)
    enqueue_for_users(
        officers, kind="purchase_order_failed", event_key=f"purchase_order:{po.id}:mail_failed:{message.id}",
        subject=mail_text(N_("Bon de commande %(reference)s non remis au fournisseur"), reference=po.reference), template="purchase_order_failed",
        context={"po": po, "recipient": message.recipient, "error": message.last_error},
        link=absolute_url("purchase_orders.show", po_id=po.id), object_type="purchase_order", object_id=po.id)


# --- reuse pool ----------------------------------------------------------------------------------

def pool_reserved(listing, asset, donor_member, claimant_member, actor) -> int:
    """A claim reserved the donor's item: its secretaries are asked (in the app and by e-mail) and may decline
    until ``listing.decline_until``; the claimant's secretaries are told when someone else claimed for them."""
    asset_page = absolute_url("lifecycle.show", asset_id=asset.id)
    context = {"listing": listing, "asset": asset, "donor": donor_member, "claimant": claimant_member,
               "actor": actor}
    donors = _member_users(donor_member.id, Role.SECRETARY)
    notify([u for u in donors if u.id != getattr(actor, "id", None)],
           f"{claimant_member.name} demande votre équipement {asset.tag} (bourse de réemploi) : acceptez ou "
           "refusez avant la date indiquée.", link("lifecycle.show", asset_id=asset.id))
    count = enqueue_for_users(
        donors, kind="pool", event_key=f"pool:{listing.id}:reserved:{claimant_member.id}",
        subject=mail_text(N_("Bourse de réemploi : %(member)s demande votre équipement %(tag)s"),
                          tag=asset.tag, member=claimant_member.name),
        template="pool_reserved", context={**context, "member": donor_member}, link=asset_page, object_type="asset",
        object_id=asset.id, exclude=actor)
    count += enqueue_for_users(
        _member_users(claimant_member.id, Role.SECRETARY), kind="pool",
        event_key=f"pool:{listing.id}:reserved_for:{claimant_member.id}",
        subject=mail_text(N_("Bourse de réemploi : l'équipement %(tag)s est réservé pour %(member)s"),
                          tag=asset.tag, member=claimant_member.name),
        template="pool_reserved_for", context={**context, "member": claimant_member},
        link=absolute_url("lifecycle.pool"), object_type="asset", object_id=asset.id, exclude=actor)
    return count


def pool_claimed(listing, asset, donor_member, claimant_member, actor) -> int:
    """The reserved item was given (its donor confirmed, or the delay to decline ended): to the donor's
    secretaries and to the claimant's (it is now in their inventory)."""
    context = {"listing": listing, "asset": asset, "donor": donor_member, "claimant": claimant_member,
               "actor": actor}
    count = enqueue_for_users(
        _member_users(donor_member.id, Role.SECRETARY), kind="pool", event_key=f"pool:{listing.id}:claimed",
        subject=mail_text(N_("Bourse de réemploi : votre équipement %(tag)s est donné à %(member)s"),
                          tag=asset.tag, member=claimant_member.name),
        template="pool_claimed", context={**context, "member": donor_member},
        link=absolute_url("lifecycle.pool"), object_type="asset", object_id=asset.id, exclude=actor)
    count += enqueue_for_users(
        _member_users(claimant_member.id, Role.SECRETARY), kind="pool", event_key=f"pool:{listing.id}:claimed_for",
        subject=mail_text(N_("Bourse de réemploi : l'équipement %(tag)s est donné à %(member)s"),
                          tag=asset.tag, member=claimant_member.name),
        template="pool_claimed_for", context={**context, "member": claimant_member},
        link=absolute_url("lifecycle.show", asset_id=asset.id), object_type="asset", object_id=asset.id,
        exclude=actor)
    return count


def pool_declined(listing, asset, donor_member, claimant_member, actor, reason: str) -> int:
    """The donor declined the claim: to the claimant's secretaries, with the reason."""
    return enqueue_for_users(
        _member_users(claimant_member.id, Role.SECRETARY), kind="pool",
        event_key=f"pool:{listing.id}:declined:{claimant_member.id}",
        subject=mail_text(N_("Bourse de réemploi : %(member)s ne donne pas l'équipement %(tag)s"),
                          tag=asset.tag, member=donor_member.name),
        template="pool_declined",
        context={"listing": listing, "asset": asset, "donor": donor_member, "claimant": claimant_member,
                 "actor": actor, "reason": reason, "member": claimant_member},
        link=absolute_url("lifecycle.pool"), object_type="asset", object_id=asset.id, exclude=actor)


# --- contracts, campaigns, warranties (the daily scan) -------------------------------------------

def contract_consumed(contract, share_percent) -> int:
    return enqueue_for_users(
        users_with_role(Role.PURCHASING_OFFICER), kind="contract_alert",
        event_key=f"contract:{contract.id}:consumption:80",
        subject=mail_text(N_("Contrat %(reference)s consommé à %(percent)s %%"), reference=contract.reference,
                          percent=share_percent), template="contract_consumed",
        context={"contract": contract, "percent": share_percent, "remaining": format_eur(contract.remaining_ht),
                 "maximum": format_eur(contract.max_amount_ht)},
        link=absolute_url("purchase_orders.contracts"), object_type="contract", object_id=contract.id)


def contract_expiring(contract, today: date) -> int:
    return enqueue_for_users(
        users_with_role(Role.PURCHASING_OFFICER), kind="contract_alert", event_key=f"contract:{contract.id}:expiry:90",
        subject=mail_text(N_("Contrat %(reference)s : échéance le %(day)s"), reference=contract.reference,
                          day=f"{contract.end_on:%d/%m/%Y}"), template="contract_expiring",
        context={"contract": contract, "days": (contract.end_on - today).days},
        link=absolute_url("purchase_orders.contracts"), object_type="contract", object_id=contract.id)


def _all_secretaries() -> list[User]:
    return list(db.session.scalars(select(User).join(Member, User.member_id == Member.id)
                                   .where(User.role == Role.SECRETARY, User.is_enabled.is_(True),
                                          Member.is_active.is_(True)).order_by(User.id)))


def campaign_opened(campaign) -> int:
    return _campaign_message(campaign, "opened", mail_text(N_("Achat groupé ouvert : %(title)s"), title=campaign.title))


def campaign_closing(campaign) -> int:
    return _campaign_message(campaign, "closing:3",
                             mail_text(N_("Achat groupé « %(title)s » : clôture le %(day)s"), title=campaign.title,
                                       day=f"{campaign.deadline:%d/%m/%Y}"))


def _campaign_message(campaign, event: str, subject) -> int:
    page = absolute_url("campaigns.show", campaign_id=campaign.id)
    count = 0
    for user in _all_secretaries():
        count += enqueue_for_users(
            [user], kind="campaign", event_key=f"campaign:{campaign.id}:{event}", subject=subject,
            template="campaign", context={"campaign": campaign, "member": user.member, "closing": event != "opened"},
            link=page, object_type="campaign", object_id=campaign.id)
    return count


def warranty_ending(asset, today: date) -> int:
    return enqueue_for_users(
        _member_users(asset.member_id, Role.SECRETARY), kind="warranty",
        event_key=f"asset:{asset.id}:warranty:60:{asset.warranty_end_date}",
        subject=mail_text(N_("Fin de garantie le %(day)s : %(name)s (%(tag)s)"),
                          day=f"{asset.warranty_end_date:%d/%m/%Y}", name=asset.name, tag=asset.tag),
        template="warranty_ending",
        context={"asset": asset, "member": asset.member, "days": (asset.warranty_end_date - today).days},
        link=absolute_url("lifecycle.show", asset_id=asset.id), object_type="asset", object_id=asset.id)


# --- accounts (always sent at once, whatever the preferences) ------------------------------------

#: messages carrying a link that acts on the account (a password can be set with it)
PERSONAL_KINDS = frozenset({"invitation", "password_reset", "email_change"})

def _token_key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()[:24]


def invitation(user, token: str, invited_by) -> OutboxMessage | None:
    return enqueue(kind="invitation", event_key=f"invitation:{_token_key(token)}", recipient=user.email, user=user,
                   subject=mail_text(N_("Votre compte Parc commun : choisissez votre mot de passe")), template="invitation",
                   context={"user": user, "member": user.member, "invited_by": invited_by, "hours": 48},
                   link=absolute_url("access.set_password", token=token), object_type="user", object_id=user.id,
                   personal=True)


def password_reset(user, token: str) -> OutboxMessage | None:
    return enqueue(kind="password_reset", event_key=f"password_reset:{_token_key(token)}", recipient=user.email, user=user,
                   subject=mail_text(N_("Parc commun : réinitialisation de votre mot de passe")), template="password_reset",
                   context={"user": user, "member": user.member, "minutes": 60},
                   link=absolute_url("access.reset_password", token=token), object_type="user", object_id=user.id,
                   personal=True)


def email_change(user, new_email: str, token: str) -> OutboxMessage | None:
    """To the new address (the change is made when its owner confirms)."""
    return enqueue(kind="email_change", event_key=f"email_change:{_token_key(token)}", recipient=new_email,
                   subject=mail_text(N_("Parc commun : confirmez votre nouvelle adresse e-mail")), template="email_change",
                   context={"user": user, "member": user.member, "new_email": new_email},
                   link=absolute_url("access.confirm_email", token=token), object_type="user", object_id=user.id,
                   personal=True)


def email_changed_notice(user, old_email: str) -> OutboxMessage | None:
    """To the previous address, once the change is confirmed (so that a stolen session is noticed)."""
    return enqueue(kind="email_changed", event_key=f"email_changed:{user.id}:{user.email}", recipient=old_email,
                   subject=mail_text(N_("Parc commun : votre adresse e-mail a été modifiée")), template="email_changed",
                   context={"user": user, "member": user.member, "old_email": old_email},
                   link=absolute_url("accounts.login"), object_type="user", object_id=user.id)
