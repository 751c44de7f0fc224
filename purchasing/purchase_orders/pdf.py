"""The purchase order as PDF (ReportLab), and as PDF/A-3 with its Order-X XML embedded (factur-x).

ReportLab rather than WeasyPrint: it installs as Python wheels only, where WeasyPrint needs the system's
Pango (and its fonts) on every machine and in CI; it is maintained (BSD licence) and draws the few tables
of a purchase order without a browser-grade layout engine. The font is DejaVu Sans, embedded from the file
matplotlib (already a dependency) ships: every character of the amounts (narrow no-break spaces, €) is drawn
and the PDF carries its font, as PDF/A asks.

What the PDF/A-3 claim covers: factur-x's embedding (``order-x.xml`` attached with AFRelationship and the
Order-X XMP metadata) and the XML extracted back (``facturx.get_xml_from_pdf``) being the one generated. No
PDF/A validator is available here, so nothing more is claimed.
"""
from __future__ import annotations

import functools
import io
from pathlib import Path

import facturx
import matplotlib
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from xml.sax.saxutils import escape

from purchasing.domain.money import format_eur
from purchasing.purchase_orders import orderx
from purchasing.purchase_orders.document import PurchaseOrderDocument

FONT, FONT_BOLD = "DejaVuSans", "DejaVuSans-Bold"


@functools.lru_cache(maxsize=1)
def _register_fonts() -> None:
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdfmetrics.registerFont(TTFont(FONT, str(folder / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(folder / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=FONT, fontSize=8.5, leading=10.5)
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9),
        "num": ParagraphStyle("num", parent=base, alignment=TA_RIGHT),
        "h1": ParagraphStyle("h1", parent=base, fontName=FONT_BOLD, fontSize=15, leading=19, spaceAfter=6),
        "h2": ParagraphStyle("h2", parent=base, fontName=FONT_BOLD, fontSize=10, leading=13, spaceBefore=6,
                             spaceAfter=3),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text: escaped, line breaks kept."""
    return Paragraph("<br/>".join(escape(part) for part in text.split("\n")), style)


def _percent(value) -> str:
    """20 -> "20 %", 5.5 -> "5,5 %" (French decimal comma, no-break space)."""
    return f"{value:f}".replace(".", ",") + "\u00a0%"


def _lines(*parts: str) -> str:
    return "\n".join(p for p in parts if p)


def _party_text(party) -> str:
    contact = party.contact
    return _lines(party.name, party.address.line, party.address.town, f"SIRET {party.siret}" if party.siret else "",
                  contact.name, contact.phone, contact.email)


def purchase_order_pdf(document: PurchaseOrderDocument) -> bytes:
    """The printable purchase order as an A4 PDF (the same content as the print page)."""
    _register_fonts()
    s = _styles()
    out = io.BytesIO()
    pdf = SimpleDocTemplate(out, pagesize=A4, leftMargin=1.5 * cm, rightMargin=1.5 * cm, topMargin=1.5 * cm,
                            bottomMargin=1.5 * cm, title=f"Bon de commande {document.reference}",
                            author=document.buyer.name, subject=f"Accord-cadre {document.contract_reference}",
                            lang="fr", creator="Parc commun", initialFontName=FONT)
    story: list = [_p(f"Bon de commande {document.reference}", s["h1"])]
    header = Table([[_p("Acheteur", s["h2"]), _p("Fournisseur", s["h2"]), _p("Marché", s["h2"])],
                    [_p(_party_text(document.buyer), s["base"]), _p(_party_text(document.seller), s["base"]),
                     _p(_lines(f"Accord-cadre {document.contract_reference}", document.contract_title,
                               f"Date : {document.issue_date:%d/%m/%Y}"), s["base"])]],
                   colWidths=[6 * cm, 6 * cm, 6 * cm])
    header.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    story += [header, Spacer(1, 0.4 * cm), _p("Lignes, livraison et facturation par adhérent", s["h2"])]

    rows = [[_p(t, s["small"]) for t in ("N°", "Adhérent, livraison", "Facturation", "Produit", "Qté",
                                         "P.U. HT", "TVA", "Total HT")]]
    for line in document.lines:
        site, billing = line.delivery, line.billing
        delivery = _lines(site.member_name, f"SIRET {site.member_siret}" if site.member_siret else "",
                          site.site_name, site.address.line, site.address.town,
                          f"Horaires : {site.opening_hours}" if site.opening_hours else "",
                          _lines(site.contact.name, site.contact.phone, site.contact.email))
        billing_text = _lines(f"SIRET {billing.siret}" + (f" ({billing.siret_label})" if billing.siret_label else ""),
                              billing.address.one_line,
                              f"Code service Chorus Pro : {billing.chorus_service_code}"
                              if billing.chorus_service_code else "",
                              f"N° d'engagement : {billing.engagement_number}" if billing.engagement_number else "",
                              f"Commande {line.member_order_reference}")
        rows.append([_p(str(line.number), s["small"]), _p(delivery, s["small"]), _p(billing_text, s["small"]),
                     _p(_lines(line.product_name, line.manufacturer_ref), s["small"]),
                     _p(str(line.quantity), s["num"]), _p(format_eur(line.unit_price_ht), s["num"]),
                     _p(_percent(line.vat_percent), s["num"]), _p(format_eur(line.line_total_ht), s["num"])])
    table = Table(rows, colWidths=[0.8 * cm, 4.2 * cm, 3.8 * cm, 3.3 * cm, 0.9 * cm, 1.9 * cm, 1.3 * cm, 1.9 * cm],
                  repeatRows=1)
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), ("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8"))]))
    story.append(table)

    totals = [[_p("Base HT", s["base"]), _p("Taux", s["base"]), _p("TVA", s["base"])]]
    totals += [[_p(format_eur(rate.base_ht), s["num"]), _p(_percent(rate.percent), s["num"]),
                _p(format_eur(rate.vat), s["num"])] for rate in document.vat_breakdown]
    totals += [[_p("Total HT", s["base"]), "", _p(format_eur(document.total_ht), s["num"])],
               [_p("Total TVA", s["base"]), "", _p(format_eur(document.total_vat), s["num"])],
               [_p("Total TTC", s["h2"]), "", _p(format_eur(document.total_ttc), s["num"])]]
    totals_table = Table(totals, colWidths=[3 * cm, 2 * cm, 3 * cm], hAlign="RIGHT")
    totals_table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), ("GRID", (0, 0), (-1, -1), 0.4, colors.grey)]))
    signatory = document.signatory
    signature = _lines("Pour l'acheteur,", signatory.name, signatory.title, "Date et signature :")
    story += [Spacer(1, 0.4 * cm), totals_table, Spacer(1, 0.6 * cm),
              KeepTogether([_p(signature, s["base"]), Spacer(1, 2 * cm)])]
    pdf.build(story)
    return out.getvalue()


def purchase_order_pdf_a3(document: PurchaseOrderDocument, xml: bytes | None = None) -> bytes:
    """The PDF with its Order-X XML embedded by factur-x (``order-x.xml``, XMP metadata, XSD checked)."""
    xml = xml if xml is not None else orderx.order_x_xml(document)
    return facturx.generate_from_binary(
        purchase_order_pdf(document), xml, flavor="order-x", level=orderx.LEVEL, orderx_type="order",
        check_xsd=True, lang="fr-FR",
        pdf_metadata={"author": document.buyer.name, "keywords": "Order-X, bon de commande",
                      "title": f"Bon de commande {document.reference}",
                      "subject": f"Bon de commande {document.reference} — accord-cadre {document.contract_reference}"})
