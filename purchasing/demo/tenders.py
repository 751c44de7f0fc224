"""Demo tenders: one in each status, with suppliers' price lists, scores, awards and framework contracts.

"AO-2025-01" is the tender whose framework contracts AC-2025-01-L1..L3 supply the demo catalogue: when the
catalogue demo (run before this module) created them, its lots are linked to them; otherwise this module
awards the lots itself, which creates the contracts and their catalogue offers. Idempotent: a tender whose
reference exists is left alone.
"""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from sqlalchemy import select

from purchasing.accounts.models import User
from purchasing.contracts.models import FrameworkContract
from purchasing.db_types import utcnow
from purchasing.decp import services as decp_services
from purchasing.domain.identifiers import luhn_check_digit
from purchasing.extensions import db
from purchasing.suppliers.models import Supplier
from purchasing.suppliers.services import SupplierData, create_supplier
from purchasing.tenders import services
from purchasing.tenders.imports import COLUMNS
from purchasing.tenders.models import Tender

SUPPLIERS = (
    ("Périgord Informatique Services", "Périgueux", 610001),
    ("Aquitaine Reconditionnement SCOP", "Bergerac", 610002),
    ("Numérique Sud-Ouest SAS", "Agen", 610003),
)

#: lot number -> CPV code of its object (purchasing/domain/data/cpv_it.csv)
LOT_CPV = {1: "30213100", 2: "30231000", 3: "30232100"}

#: lot number -> (object, lines: (reference, brand, model, category, base price, kgCO2e/yr, repairability))
LOT_CATALOGUE = {
    1: ("Ordinateurs portables neufs et reconditionnés", [
        ("LAT-5450", "Dell", "Latitude 5450", "laptop", 890, 60, "7.5"),
        ("LAT-5440-R", "Dell", "Latitude 5440 reconditionné", "laptop", 520, 30, "7.5"),
        ("PB-450-G10", "HP", "ProBook 450 G10", "laptop", 840, 58, "8.2")]),
    2: ("Écrans et stations d'accueil", [
        ("P2425H", "Dell", "P2425H 24 pouces", "monitor_24", 165, 25, "6.8"),
        ("WD19S", "Dell", "Station d'accueil WD19S", "docking_station", 175, 8, "")]),
    3: ("Imprimantes multifonctions", [
        ("MFP-4302", "HP", "LaserJet Pro MFP 4302", "printer_mfp_a4", 520, 45, "5.9")]),
}


def _siret(n: int) -> str:
    body = f"{n:08d}"
    siren = body + luhn_check_digit(body)
    base = siren + "0001"
    return base + luhn_check_digit(base)


def _suppliers() -> list[Supplier]:
    result = []
    for name, city, n in SUPPLIERS:
        siret = _siret(n)
        supplier = db.session.scalar(select(Supplier).where(Supplier.siret == siret))
        if supplier is None:
            supplier = create_supplier(SupplierData(name=name, siret=siret, city=city, contact_name="Service commercial",
                                                    contact_email=f"marches@{n}.demo"))
        result.append(supplier)
    return result


def _price_list(lot_number: int, factor: float, rng: random.Random) -> bytes:
    columns = list(COLUMNS)
    rows = [";".join(columns)]
    for ref, brand, model, category, price, carbon, repair in LOT_CATALOGUE[lot_number][1]:
        unit = round(price * factor * rng.uniform(0.97, 1.03), 2)
        values = {"reference_fabricant": ref, "marque": brand, "modele": model, "categorie": category,
                  "unite": "unité", "prix_unitaire_ht": f"{unit:.2f}".replace(".", ","), "quantite_estimee": "20",
                  "annual_kgco2e": str(round(carbon * rng.uniform(0.9, 1.1), 1)), "indice_reparabilite": repair,
                  "garantie_ans": str(rng.choice((2, 3, 5))), "pieces_detachees_ans": str(rng.choice((5, 7, 10))),
                  "delai_livraison_jours": str(rng.choice((5, 7, 10, 15))),
                  "etat": "reconditionné" if ref.endswith("-R") else "neuf",
                  "seuil_1_quantite": "50", "seuil_1_prix_ht": f"{unit * 0.95:.2f}".replace(".", ",")}
        rows.append(";".join(values.get(column, "") for column in columns))
    return ("\n".join(rows) + "\n").encode("utf-8")


def _at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=timezone.utc)


def _build(reference: str, title: str, publication: date, deadline: datetime, lots: list[int],
           suppliers: list[Supplier], rng: random.Random, actor, until: str) -> Tender | None:
    """A tender taken through its statuses up to ``until`` (draft, published, closed, evaluated)."""
    if db.session.scalar(select(Tender.id).where(Tender.reference == reference)) is not None:
        return None
    tender = services.create_tender(services.TenderInput(reference, title, publication, deadline))
    for number in lots:
        lot_title, lines = LOT_CATALOGUE[number]
        estimate = Decimal(sum(line[4] for line in lines) * 20 * 12)
        lot = services.add_lot(tender, services.LotInput(
            number=number, title=lot_title, estimated_quantities="20 de chaque référence par an",
            estimated_amount_ht=estimate, max_amount_ht=estimate * 2, duration_months=48, cpv_code=LOT_CPV[number]))
        services.set_criterion(lot, "price", 50)
        services.set_criterion(lot, "technical", 25)
        services.set_criterion(lot, "environmental", 20, "computed")
        services.set_criterion(lot, "delivery", 5)
    if until == "draft":
        return tender
    services.change_tender_status(tender, "published", actor, "", now=_at(publication, 8))
    bid_time = min(deadline - timedelta(hours=2), _at(publication, 9) + timedelta(days=7))
    for lot in tender.lots:
        for index, supplier in enumerate(suppliers):
            content = _price_list(lot.number, (1.0, 0.93, 1.08)[index % 3], rng)
            services.import_bid(lot, supplier, f"bordereau-{supplier.id}.csv", content,
                                now=bid_time + timedelta(minutes=index))
    if until == "published":
        return tender
    after = deadline + timedelta(days=1)
    services.change_tender_status(tender, "closed", None, "Clôture à la date limite.", now=after)
    if until == "closed":
        return tender
    for lot in tender.lots:
        for bid in lot.bids:
            services.add_score(bid, "technical", Decimal(rng.choice(("12", "14", "15", "16", "17"))),
                               "Mémoire technique : conformité au cahier des charges, support et garanties.",
                               actor, now=after)
    services.evaluate_tender(tender, actor, now=after)
    return tender


def _notify(tender: Tender, notified_on: date, today: date) -> None:
    """The awarded lots' contracts notified to their holders (DECP: publishable, due two months later)."""
    for lot in tender.lots:
        contract = services.lot_contract(lot)
        if contract is not None and contract.notified_on is None:
            decp_services.set_notification_date(contract, notified_on, today)


def load(rng: random.Random) -> str:
    actor = db.session.scalar(select(User).where(User.email == "achats@demo.local"))
    suppliers = _suppliers()
    created = []
    now = utcnow()
    today = now.date()

    # awarded: the tender that supplies the demo catalogue
    tender = _build("AO-2025-01", "Équipements informatiques des adhérents 2025-2029", date(2025, 1, 15),
                    _at(date(2025, 2, 28)), [1, 2, 3], suppliers, rng, actor, "evaluated")
    if tender is not None:
        after = _at(date(2025, 3, 10))
        for lot in tender.lots:
            existing = db.session.scalar(select(FrameworkContract).where(
                FrameworkContract.reference == services.contract_reference(lot)))
            if existing is not None:
                services.link_existing_contract(lot, existing, actor, now=after)
            else:
                services.award_lot(lot, None, date(2025, 4, 1), date(2029, 3, 31), actor, now=after)
        _notify(tender, date(2025, 3, 24), today)
        laptops = services.lot_contract(tender.lots[0])
        if laptops is not None and not laptops.modifications:
            decp_services.add_modification(laptops, decp_services.ModificationInput(
                notified_on=date(2026, 9, 1), object="Avenant n° 1 : relèvement du montant maximum (équipement des écoles)",
                new_max_amount_ht=(laptops.max_amount_ht * Decimal("1.10")).quantize(Decimal("0.01")),
                new_duration_months=None), today)
        created.append(tender.reference)

    # the "must show" case: 2 lots, 3 suppliers, lot 1 awarded, lot 2 unsuccessful
    tender = _build("AO-2026-01", "Postes de travail et écrans 2026", date(2026, 2, 2), _at(date(2026, 3, 6)),
                    [1, 2], suppliers, rng, actor, "evaluated")
    if tender is not None:
        after = _at(date(2026, 3, 20))
        lot1, lot2 = tender.lots
        services.award_lot(lot1, None, date(2026, 4, 1), date(2030, 3, 31), actor, now=after)
        services.declare_unsuccessful(lot2, actor, "Offres inacceptables : prix au-delà des crédits budgétaires.",
                                      now=after)
        _notify(tender, date(2026, 3, 27), today)
        created.append(tender.reference)

    tender = _build("AO-2025-02", "Imprimantes multifonctions 2025", date(2025, 5, 5), _at(date(2025, 6, 6)), [3],
                    suppliers[:2], rng, actor, "evaluated")
    if tender is not None:
        services.declare_unsuccessful(tender.lots[0], actor, "Offres irrégulières.", now=_at(date(2025, 6, 20)))
        created.append(tender.reference)

    recent = today - timedelta(days=40)
    for reference, title, until, publication, deadline in (
        ("AO-2026-02", "Écrans 2026 (analyse en cours)", "evaluated", recent, _at(recent + timedelta(days=25))),
        ("AO-2026-03", "Écrans et stations d'accueil 2026 (offres reçues)", "closed", recent, _at(recent + timedelta(days=30))),
        ("AO-2026-04", "Portables 2027 (remise des offres en cours)", "published", today - timedelta(days=5),
         _at(today + timedelta(days=30))),
        ("AO-2026-05", "Renouvellement des écrans 2027 (brouillon)", "draft", today + timedelta(days=10),
         _at(today + timedelta(days=50))),
        ("AO-2026-06", "Tablettes (annulée)", "draft", today + timedelta(days=5), _at(today + timedelta(days=40))),
    ):
        tender = _build(reference, title, publication, deadline, [2] if until != "published" else [1, 2],
                        suppliers, rng, actor, until)
        if tender is None:
            continue
        if reference == "AO-2026-06":
            services.change_tender_status(tender, "cancelled", actor, "Besoin reporté à l'an prochain.", now=now)
        created.append(reference)
    total = db.session.scalar(select(db.func.count(Tender.id)))
    return f"Consultations : {len(created)} créées ({total} au total), {len(suppliers)} fournisseurs."
