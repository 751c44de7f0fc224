"""Demo equipment: a few thousand assets across members, some in the reuse pool, repairs, retirements by
every route and one open physical audit. Bulk inserts; idempotent (the demo serials mark what was loaded).

The moyenne commune (INSEE 24520) offers a laptop holding storage, with no erasure recorded: the petite
commune's secretary's claim is refused until the moyenne commune records one (the walkthrough of issue 5).
"""
from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, insert, select

from lifecycle.assets import services
from lifecycle.assets.models import Asset, AssetEvent
from lifecycle.audits import services as audits_services
from lifecycle.audits.models import Audit, AuditScan
from lifecycle.pool import services as pool_services
from lifecycle.pool.models import PoolListing
from lifecycle.repairs import services as repairs_services
from lifecycle.retirement import services as retirement_services
from lifecycle.retirement.models import RetirementRoute
from purchasing.accounts.models import User
from purchasing.catalogue.models import Category, Product
from purchasing.db_types import utcnow
from purchasing.extensions import db
from purchasing.members.models import Member, Site
from purchasing.members.services import resolve_sites

MARK = "DEMO-"
TOTAL = 3000

#: Generic products (names from the manufacturer footprint reference), created only when a category has none.
GENERIC = {
    "laptop": [("Dell", "Latitude 3120", 650), ("Lenovo", "B50-45", 590)],
    "desktop": [("HP", "Elite tour 880 G9", 780), ("Lenovo", "IdeaCentre 3 SFF", 520)],
    "monitor_24": [("HP", "E22 G4 FHD", 140), ("Dell", "AW2518H", 190)],
    "thin_client": [("Dell", "Wyse 5070 client léger étendu", 310)],
    "smartphone": [("Apple", "iPhone 11 64 Go", 480)],
    "tablet": [("Apple", "iPad (10e génération) 64 Go", 390)],
    "printer_mfp_a4": [("Lexmark", "B3442dw", 230)],
}
WEIGHTS = {"laptop": 30, "desktop": 20, "monitor_24": 25, "thin_client": 5, "smartphone": 10, "tablet": 5,
           "printer_mfp_a4": 5}
SITES = ["Mairie", "École", "Bibliothèque", "Services techniques", "Salle des fêtes"]
#: the street and opening hours a demo site created for the inventory gets (a purchase order delivered there
#: must carry a full address, as a real commune's school or library has one)
_SITE_ADDRESSES = {"École": ("rue des Écoles", "8h30-12h, 13h30-16h30 (hors vacances scolaires)"),
                   "Bibliothèque": ("place du Marché", "mardi, mercredi et samedi 10h-12h"),
                   "Services techniques": ("route de la Déchetterie", "lundi-vendredi 8h-12h"),
                   "Salle des fêtes": ("place de la Mairie", "sur rendez-vous auprès de la mairie")}


def _max_age_days(product: Product, today: date) -> int:
    """How old a demo asset of this model may be: nine years at most, and never bought before the model came out
    (its release year, from the catalogue; from September of that year, to be safe)."""
    oldest = today - timedelta(days=365 * 9)
    year = (product.attributes or {}).get("release_year")
    if year:
        oldest = max(oldest, date(int(year), 9, 1))
    return max(31, (today - oldest).days)


def _retirement_day(rng: random.Random, acquired: date, today: date) -> date:
    """A day in the last five years, at least a year after the acquisition (or yesterday for a recent device)."""
    first = max(acquired + timedelta(days=365), today - timedelta(days=5 * 365))
    if first >= today:
        return today - timedelta(days=1)
    return first + timedelta(days=rng.randint(0, (today - first).days - 1))


def _products(rng: random.Random) -> dict[str, list[Product]]:
    categories = {c.code: c for c in db.session.scalars(select(Category).where(Category.code.in_(GENERIC)))}
    result = {}
    for code, generics in GENERIC.items():
        category = categories.get(code)
        if category is None:
            continue
        existing = list(db.session.scalars(select(Product).where(Product.category_id == category.id)
                                           .order_by(Product.id).limit(5)))
        if not existing:
            for brand, model, _price in generics:
                product = Product(category_id=category.id, brand=brand, model=model,
                                  manufacturer_ref=f"GEN-{code}-{model[:30]}".replace(" ", "-").upper(),
                                  description="Produit générique de démonstration", attributes={},
                                  search_text=f"{brand} {model}".lower())
                db.session.add(product)
                existing.append(product)
            db.session.flush()
        result[code] = existing
    return result


def load(rng: random.Random) -> str:
    if db.session.scalar(select(func.count()).select_from(Asset).where(Asset.serial_number.like(MARK + "%"))):
        return "Parc : déjà chargé"
    products = _products(rng)
    if not products:
        return "Parc : aucune catégorie d'équipement"
    moyenne = db.session.scalars(select(Member).where(Member.insee_code == "24520")).first()
    petite = db.session.scalars(select(Member).where(Member.insee_code == "24420")).first()
    others = list(db.session.scalars(select(Member).where(Member.kind.in_(("commune", "epci", "ccas")),
                                                          Member.is_active.is_(True)).order_by(Member.id)))
    members = [m for m in (moyenne, petite) if m is not None]
    members += rng.sample([m for m in others if m not in members], min(80, len(others)))
    secretary_of = {u.member_id: u for u in db.session.scalars(select(User).where(User.member_id.is_not(None)))}
    codes = [c for c in WEIGHTS if c in products]
    weights = [WEIGHTS[c] for c in codes]
    today = date.today()
    tags = services.reserve_tags(TOTAL)
    site_ids = {m.id: resolve_sites(m.id, SITES) for m in members}
    _address_new_sites(members, site_ids)
    rows = []
    for index, tag in enumerate(tags):
        member = members[0] if index < 60 else (members[1] if index < 90 and len(members) > 1 else rng.choice(members))
        code = "laptop" if index == 0 and "laptop" in products else rng.choices(codes, weights)[0]
        product = rng.choice(products[code])
        price = Decimal(GENERIC[code][0][2]) * Decimal(rng.randint(85, 120)) / 100
        status = "in_service" if rng.random() < 0.8 else "in_stock"
        rows.append(dict(
            tag=tag, serial_number=f"{MARK}{index:06d}", product_id=product.id, category_id=product.category_id,
            designation="", member_id=member.id, site_id=site_ids[member.id][rng.choice(SITES)], assigned_to=rng.choice(
                ["Accueil", "Secrétariat", "Direction", "Comptabilité", "Urbanisme", "École", ""]),
            acquisition_date=today - timedelta(days=rng.randint(30, _max_age_days(product, today))),
            purchase_price_ht=price.quantize(Decimal("0.01")), origin="imported", condition="good",
            holds_storage=services.holds_storage_for(product, product.category), status="in_stock" if index == 0 else status, created_dt=utcnow()))
    db.session.execute(insert(Asset), rows)
    ids = dict(db.session.execute(select(Asset.tag, Asset.id).where(Asset.tag >= tags[0], Asset.tag <= tags[-1])).all())
    now = utcnow()
    db.session.execute(insert(AssetEvent), [
        dict(asset_id=ids[row["tag"]], kind="imported", to_status=row["status"], to_member_id=row["member_id"],
             reason="Données de démonstration", details={"origin": "imported"}, created_dt=now) for row in rows])

    assets = {a.id: a for a in db.session.scalars(select(Asset).where(Asset.id.in_(list(ids.values())[:400])))}
    ordered = [assets[ids[t]] for t in tags[:400] if ids[t] in assets]
    # the walkthrough's laptop: offered by the moyenne commune, storage, no erasure yet
    first = ordered[0]
    actor = secretary_of.get(first.member_id)
    pool_services.offer_to_pool(first, condition="good",
                           note="Portable de l'accueil, batterie changée l'an dernier. Effacement à prévoir.",
                           actor=actor)
    pooled = 1
    # more listings from other members, erased first when they hold storage
    for asset in ordered[100:140]:
        if asset.holds_storage:
            services.record_erasure(asset, method=rng.choice(services.ERASURE_METHODS[:2]),
                                    performed_on=today - timedelta(days=rng.randint(1, 60)),
                                    operator="Atelier du syndicat", certificate_ref=f"EFF-{asset.id}", actor=None)
        pool_services.offer_to_pool(asset, condition=rng.choice(("good", "fair", "new")),
                               note=rng.choice(["", "Fonctionne bien", "Quelques rayures", "Remplacé par un neuf"]),
                               actor=None)
        pooled += 1
    # repairs: some closed, some open
    repaired = 0
    for asset in ordered[140:170]:
        kind = rng.choice(("repair", "refurbishment"))
        job = repairs_services.open_repair(asset, kind=kind, provider=rng.choice(["Atelier interne", "Répar'Ordi 24",
                                                                          "Envie Dordogne"]),
                                   opened_on=today - timedelta(days=rng.randint(20, 90)), actor=None)
        if rng.random() < 0.6:
            repairs_services.close_repair(job, work_done=rng.sample(repairs_services.WORK_KINDS, rng.randint(1, 3)),
                                  cost_ht=Decimal(rng.randint(20, 180)), grade=rng.choice("ABC"),
                                  closed_on=job.opened_on + timedelta(days=rng.randint(3, 15)),
                                  back_to=rng.choice(("in_stock", "in_service")), actor=None)
        repaired += 1
    # retirements by every route (each once, then as often as a territory sees them: mostly WEEE recycling and
    # reuse, few losses), spread over the last five years and never before the device's second year
    retired = 0
    routes = [r.value for r in RetirementRoute]
    for index, asset in enumerate(ordered[170:230]):
        route = routes[index] if index < len(routes) else rng.choices(routes, [20, 12, 6, 45, 10, 3])[0]
        if route in ("reused_elsewhere", "donated", "sold") and asset.holds_storage:
            services.record_erasure(asset, method="nist_purge", performed_on=today - timedelta(days=30),
                                    operator="Atelier du syndicat", certificate_ref=f"EFF-{asset.id}", actor=None)
        retirement_services.retire_asset(
            asset, route=route, retired_on=_retirement_day(rng, asset.acquisition_date, today), actor=None,
            recipient="Association Emmaüs Connect" if route == "donated" else (
                "Collège voisin" if route == "reused_elsewhere" else ("Particulier" if route == "sold" else "")),
            certificate_ref=f"DEEE-{asset.id}" if route == "recycled_weee" else "",
            note="Données de démonstration")
        retired += 1
    # one open physical audit at the moyenne commune's town hall, with a few scans
    audits = 0
    if moyenne is not None:
        audit = audits_services.start_audit(moyenne.id, "Mairie", secretary_of.get(moyenne.id))
        seen = [a.tag for a in ordered[1:60] if a.member_id == moyenne.id and a.status != "retired"][:12]
        db.session.execute(insert(AuditScan), [dict(audit_id=audit.id, tag=t, scanned_dt=now) for t in seen])
        audits = 1
    db.session.flush()
    listings = db.session.scalar(select(func.count()).select_from(PoolListing).where(PoolListing.status == "open"))
    assert listings >= pooled and Audit
    return (f"Parc : {TOTAL} équipements, {pooled} dans la bourse de réemploi, {repaired} interventions, "
            f"{retired} sorties d'inventaire, {audits} inventaire physique ouvert")


def _address_new_sites(members, site_ids) -> None:
    """Give the inventory's sites that have no address yet one in their member's town (demo plausibility). Its
    own seeded draw per site, so that the rest of the demo (drawn from the main generator) does not change."""
    ids = [site_id for by_name in site_ids.values() for site_id in by_name.values()]
    by_member = {member.id: member for member in members}
    for site in db.session.scalars(select(Site).where(Site.id.in_(ids), Site.address == "").order_by(Site.id)):
        street, hours = _SITE_ADDRESSES.get(site.name, ("rue du Bourg", ""))
        member = by_member[site.member_id]
        site.address = f"{random.Random(f'{site.member_id}:{site.name}').randrange(1, 20)} {street}"
        site.postal_code, site.city = member.postal_code, member.city
        site.opening_hours = site.opening_hours or hours
    db.session.flush()
