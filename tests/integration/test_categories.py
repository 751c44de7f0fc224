"""Catalogue categories are seeded by migration from the carbon factor table, plus software and services, plus
"Machine virtuelle" (no embodied carbon: no factor)."""
import csv
from pathlib import Path

from sqlalchemy import select

from purchasing.catalogue.models import Category
from purchasing.extensions import db

FACTORS = Path(__file__).resolve().parents[2] / "lifecycle" / "data" / "carbon_factors.csv"


def test_every_factor_category_and_software_and_services_exist(app):
    codes = set(db.session.scalars(select(Category.code)))
    with FACTORS.open(encoding="utf-8") as handle:
        factor_codes = {row["category"] for row in csv.DictReader(handle)}
    # virtual_machine: decisions.md (inventory interoperability), on purpose without a carbon factor
    assert codes == factor_codes | {"software", "services", "virtual_machine"}
    assert "virtual_machine" not in factor_codes


def test_category_flags(app):
    by_code = {c.code: c for c in db.session.scalars(select(Category))}
    assert by_code["laptop"].holds_storage and by_code["laptop"].is_it_equipment
    assert not by_code["printer_laser_small"].is_it_equipment  # printing is a separate AGEC line
    assert not by_code["software"].is_device
    assert by_code["tablet"].label("en") == "Tablet"
