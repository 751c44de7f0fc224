"""A member's renewal plan over the next years: which devices reach their end of service, what to do with each
(life extension first), what it costs at the member's price and what it emits, beside replacing all with new.

Pure domain code (standard library and other domain modules only).

- **Actions**, in the order the law asks to prefer them (loi AGEC art. 58, loi REEN art. 15: reuse and longer
  use first): ``extend`` (an upgrade or a repair of the device itself), ``reuse`` (an item of the members'
  reuse pool), ``refurbished`` (a refurbished unit from the catalogue), ``new``.
- **Proposed action**: the first of those the data supports for the device (:func:`propose_action`): extend when
  its end of service is set by something an upgrade removes (memory, hard disk, battery) and an upgrade is
  priced, reuse when the pool holds an equivalent, refurbished when the catalogue offers one, else new.
- **Budget**: per year, category and action, ``count × member unit price`` HT, half-up to the cent per line
  (:func:`purchasing.domain.pricing.line_total`), VAT per line at the offer's rate, TTC = HT + VAT; the totals
  are sums of lines (what a budget's investment section adds up). Reuse from the pool costs nothing to buy.
- **Carbon**: the embodied emissions each action commits (kgCO2e: the upgrade part, the refurbished unit's share,
  0 for a pool item, the new device's), against the same devices all replaced with new.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from purchasing.domain.errors import N_, DomainError
from purchasing.domain.money import vat_amount
from purchasing.domain.pricing import line_total

EXTEND = "extend"
REUSE = "reuse"
REFURBISHED = "refurbished"
NEW = "new"
#: the actions in the order they are preferred
ACTIONS = (EXTEND, REUSE, REFURBISHED, NEW)
#: default planning horizon in years (the issue: "the next 5 years")
HORIZON_YEARS = 5


class PlanningError(DomainError):
    """A plan change refused by a rule (stable ``code``)."""


@dataclass(frozen=True)
class ActionOption:
    """One way to answer a category's need, at the member's price."""

    action: str
    #: unit price HT at the member's price; None: not priced (the action cannot be proposed)
    unit_price_ht: Decimal | None
    vat_rate: Decimal = Decimal("0.20")
    #: embodied emissions committed per unit, kgCO2e
    embodied_kg: float = 0.0
    label: str = ""
    #: how many units exist (the pool's items): None for a catalogue offer; a proposal takes no more than these
    available: int | None = None


@dataclass(frozen=True)
class DeviceNeed:
    """A device of the member and its expected end of service."""

    asset_id: int
    category_code: str
    end_of_service: date
    #: what would remove the adjustments that shorten its life ("ram", "ssd", "battery"): see renewal.py
    remedies: tuple[str, ...] = ()
    #: chosen by the secretary (else the proposed action)
    action: str | None = None
    #: postponed by the secretary to this year (else the end of service's year)
    postponed_to: int | None = None


@dataclass(frozen=True)
class PlanLine:
    year: int
    category_code: str
    action: str
    count: int
    amount_ht: Decimal
    vat: Decimal
    amount_ttc: Decimal
    embodied_kg: float
    asset_ids: tuple[int, ...]


@dataclass(frozen=True)
class Plan:
    first_year: int
    years: tuple[int, ...]
    lines: tuple[PlanLine, ...]
    #: the devices whose action cannot be priced this year (no offer): listed, not counted in the budget
    unpriced: tuple[int, ...] = ()
    #: the embodied emissions if every planned device were replaced with new, kgCO2e
    all_new_embodied_kg: float = 0.0
    totals_ht: dict[int, Decimal] = field(default_factory=dict)
    totals_ttc: dict[int, Decimal] = field(default_factory=dict)

    @property
    def embodied_kg(self) -> float:
        return sum(line.embodied_kg for line in self.lines)

    @property
    def total_ht(self) -> Decimal:
        return sum(self.totals_ht.values(), Decimal("0.00"))

    @property
    def total_ttc(self) -> Decimal:
        return sum(self.totals_ttc.values(), Decimal("0.00"))


def allowed_actions(options: dict[str, ActionOption], remedies: tuple[str, ...]) -> tuple[str, ...]:
    """The actions possible for a device: extend only when an upgrade removes what shortens its life; any other
    only when it is priced (reuse: when the pool holds an equivalent); new always."""
    allowed = []
    for action in ACTIONS:
        option = options.get(action)
        if action == NEW:
            allowed.append(action)
        elif option is not None and option.unit_price_ht is not None and (action != EXTEND or remedies):
            allowed.append(action)
    return tuple(allowed)


def propose_action(options: dict[str, ActionOption], remedies: tuple[str, ...]) -> str:
    """The first allowed action in the preferred order (life extension first, new last)."""
    return allowed_actions(options, remedies)[0]


def planned_year(need: DeviceNeed, first_year: int) -> int:
    """The year a device is planned in: its postponement, else its end of service's year — a device already past
    its end is planned in the first year."""
    if need.postponed_to is not None:
        return need.postponed_to
    return max(need.end_of_service.year, first_year)


def check_change(need: DeviceNeed, options: dict[str, ActionOption], first_year: int,
                 horizon: int = HORIZON_YEARS) -> None:
    """Refuse a secretary's change the rules do not allow (nothing is changed then)."""
    last_year = first_year + horizon - 1
    if need.postponed_to is not None:
        if need.postponed_to > last_year:
            raise PlanningError(N_("Report impossible au-delà de %(last_year)s : le plan couvre "
                                   "%(first_year)s à %(last_year)s."),
                                params={"last_year": last_year, "first_year": first_year},
                                code="postponed_beyond_horizon", details={"last_year": last_year})
        if need.postponed_to < max(first_year, need.end_of_service.year):
            raise PlanningError(N_("Un report ne peut pas avancer le remplacement avant sa fin de service prévue."),
                                code="postponed_before_end", details={"year": need.end_of_service.year})
    if need.action is not None and need.action not in allowed_actions(options, need.remedies):
        raise PlanningError(N_("Cette action n'est pas possible pour cet équipement."), code="action_not_allowed",
                            details={"allowed": list(allowed_actions(options, need.remedies))})


def build_plan(needs: list[DeviceNeed], options: dict[str, dict[str, ActionOption]], first_year: int,
               horizon: int = HORIZON_YEARS) -> Plan:
    """The plan for ``horizon`` years from ``first_year``: devices grouped by year, category and action.

    ``options`` maps a category to its options by action; give ``new`` for every category (its embodied value is
    the comparison "all new", even when it is not priced). Devices planned after the horizon are left out.
    """
    years = tuple(range(first_year, first_year + horizon))
    groups: dict[tuple[int, str, str], list[int]] = {}
    unpriced: list[int] = []
    taken: dict[tuple[str, str], int] = {}
    all_new = 0.0
    for need in needs:
        check_change(need, options.get(need.category_code, {}), first_year, horizon)
    # the earliest ends first, so that the pool's few items go to the devices that need them soonest
    for need in sorted(needs, key=lambda n: (planned_year(n, first_year), n.end_of_service, n.asset_id)):
        category_options = options.get(need.category_code, {})
        year = planned_year(need, first_year)
        if year not in years:
            continue
        if need.action is not None:
            action = need.action
        else:
            action = next(a for a in allowed_actions(category_options, need.remedies)
                          if a == NEW or category_options[a].available is None
                          or taken.get((need.category_code, a), 0) < category_options[a].available)
        taken[(need.category_code, action)] = taken.get((need.category_code, action), 0) + 1
        option = category_options.get(action)
        if option is None or option.unit_price_ht is None:
            unpriced.append(need.asset_id)
            continue
        groups.setdefault((year, need.category_code, action), []).append(need.asset_id)
        new_option = category_options.get(NEW)
        all_new += new_option.embodied_kg if new_option is not None else 0.0
    lines = []
    totals_ht = {year: Decimal("0.00") for year in years}
    totals_ttc = {year: Decimal("0.00") for year in years}
    for (year, category, action), asset_ids in sorted(groups.items(),
                                                      key=lambda item: (item[0][0], item[0][1],
                                                                        ACTIONS.index(item[0][2]))):
        option = options[category][action]
        count = len(asset_ids)
        amount = line_total(option.unit_price_ht, count)
        vat = vat_amount(amount, option.vat_rate)
        lines.append(PlanLine(year, category, action, count, amount, vat, amount + vat,
                              option.embodied_kg * count, tuple(sorted(asset_ids))))
        totals_ht[year] += amount
        totals_ttc[year] += amount + vat
    return Plan(first_year=first_year, years=years, lines=tuple(lines), unpriced=tuple(sorted(unpriced)),
                all_new_embodied_kg=all_new, totals_ht=totals_ht, totals_ttc=totals_ttc)
