"""Command-line interface: ``flask --app purchasing <command>``. Each command commits once."""
from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from purchasing.extensions import db
from purchasing.mail.cli import mail_group, notify_group


def init_app(app: Flask) -> None:
    app.cli.add_command(demo_command)
    app.cli.add_command(create_user_command)
    app.cli.add_command(refresh_catalogue_command)
    app.cli.add_command(mail_group)
    app.cli.add_command(notify_group)

    from purchasing.backup import backup_command, restore_command

    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)


@click.command("demo")
@click.option("--seed", default=2026, show_default=True, help="Graine du générateur pseudo-aléatoire.")
@with_appcontext
def demo_command(seed: int) -> None:
    """Charge le territoire de démonstration (idempotent, refusé en production)."""
    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("La démonstration est refusée en production (PARC_ENV=production).")
    from purchasing.demo import load_demo

    try:
        summary = load_demo(seed=seed)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    for line in summary:
        click.echo(line)


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--role", required=True,
              type=click.Choice(["secretary", "approver", "purchasing_officer", "sustainability_officer", "admin"]))
@click.option("--member-id", type=int, default=None, help="Adhérent (secrétaire et approbateur).")
@click.option("--name", "full_name", default="")
@click.password_option(prompt="Mot de passe")
@with_appcontext
def create_user_command(email: str, role: str, member_id: int | None, full_name: str, password: str) -> None:
    """Crée un utilisateur (par exemple le premier administrateur)."""
    from purchasing.accounts.models import MEMBER_ROLES
    from purchasing.accounts.services import UserData, create_user, email_taken
    from purchasing.members.models import Member

    if email_taken(email):
        raise click.ClickException("Un utilisateur a déjà cette adresse e-mail.")
    if role in MEMBER_ROLES and (member_id is None or db.session.get(Member, member_id) is None):
        raise click.ClickException("Un secrétaire ou un approbateur doit être rattaché à un adhérent existant (--member-id).")
    if len(password) < 10:
        raise click.ClickException("Le mot de passe doit contenir au moins 10 caractères.")
    user = create_user(UserData(email=email, full_name=full_name, role=role, member_id=member_id), password)
    db.session.commit()
    click.echo(f"Utilisateur {user.email} créé (rôle {user.role}).")


@click.command("refresh-catalogue")
@with_appcontext
def refresh_catalogue_command() -> None:
    """Recalcule les clés de tri du catalogue (prix, carbone et coût par an) ; à lancer chaque nuit."""
    from purchasing.catalogue.services import refresh_all_products

    count = refresh_all_products()
    db.session.commit()
    click.echo(f"{count} produits recalculés.")
