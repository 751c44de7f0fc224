"""``flask --app purchasing lifecycle import FILE --member <id or SIREN> [--dry-run]``: an inventory of any length
(1,000,000 rows) from the command line, in one transaction.

A CSV file is read in chunks of :data:`CHUNK_ROWS` rows (``pandas.read_csv(chunksize=…)``): each chunk is
validated (one :class:`~lifecycle.imports.validation.Validator` for the whole file: in-file duplicates across
chunks) and, while the file has no error, written through the bulk path in the open transaction; memory stays
bounded by a chunk and the serial numbers seen. The transaction commits at the end only when no row has an
error (and it is not a dry run): all or nothing. Workbooks (XLSX, ODS) are read whole, as on the site.
"""
from __future__ import annotations

import csv
import sys
import time
from pathlib import Path

import click
import pandas as pd
from sqlalchemy import select

from lifecycle.assets.views import bp
from lifecycle.imports import bulk, services as imports
from lifecycle.imports import mapping as mappings
from lifecycle.imports import matching
from lifecycle.imports.validation import Validator
from purchasing import uploads
from purchasing.domain.errors import N_, DomainError
from purchasing.extensions import db
from purchasing.members.models import Member

CHUNK_ROWS = 50_000
#: the beginning of a CSV read to tell its encoding and separator
SAMPLE_BYTES = 1 << 20
#: errors printed (all are counted)
SHOWN_ERRORS = 100


def resolve_member(value: str) -> Member:
    """A member by its id, or by its SIREN (9 digits)."""
    value = value.strip()
    member = None
    if value.isdigit() and len(value) == 9:
        member = db.session.scalar(select(Member).where(Member.siren == value))
    if member is None and value.isdigit():
        member = db.session.get(Member, int(value))
    if member is None:
        raise click.BadParameter(f"aucun adhérent d'identifiant ou de SIREN « {value} ».", param_hint="--member")
    return member


def csv_chunks(path: Path, chunk_rows: int = CHUNK_ROWS):
    """(first line, frame of canonical columns) per chunk of a CSV file, its encoding and separator told from its
    beginning as the upload reader tells them."""
    with open(path, "rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
    if not sample.strip():
        raise DomainError(N_("Le fichier est vide."), code="empty_file")
    cut = sample if len(sample) < SAMPLE_BYTES else sample[:sample.rfind(b"\n") + 1] or sample
    text, encoding = uploads.decode_text(cut)
    separator = uploads.sniff_separator(text)
    encoding = {"utf-8": "utf-8-sig"}.get(encoding, encoding)  # a BOM, if any, is not part of the first title
    reader = pd.read_csv(path, sep=separator, dtype=str, keep_default_na=False, encoding=encoding, engine="c",
                         skip_blank_lines=True, chunksize=chunk_rows, quoting=csv.QUOTE_MINIMAL)
    first_line = 2
    for frame in reader:
        # the product's column names and their French and English aliases (lifecycle.imports.mapping); value
        # words and other sources' layouts go through the site's mapping step
        frame.columns = [mappings.recognised_target(c) or uploads._normalise(c) for c in frame.columns]
        if first_line == 2:
            missing = [c for c, required, _doc in imports.COLUMNS if required and c not in frame.columns]
            if missing:
                raise DomainError(N_("Colonne(s) obligatoire(s) absente(s) : %(columns)s."),
                                  params={"columns": ", ".join(missing)},
                                  code="missing_columns")
        yield first_line, frame.reset_index(drop=True)
        first_line += len(frame)


def import_file(path: Path, member: Member, *, dry_run: bool, actor=None, chunk_rows: int = CHUNK_ROWS,
                echo=None) -> imports.ImportReport:
    """Validate (and unless ``dry_run`` write, in the current transaction) every row of ``path``; the caller
    commits when the report has no error."""
    report = imports.ImportReport()
    validator = Validator(check_database_serials=False)  # stage 4 matches serials already recorded
    started = time.monotonic()
    if path.suffix.lower() in (".csv", ".tsv", ".txt"):
        chunks = csv_chunks(path, chunk_rows)
    else:
        chunks = iter([(2, imports.read_table(path.name, path.read_bytes()))])
    for first_line, frame in chunks:
        rows, errors = imports.validate(frame, validator=validator, first_line=first_line)
        imports.attach_sites(member.id, rows, created=report.new_sites)
        plan = matching.plan_import(member.id, rows)  # the member's assets are updated, not duplicated
        report.rows += len(frame)
        report.errors.extend(errors + [imports.RowError(e.row, e.column, e.reason) for e in plan.errors])
        if not report.errors and not dry_run and rows:
            matching.apply_plan(plan, actor, filename=path.name)
            report.imported += len(plan.create)
            report.updated += len(plan.update)
        if echo is not None:
            echo(f"{uploads._thousands(report.rows):>10} lignes lues, {uploads._thousands(len(report.errors))} "
                 f"erreur(s) ({time.monotonic() - started:.1f} s)")
    if report.rows == 0:
        raise DomainError(N_("Le fichier ne contient aucune ligne d'équipement."), code="no_rows")
    if report.errors:
        report.imported = 0
    return report


@bp.cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--member", "member_ref", required=True, help="Adhérent : identifiant ou SIREN.")
@click.option("--dry-run", is_flag=True, help="Vérifier seulement, sans rien enregistrer.")
def import_command(file: Path, member_ref: str, dry_run: bool) -> None:
    """Importe un inventaire (CSV de toute taille, XLSX, ODS) pour un adhérent, tout ou rien."""
    member = resolve_member(member_ref)
    started = time.monotonic()
    try:
        report = import_file(file, member, dry_run=dry_run, echo=lambda line: click.echo(line, err=True))
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    elapsed = time.monotonic() - started
    if report.errors or dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    click.echo(f"Fichier : {file.name} — adhérent : {member.name} ({member.siren})")
    click.echo(f"Lignes : {report.rows}, créées : {report.imported}, mises à jour : {report.updated}, "
               f"erreurs : {len(report.errors)} "
               f"({elapsed:.1f} s)")
    for error in report.errors[:SHOWN_ERRORS]:
        click.echo(f"  ligne {error.row}, {error.column} : {error.reason}")
    if len(report.errors) > SHOWN_ERRORS:
        click.echo(f"  … et {len(report.errors) - SHOWN_ERRORS} autre(s) erreur(s).")
    if report.errors:
        click.echo("Rien n'a été importé.")
        sys.exit(1)
    click.echo("Vérification seulement : rien n'a été importé." if dry_run else "Import terminé.")

