"""A demo territory modelled on a real syndicate: two départements, about 580 members.

The larger département has 463 member communes of which 47 have more than 3,000 inhabitants; the
smaller one adds 52 communes; then their EPCIs, CCAS/CIAS, syndicates and a few other bodies, and the
demo users. Names are invented; INSEE codes and SIRENs are well formed (SIREN with a Luhn key).
"""
from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from purchasing.accounts.models import Role, User
from purchasing.accounts.services import UserData, create_user
from purchasing.domain.identifiers import luhn_check_digit
from purchasing.extensions import db
from purchasing.members.models import Member, MemberKind, fold_for_search

DEPARTEMENTS = (
    # code, name, member communes, communes over 3,000 inhabitants, EPCIs
    ("24", "Dordogne", 463, 47, 13),
    ("47", "Lot-et-Garonne", 52, 6, 5),
)

#: Fixed demo communes, used by the demo accounts.
PETITE_COMMUNE = ("Saint-Julien-de-Crempse", "24420", 412)
MOYENNE_COMMUNE = ("Villeneuve-sur-Vézère", "24520", 6840)

_SAINTS = ["Martin", "Aubin", "Cyprien", "Julien", "Pardoux", "Front", "Astier", "Amand", "Avit", "Germain",
           "Laurent", "Médard", "Pierre", "Vincent", "Sulpice", "Géraud", "Rémy", "Saturnin", "Maurice", "Privat",
           "Cybard", "Sauveur", "Léon", "Jory", "Cernin", "Crépin", "Estèphe", "Félix", "Georges", "Hilaire"]
_SAINTES = ["Marie", "Foy", "Colombe", "Eulalie", "Alvère", "Croix", "Radegonde", "Orse", "Trie", "Mondane"]
_STEMS = ["Bourdeil", "Montagr", "Lanquais", "Beaumont", "Villefranche", "Château", "Roche", "Font", "Puy",
          "Mont", "Bel", "Cas", "Vern", "Sarl", "Tursac", "Marnac", "Auriac", "Lisle", "Brantôme", "Cherval",
          "Limeuil", "Sorges", "Thenon", "Excideuil", "Issac", "Creysse", "Mauzac", "Paunat", "Trémolat", "Cadouin"]
_ENDINGS = ["ac", "at", "euil", "ignac", "ières", "ous", "ourt", "ède", "ille", "ès", "on", "ouze", "ans", "y"]
_SUFFIXES = ["-sur-Dordogne", "-sur-Vézère", "-sur-l'Isle", "-de-Double", "-du-Bois", "-la-Rivière",
             "-de-Nontron", "-en-Périgord", "-le-Vieux", "-des-Vignes", "-de-Mareuil", "-sur-Dronne",
             "-du-Lot", "-sur-Garonne", "-d'Agenais", "-de-Guyenne", "", "", "", ""]


def _siren(prefix: str, rng: random.Random, taken: set[str]) -> str:
    while True:
        body = prefix + "".join(rng.choice("0123456789") for _ in range(8 - len(prefix)))
        siren = body + luhn_check_digit(body)
        if siren not in taken:
            taken.add(siren)
            return siren


def _commune_name(rng: random.Random, taken: set[str]) -> str:
    while True:
        roll = rng.random()
        if roll < 0.35:
            name = "Saint-" + rng.choice(_SAINTS)
        elif roll < 0.45:
            name = "Sainte-" + rng.choice(_SAINTES)
        elif roll < 0.55:
            name = rng.choice(["La ", "Le ", "Les "]) + rng.choice(_STEMS) + rng.choice(_ENDINGS)
        else:
            name = rng.choice(_STEMS) + rng.choice(_ENDINGS)
        name += rng.choice(_SUFFIXES)
        if name not in taken:
            taken.add(name)
            return name


def _small_population(rng: random.Random) -> int:
    # Most communes of a rural département have a few hundred inhabitants.
    return int(min(2999, max(45, rng.lognormvariate(6.2, 0.75))))


def _large_population(rng: random.Random) -> int:
    return int(min(60000, 3000 + rng.paretovariate(1.2) * 900))


def _threshold(population: int) -> Decimal:
    if population < 1000:
        return Decimal("500.00")
    if population < 3500:
        return Decimal("1500.00")
    if population < 10000:
        return Decimal("3000.00")
    return Decimal("10000.00")


def _joined(rng: random.Random) -> date:
    return date(2005, 1, 1) + timedelta(days=rng.randrange(0, 365 * 20))


def _member(kind: str, name: str, siren: str, population: int, joined_on: date, insee: str | None = None,
            epci: Member | None = None) -> Member:
    return Member(kind=kind, name=name, search_name=fold_for_search(name), siren=siren, insee_code=insee,
                  population=population, epci=epci, approval_threshold_ht=_threshold(population),
                  joined_on=joined_on, is_active=True)


def _load_members(rng: random.Random) -> int:
    sirens: set[str] = set()
    names: set[str] = {PETITE_COMMUNE[0], MOYENNE_COMMUNE[0]}
    members: list[Member] = []
    communes_by_dept: dict[str, list[Member]] = {}
    for code, dept_name, count, large, epci_count in DEPARTEMENTS:
        epcis = [
            _member(MemberKind.EPCI, f"Communauté de communes {label}", _siren("200", rng, sirens), 0,
                    _joined(rng))
            for label in _epci_labels(rng, dept_name, epci_count)
        ]
        members.extend(epcis)
        reserved = {PETITE_COMMUNE[1], MOYENNE_COMMUNE[1]}
        numbers = rng.sample([n for n in range(1, 600) if f"{code}{n:03d}" not in reserved], count)
        communes = []
        for i, number in enumerate(numbers):
            insee = f"{code}{number:03d}"
            population = _large_population(rng) if i < large else _small_population(rng)
            name = _commune_name(rng, names)
            communes.append((name, insee, population))
        if code == "24":
            # Place the two fixed communes (their INSEE codes are outside the random range's picks).
            communes[-1] = PETITE_COMMUNE
            communes[large - 1] = MOYENNE_COMMUNE  # one of the 47 communes over 3,000
        for index, (name, insee, population) in enumerate(communes):
            epci = epcis[index % len(epcis)]
            siren_body = "21" + insee.replace("A", "0").replace("B", "0") + "0"
            siren = siren_body + luhn_check_digit(siren_body)
            if siren in sirens:
                siren = _siren("21", rng, sirens)
            sirens.add(siren)
            commune = _member(MemberKind.COMMUNE, name, siren, population, _joined(rng), insee, epci)
            epci.population += population
            members.append(commune)
            communes_by_dept.setdefault(code, []).append(commune)
        for epci in epcis:
            epci.approval_threshold_ht = _threshold(epci.population)

    # CCAS / CIAS of the larger communes and a few intercommunal ones.
    larger = sorted((c for cs in communes_by_dept.values() for c in cs), key=lambda c: -c.population)[:30]
    for commune in larger:
        members.append(_member(MemberKind.CCAS, f"CCAS de {commune.name}", _siren("26", rng, sirens),
                               commune.population, _joined(rng), epci=commune.epci))
    cias_epcis = [m for m in members if m.kind == MemberKind.EPCI][:6]
    for epci in cias_epcis:
        members.append(_member(MemberKind.CCAS, f"CIAS {epci.name.removeprefix('Communauté de communes ')}",
                               _siren("26", rng, sirens), epci.population, _joined(rng), epci=epci))
    for label in ["SIAEP du Haut-Périgord", "Syndicat mixte des eaux de la Vézère", "SIVOS de la Double",
                  "Syndicat d'électrification du Ribéracois", "SIRP des Coteaux", "Syndicat mixte du Pays de l'Isle",
                  "SIVU de la piscine intercommunale", "Syndicat de rivière de la Dronne"]:
        members.append(_member(MemberKind.SYNDICATE, label, _siren("25", rng, sirens),
                               rng.randrange(2000, 40000), _joined(rng)))
    for label in ["Office de tourisme intercommunal du Périgord Noir", "Centre de gestion (démonstration)",
                  "Maison départementale des territoires"]:
        members.append(_member(MemberKind.OTHER, label, _siren("18", rng, sirens), 0, _joined(rng)))
    db.session.add_all(members)
    db.session.flush()
    return len(members)


def _epci_labels(rng: random.Random, dept_name: str, count: int) -> list[str]:
    pool = ["du Périgord Noir", "Isle-Loue-Auvézère", "de la Vallée de l'Homme", "du Pays Ribéracois",
            "Dronne et Belle", "du Terrassonnais", "Sarlat-Périgord Noir", "Portes Sud Périgord",
            "Bastides Dordogne-Périgord", "du Périgord Nontronnais", "Isle-Double-Landais", "du Pays de Saint-Aulaye",
            "Montaigne Montravel et Gurson", "du Confluent", "des Deux Rives", "Albret Communauté",
            "Lot et Tolzac", "du Pays de Lauzun"]
    start = 0 if dept_name == "Dordogne" else 13
    return pool[start:start + count]


DEMO_USERS = (
    ("admin@demo.local", "Administratrice du syndicat", Role.ADMIN, None),
    ("achats@demo.local", "Acheteur du syndicat", Role.PURCHASING_OFFICER, None),
    ("durabilite@demo.local", "Chargée de développement durable", Role.SUSTAINABILITY_OFFICER, None),
    ("secretaire@petite-commune.demo", "Secrétaire de mairie", Role.SECRETARY, PETITE_COMMUNE[1]),
    ("maire@petite-commune.demo", "Maire", Role.APPROVER, PETITE_COMMUNE[1]),
    ("secretaire@moyenne-commune.demo", "Secrétaire générale", Role.SECRETARY, MOYENNE_COMMUNE[1]),
    ("maire@moyenne-commune.demo", "Maire", Role.APPROVER, MOYENNE_COMMUNE[1]),
)


def _load_users() -> int:
    from purchasing.demo import DEMO_PASSWORD

    existing = set(db.session.scalars(select(User.email)))
    created = 0
    for email, full_name, role, insee in DEMO_USERS:
        if email in existing:
            continue
        member_id = None
        if insee:
            member_id = db.session.scalar(select(Member.id).where(Member.insee_code == insee))
        create_user(UserData(email=email, full_name=full_name, role=role, member_id=member_id), DEMO_PASSWORD)
        created += 1
    return created


def load(rng: random.Random) -> str:
    already = db.session.scalar(select(Member.id).where(Member.insee_code == PETITE_COMMUNE[1]))
    members = 0 if already else _load_members(rng)
    users = _load_users()
    total = db.session.scalar(select(db.func.count(Member.id)))
    return f"Territoire : {members} adhérents créés ({total} au total), {users} utilisateurs de démonstration créés."
