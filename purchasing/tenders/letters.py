"""The letters to the candidates of an awarded lot: the award letter (CCP R2181-1) to the successful candidate and
a rejection letter (CCP R2181-3) to each other one, with the standstill period before signature (R2182-1).

Built from the evaluation the ranking table shows (ranks, points per criterion) and drawn with ReportLab, the PDF
library of the purchase orders (its fonts and styles). Nothing is stored: a letter is drawn again on demand for
the date and the channel the purchasing officer sends it on.
"""
from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.platypus import KeepTogether, SimpleDocTemplate, Spacer, Table, TableStyle

from purchasing.domain.errors import N_, ConflictError, DomainError
from purchasing.domain.money import format_eur
from purchasing.domain.procurement import procedure_for
from purchasing.domain.standstill import Standstill, standstill_for
from purchasing.purchase_orders.pdf import FONT, _lines, _p, _register_fonts, _styles
from purchasing.syndicate.models import SyndicateIdentity
from purchasing.extensions import db
from purchasing.tenders.models import Bid, TenderLot

#: French names of the criteria in a letter (the page's labels are translated; a letter is in French)
CRITERIA = {"price": "Prix", "technical": "Valeur technique", "environmental": "Performance environnementale",
            "delivery": "Délai de livraison"}
PROCEDURES = {"formal": "procédure formalisée (appel d'offres)", "adapted": "procédure adaptée",
              "none_required": "marché sans publicité ni mise en concurrence préalables"}


@dataclass(frozen=True)
class CriterionLine:
    label: str
    weight: int
    points: Decimal | None
    winner_points: Decimal | None


@dataclass(frozen=True)
class Letter:
    kind: str  # "award" or "rejection"
    sent_on: date
    buyer_lines: tuple[str, ...]
    signatory_name: str
    signatory_title: str
    supplier_name: str
    supplier_lines: tuple[str, ...]
    tender_reference: str
    tender_title: str
    lot_number: int
    lot_title: str
    procedure: str
    rank: int | None
    bidders: int
    total_points: Decimal | None
    price_ht: Decimal
    winner_name: str
    winner_points: Decimal | None
    winner_price_ht: Decimal
    contract_reference: str
    criteria: tuple[CriterionLine, ...]
    abnormally_low: bool
    standstill: Standstill

    @property
    def file_name(self) -> str:
        what = "attribution" if self.kind == "award" else "rejet"
        name = unicodedata.normalize("NFKD", self.supplier_name).encode("ascii", "ignore").decode()
        slug = re.sub(r"[^A-Za-z0-9]+", "-", f"{self.tender_reference}-lot{self.lot_number}-{name}").strip("-")
        return f"lettre-{what}-{slug}.pdf"


def _points(bid: Bid, kind: str) -> Decimal | None:
    value = (bid.points or {}).get(kind)
    return None if value is None else Decimal(str(value))


def build_letter(lot: TenderLot, bid: Bid, sent_on: date, channel: str) -> Letter:
    """The letter to ``bid``'s supplier for the awarded ``lot``. 409 ``lot_not_awarded`` before the award."""
    from purchasing.tenders import services

    if bid.lot_id != lot.id:
        raise DomainError(N_("Cette offre ne porte pas sur ce lot."), code="wrong_bid")
    contract = services.lot_contract(lot)
    if lot.status != "awarded" or contract is None:
        raise ConflictError(N_("Les lettres aux candidats sont rédigées une fois le lot attribué."),
                            code="lot_not_awarded")
    ranked = services.ranked_bids(lot)
    winner = next((b for b in ranked if b.supplier_id == contract.supplier_id), None)
    if winner is None:  # a contract of this lot whose supplier made no bid: not produced by the award
        raise ConflictError(N_("L'attributaire du lot n'a pas d'offre sur ce lot."), code="winner_without_bid")
    standstill = standstill_for(procedure_for(lot.tender.estimated_total_ht, lot.tender.publication_date).kind,
                                sent_on, channel, len(ranked))
    buyer = db.session.get(SyndicateIdentity, 1)
    b = {name: (getattr(buyer, name, None) or "") for name in (
        "name", "address", "postal_code", "city", "siret", "email", "phone", "signatory_name", "signatory_title")}
    supplier = bid.supplier
    criteria = tuple(CriterionLine(CRITERIA.get(c.kind, c.kind), c.weight, _points(bid, c.kind),
                                   _points(winner, c.kind)) for c in lot.criteria)
    return Letter(
        kind="award" if bid.id == winner.id else "rejection", sent_on=sent_on,
        buyer_lines=tuple(p for p in (b["name"], b["address"], f"{b['postal_code']} {b['city']}".strip(),
                                      f"SIRET {b['siret']}" if b["siret"] else "", b["email"], b["phone"]) if p),
        signatory_name=b["signatory_name"], signatory_title=b["signatory_title"],
        supplier_name=supplier.name,
        supplier_lines=tuple(p for p in (supplier.address, f"{supplier.postal_code} {supplier.city}".strip(),
                                         f"SIRET {supplier.siret}") if p),
        tender_reference=lot.tender.reference, tender_title=lot.tender.title, lot_number=lot.number,
        lot_title=lot.title,
        procedure=PROCEDURES[procedure_for(lot.tender.estimated_total_ht, lot.tender.publication_date).kind],
        rank=bid.rank, bidders=len(ranked), total_points=bid.total_points, price_ht=bid.total_price_ht,
        winner_name=winner.supplier.name, winner_points=winner.total_points, winner_price_ht=winner.total_price_ht,
        contract_reference=contract.reference, criteria=criteria, abnormally_low=bid.abnormally_low,
        standstill=standstill)


def _num(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.2f}".replace(".", ",")


def letter_text(letter: Letter) -> list[str]:
    """The body of the letter, paragraph by paragraph (the PDF draws these; tests read them)."""
    subject = (f"Consultation {letter.tender_reference} « {letter.tender_title} », lot {letter.lot_number} "
               f"« {letter.lot_title} » ({letter.procedure}).")
    out = [f"Objet : {subject}"]
    if letter.kind == "award":
        out.append(f"Nous avons le plaisir de vous informer que votre offre est retenue : elle est classée première "
                   f"sur {letter.bidders} avec {_num(letter.total_points)} points sur 100, pour un montant estimé de "
                   f"{format_eur(letter.price_ht)} HT. L'accord-cadre {letter.contract_reference} vous sera notifié "
                   "après sa signature.")
    else:
        rank = f"classée au rang {letter.rank} sur {letter.bidders}" if letter.rank else "non classée"
        out.append(f"Nous avons le regret de vous informer que votre offre n'est pas retenue : elle est {rank}, avec "
                   f"{_num(letter.total_points)} points sur 100 au regard des critères pondérés annoncés dans le "
                   "règlement de la consultation (détail ci-dessous).")
        if letter.abnormally_low:
            out.append("Votre offre a été signalée comme anormalement basse lors de l'analyse.")
        out.append(f"Le lot est attribué à {letter.winner_name}, dont l'offre, économiquement la plus avantageuse, "
                   f"obtient {_num(letter.winner_points)} points sur 100 pour un montant estimé de "
                   f"{format_eur(letter.winner_price_ht)} HT (article R2181-3 du code de la commande publique).")
    out.append(letter.standstill.explanation)
    if letter.kind == "rejection":
        out.append("Vous pouvez former un référé précontractuel devant le tribunal administratif jusqu'à la signature "
                   "du marché (article L551-1 du code de justice administrative).")
    return out


def letter_pdf(letter: Letter) -> bytes:
    _register_fonts()
    s = _styles()
    out = io.BytesIO()
    title = ("Lettre d'attribution" if letter.kind == "award" else "Lettre de rejet") + \
        f" — {letter.tender_reference}, lot {letter.lot_number}"
    pdf = SimpleDocTemplate(out, pagesize=A4, leftMargin=2 * cm, rightMargin=2 * cm, topMargin=1.8 * cm,
                            bottomMargin=1.8 * cm, title=title, author=letter.buyer_lines[0] if letter.buyer_lines
                            else "", lang="fr", creator="Parc commun", initialFontName=FONT)
    header = Table([[_p("\n".join(letter.buyer_lines), s["base"]),
                     _p(_lines(letter.supplier_name, *letter.supplier_lines), s["base"])]],
                   colWidths=[8.5 * cm, 8.5 * cm])
    header.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    story: list = [header, Spacer(1, 0.6 * cm), _p(f"Le {letter.sent_on:%d/%m/%Y}", s["base"]),
                   Spacer(1, 0.3 * cm), _p(title, s["h1"])]
    paragraphs = letter_text(letter)
    story.append(_p(paragraphs[0], s["h2"]))
    for text in paragraphs[1:]:
        story += [_p(text, s["base"]), Spacer(1, 0.2 * cm)]
    rows = [[_p(t, s["small"]) for t in ("Critère", "Pondération", "Vos points",
                                         "Points de l'offre retenue")]]
    rows += [[_p(c.label, s["small"]), _p(f"{c.weight} %", s["num"]), _p(_num(c.points), s["num"]),
              _p(_num(c.winner_points), s["num"])] for c in letter.criteria]
    rows.append([_p("Total sur 100", s["small"]), "", _p(_num(letter.total_points), s["num"]),
                 _p(_num(letter.winner_points), s["num"])])
    table = Table(rows, colWidths=[6 * cm, 3 * cm, 3 * cm, 5 * cm])
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8"))]))
    signature = _lines("Pour l'acheteur,", letter.signatory_name, letter.signatory_title)
    story += [Spacer(1, 0.2 * cm), table, Spacer(1, 0.8 * cm), KeepTogether([_p(signature, s["base"])]),
              Spacer(1, 0.4 * cm), _p(f"Références : {letter.standstill.source} ; article R2181-1 (information de "
                                      "l'attributaire) et R2181-3 (information des candidats non retenus).",
                                      s["small"])]
    pdf.build(story)
    return out.getvalue()
