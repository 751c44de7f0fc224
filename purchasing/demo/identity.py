"""Demo identity data (issue 12): the syndicate's identity, members' addresses, SIRETs, contacts and
delivery sites, the suppliers' order e-mail addresses. Idempotent: fills only what is still empty.

Addresses and names are invented; SIRETs are well formed (the member's SIREN, a 4-digit NIC, a Luhn key).
"""
from __future__ import annotations

import random

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from purchasing.domain.identifiers import luhn_check_digit
from purchasing.domain.sites import site_key
from purchasing.extensions import db
from purchasing.members.models import Member, MemberContact, MemberKind, MemberSiret, Site
from purchasing.suppliers.models import Supplier
from purchasing.syndicate.services import current_identity

SYNDICATE = dict(name="Syndicat numérique du Périgord (démonstration)", siret="", address="2 place Hoche",
                 postal_code="24000", city="Périgueux", email="contact@syndicat-numerique.demo",
                 phone="05 53 00 00 00", signatory_name="Claire Dumas", signatory_title="Présidente")
SYNDICATE_SIREN_BODY = "25240001"  # a syndicate's SIREN starts with 25

_STREETS = ["place de la Mairie", "rue de la République", "place de l'Église", "rue du Bourg", "avenue de la Gare",
            "rue des Écoles", "place du Marché", "route de Périgueux", "allée des Tilleuls", "rue Jean Jaurès"]
_FIRST = ["Marie", "Nathalie", "Sophie", "Isabelle", "Sandrine", "Christophe", "Laurent", "Céline", "Hélène",
          "Patrick", "Valérie", "Julien", "Émilie", "Pascal", "Aurélie"]
_LAST = ["Dupuy", "Lacoste", "Faure", "Delpech", "Mazeau", "Roussel", "Chassaing", "Lafon", "Veyssière",
         "Bouyssou", "Peyrou", "Castang", "Lagarde", "Brousse", "Sirieix"]
#: extra sites of the larger communes (more than 3,000 inhabitants)
_LARGER_SITES = [("École élémentaire", "rue des Écoles", "8h30-12h, 13h30-16h30 (hors vacances scolaires)"),
                 ("Médiathèque", "place du Marché", "mardi-samedi 10h-12h, 14h-18h"),
                 ("Services techniques", "zone artisanale", "lundi-vendredi 8h-12h")]


def siret_of(siren: str, nic: str) -> str:
    """A well-formed SIRET: SIREN + 4-digit establishment number + the Luhn key over the 14 digits."""
    body = siren + nic
    return body + luhn_check_digit(body)


def _postal_code(member: Member, rng: random.Random) -> str:
    dept = (member.insee_code or "24")[:2]
    return f"{dept}{rng.randrange(0, 10)}{rng.choice('02468')}0"


def _city(member: Member) -> str:
    if member.kind == MemberKind.COMMUNE:
        return member.name
    if member.kind == MemberKind.CCAS and member.name.startswith("CCAS de "):
        return member.name.removeprefix("CCAS de ")
    return "Périgueux"


def _fill_member(member: Member, rng: random.Random) -> list[Site]:
    street = rng.choice(_STREETS)
    member.postal_address = f"{rng.randrange(1, 30)} {street}" if not street.startswith("place") else street.capitalize()
    member.postal_code = member.postal_code or _postal_code(member, rng)
    member.city = member.city or _city(member)
    larger = member.kind == MemberKind.COMMUNE and member.population > 3000
    main = MemberSiret(siret=siret_of(member.siren, "0001"), label="Budget principal", is_billing=True)
    member.sirets.append(main)
    if larger:
        member.sirets.append(MemberSiret(siret=siret_of(member.siren, "0002"), label="Budget annexe eau"))
        member.chorus_service_code = "FACTURES"
        # a few larger communes ask for an engagement number (never the demo accounts' communes)
        member.engagement_required = member.population > 15000 and member.insee_code not in ("24520", "24420")
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    role = "Secrétaire de mairie" if member.kind == MemberKind.COMMUNE else "Responsable administratif"
    slug = site_key(last).replace(" ", "-")
    member.contacts.append(MemberContact(name=f"{first} {last}", role=role, email=f"{slug}@{_domain(member)}",
                                         phone=f"05 53 {rng.randrange(10, 99)} {rng.randrange(10, 99)} "
                                               f"{rng.randrange(10, 99)}"))
    default_name = "Mairie" if member.kind == MemberKind.COMMUNE else "Siège"
    sites = [Site(member=member, name=default_name, name_key=site_key(default_name),
                  address=member.postal_address, postal_code=member.postal_code, city=member.city,
                  opening_hours="lundi-vendredi 9h-12h, 14h-17h", contact_name=f"{first} {last}",
                  contact_phone=member.contacts[0].phone, contact_email=member.contacts[0].email, is_default=True)]
    if larger:
        for name, address, hours in _LARGER_SITES:
            sites.append(Site(member=member, name=name, name_key=site_key(name),
                              address=f"{rng.randrange(1, 20)} {address}", postal_code=member.postal_code,
                              city=member.city, opening_hours=hours))
    return sites


def _domain(member: Member) -> str:
    return site_key(member.name).replace(" ", "-")[:40] + ".demo"


def _load_syndicate() -> bool:
    identity = current_identity()
    if identity.name and identity.siret:
        return False
    values = dict(SYNDICATE, siret=siret_of(SYNDICATE_SIREN_BODY + luhn_check_digit(SYNDICATE_SIREN_BODY), "0001"))
    for key, value in values.items():
        setattr(identity, key, value)
    db.session.flush()
    return True


def _load_suppliers() -> int:
    filled = 0
    for index, supplier in enumerate(db.session.scalars(select(Supplier).order_by(Supplier.id))):
        if supplier.order_email:
            continue
        domain = supplier.contact_email.partition("@")[2] or (site_key(supplier.name).replace(" ", "-") + ".demo")
        supplier.order_email = f"commandes@{domain}"
        supplier.accepts_order_x = index % 2 == 0
        filled += 1
    return filled


def load(rng: random.Random) -> str:
    syndicate = _load_syndicate()
    members = list(db.session.scalars(select(Member).where(~Member.sirets.any()).order_by(Member.id)
                                      .options(selectinload(Member.sirets), selectinload(Member.contacts))))
    taken = set(db.session.scalars(select(Site.member_id)))
    sites: list[Site] = []
    for member in members:
        new = _fill_member(member, rng)
        if member.id not in taken:  # a member whose sites came from older data keeps them
            sites.extend(new)
    db.session.add_all(sites)
    db.session.flush()
    suppliers = _load_suppliers()
    db.session.flush()
    return (f"Identités : {len(members)} adhérents complétés (adresse, SIRET de facturation, contact), "
            f"{len(sites)} sites de livraison, {suppliers} fournisseurs avec adresse de commande"
            + (", identité du syndicat renseignée." if syndicate else "."))
