"""Maintaining product sheets (purchasing officers): durability data and manufacturer footprints.

Offers come from tender awards; a product's sheet — indices, warranty, lifetime, the manufacturer's
carbon footprint that overrides its category — is kept up to date here.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from purchasing.accounts.models import Role
from purchasing.auth import roles_required
from purchasing.catalogue.models import Condition, Product
from purchasing.catalogue.services import refresh_product_metrics
from purchasing.extensions import db
from purchasing.forms import IntegerField, FrenchDecimalField, choices, strip_filter

bp = Blueprint("catalogue_admin", __name__, url_prefix="/catalogue/products")

EDITORS = (Role.PURCHASING_OFFICER, Role.ADMIN)
STORAGE_CHOICES = [("", _l("Selon la catégorie")), ("yes", _l("Oui")), ("no", _l("Non"))]


@dataclass
class ProductSheetData:
    description: str
    condition: str
    refurb_grade: str | None
    repairability_index: Decimal | None
    durability_index: Decimal | None
    warranty_years: int
    spare_parts_years: int | None
    expected_lifetime_years: float | None
    embodied_kgco2e: float | None
    annual_kwh: float | None
    footprint_source: str
    holds_storage: bool | None
    is_active: bool
    recycled_content_pct: Decimal = Decimal("0")
    recycled_content_source: str = ""


def update_product_sheet(product: Product, data: ProductSheetData) -> Product:
    """Apply the sheet and recompute the product's search text and sort keys (carbon, cost per year)."""
    for name, value in vars(data).items():
        setattr(product, name, value)
    if product.condition != Condition.REFURBISHED:
        product.refurb_grade = None
    return refresh_product_metrics(product)


class ProductSheetForm(FlaskForm):
    description = TextAreaField(_l("Description"), filters=[strip_filter], validators=[Length(max=4000)])
    condition = SelectField(_l("État"), choices=choices([("new", _l("Neuf")), ("refurbished", _l("Reconditionné"))]))
    refurb_grade = SelectField(_l("Grade de reconditionnement"),
                               choices=choices([("", "—"), ("A", "A"), ("B", "B"), ("C", "C")]))
    repairability_index = FrenchDecimalField(_l("Indice de réparabilité (/10)"), places=1, validators=[
        Optional(), NumberRange(min=0, max=10, message=_l("Un indice est compris entre 0 et 10."))])
    durability_index = FrenchDecimalField(_l("Indice de durabilité (/10)"), places=1, validators=[
        Optional(), NumberRange(min=0, max=10, message=_l("Un indice est compris entre 0 et 10."))])
    warranty_years = IntegerField(_l("Garantie (années)"), validators=[
        InputRequired(_l("La garantie est obligatoire (0 si aucune).")),
        NumberRange(min=0, max=15, message=_l("Entre 0 et 15 ans."))])
    spare_parts_years = IntegerField(_l("Disponibilité des pièces détachées (années)"), validators=[
        Optional(), NumberRange(min=0, max=20, message=_l("Entre 0 et 20 ans."))])
    expected_lifetime_years = FrenchDecimalField(_l("Durée de vie prévue (années)"),
                                         description=_l("Vide : la durée de vie par défaut de la catégorie."),
                                         validators=[Optional(), NumberRange(min=Decimal("0.5"), max=20,
                                                                             message=_l("Entre 0,5 et 20 ans."))])
    embodied_kgco2e = FrenchDecimalField(_l("Empreinte de fabrication du fabricant (kgCO2e)"),
                                 description=_l("Vide : la valeur de la catégorie (ADEME). Hors phase d'usage."),
                                 validators=[Optional(), NumberRange(min=Decimal("0.1"), max=100000,
                                                                     message=_l("Entre 0,1 et 100 000 kgCO2e."))])
    footprint_source = StringField(_l("Source de l'empreinte (document du fabricant)"), filters=[strip_filter],
                                   validators=[Length(max=500)])
    annual_kwh = FrenchDecimalField(_l("Consommation annuelle (kWh)"),
                            description=_l("Vide : la valeur de la catégorie."),
                            validators=[Optional(), NumberRange(min=0, max=100000,
                                                                message=_l("Entre 0 et 100 000 kWh."))])
    recycled_content_pct = FrenchDecimalField(
        _l("Part de matières recyclées (%)"), places=2, default=Decimal("0"),
        description=_l("Déclaration AGEC : 0 quand elle n'est pas connue."),
        validators=[Optional(), NumberRange(min=0, max=100, message=_l("Entre 0 et 100 %%."))])
    recycled_content_source = StringField(_l("Source de la part recyclée (fiche du fabricant, écolabel…)"),
                                          filters=[strip_filter], validators=[Length(max=300)])
    holds_storage = SelectField(_l("Contient des données (effacement avant cession)"),
                                choices=choices(STORAGE_CHOICES), validators=[Optional()])
    is_active = BooleanField(_l("Produit proposé au catalogue"))

    def validate_refurb_grade(self, field):
        if self.condition.data == "refurbished" and not field.data:
            raise ValidationError(_l("Indiquez le grade d'un produit reconditionné."))

    def validate_recycled_content_source(self, field):
        if self.recycled_content_pct.data and not field.data:
            raise ValidationError(_l("Citez la source de la part recyclée."))

    def validate_footprint_source(self, field):
        if self.embodied_kgco2e.data is not None and not field.data:
            raise ValidationError(_l("Citez la source de la valeur du fabricant."))


def _float(value: Decimal | None) -> float | None:
    """Physical quantities (years, kgCO2e, kWh) are stored as floats; money never is."""
    return None if value is None else float(value)


def _data(form: ProductSheetForm) -> ProductSheetData:
    storage = {"yes": True, "no": False}.get(form.holds_storage.data or "")
    return ProductSheetData(
        description=form.description.data or "", condition=form.condition.data,
        refurb_grade=form.refurb_grade.data or None, repairability_index=form.repairability_index.data,
        durability_index=form.durability_index.data, warranty_years=form.warranty_years.data or 0,
        spare_parts_years=form.spare_parts_years.data,
        expected_lifetime_years=_float(form.expected_lifetime_years.data),
        embodied_kgco2e=_float(form.embodied_kgco2e.data), annual_kwh=_float(form.annual_kwh.data),
        footprint_source=form.footprint_source.data or "", holds_storage=storage, is_active=form.is_active.data,
        recycled_content_pct=form.recycled_content_pct.data or Decimal("0"),
        recycled_content_source=form.recycled_content_source.data or "")


@bp.route("/<int:product_id>/edit", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit(product_id: int):
    product = db.get_or_404(Product, product_id)
    form = ProductSheetForm(obj=product)
    if not form.is_submitted():
        form.holds_storage.data = {True: "yes", False: "no"}.get(product.holds_storage, "")
        form.refurb_grade.data = product.refurb_grade or ""
    if form.validate_on_submit():
        update_product_sheet(product, _data(form))
        db.session.commit()
        flash(_("Fiche produit « %(name)s » enregistrée.", name=product.name), "success")
        if product.is_active:
            return redirect(url_for("catalogue.show", product_id=product.id))
        return redirect(url_for("catalogue.index"))
    return render_template("catalogue/edit.html", form=form, product=product), 422 if form.errors else 200
