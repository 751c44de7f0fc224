"""The upload form of an attachments section (field validation only; the service checks content and rights)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectField
from wtforms.validators import DataRequired

from purchasing.documents.models import DocumentKind, OwnerKind
from purchasing.forms import choices

KIND_LABELS = {
    DocumentKind.INVOICE: _l("Facture"),
    DocumentKind.DELIVERY_NOTE: _l("Bon de livraison"),
    DocumentKind.ERASURE_CERTIFICATE: _l("Certificat d'effacement"),
    DocumentKind.REPAIR_REPORT: _l("Rapport de réparation"),
    DocumentKind.DCE_PIECE: _l("Pièce du DCE"),
    DocumentKind.BID_DOCUMENT: _l("Pièce de l'offre"),
    DocumentKind.OTHER: _l("Autre document"),
}

FILE_HINT = _l("PDF, PNG, JPEG, ODT, ODS, DOCX, XLSX, CSV ou TXT ; %(mib)s Mio au plus. Le type est vérifié "
               "d'après le contenu du fichier.")


class DocumentUploadForm(FlaskForm):
    owner_kind = HiddenField(validators=[DataRequired()])
    owner_id = HiddenField(validators=[DataRequired()])
    kind = SelectField(_l("Type de pièce"), choices=choices(KIND_LABELS.items()),
                       validators=[DataRequired(_l("Choisissez le type de pièce."))])
    file = FileField(_l("Fichier"), validators=[FileRequired(_l("Choisissez le fichier à joindre."))])

    def owner(self) -> tuple[str, int] | None:
        try:
            return OwnerKind(self.owner_kind.data).value, int(self.owner_id.data)
        except (TypeError, ValueError):
            return None
