"""Backup and restore round trip of the demo, on SQLite (temporary files) and PostgreSQL (temporary databases).

Each database is created for the test (never the session's test database): the demo is loaded and committed,
``flask backup`` writes the archive, ``flask restore`` loads it into a fresh database, and every table's row
count and a checksum of its rows (read in primary-key order, independently of the command's own check) must
be equal. A non-empty database is refused without ``--force`` and replaced with it.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import secrets
import tarfile
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import MetaData, create_engine, select, text
from sqlalchemy.engine import make_url

from purchasing import create_app
from purchasing.config import normalise_database_url
from purchasing.demo import load_demo
from purchasing.extensions import db

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")


def _app(url: str, storage: Path | None = None):
    config = {"ENV_NAME": "test", "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test-secret-key-not-for-production"}
    if storage is not None:
        config["STORAGE_PATH"] = str(storage)
    return create_app(config)


def _load_demo(app) -> None:
    with app.app_context():
        upgrade()
        load_demo(seed=2026)
        db.session.commit()
        db.engine.dispose()


def _fingerprint(url: str) -> dict[str, tuple[int, str]]:
    """Every table: (row count, SHA-256 of its rows in primary-key order), through reflected tables."""
    engine = create_engine(normalise_database_url(url))
    try:
        metadata = MetaData()
        metadata.reflect(engine)
        result = {}
        with engine.connect() as connection:
            for name, table in sorted(metadata.tables.items()):
                order = list(table.primary_key.columns) or list(table.columns)
                digest, count = hashlib.sha256(), 0
                for row in connection.execute(select(table).order_by(*order)):
                    digest.update(repr(tuple(row)).encode())
                    count += 1
                result[name] = (count, digest.hexdigest())
        return result
    finally:
        engine.dispose()


def _sequences(url: str) -> dict[str, int | None]:
    engine = create_engine(normalise_database_url(url))
    try:
        with engine.connect() as connection:
            return dict(connection.execute(text("SELECT sequencename, last_value FROM pg_sequences "
                                                "WHERE schemaname = 'public'")).all())
    finally:
        engine.dispose()


def _cli(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def _execute(url: str, statement: str) -> None:
    engine = create_engine(normalise_database_url(url))
    try:
        with engine.begin() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()


def _round_trip(source_url: str, target_url: str, tmp_path: Path, *, storage: bool) -> None:
    source_storage = tmp_path / "storage-source" if storage else None
    target_storage = tmp_path / "storage-target" if storage else None
    if source_storage:
        (source_storage / "documents" / "2026").mkdir(parents=True)
        (source_storage / "documents" / "2026" / "bon-de-commande.pdf").write_bytes(b"%PDF-1.7 test\n")
        (source_storage / "certificat.txt").write_text("effacement NIST 800-88", encoding="utf-8")
    source = _app(source_url, source_storage)
    _load_demo(source)
    demo = _fingerprint(source_url)
    assert demo["member"][0] > 500 and demo["asset"][0] > 1000  # the demo really is in it

    archive = tmp_path / "sauvegarde.tar.gz"
    result = _cli(source, "backup", "--output", str(archive))
    assert result.exit_code == 0, result.output
    assert "Sauvegarde écrite" in result.output
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["schema_revision"] and manifest["tables"]["member"]["rows"] == demo["member"][0]
    assert ("storage/documents/2026/bon-de-commande.pdf" in names) is storage

    # Into a fresh, empty database.
    target = _app(target_url, target_storage)
    result = _cli(target, "restore", str(archive))
    assert result.exit_code == 0, result.output
    assert "restaurée" in result.output and f"{sum(n for n, _ in demo.values())} lignes" in result.output
    assert _fingerprint(target_url) == demo
    if storage:
        assert (target_storage / "documents" / "2026" / "bon-de-commande.pdf").read_bytes() == b"%PDF-1.7 test\n"
        assert (target_storage / "certificat.txt").read_text(encoding="utf-8") == "effacement NIST 800-88"
    if source_url.startswith("postgresql"):
        assert _sequences(target_url) == _sequences(source_url)  # new rows get fresh ids after a restore

    # A database holding data is refused without --force, and left as it was.
    _execute(source_url, "UPDATE member SET name = 'Modifiée après la sauvegarde' WHERE id = 1")
    _execute(source_url, "DELETE FROM notification")
    changed = _fingerprint(source_url)
    assert changed != demo
    if source_storage:
        (source_storage / "ajouté-après.txt").write_text("x", encoding="utf-8")
    result = _cli(source, "restore", str(archive))
    assert result.exit_code != 0
    assert "Restauration refusée" in result.output and "--force" in result.output
    assert _fingerprint(source_url) == changed

    # With --force the database (and the stored files) are replaced by the archive's.
    result = _cli(source, "restore", "--force", str(archive))
    assert result.exit_code == 0, result.output
    assert _fingerprint(source_url) == demo
    if source_storage:
        assert not (source_storage / "ajouté-après.txt").exists()
        assert (source_storage / "certificat.txt").exists()
    for app in (source, target):
        with app.app_context():
            db.engine.dispose()


def _with_manifest(archive: Path, destination: Path, **changes) -> Path:
    with tarfile.open(archive) as source, tarfile.open(destination, "w:gz") as copy:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "manifest.json":
                manifest = json.loads(data)
                manifest.update(changes)
                data = json.dumps(manifest).encode()
                member.size = len(data)
            copy.addfile(member, io.BytesIO(data))
    return destination


def test_sqlite_backup_restores_the_demo_with_its_stored_files(tmp_path):
    _round_trip(f"sqlite:///{tmp_path / 'source.sqlite3'}", f"sqlite:///{tmp_path / 'target.sqlite3'}", tmp_path,
                storage=True)


def test_restore_refuses_an_archive_from_a_newer_schema_or_another_database_kind(tmp_path):
    source = _app(f"sqlite:///{tmp_path / 'source.sqlite3'}")
    with source.app_context():
        upgrade()
        db.engine.dispose()
    archive = tmp_path / "a.tar.gz"
    assert _cli(source, "backup", "-o", str(archive)).exit_code == 0
    target_url = f"sqlite:///{tmp_path / 'target.sqlite3'}"
    target = _app(target_url)

    result = _cli(target, "restore", str(_with_manifest(archive, tmp_path / "future.tar.gz",
                                                        schema_revision="zz_future_99")))
    assert result.exit_code != 0 and "schéma plus récent" in result.output
    result = _cli(target, "restore", str(_with_manifest(archive, tmp_path / "pg.tar.gz", dialect="postgresql")))
    assert result.exit_code != 0 and "du même type" in result.output
    (tmp_path / "not-an-archive.tar.gz").write_bytes(b"hello")
    result = _cli(target, "restore", str(tmp_path / "not-an-archive.tar.gz"))
    assert result.exit_code != 0 and "n'est pas une sauvegarde" in result.output
    assert not (tmp_path / "target.sqlite3").exists() or _fingerprint(target_url) == {}

    # A database that only went through `flask db upgrade` counts as empty (no --force needed).
    migrated = _app(f"sqlite:///{tmp_path / 'migrated.sqlite3'}")
    with migrated.app_context():
        upgrade()
        db.engine.dispose()
    result = _cli(migrated, "restore", str(archive))
    assert result.exit_code == 0, result.output


@pytest.mark.postgres
def test_postgres_backup_restores_the_demo_into_a_fresh_database(tmp_path):
    if not TEST_DATABASE_URL or not TEST_DATABASE_URL.startswith(("postgres://", "postgresql")):
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL)")
    server = make_url(normalise_database_url(TEST_DATABASE_URL))
    suffix = secrets.token_hex(4)
    names = [f"{server.database}_backup_source_{suffix}", f"{server.database}_backup_target_{suffix}"]
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            for name in names:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
        source_url, target_url = (server.set(database=name).render_as_string(hide_password=False) for name in names)
        _round_trip(source_url, target_url, tmp_path, storage=False)
    finally:
        with admin.connect() as connection:
            for name in names:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
