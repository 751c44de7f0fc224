"""``flask --app purchasing mail deliver|digest`` and ``flask --app purchasing notify scan``.

Plain functions behind them (``delivery.deliver_due_messages``, ``digest.build_digests``, ``scan.scan``) are
what the job queue runs periodically.
"""
from __future__ import annotations

import click
from flask.cli import AppGroup

from purchasing.extensions import db
from purchasing.mail.delivery import deliver_due_messages
from purchasing.mail.digest import build_digests
from purchasing.mail.scan import scan

mail_group = AppGroup("mail", help="Messages de l'outbox : envoi et résumé quotidien.")
notify_group = AppGroup("notify", help="Notifications périodiques.")


@mail_group.command("deliver")
def deliver_command() -> None:
    """Envoie les messages en attente (un passage ; chaque message est validé dès son envoi)."""
    try:
        report = deliver_due_messages()
    except Exception:
        db.session.rollback()
        raise
    if report.not_configured:
        click.echo("MAIL_SERVER n'est pas configuré : les messages restent dans l'outbox "
                   "(page « E-mails envoyés » de l'administrateur).")
        return
    click.echo(f"{report.sent} envoyé(s), {report.retried} à réessayer, {report.failed} en échec, "
               f"{report.interrupted} interrompu(s).")
    for error in report.errors[:20]:
        click.echo(f"  {error}", err=True)


@mail_group.command("digest")
def digest_command() -> None:
    """Écrit le résumé quotidien de chaque utilisateur qui a des messages en attente de résumé."""
    try:
        report = build_digests()
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    click.echo(f"{report.users} résumé(s), {report.items} message(s) regroupé(s).")


@notify_group.command("scan")
def scan_command() -> None:
    """Contrats (80 %, échéance à 90 jours), achats groupés (ouverts, clôture à 3 jours), garanties (60 jours)."""
    try:
        report = scan()
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    written = ", ".join(f"{what} : {count}" for what, count in sorted(report.written.items())) or "rien de nouveau"
    click.echo(f"Messages écrits — {written}.")
