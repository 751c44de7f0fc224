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
    # Inventory files (lifecycle/imports/limits.py) instead: 50 MiB, through a background job above
    # JOBS_IMPORT_ROW_THRESHOLD rows; a workbook of up to 2.5 million cells (200,000 rows of 12 columns);
    # at most INVENTORY_MAX_ROWS rows through the site or the API (`flask lifecycle import` takes any length).
    INVENTORY_UPLOAD_MAX_BYTES = 50 * 1024 * 1024
    INVENTORY_UPLOAD_MAX_CELLS = 2_500_000
    INVENTORY_UPLOAD_MAX_UNCOMPRESSED_BYTES = 256 * 1024 * 1024
    INVENTORY_MAX_ROWS = 200_000

    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_DEFAULT_TIMEZONE = "Europe/Paris"
    LANGUAGES = ("fr", "en")

    # Login throttling (purchasing/domain/login_throttle.py), whether or not the account exists:
    # after LOGIN_MAX_FAILURES failures in a row for one email, each further attempt for it waits
    # LOGIN_DELAY_SECONDS, doubling with each failure up to LOGIN_MAX_DELAY_SECONDS (from any address);
    # after LOGIN_MAX_FAILURES failures from one client address, that (email, address) pair is locked for
    # LOGIN_LOCK_MINUTES. Failures are forgotten after LOGIN_FAILURE_MEMORY_HOURS without one.
    LOGIN_MAX_FAILURES = 5
    LOGIN_DELAY_SECONDS = 2
    LOGIN_MAX_DELAY_SECONDS = 300
    LOGIN_LOCK_MINUTES = 15
    LOGIN_FAILURE_MEMORY_HOURS = 24

    # Number of reverse proxies / load balancers in front of the app whose X-Forwarded-For and
    # X-Forwarded-Proto are trusted (Werkzeug's ProxyFix). 0: the client address is the TCP peer.
    TRUSTED_PROXIES = 0

    # Level of the application's logs (request lines, errors) written to stderr.
    LOG_LEVEL = "INFO"

    PASSWORD_HASH_METHOD = "scrypt"

    ITEMS_PER_PAGE = 25
    MAX_ITEMS_PER_PAGE = 100
    #: flat lists count exactly up to this many rows, then say "more than" (purchasing/pagination.py)
    LIST_COUNT_CAP = 10_000
    #: the catalogue page's content cached per worker under the catalogue's version token (purchasing/catalogue/cache.py),
    #: at most this many characters of HTML per worker
    CATALOGUE_CACHE = True
    CATALOGUE_CACHE_CHARS = 8_000_000
    #: above this many active members the staff's member filter lists only the selected one (no 35,000 options)
    MEMBER_SELECT_LIMIT = 1_000
    #: the donor's delay to decline a claim of its pool offer, in days; None: the rule of lifecycle/domain/pool.py
    POOL_DECLINE_DAYS: int | None = None

    # Asset tags: "<prefix>-<year>-<6-digit sequence>", e.g. SDN-2026-000123 (printed as Code 128).
    ASSET_TAG_PREFIX = "SDN"

    # Stored files (purchasing/storage.py): "local" (the folder STORAGE_PATH, default <instance>/storage,
    # included in the backup) or "s3" (an S3-compatible bucket).
    STORAGE_BACKEND = "local"
    STORAGE_PATH: str | None = None
    S3_ENDPOINT_URL: str | None = None
    S3_BUCKET: str | None = None
    S3_ACCESS_KEY_ID: str | None = None
    S3_SECRET_ACCESS_KEY: str | None = None
    S3_REGION: str | None = None
    # Attachments (invoices, delivery notes, certificates, tender documents): 10 MiB each at most.
    DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
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
    # Background jobs (purchasing/jobs): Huey on a SQLite file in the instance folder by default
    # (HUEY_SQLITE_PATH, default instance/jobs-queue.sqlite3), on Redis when REDIS_URL is set (any number of
    # `flask worker` consumers on any number of hosts). HUEY_NAME names the queue (one per installation).
    REDIS_URL: str | None = None
    HUEY_NAME = "parc-commun"
    HUEY_SQLITE_PATH: str | None = None
    #: run each job at once, inside the request that starts it (tests of the pages; no consumer needed)
    JOBS_IMMEDIATE = False
    #: `flask run` (development) also runs a consumer thread, so that the demo's jobs run with one command
    JOBS_EMBEDDED_WORKER = True
    #: an unexpected failure is retried JOBS_RETRIES times, after JOBS_RETRY_DELAY s, then ×2 each time
    JOBS_RETRIES = 3
    JOBS_RETRY_DELAY = 10
    JOBS_RETRY_BACKOFF = 2
    #: imports (inventory, price lists) of more rows than this run as a job with a progress bar
    JOBS_IMPORT_ROW_THRESHOLD = 2000
    #: inventory agents (lifecycle/agents): requests per enrolment token in each window (a PROLOG and an
    #: INVENTORY per device and contact; a token is usually shared by a member's whole fleet)
    AGENT_RATE_LIMIT = 1200
    AGENT_RATE_WINDOW_SECONDS = 3600
    #: extra modules imported at start-up that register job kinds (register_job_kind)
    JOBS_MODULES: tuple = ()


class ProductionConfig(Config):
    ENV_NAME = "production"
    BASE_URL = None  # required in production when MAIL_SERVER is set: the site's public address
    JOBS_EMBEDDED_WORKER = False  # production runs `flask worker` processes
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True


class TestConfig(Config):
    ENV_NAME = "test"
    TESTING = True
    WTF_CSRF_ENABLED = True  # tests post real CSRF tokens, as a browser does
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # fast in tests; production uses scrypt
    LOG_LEVEL = "WARNING"  # no request lines in test output; tests of the log lines lower it (caplog)
    # Page tests run each job inside the request that starts it; tests/jobs start real consumers.
    JOBS_IMMEDIATE = True
    JOBS_EMBEDDED_WORKER = False


def normalise_database_url(url: str) -> str:
    """Accept the usual postgres:// and postgresql:// forms and use psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def config_for(env_name: str | None) -> type[Config]:
    return {"production": ProductionConfig, "test": TestConfig}.get(env_name or "", Config)


#: storage settings read from the environment under their own names
STORAGE_SETTINGS = ("STORAGE_BACKEND", "STORAGE_PATH", "S3_ENDPOINT_URL", "S3_BUCKET", "S3_ACCESS_KEY_ID",
                    "S3_SECRET_ACCESS_KEY", "S3_REGION")


#: mail settings read from the environment, with their type
MAIL_ENVIRONMENT = {"MAIL_SERVER": str, "MAIL_PORT": int, "MAIL_USE_TLS": bool, "MAIL_USE_SSL": bool,
                    "MAIL_USERNAME": str, "MAIL_PASSWORD": str, "MAIL_DEFAULT_SENDER": str, "BASE_URL": str}


def _typed(kind, raw: str):
    if kind is bool:
        return raw.strip().lower() in ("1", "true", "yes", "on", "oui")
    return kind(raw)


def environment_overrides() -> dict:
    """Settings read from the environment: DATABASE_URL, SECRET_KEY, TRUSTED_PROXIES, LOG_LEVEL, the storage
    settings, DOCUMENT_MAX_BYTES, the MAIL_* settings, BASE_URL,
    REDIS_URL."""
    overrides: dict = {}
    if os.environ.get("REDIS_URL"):
        overrides["REDIS_URL"] = os.environ["REDIS_URL"]
    if os.environ.get("DATABASE_URL"):
        overrides["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    if os.environ.get("SECRET_KEY"):
        overrides["SECRET_KEY"] = os.environ["SECRET_KEY"]
    if os.environ.get("TRUSTED_PROXIES"):
        overrides["TRUSTED_PROXIES"] = int(os.environ["TRUSTED_PROXIES"])
    if os.environ.get("LOG_LEVEL"):
        overrides["LOG_LEVEL"] = os.environ["LOG_LEVEL"].upper()
    for name in STORAGE_SETTINGS:
        if os.environ.get(name):
            overrides[name] = os.environ[name]
    if os.environ.get("DOCUMENT_MAX_BYTES"):
        overrides["DOCUMENT_MAX_BYTES"] = int(os.environ["DOCUMENT_MAX_BYTES"])
    for name, kind in MAIL_ENVIRONMENT.items():
        if os.environ.get(name):
            overrides[name] = _typed(kind, os.environ[name])
    return overrides
