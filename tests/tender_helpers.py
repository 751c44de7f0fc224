"""Builders for tender tests: suppliers, tenders with lots and criteria, price lists, sealed bids."""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

from purchasing.domain.identifiers import luhn_check_digit
from purchasing.suppliers.services import SupplierData, create_supplier
from purchasing.tenders import services
from purchasing.tenders.imports import COLUMNS

_n = {"i": 0}

PUBLICATION = date(2026, 1, 10)
DEADLINE = datetime(2026, 2, 2, 12, 0, tzinfo=timezone.utc)
BEFORE_DEADLINE = datetime(2026, 1, 20, 9, 0, tzinfo=timezone.utc)
AFTER_DEADLINE = datetime(2026, 2, 3, 9, 0, tzinfo=timezone.utc)


def siret(n: int) -> str:
    siren_body = f"{40000000 + n:08d}"
    siren = siren_body + luhn_check_digit(siren_body)
    body = siren + f"{n % 10000:04d}"
    return body + luhn_check_digit(body)


def make_supplier(name: str | None = None):
    _n["i"] += 1
    return create_supplier(SupplierData(name=name or f"Fournisseur {_n['i']}", siret=siret(_n["i"] + 500)))


def price_list_csv(rows: list[dict], columns: list[str] | None = None) -> bytes:
    columns = columns or list(COLUMNS)
    lines = [";".join(columns)]
    for row in rows:
        lines.append(";".join(str(row.get(column, "")) for column in columns))
    return ("\n".join(lines) + "\n").encode("utf-8")


def line(ref: str, price: str, **kw) -> dict:
    data = {"reference_fabricant": ref, "marque": kw.pop("marque", "Dell"), "modele": f"Modèle {ref}",
            "categorie": "laptop", "unite": "unité", "prix_unitaire_ht": price, "quantite_estimee": "1"}
    data.update(kw)
    return data


def make_tender(reference: str = "AO-T-01", lots: int = 1, criteria=None, publication=PUBLICATION,
                deadline=DEADLINE, max_amount: Decimal | None = Decimal("100000.00")):
    tender = services.create_tender(services.TenderInput(reference=reference, title=f"Consultation {reference}",
                                                         publication_date=publication, bid_deadline=deadline))
    criteria = criteria if criteria is not None else [("price", 60, None), ("technical", 30, None),
                                                      ("environmental", 10, "computed")]
    for number in range(1, lots + 1):
        lot = services.add_lot(tender, services.LotInput(
            number=number, title=f"Lot {number} ordinateurs", estimated_quantities="100",
            estimated_amount_ht=Decimal("50000.00"), max_amount_ht=max_amount, duration_months=48))
        for kind, weight, mode in criteria:
            services.set_criterion(lot, kind, weight, mode)
    return tender


def published_tender(reference: str = "AO-T-01", lots: int = 1, criteria=None):
    tender = make_tender(reference, lots, criteria)
    services.change_tender_status(tender, "published", None, "", now=datetime(2026, 1, 10, 8, 0, tzinfo=timezone.utc))
    return tender


def submit(lot, supplier, rows, now=BEFORE_DEADLINE):
    return services.import_bid(lot, supplier, "bordereau.csv", price_list_csv(rows), now=now)
