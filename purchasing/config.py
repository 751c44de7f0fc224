"""Configuration defaults. instance/config.py, then environment variables, override them."""
from __future__ import annotations

import os
from pathlib import Path

#: Development default; the app refuses to start in production with it.
DEFAULT_SECRET_KEY = "dev-only-insecure-secret-change-me"

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Config:
    ENV_NAME = "development"
    SECRET_KEY = DEFAULT_SECRET_KEY
    SQLALCHEMY_DATABASE_URI: str | None = None  # default computed from the instance folder
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # tied to the session; part-time users keep a form open for hours

    # Uploads (price lists, inventories): 10 MiB at most.
    MAX_CONTENT_LENGTH = 10 * 1024 * 1024

    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_DEFAULT_TIMEZONE = "Europe/Paris"
    LANGUAGES = ("fr", "en")

    # Login throttling: after LOGIN_MAX_FAILURES failures for one email, logins for that email are
    # refused for LOGIN_LOCK_MINUTES minutes (whether or not the account exists).
    LOGIN_MAX_FAILURES = 5
    LOGIN_LOCK_MINUTES = 15

    PASSWORD_HASH_METHOD = "scrypt"

    ITEMS_PER_PAGE = 25
    MAX_ITEMS_PER_PAGE = 100

    # Asset tags: "<prefix>-<year>-<6-digit sequence>", e.g. SDN-2026-000123 (printed as Code 128).
    ASSET_TAG_PREFIX = "SDN"

    # E-mail (purchasing/mail): without MAIL_SERVER messages stay in the outbox, readable by the
    # administrator ("E-mails envoyés"). Links in messages are built on BASE_URL, never on the request's Host.
    MAIL_SERVER: str | None = None
    MAIL_PORT = 25
    MAIL_USE_TLS = False  # STARTTLS after connecting
    MAIL_USE_SSL = False  # TLS from the start (usually port 465)
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_DEFAULT_SENDER = "Parc commun <ne-pas-repondre@parc-commun.local>"
    MAIL_TIMEOUT = 10  # seconds per SMTP connection
    MAIL_MAX_ATTEMPTS = 8  # then the message is marked failed
    MAIL_RETRY_BASE_SECONDS = 60  # backoff: 1, 2, 4, 8… minutes, at most MAIL_RETRY_MAX_SECONDS
    MAIL_RETRY_MAX_SECONDS = 6 * 3600
    BASE_URL = "http://127.0.0.1:5000"
    # "Mot de passe oublié ?": at most one reset mail per account in this many seconds (no mailbox flooding)
    PASSWORD_RESET_COOLDOWN_SECONDS = 120


class ProductionConfig(Config):
    ENV_NAME = "production"
    BASE_URL = None  # required in production when MAIL_SERVER is set: the site's public address
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True


class TestConfig(Config):
    ENV_NAME = "test"
    TESTING = True
    WTF_CSRF_ENABLED = True  # tests post real CSRF tokens, as a browser does
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # fast in tests; production uses scrypt


def normalise_database_url(url: str) -> str:
    """Accept the usual postgres:// and postgresql:// forms and use psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def config_for(env_name: str | None) -> type[Config]:
    return {"production": ProductionConfig, "test": TestConfig}.get(env_name or "", Config)


#: mail settings read from the environment, with their type
MAIL_ENVIRONMENT = {"MAIL_SERVER": str, "MAIL_PORT": int, "MAIL_USE_TLS": bool, "MAIL_USE_SSL": bool,
                    "MAIL_USERNAME": str, "MAIL_PASSWORD": str, "MAIL_DEFAULT_SENDER": str, "BASE_URL": str}


def _typed(kind, raw: str):
    if kind is bool:
        return raw.strip().lower() in ("1", "true", "yes", "on", "oui")
    return kind(raw)


def environment_overrides() -> dict:
    """Settings read from the environment: DATABASE_URL, SECRET_KEY, the MAIL_* settings and BASE_URL."""
    overrides: dict = {}
    if os.environ.get("DATABASE_URL"):
        overrides["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    if os.environ.get("SECRET_KEY"):
        overrides["SECRET_KEY"] = os.environ["SECRET_KEY"]
    for name, kind in MAIL_ENVIRONMENT.items():
        if os.environ.get(name):
            overrides[name] = _typed(kind, os.environ[name])
    return overrides
