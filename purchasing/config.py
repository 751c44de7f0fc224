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

    # Uploads (price lists, inventories): 10 MiB at most per request.
    MAX_CONTENT_LENGTH = 10 * 1024 * 1024
    # One uploaded spreadsheet (purchasing/uploads.py): its size, checked before it is read; for XLSX/ODS,
    # its uncompressed size, compression ratio and cell count, checked before it is parsed.
    UPLOAD_MAX_BYTES = 5 * 1024 * 1024
    UPLOAD_MAX_UNCOMPRESSED_BYTES = 64 * 1024 * 1024
    UPLOAD_MAX_ZIP_RATIO = 100
    UPLOAD_MAX_CELLS = 1_000_000

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


class ProductionConfig(Config):
    ENV_NAME = "production"
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


def environment_overrides() -> dict:
    """Settings read from the environment: DATABASE_URL, SECRET_KEY."""
    overrides: dict = {}
    if os.environ.get("DATABASE_URL"):
        overrides["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    if os.environ.get("SECRET_KEY"):
        overrides["SECRET_KEY"] = os.environ["SECRET_KEY"]
    return overrides
