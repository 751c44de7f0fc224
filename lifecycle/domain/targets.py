"""Regulatory targets for public IT purchasing and retirement, as dated data.

Pure domain code (standard library only). Each rule is ``(effective_from, rate, source)``; a new step or
a new decree is a new tuple, not new code. ``effective_from`` is the first day of the first reporting
year the rate applies to; a year's target is the rule in force on 1 January of that year (targets are
annual, and a mid-year change such as decree 2024-134 on 1 July 2024 is counted from the next full year).

Two separate obligations, modelled separately (carbon-method.md section 3):

- **Purchases** (loi AGEC n° 2020-105, art. 58): share of the yearly spend excl. VAT on "matériel
  informatique et téléphonie" that must come from reuse/refurbishment or contain recycled material.
- **Retirement** (loi REEN n° 2021-1485, art. 16; décret n° 2023-266): share of retired IT equipment
  under 10 years old that must go to reuse or re-use, measured against retired equipment held on
  1 January of the year.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

TargetRule = tuple[date, Decimal, str]

# Loi AGEC art. 58. Décret n° 2021-254 du 9 mars 2021: 20 % for IT/office machines and for phones
# (reuse or recycled, of which 20 % reuse), from 1 Jan. 2021 [S12]. Repealed from 1 July 2024 by
# décret n° 2024-134 du 21 février 2024, with steps in 2024, 2027 and 2030 for "matériel informatique et
# téléphonie" (arrêté of March 2024 lists phones, terminals, servers, screens, desktops/laptops, tablets,
# video projectors) [S12]. The 2024-134 percentages below (20 / 25 / 30 %) are the combined
# reuse-or-recycled rates given by the project; the split between reuse and recycled content was not
# retrieved (carbon-method.md): check the decree's annex on Légifrance before relying on the split.
REUSE_PURCHASE_RULES: tuple[TargetRule, ...] = (
    (
        date(2021, 1, 1),
        Decimal("0.20"),
        "Loi AGEC art. 58, décret n° 2021-254 du 9 mars 2021 (matériel informatique et téléphonie : 20 %)",
    ),
    (
        date(2025, 1, 1),
        Decimal("0.20"),
        "Loi AGEC art. 58, décret n° 2024-134 du 21 février 2024 (en vigueur le 1er juillet 2024, "
        "remplace le décret n° 2021-254) : 20 % jusqu'en 2026",
    ),
    (
        date(2027, 1, 1),
        Decimal("0.25"),
        "Loi AGEC art. 58, décret n° 2024-134 du 21 février 2024 : 25 % à partir de 2027",
    ),
    (
        date(2030, 1, 1),
        Decimal("0.30"),
        "Loi AGEC art. 58, décret n° 2024-134 du 21 février 2024 : 30 % à partir de 2030",
    ),
)

# Loi REEN art. 16. Décret n° 2023-266 du 12 avril 2023 (JORF 14 avril 2023), art. 2: 25 % in 2023,
# 35 % in 2024, 50 % from 2025 of retired IT equipment (écrans > 100 cm², petits équipements
# informatiques et de télécommunications) held on 1 January; equipment over 10 years old and equipment
# holding classified or security-regulated data are excluded [S12].
RETIRED_REUSE_RULES: tuple[TargetRule, ...] = (
    (date(2023, 1, 1), Decimal("0.25"), "Loi REEN art. 16, décret n° 2023-266 du 12 avril 2023 : 25 % en 2023"),
    (date(2024, 1, 1), Decimal("0.35"), "Loi REEN art. 16, décret n° 2023-266 du 12 avril 2023 : 35 % en 2024"),
    (
        date(2025, 1, 1),
        Decimal("0.50"),
        "Loi REEN art. 16, décret n° 2023-266 du 12 avril 2023 : 50 % à partir de 2025",
    ),
)


def rule_in_force(rules: tuple[TargetRule, ...], on: date) -> TargetRule | None:
    """The rule with the latest ``effective_from`` not after ``on``; None before the first rule."""
    applicable = [rule for rule in rules if rule[0] <= on]
    return max(applicable, key=lambda rule: rule[0]) if applicable else None


def _purchase_rule(year: int) -> TargetRule:
    rule = rule_in_force(REUSE_PURCHASE_RULES, date(year, 1, 1))
    if rule is None:
        raise ValueError(f"no reuse purchase target before 2021 (AGEC art. 58 decree), got {year}")
    return rule


def reuse_purchase_target(year: int) -> Decimal:
    """Minimum share of IT and telephony spend from reuse/refurbished or recycled content in ``year``.

    Raises ValueError before 2021: there was no such obligation, and 0 would read as "target met".
    """
    return _purchase_rule(year)[1]


def reuse_purchase_target_source(year: int) -> str:
    """Legal text behind :func:`reuse_purchase_target` for ``year``, to display next to the figure."""
    return _purchase_rule(year)[2]


def retired_reuse_target(year: int) -> Decimal | None:
    """Minimum share of retired IT equipment (< 10 years) sent to reuse in ``year``; None before 2023."""
    rule = rule_in_force(RETIRED_REUSE_RULES, date(year, 1, 1))
    return rule[1] if rule is not None else None


def retired_reuse_target_source(year: int) -> str | None:
    """Legal text behind :func:`retired_reuse_target` for ``year``; None before 2023."""
    rule = rule_in_force(RETIRED_REUSE_RULES, date(year, 1, 1))
    return rule[2] if rule is not None else None


def trajectory() -> list[tuple[str, int, Decimal, str]]:
    """Every step of both obligations, in order: (``"purchases"`` or ``"retired"``, first year, rate, source).
    The report prints the whole trajectory, not only the year's target."""
    return ([("purchases", rule[0].year, rule[1], rule[2]) for rule in REUSE_PURCHASE_RULES]
            + [("retired", rule[0].year, rule[1], rule[2]) for rule in RETIRED_REUSE_RULES])
