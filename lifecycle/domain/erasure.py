"""Rules of data erasure and of offering a device to the reuse pool (pure: no Flask, no database).

Erasure guidance follows NIST SP 800-88 Rev. 1, "Guidelines for Media Sanitization" (December 2014), its
section 2.5 (Clear, Purge, Destroy) and Appendix A (minimum sanitization recommendations per media type):
- hard disks (ATA/SCSI magnetic): Clear = overwrite with a fixed pattern; Purge = the drive's own sanitize or
  secure-erase command, or degaussing; Destroy = shred, disintegrate, incinerate;
- SSDs and other flash storage: overwriting (Clear) does not reach every cell; Purge = the drive's sanitize
  command (block erase or cryptographic erase: ATA SANITIZE, NVMe Format/Sanitize), Destroy otherwise;
- phones and tablets: Clear = the manufacturer's factory reset; Purge = the reset's cryptographic erase where the
  device encrypts its storage (current iOS and Android devices do), Destroy otherwise.
"""
from __future__ import annotations

import re
from datetime import date

from purchasing.domain.errors import N_, DomainError

#: a certificate's reference as operators print it: letters, digits, spaces and - _ . /, starting with a letter or a
#: digit and holding at least one digit, 3 to 120 characters (the API's document carries the same pattern)
CERTIFICATE_REF_PATTERN = r"^(?:[A-Za-z0-9][A-Za-z0-9._/ -]*)?[0-9][A-Za-z0-9._/ -]*$"
CERTIFICATE_REF = re.compile(CERTIFICATE_REF_PATTERN)
CERTIFICATE_REF_LENGTH = (3, 120)

def N_(text: str) -> str:
    """Marks a text for translation (Babel's default keyword) without translating it here: the page does."""
    return text


GUIDANCE = {
    "hdd": N_("Disque dur (HDD) : « Clear » (réécriture complète) suffit pour un réemploi chez un adhérent ; "
            "« Purge » (commande d'effacement sécurisé du disque) pour un don ou une vente ; « Destroy » si le "
            "disque est hors service."),
    "ssd": N_("SSD ou mémoire flash : une réécriture (« Clear ») n'atteint pas toutes les cellules ; utilisez "
            "« Purge » (commande d'effacement du disque : ATA Secure Erase, NVMe Sanitize, ou effacement "
            "cryptographique) ou « Destroy »."),
    "mobile": N_("Téléphone ou tablette : la réinitialisation d'usine chiffrée du fabricant vaut « Purge » "
               "(effacement cryptographique) ; sans chiffrement, elle ne vaut que « Clear ». Retirez la carte SIM "
               "et la carte mémoire."),
}
MOBILE_CATEGORIES = frozenset({"smartphone", "tablet", "mobile_phone", "feature_phone"})


def check_certificate_ref(reference: str) -> str:
    """The reference stripped; refused (``invalid_certificate_ref``) unless it looks like one: "EFF-2026-0042"."""
    reference = (reference or "").strip()
    low, high = CERTIFICATE_REF_LENGTH
    if not low <= len(reference) <= high or not CERTIFICATE_REF.match(reference):
        raise DomainError(N_("Référence du certificat non reconnue : lettres, chiffres et - _ . / avec au moins un "
                             "chiffre, par exemple EFF-2026-0042."), code="invalid_certificate_ref")
    return reference


def storage_kinds(category_code: str, storage_types: list[str]) -> list[str]:
    """Which guidance applies: the inventoried disks' types (hdd/ssd), else what the category holds."""
    if category_code in MOBILE_CATEGORIES:
        return ["mobile"]
    kinds = []
    for kind in storage_types:
        kind = "ssd" if kind in ("ssd", "nvme", "flash", "emmc") else ("hdd" if kind == "hdd" else None)
        if kind and kind not in kinds:
            kinds.append(kind)
    return kinds or ["hdd", "ssd"]


def suggested_offer_condition(condition: str | None, acquired_on: date | None, today: date) -> str:
    """The condition the pool's offer form proposes: the device's own, but never "new" once it is a year old."""
    if condition and condition != "new":
        return condition
    if acquired_on is not None and (today - acquired_on).days < 365:
        return "new" if condition == "new" else "good"
    return "good"
