"""Configuration: defaults, environment variables, the production guard."""
import pytest

from purchasing import ConfigurationError, create_app
from purchasing.config import DEFAULT_SECRET_KEY, normalise_database_url


def test_production_refuses_the_default_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigurationError) as error:
        create_app({"ENV_NAME": "production", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert "SECRET_KEY" in str(error.value)
    assert "Refus de démarrer" in str(error.value)


def test_production_refuses_a_short_secret_key():
    with pytest.raises(ConfigurationError):
        create_app({"ENV_NAME": "production", "SECRET_KEY": "short", "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_production_starts_with_a_real_secret_and_secure_cookies():
    app = create_app({"ENV_NAME": "production", "SECRET_KEY": "x" * 64, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_environment_variables_override_defaults(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgresql://someone@db.example:5432/parc")
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    app = create_app({"ENV_NAME": "test"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://someone@db.example:5432/parc"
    assert app.config["SECRET_KEY"] == "s" * 40


def test_default_database_is_a_sqlite_file_in_the_instance_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    app = create_app({"ENV_NAME": "test"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/parc.sqlite3"
    assert app.config["SECRET_KEY"] == DEFAULT_SECRET_KEY  # fine outside production


def test_instance_config_file_is_read(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    (tmp_path / "config.py").write_text('ITEMS_PER_PAGE = 7\n')
    assert create_app({"ENV_NAME": "test"}).config["ITEMS_PER_PAGE"] == 7


@pytest.mark.parametrize("url, expected", [
    ("postgres://u@h/d", "postgresql+psycopg://u@h/d"),
    ("postgresql://u@h/d", "postgresql+psycopg://u@h/d"),
    ("postgresql+psycopg://u@h/d", "postgresql+psycopg://u@h/d"),
    ("sqlite:///x.db", "sqlite:///x.db"),
])
def test_database_urls_use_psycopg3(url, expected):
    assert normalise_database_url(url) == expected


def test_trusted_proxies_and_log_level_from_the_environment(monkeypatch):
    monkeypatch.setenv("TRUSTED_PROXIES", "2")
    monkeypatch.setenv("LOG_LEVEL", "warning")
    app = create_app({"ENV_NAME": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["TRUSTED_PROXIES"] == 2 and app.config["LOG_LEVEL"] == "WARNING"
    assert type(app.wsgi_app).__name__ == "ProxyFix" and app.wsgi_app.x_for == 2
