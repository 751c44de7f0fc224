"""Demo tariff grid (péréquation), voted by the syndicate's committee."""
from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from purchasing.extensions import db
from purchasing.pricing.models import TariffGrid
from purchasing.pricing.services import BandData, create_grid_version

DELIBERATION = "Délibération n° 2025-14 du comité syndical du 12 juin 2025"
BANDS = (
    BandData("Moins de 500 habitants", 0, 499, Decimal("0.02")),
    BandData("500 à 999 habitants", 500, 999, Decimal("0.03")),
    BandData("1 000 à 3 499 habitants", 1000, 3499, Decimal("0.05")),
    BandData("3 500 à 9 999 habitants", 3500, 9999, Decimal("0.07")),
    BandData("10 000 habitants et plus", 10000, None, Decimal("0.09")),
)


def load(rng: random.Random) -> str:
    if db.session.scalar(select(TariffGrid.id).limit(1)):
        return "Grille tarifaire : déjà chargée."
    create_grid_version(date(2025, 7, 1), DELIBERATION, list(BANDS))
    return "Grille tarifaire : version 1 créée (5 tranches)."
