"""Parc commun: the purchasing centre and equipment lifecycle of a syndicate of local authorities.

``create_app`` is the application factory: ``flask --app purchasing run``.
"""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from werkzeug.middleware.proxy_fix import ProxyFix

from purchasing.config import (
    DEFAULT_SECRET_KEY,
    PROJECT_ROOT,
    config_for,
    environment_overrides,
    normalise_database_url,
)
from purchasing.db_types import render_migration_item
from purchasing.extensions import csrf, db, login_manager, migrate


class ConfigurationError(SystemExit):
    """Raised at start-up when the configuration is unsafe; the message says what to fix."""


def create_app(test_config: dict | None = None) -> Flask:
    instance_path = os.environ.get("INSTANCE_PATH") or str(PROJECT_ROOT / "instance")
    app = Flask(
        __name__,
        instance_path=instance_path,
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
    )
    env_name = (test_config or {}).get("ENV_NAME") or os.environ.get("PARC_ENV")
    app.config.from_object(config_for(env_name))
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(environment_overrides())
    if test_config:
        app.config.update(test_config)
    _configure_database_url(app)
    _refuse_unsafe_production(app)
    _trust_proxies(app)
    _configure_storage(app)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), compare_type=True,
                     render_as_batch=True, render_item=render_migration_item)
    csrf.init_app(app)
    login_manager.init_app(app)

    from purchasing import i18n

    i18n.init_app(app)

    with app.app_context():
        _tune_sqlite(app)
    from purchasing.catalogue import cache as catalogue_cache

    catalogue_cache.init_app(app)  # before any request or command writes: it watches the engine

    _register_models()
    from purchasing import params

    # one integer parser for every path id (before the blueprints: rules bind their converters when added)
    app.url_map.converters["int"] = params.DatabaseIdConverter
    from lifecycle.imports.limits import allow_inventory_bodies

    # first of all (CSRF protection reads the form before the blueprints' hooks): inventory files are larger
    app.before_request_funcs.setdefault(None, []).insert(0, allow_inventory_bodies)
    app.before_request(params.refuse_nul_characters)
    _register_blueprints(app)

    from purchasing import errors

    errors.init_app(app)

    from purchasing import cli

    cli.init_app(app)

    from purchasing import navigation

    navigation.init_app(app)

    from purchasing import headers, logs

    logs.init_app(app)
    headers.init_app(app)

    from purchasing.jobs import kinds, queue

    kinds.register_all(app)
    queue.init_app(app)
    from purchasing.mail import periodic  # noqa: F401  (registers the outbox delivery, scan and digests)
    return app


def _trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES reverse proxies, take the client address and scheme from their headers.

    Only that many X-Forwarded-For entries are trusted (counted from the right): a client cannot choose
    the address the login throttle and the security log see.
    """
    count = int(app.config.get("TRUSTED_PROXIES") or 0)
    if count > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)


def _configure_database_url(app: Flask) -> None:
    url = app.config.get("SQLALCHEMY_DATABASE_URI")
    if not url:
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        url = "sqlite:///" + str(Path(app.instance_path) / "parc.sqlite3")
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(url)
    if url.startswith("sqlite"):
        # SQLite: wait on a locked database instead of failing at once.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"timeout": 15}}


def _refuse_unsafe_production(app: Flask) -> None:
    if app.config["ENV_NAME"] != "production":
        return
    secret = app.config.get("SECRET_KEY") or ""
    if secret == DEFAULT_SECRET_KEY or len(secret) < 32:
        raise ConfigurationError(
            "Refus de démarrer : en production (PARC_ENV=production), SECRET_KEY doit être défini "
            "(variable d'environnement SECRET_KEY ou instance/config.py) avec une valeur secrète "
            "d'au moins 32 caractères, différente de la valeur de développement. "
            "Exemple : export SECRET_KEY=\"$(python3 -c 'import secrets; print(secrets.token_hex(32))')\""
        )
    if app.config.get("MAIL_SERVER") and not app.config.get("BASE_URL"):
        raise ConfigurationError(
            "Refus de démarrer : en production, avec MAIL_SERVER, BASE_URL doit donner l'adresse publique du site "
            "(ex. https://parc.example.fr) : les liens des e-mails sont construits sur elle."
        )


def _configure_storage(app: Flask) -> None:
    from purchasing import storage

    problem = storage.configure(app)
    if problem:
        raise ConfigurationError("Refus de démarrer : " + problem)


def _tune_sqlite(app: Flask) -> None:
    """Foreign keys on, and real transactions so that SAVEPOINT works (pysqlite's own handling breaks it)."""
    engine = db.engine
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # pragma: no cover - exercised on every connect
        if isinstance(dbapi_connection, sqlite3.Connection):
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            # WAL: readers and the writer do not block each other (the web pages, the job consumers and
            # the progress a job writes through another connection while it reads)
            if engine.url.database not in (None, "", ":memory:"):
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # pragma: no cover
        # "BEGIN IMMEDIATE" when asked (execution option sqlite_begin, a job's write phase): the write lock taken
        # at once, waiting on the busy timeout, instead of a read snapshot whose first write fails at once when
        # another connection has committed meanwhile (WAL's SQLITE_BUSY_SNAPSHOT, "database is locked")
        mode = conn.get_execution_options().get("sqlite_begin")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if mode == "IMMEDIATE" else "BEGIN")


def _register_models() -> None:
    """Import every model module so that metadata is complete (for migrations and relationships)."""
    from purchasing import models  # noqa: F401


def _register_blueprints(app: Flask) -> None:
    from purchasing.accounts.views import bp as accounts_bp
    from purchasing.api import bp as api_bp
    from purchasing.main.views import bp as main_bp
    from purchasing.members.views import bp as members_bp
    from purchasing.suppliers.views import bp as suppliers_bp
    from purchasing.tenders.views import bp as tenders_bp
    from lifecycle.web import bp as lifecycle_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(members_bp)
    app.register_blueprint(suppliers_bp)
    app.register_blueprint(tenders_bp)

    from purchasing.campaigns.views import bp as campaigns_bp
    from purchasing.catalogue.views import bp as catalogue_bp
    from purchasing.notifications import views as notifications_views
    from purchasing.orders.views import bp as orders_bp
    from purchasing.pricing.views import bp as pricing_bp
    from purchasing.purchase_orders.views import bp as purchase_orders_bp

    app.register_blueprint(catalogue_bp)

    from purchasing.catalogue.admin import bp as catalogue_admin_bp

    app.register_blueprint(catalogue_admin_bp)
    app.register_blueprint(orders_bp)
    app.register_blueprint(pricing_bp)
    app.register_blueprint(purchase_orders_bp)
    app.register_blueprint(campaigns_bp)
    app.register_blueprint(notifications_views.bp)
    notifications_views.init_app(app)
    app.register_blueprint(api_bp)
    app.register_blueprint(lifecycle_bp)

    from lifecycle.agents.views import agent_bp

    app.register_blueprint(agent_bp)

    from lifecycle.reports.views import bp as reports_bp

    app.register_blueprint(reports_bp)

    from purchasing.security.views import bp as security_bp

    app.register_blueprint(security_bp)

    from purchasing.documents.views import bp as documents_bp

    app.register_blueprint(documents_bp)
    from purchasing.accounts.access_views import bp as access_bp
    from purchasing.mail.views import bp as mail_bp

    app.register_blueprint(access_bp)
    app.register_blueprint(mail_bp)

    from purchasing.jobs.views import bp as jobs_bp

    app.register_blueprint(jobs_bp)

    from purchasing.decp.views import bp as decp_bp

    app.register_blueprint(decp_bp)

    from purchasing.syndicate.views import bp as syndicate_bp

    app.register_blueprint(syndicate_bp)
