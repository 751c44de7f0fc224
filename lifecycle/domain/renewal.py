"""Expected end of service of a device: the first rule of renewal planning.

Pure domain code (standard library only). The end of service is::

    base      acquisition date + expected lifetime (the product's, else the category's), in whole months
    + months  each adjustment that applies (condition, repairs, memory, storage), with its reason
    floor     never before the end of the warranty (a device under warranty is repaired, not replaced)
    cap       never after the end of security updates of its operating system when the hardware cannot move
              to a supported version (dated data with the publisher's page, ``OS_SUPPORT``)
    floor     never before the acquisition date

Every adjustment is data (:class:`RenewalRules`): the defaults below are the syndicate's own rules (no
published source gives a number of months for a worn device), marked ``source=SYNDICATE_RULE``, and the
sustainability officer may change them; the operating-system dates cite the publisher.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date

SYNDICATE_RULE = "règle du syndicat"

#: the categories whose memory and storage limit their use (a phone's or a screen's do not count here)
COMPUTER_CATEGORIES = ("laptop", "desktop", "all_in_one", "thin_client")


@dataclass(frozen=True)
class SupportLimit:
    """The end of security updates of an operating system version, as its publisher dates it."""

    #: lower-case words that must all appear in the asset's "OS name version" (e.g. ("windows", "10"))
    words: tuple[str, ...]
    ends_on: date
    #: a successor the hardware may move to, when it meets ``min_cpu_generation`` (None: no successor here)
    successor: str | None
    min_cpu_generation: int | None
    source: str


# Microsoft lifecycle pages (fixed lifecycle / modern lifecycle), read 2026-12-01:
# - Windows 7: https://learn.microsoft.com/lifecycle/products/windows-7 — support ended 14 January 2020.
# - Windows 8.1: https://learn.microsoft.com/lifecycle/products/windows-81 — support ended 10 January 2023.
# - Windows 10 (Home, Pro, Enterprise, Education, 22H2): https://learn.microsoft.com/lifecycle/products/
#   windows-10-home-and-pro — support ended 14 October 2025. Windows 11 needs an Intel Core of the 8th
#   generation or an AMD Ryzen 2000 or later (https://learn.microsoft.com/windows-hardware/design/minimum/
#   supported/windows-11-supported-intel-processors), expressed here as ``min_cpu_generation`` 8 on the
#   generation number the inventory keeps. The paid Extended Security Updates are not counted.
OS_SUPPORT: tuple[SupportLimit, ...] = (
    SupportLimit(("windows", "7"), date(2020, 1, 14), "Windows 11", 8,
                 "Microsoft, cycle de vie de Windows 7 : fin du support le 14 janvier 2020"),
    SupportLimit(("windows", "8.1"), date(2023, 1, 10), "Windows 11", 8,
                 "Microsoft, cycle de vie de Windows 8.1 : fin du support le 10 janvier 2023"),
    SupportLimit(("windows", "10"), date(2025, 10, 14), "Windows 11", 8,
                 "Microsoft, cycle de vie de Windows 10 : fin du support le 14 octobre 2025"),
)


@dataclass(frozen=True)
class RenewalRules:
    """The adjustments, in months. Defaults: the syndicate's rules (``SYNDICATE_RULE``)."""

    condition_months: dict[str, int] = field(default_factory=lambda: {"new": 0, "good": 0, "fair": -6,
                                                                      "poor": -12})
    #: per completed repair or refurbishment, up to ``repair_cap_months``
    repair_months: int = 6
    repair_cap_months: int = 12
    #: a computer with less memory than this (MB) is slowed by current software
    min_ram_mb: int = 8192
    low_ram_months: int = -12
    #: a computer whose system disk is a hard disk
    hdd_months: int = -12
    support_limits: tuple[SupportLimit, ...] = OS_SUPPORT
    source: str = SYNDICATE_RULE


DEFAULT_RULES = RenewalRules()


@dataclass(frozen=True)
class AssetFacts:
    """What is known of one device."""

    category_code: str
    acquisition_date: date
    lifetime_years: float
    condition: str = "good"
    completed_repairs: int = 0
    warranty_end: date | None = None
    ram_mb: int | None = None
    #: the storage devices' types: "ssd", "hdd", "nvme", "emmc", "unknown"
    storage_types: tuple[str, ...] = ()
    cpu_generation: int | None = None
    os_name: str = ""
    os_version: str = ""


@dataclass(frozen=True)
class Adjustment:
    """One reason the end of service moves: ``months`` added (negative: earlier), or a date imposed."""

    code: str
    months: int
    reason_fr: str
    reason_en: str
    source: str
    #: for the floor and cap rules: the date they impose
    on: date | None = None
    #: an upgrade would remove this adjustment ("ram", "ssd", "os"): a life-extension option
    remedy: str | None = None


@dataclass(frozen=True)
class EndOfService:
    base_end: date
    end: date
    adjustments: tuple[Adjustment, ...]

    def months_left(self, on: date) -> int:
        """Whole months from ``on`` to the end of service (negative once past)."""
        months = (self.end.year - on.year) * 12 + self.end.month - on.month
        if self.end.day < on.day:
            months -= 1
        return months


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` calendar months, the day clamped to the month's last (31 Jan + 1 = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def lifetime_months(years: float) -> int:
    """A lifetime in years as whole months, rounded half up (4.5 years: 54 months; 0 or less: 0)."""
    if years <= 0:
        return 0
    return int(years * 12 + 0.5)


def _support_limit(facts: AssetFacts, rules: RenewalRules) -> SupportLimit | None:
    words = f"{facts.os_name} {facts.os_version}".lower().replace(",", " ").split()
    for limit in rules.support_limits:
        if all(word in words for word in limit.words):
            return limit
    return None


def expected_end_of_service(facts: AssetFacts, rules: RenewalRules = DEFAULT_RULES) -> EndOfService:
    """The expected end of service of a device and every adjustment behind it, in the order applied."""
    base_end = add_months(facts.acquisition_date, lifetime_months(facts.lifetime_years))
    adjustments: list[Adjustment] = []
    condition_months = rules.condition_months.get(facts.condition, 0)
    if condition_months:
        adjustments.append(Adjustment(
            "condition", condition_months,
            f"État « {facts.condition} » : {condition_months:+d} mois",
            f"Condition “{facts.condition}”: {condition_months:+d} months", rules.source))
    if facts.completed_repairs > 0 and rules.repair_months:
        months = min(facts.completed_repairs * rules.repair_months, rules.repair_cap_months)
        adjustments.append(Adjustment(
            "repairs", months,
            f"{facts.completed_repairs} réparation(s) ou reconditionnement(s) : {months:+d} mois",
            f"{facts.completed_repairs} repair(s) or refurbishment(s): {months:+d} months", rules.source))
    is_computer = facts.category_code in COMPUTER_CATEGORIES
    if is_computer and facts.ram_mb is not None and facts.ram_mb < rules.min_ram_mb:
        adjustments.append(Adjustment(
            "low_ram", rules.low_ram_months,
            f"Mémoire de {facts.ram_mb // 1024} Go, sous les {rules.min_ram_mb // 1024} Go : "
            f"{rules.low_ram_months:+d} mois (une extension de mémoire l'évite)",
            f"{facts.ram_mb // 1024} GB of memory, under {rules.min_ram_mb // 1024} GB: "
            f"{rules.low_ram_months:+d} months (a memory upgrade avoids it)", rules.source, remedy="ram"))
    if is_computer and "hdd" in facts.storage_types and not any(
            kind in ("ssd", "nvme") for kind in facts.storage_types):
        adjustments.append(Adjustment(
            "hdd", rules.hdd_months,
            f"Disque dur mécanique : {rules.hdd_months:+d} mois (un SSD l'évite)",
            f"Hard disk drive: {rules.hdd_months:+d} months (an SSD avoids it)", rules.source, remedy="ssd"))
    end = add_months(base_end, sum(a.months for a in adjustments))
    if facts.warranty_end is not None and facts.warranty_end > end:
        end = facts.warranty_end
        adjustments.append(Adjustment(
            "warranty", 0, f"Sous garantie jusqu'au {facts.warranty_end:%d/%m/%Y}",
            f"Under warranty until {facts.warranty_end:%Y-%m-%d}", "garantie de l'équipement",
            on=facts.warranty_end))
    limit = _support_limit(facts, rules)
    if limit is not None and limit.ends_on < end:
        can_move = (limit.successor is not None and limit.min_cpu_generation is not None
                    and facts.cpu_generation is not None and facts.cpu_generation >= limit.min_cpu_generation)
        if not can_move:
            end = limit.ends_on
            system = f"{facts.os_name} {facts.os_version}".strip()
            known = facts.cpu_generation is not None
            adjustments.append(Adjustment(
                "os_support", 0,
                f"{system} : mises à jour de sécurité terminées le {limit.ends_on:%d/%m/%Y}, "
                + (f"matériel non compatible avec {limit.successor}" if known
                   else f"compatibilité avec {limit.successor} inconnue (processeur non relevé)"),
                f"{system}: security updates ended on {limit.ends_on:%Y-%m-%d}, "
                + (f"hardware not compatible with {limit.successor}" if known
                   else f"compatibility with {limit.successor} unknown (processor not inventoried)"),
                limit.source, on=limit.ends_on, remedy="os" if not known else None))
    if end < facts.acquisition_date:
        end = facts.acquisition_date
    return EndOfService(base_end=base_end, end=end, adjustments=tuple(adjustments))
