"""Backup and restore: ``flask --app purchasing backup`` and ``flask --app purchasing restore FILE``.

One archive (``.tar.gz``) holds everything needed to bring the product back:

- ``manifest.json``: format, date, schema revision (Alembic), database kind, and for every table its row
  count and a SHA-256 of its rows ordered by primary key (checked again after a restore);
- the database: ``database.sqlite3`` (a consistent copy made with SQLite's online backup API, so the
  application may keep running) or ``database.dump`` (``pg_dump`` custom format, from the same snapshot as
  the manifest's counts);
- ``storage/``: the stored files (the folder named by the ``STORAGE_PATH`` setting, when it exists).

Restore refuses a database that already holds data (unless ``--force``), an archive written by a newer
version of the schema than this code knows, and an archive of the other database kind. On PostgreSQL the
replacement runs in one transaction (``pg_restore`` output fed to ``psql --single-transaction``): either the
whole archive is restored or the database is left as it was.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection, Engine

from purchasing.extensions import db

ARCHIVE_FORMAT = "parc-commun-sauvegarde"
ARCHIVE_FORMAT_VERSION = 1
#: Tables that a freshly migrated database already fills (Alembic's own table, the seeded categories, the
#: catalogue's version token): rows there do not make a database "non-empty".
MIGRATION_FILLED_TABLES = frozenset({"alembic_version", "category", "cache_version"})
POSTGRES_TOOLS = ("pg_dump", "pg_restore", "psql")


class BackupError(click.ClickException):
    """A refusal or a failure, with a French message saying what to do."""


# --- what a database holds ---------------------------------------------------------------------

@dataclass(frozen=True)
class TableFingerprint:
    rows: int
    sha256: str


def _quote(connection: Connection, name: str) -> str:
    return connection.dialect.identifier_preparer.quote(name)


def table_fingerprints(connection: Connection) -> dict[str, TableFingerprint]:
    """Row count and SHA-256 of every table's rows, read in primary-key order (raw driver values)."""
    inspector = inspect(connection)
    result: dict[str, TableFingerprint] = {}
    for table in sorted(inspector.get_table_names()):
        key = inspector.get_pk_constraint(table).get("constrained_columns") or [
            column["name"] for column in inspector.get_columns(table)]
        order = ", ".join(_quote(connection, column) for column in key)
        digest = hashlib.sha256()
        count = 0
        rows = connection.exec_driver_sql(f"SELECT * FROM {_quote(connection, table)} ORDER BY {order}")
        for row in rows:
            digest.update(repr(tuple(row)).encode())
            digest.update(b"\n")
            count += 1
        result[table] = TableFingerprint(count, digest.hexdigest())
    return result


def holds_data(connection: Connection) -> list[str]:
    """Tables holding rows beyond what the migrations themselves write (empty list: the database is empty)."""
    inspector = inspect(connection)
    full = []
    for table in sorted(set(inspector.get_table_names()) - MIGRATION_FILLED_TABLES):
        if connection.exec_driver_sql(f"SELECT 1 FROM {_quote(connection, table)} LIMIT 1").first():
            full.append(table)
    return full


def _schema_revision(connection: Connection) -> str | None:
    if "alembic_version" not in inspect(connection).get_table_names():
        return None
    return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def _known_revisions() -> tuple[set[str], tuple[str, ...]]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())
    return {revision.revision for revision in script.walk_revisions()}, tuple(script.get_heads())


def storage_folder() -> Path | None:
    """The stored-files folder (setting ``STORAGE_PATH``), or None when the product stores no files."""
    value = current_app.config.get("STORAGE_PATH")
    return Path(value) if value else None


# --- PostgreSQL client programs ----------------------------------------------------------------

def postgres_tools() -> dict[str, str]:
    """pg_dump, pg_restore and psql from one folder: the PATH's, else the newest /usr/lib/postgresql/<v>/bin."""
    found = {tool: shutil.which(tool) for tool in POSTGRES_TOOLS}
    if all(found.values()):
        return found  # type: ignore[return-value]
    versions = [folder for folder in Path("/usr/lib/postgresql").glob("*/bin") if folder.parent.name.isdigit()]
    for folder in sorted(versions, key=lambda folder: int(folder.parent.name), reverse=True):
        if all((folder / tool).is_file() for tool in POSTGRES_TOOLS):
            return {tool: str(folder / tool) for tool in POSTGRES_TOOLS}
    missing = ", ".join(tool for tool, path in found.items() if not path)
    raise BackupError(
        f"Outils PostgreSQL introuvables ({missing}) : installez le client PostgreSQL de la même version que le "
        "serveur ou plus récent (paquet Debian « postgresql-client ») ou ajoutez son dossier bin au PATH.")


def _libpq_target(engine: Engine) -> tuple[str, dict[str, str]]:
    """A libpq connection URI without the password, and the environment carrying it (not on a command line)."""
    url = engine.url
    environment = dict(os.environ)
    if url.password:
        environment["PGPASSWORD"] = url.password
    uri = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return uri, environment


def _run(command: list[str], environment: dict[str, str], what: str, **kwargs) -> subprocess.CompletedProcess:
    completed = subprocess.run(command, env=environment, capture_output=True, text=True, **kwargs)
    if completed.returncode != 0:
        raise BackupError(f"{what} a échoué (code {completed.returncode}) : {completed.stderr.strip()[-2000:]}")
    return completed


# --- backup ------------------------------------------------------------------------------------

def default_archive_name(now: datetime) -> str:
    return f"parc-commun-sauvegarde-{now:%Y%m%dT%H%M%SZ}.tar.gz"


def create_backup(output: Path) -> dict:
    """Write the archive to ``output`` (through a temporary file, then renamed) and return its manifest."""
    engine = db.engine
    now = datetime.now(timezone.utc)
    with tempfile.TemporaryDirectory(prefix="parc-backup-") as work:
        work_dir = Path(work)
        if engine.dialect.name == "sqlite":
            database_member = "database.sqlite3"
            fingerprints, revision = _backup_sqlite(engine, work_dir / database_member)
        elif engine.dialect.name == "postgresql":
            database_member = "database.dump"
            fingerprints, revision = _backup_postgres(engine, work_dir / database_member)
        else:  # pragma: no cover - the product supports these two
            raise BackupError(f"Base de données non prise en charge : {engine.dialect.name}.")
        if revision is None:
            raise BackupError("La base n'est pas migrée (pas de révision de schéma) : rien à sauvegarder.")
        storage = storage_folder()
        files = [p for p in sorted(storage.rglob("*")) if p.is_file()] if storage and storage.is_dir() else []
        manifest = {
            "format": ARCHIVE_FORMAT,
            "format_version": ARCHIVE_FORMAT_VERSION,
            "created_dt": now.isoformat(),
            "schema_revision": revision,
            "dialect": engine.dialect.name,
            "database": database_member,
            "tables": {name: {"rows": f.rows, "sha256": f.sha256} for name, f in fingerprints.items()},
            "storage": {"included": bool(storage and storage.is_dir()), "files": len(files),
                        "bytes": sum(p.stat().st_size for p in files)},
        }
        output.parent.mkdir(parents=True, exist_ok=True)
        partial = output.with_name(f".{output.name}.partial")
        # The archive holds password hashes and personal data: readable by its owner only.
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as archive:
                data = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
                info = tarfile.TarInfo("manifest.json")
                info.size, info.mtime, info.mode = len(data), int(now.timestamp()), 0o600
                archive.addfile(info, io.BytesIO(data))
                archive.add(work_dir / database_member, arcname=database_member)
                if manifest["storage"]["included"]:
                    archive.add(storage, arcname="storage", recursive=True)
            os.replace(partial, output)
        finally:
            if partial.exists():
                partial.unlink()
    return manifest


def _backup_sqlite(engine: Engine, target: Path) -> tuple[dict[str, TableFingerprint], str | None]:
    source_path = engine.url.database
    if not source_path or source_path == ":memory:":
        raise BackupError("Base SQLite en mémoire : rien à sauvegarder.")
    source = sqlite3.connect(source_path)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)  # SQLite's online backup API: a consistent copy while the application runs
    finally:
        source.close()
        copy.close()
    # The manifest describes the copy itself, so it matches the archive exactly.
    from sqlalchemy import create_engine

    copy_engine = create_engine(f"sqlite:///{target}")
    try:
        with copy_engine.connect() as connection:
            return table_fingerprints(connection), _schema_revision(connection)
    finally:
        copy_engine.dispose()


def _backup_postgres(engine: Engine, target: Path) -> tuple[dict[str, TableFingerprint], str | None]:
    tools = postgres_tools()
    uri, environment = _libpq_target(engine)
    with engine.connect() as connection:
        # One snapshot for the counts and for pg_dump: the manifest describes exactly what is dumped.
        connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        snapshot = connection.exec_driver_sql("SELECT pg_export_snapshot()").scalar()
        _run([tools["pg_dump"], "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
              f"--file={target}", f"--dbname={uri}"], environment, "pg_dump")
        fingerprints, revision = table_fingerprints(connection), _schema_revision(connection)
        connection.rollback()
    return fingerprints, revision


# --- restore -----------------------------------------------------------------------------------

def read_manifest(archive_path: Path) -> dict:
    try:
        with tarfile.open(archive_path, mode="r:gz") as archive:
            member = archive.extractfile("manifest.json")
            manifest = json.load(member) if member else None
    except (OSError, tarfile.TarError, KeyError, ValueError) as error:
        raise BackupError(f"{archive_path} n'est pas une sauvegarde lisible de Parc commun ({error}).") from error
    if not isinstance(manifest, dict) or manifest.get("format") != ARCHIVE_FORMAT:
        raise BackupError(f"{archive_path} n'est pas une sauvegarde de Parc commun (manifeste absent ou inconnu).")
    if manifest.get("format_version", 0) > ARCHIVE_FORMAT_VERSION:
        raise BackupError("Cette sauvegarde a été écrite par une version plus récente de Parc commun "
                          "(format d'archive plus récent) : mettez l'application à jour avant de la restaurer.")
    return manifest


def restore_backup(archive_path: Path, *, force: bool) -> list[str]:
    """Check, then restore the database and the stored files; return what was done, line by line."""
    manifest = read_manifest(archive_path)
    engine = db.engine
    if manifest["dialect"] != engine.dialect.name:
        raise BackupError(f"Cette sauvegarde vient d'une base {manifest['dialect']} et la base cible est "
                          f"{engine.dialect.name} : restaurez-la dans une base du même type.")
    known, heads = _known_revisions()
    revision = manifest["schema_revision"]
    if revision not in known:
        raise BackupError(f"Cette sauvegarde vient d'un schéma plus récent (révision {revision}) que celui de "
                          f"cette version de l'application (révision {', '.join(heads)}) : mettez l'application "
                          "à jour avant de restaurer.")
    with engine.connect() as connection:
        full_tables = holds_data(connection)
    storage = storage_folder()
    if manifest["storage"]["included"] and storage is None:
        raise BackupError("Cette sauvegarde contient des fichiers stockés, mais le réglage STORAGE_PATH n'est pas "
                          "défini : définissez-le avant de restaurer.")
    storage_busy = bool(manifest["storage"]["included"] and storage.is_dir() and any(storage.iterdir()))
    if (full_tables or storage_busy) and not force:
        what = []
        if full_tables:
            shown = ", ".join(full_tables[:5]) + ("…" if len(full_tables) > 5 else "")
            what.append(f"la base contient déjà des données ({len(full_tables)} tables non vides : {shown})")
        if storage_busy:
            what.append(f"le dossier des fichiers stockés {storage} n'est pas vide")
        raise BackupError("Restauration refusée : " + " ; ".join(what) + ". Elle remplacerait tout : relancez avec "
                          "--force pour remplacer ces données par la sauvegarde.")

    with tempfile.TemporaryDirectory(prefix="parc-restore-") as work:
        work_dir = Path(work)
        with tarfile.open(archive_path, mode="r:gz") as archive:
            archive.extractall(work_dir, filter="data")
        database_file = work_dir / manifest["database"]
        engine.dispose()  # no pooled connection of ours holds the database while it is replaced
        if engine.dialect.name == "sqlite":
            _restore_sqlite(engine, database_file)
        else:
            _restore_postgres(engine, database_file)
        engine.dispose()
        with engine.connect() as connection:
            restored = table_fingerprints(connection)
        expected = {name: TableFingerprint(t["rows"], t["sha256"]) for name, t in manifest["tables"].items()}
        if restored != expected:
            differing = sorted(name for name in set(restored) | set(expected) if restored.get(name) != expected.get(name))
            raise BackupError("La base restaurée ne correspond pas au manifeste de la sauvegarde (tables : "
                              f"{', '.join(differing)}) : l'archive est peut-être altérée.")
        lines = [f"Sauvegarde du {manifest['created_dt']} (révision de schéma {revision}) restaurée dans la base "
                 f"{engine.dialect.name} : {len(restored)} tables, {sum(f.rows for f in restored.values())} lignes, "
                 "nombres de lignes et sommes de contrôle vérifiés."]
        if manifest["storage"]["included"]:
            _replace_folder(work_dir / "storage", storage)
            lines.append(f"Fichiers stockés : {manifest['storage']['files']} fichiers restaurés dans {storage}.")
    if revision not in heads:
        lines.append("Le schéma de la sauvegarde est plus ancien que celui de l'application : lancez "
                     "« flask --app purchasing db upgrade ».")
    return lines


def _restore_sqlite(engine: Engine, database_file: Path) -> None:
    target_path = engine.url.database
    if not target_path or target_path == ":memory:":
        raise BackupError("Base SQLite en mémoire : impossible d'y restaurer une sauvegarde.")
    source = sqlite3.connect(database_file)
    target = sqlite3.connect(target_path, timeout=30)
    try:
        source.backup(target)  # replaces the whole target database in one step
    finally:
        source.close()
        target.close()


def _restore_postgres(engine: Engine, dump_file: Path) -> None:
    tools = postgres_tools()
    uri, environment = _libpq_target(engine)
    with tempfile.TemporaryFile() as script_errors, subprocess.Popen(
            [tools["pg_restore"], "--no-owner", "--no-privileges", "--file=-", str(dump_file)],
            env=environment, stdout=subprocess.PIPE, stderr=script_errors) as script:
        # One transaction: empty the schema, then create and fill everything; any error leaves the database as
        # it was.
        restore = subprocess.run([tools["psql"], "--no-psqlrc", "--quiet", "--single-transaction",
                                  "--set=ON_ERROR_STOP=1",
                                  "--command=DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;",
                                  "--file=-", f"--dbname={uri}"], env=environment, stdin=script.stdout,
                                 capture_output=True, text=True)
        script.stdout.close()
        script.wait()
        script_errors.seek(0)
        errors = script_errors.read().decode(errors="replace")
    if script.returncode != 0:
        raise BackupError(f"pg_restore a échoué (code {script.returncode}) : {errors.strip()[-2000:]}")
    if restore.returncode != 0:
        raise BackupError(f"La restauration PostgreSQL a échoué et a été annulée (psql, code {restore.returncode}) : "
                          f"{restore.stderr.strip()[-2000:]}")


def _replace_folder(source: Path, target: Path) -> None:
    """Put ``source``'s content at ``target``: copied beside it first, then swapped by renames."""
    target.parent.mkdir(parents=True, exist_ok=True)
    incoming = target.with_name(f".{target.name}.restauration")
    outgoing = target.with_name(f".{target.name}.remplace")
    for leftover in (incoming, outgoing):
        if leftover.exists():
            shutil.rmtree(leftover)
    shutil.copytree(source, incoming)
    if target.exists():
        os.replace(target, outgoing)
    os.replace(incoming, target)
    if outgoing.exists():
        shutil.rmtree(outgoing)


# --- commands ----------------------------------------------------------------------------------

@click.command("backup")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Fichier d'archive à écrire (par défaut parc-commun-sauvegarde-<date>.tar.gz dans le dossier courant).")
@with_appcontext
def backup_command(output: Path | None) -> None:
    """Sauvegarde la base et les fichiers stockés dans une archive .tar.gz."""
    output = output or Path.cwd() / default_archive_name(datetime.now(timezone.utc))
    manifest = create_backup(output)
    rows = sum(table["rows"] for table in manifest["tables"].values())
    click.echo(f"Sauvegarde écrite : {output} (base {manifest['dialect']}, révision de schéma "
               f"{manifest['schema_revision']}, {len(manifest['tables'])} tables, {rows} lignes).")
    if manifest["storage"]["included"]:
        click.echo(f"Fichiers stockés : {manifest['storage']['files']} fichiers ({manifest['storage']['bytes']} octets).")


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Remplacer une base (et des fichiers stockés) qui contiennent déjà des données.")
@with_appcontext
def restore_command(archive: Path, force: bool) -> None:
    """Restaure une archive écrite par « backup » (refuse une base non vide sans --force)."""
    for line in restore_backup(archive, force=force):
        click.echo(line)
