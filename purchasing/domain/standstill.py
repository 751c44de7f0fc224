"""The standstill period between the letters to the candidates and the signature of the contract, as dated data.

CCP R2182-1: for a contract awarded through a formal procedure, the buyer waits at least eleven days between
sending the notifications of R2181-1 (to the successful candidate) and R2181-3 (to the rejected ones) and the
signature of the contract; sixteen days when the notification was not sent electronically.
CCP R2182-2 lists where it does not apply; the one this product meets: the contract is awarded to the only
economic operator who took part (3°). An adapted procedure (MAPA) has no standstill period in the code; the
letters then say the contract may be signed from their date.
CCP R2181-3: the rejection letter gives the reasons of the rejection and, once the contract is awarded, the
name of the successful candidate, the reasons for choosing its offer and the date from which the contract may
be signed.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .errors import DomainError
from purchasing.domain.errors import N_

CHANNELS = ("electronic", "post")


@dataclass(frozen=True)
class StandstillRule:
    effective_from: date
    electronic_days: int
    other_days: int
    source: str


RULES: tuple[StandstillRule, ...] = (
    # Code de la commande publique, partie réglementaire (décret n° 2018-1075 du 3 décembre 2018), in force on
    # 1 April 2019: article R2182-1 (11 days, 16 days without electronic transmission), R2182-2 (exceptions).
    StandstillRule(date(2019, 4, 1), 11, 16,
                   "Code de la commande publique, art. R2182-1 (délai de suspension) et R2182-2 (exceptions)"),
)


@dataclass(frozen=True)
class Standstill:
    required: bool
    days: int
    #: the first day the contract may be signed
    signable_on: date
    #: why (in French, for the letter)
    explanation: str
    source: str


def rule_on(day: date) -> StandstillRule:
    in_force = [rule for rule in RULES if rule.effective_from <= day]
    if not in_force:
        raise DomainError(N_("Aucune règle de délai de suspension n'est connue au %(day)s."),
                          params={"day": format(day, '%d/%m/%Y')},
                          code="no_standstill_rule_for_date")
    return max(in_force, key=lambda rule: rule.effective_from)


def standstill_for(procedure_kind: str, sent_on: date, channel: str, bidders: int) -> Standstill:
    """The standstill period of letters sent on ``sent_on`` by ``channel`` (electronic or post) for a consultation
    of ``procedure_kind`` (purchasing.domain.procurement.PROCEDURE_KINDS) that received ``bidders`` offers."""
    if channel not in CHANNELS:
        raise DomainError(N_("Mode d'envoi inconnu : électronique ou courrier."), code="invalid_channel")
    if bidders < 1:
        raise DomainError(N_("Aucune offre : il n'y a pas de lettre à envoyer."), code="no_bids")
    rule = rule_on(sent_on)
    if procedure_kind != "formal":
        return Standstill(False, 0, sent_on,
                          "Procédure adaptée : le code n'impose pas de délai de suspension (l'article R2182-1 vise "
                          "les procédures formalisées) ; le marché peut être signé à compter de la date de cette "
                          "lettre.", rule.source)
    if bidders == 1:
        return Standstill(False, 0, sent_on,
                          "Une seule offre reçue : le délai de suspension ne s'applique pas (article R2182-2, 3°) ; "
                          "le marché peut être signé à compter de la date de cette lettre.", rule.source)
    days = rule.electronic_days if channel == "electronic" else rule.other_days
    signable_on = sent_on + timedelta(days=days)
    how = "par voie électronique" if channel == "electronic" else "autrement que par voie électronique"
    return Standstill(True, days, signable_on,
                      f"Lettre envoyée {how} le {sent_on:%d/%m/%Y} : délai de suspension de {days} jours (article "
                      f"R2182-1) ; le marché ne sera pas signé avant le {signable_on:%d/%m/%Y}.", rule.source)
