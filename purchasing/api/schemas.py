"""Request and response models of the API (pydantic v2): they validate input, shape output and
give the OpenAPI document its JSON Schemas. Amounts are decimal strings ("1234.50"), never floats.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from annotated_types import Ge, Le
from pydantic import AliasChoices, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, model_validator

from purchasing.api.framework import Int, PageQuery, Text, integral
from purchasing.members.models import MemberKind


class Input(BaseModel):
    """Base of request bodies: unknown fields are refused (422), types are strict."""

    model_config = ConfigDict(extra="forbid", strict=True)


class Output(BaseModel):
    """Base of responses: read from ORM objects by attribute."""

    model_config = ConfigDict(from_attributes=True)


# --- authentication ------------------------------------------------------------------------------

class TokenRequest(Input):
    email: Text = Field(min_length=1, max_length=254, description="Adresse e-mail du compte")
    password: Text = Field(min_length=1, max_length=1024, description="Mot de passe du compte")
    name: Text = Field("", max_length=100, description="Libellé du jeton, pour le reconnaître dans « Mon compte »")


class TokenOut(Output):
    token: str = Field(description="Le jeton, affiché une seule fois : à envoyer dans `Authorization: Bearer …`")
    id: int
    name: str


# --- me and members ------------------------------------------------------------------------------

class MeMember(Output):
    id: int
    name: str
    tier: str | None = Field(description="Tranche de population de la grille tarifaire de l'adhérent, "
                                         "ou null si aucune grille ne s'applique")


class MeOut(Output):
    email: str
    full_name: str
    role: str
    member: MeMember | None


MemberKindName = Literal[tuple(k.value for k in MemberKind)]  # type: ignore[valid-type]


class MemberOut(Output):
    id: int
    kind: MemberKindName
    name: str
    insee_code: str | None
    siren: str
    population: int
    epci_id: int | None
    approval_threshold_ht: Decimal = Field(description="Seuil d'approbation HT, en euros (chaîne décimale)")
    is_active: bool
    joined_on: date


class SiteOut(Output):
    id: int
    member_id: int
    name: str
    address: str
    postal_code: str
    city: str
    opening_hours: str
    contact_name: str
    contact_phone: str
    contact_email: str
    is_default: bool = Field(description="Site présélectionné dans le panier")
    is_active: bool = Field(description="Faux : plus proposé à la commande")


class SitesQuery(PageQuery):
    pass


class MembersQuery(PageQuery):
    q: Text = Field("", max_length=200, description="Recherche : nom, code INSEE ou SIREN")
    kind: MemberKindName | None = Field(None, description="Type d'adhérent")


# --- catalogue -----------------------------------------------------------------------------------

from datetime import datetime  # noqa: E402

from purchasing.api.framework import MAX_ID  # noqa: E402
from purchasing.domain.pricing import DEFAULT_MAX_QUANTITY  # noqa: E402

ProductSort = Literal["name", "price", "carbon", "cost"]
ProductCondition = Literal["new", "refurbished"]


class ProductsQuery(PageQuery):
    q: Text = Field("", max_length=200, description="Recherche : marque, modèle, référence, description")
    category: Text | None = Field(None, max_length=40, description="Code de catégorie (ex. `laptop`)")
    condition: ProductCondition | None = Field(None, description="État : neuf ou reconditionné")
    sort: ProductSort = Field("name", description="Tri : nom, prix, carbone annuel ou coût par année de service")


class OfferOut(Output):
    id: int
    supplier: str
    contract_reference: str
    unit_price_ht: Decimal = Field(description="Prix unitaire HT de base (chaîne décimale)")
    member_price_ht: Decimal | None = Field(
        description="Prix unitaire HT pour l'adhérent de l'appelant (frais du syndicat inclus) ; "
                    "null pour le personnel du syndicat ou sans grille tarifaire en vigueur")
    vat_rate: Decimal = Field(description="Taux de TVA (chaîne décimale, 0.2000 = 20 %)")


class ProductOut(Output):
    id: int
    name: str
    brand: str
    model: str
    category: str = Field(description="Code de la catégorie")
    category_label: str
    condition: ProductCondition
    offers: list[OfferOut] = Field(description="Offres commandables aujourd'hui, la moins chère d'abord")
    annual_kgco2e: float | None = Field(description="Empreinte annualisée, valeur centrale (kg CO2e/an) ; "
                                                    "null si la catégorie n'a pas de facteur")
    annual_kgco2e_low: float | None
    annual_kgco2e_high: float | None
    expected_lifetime_years: float | None = Field(description="Durée de vie attendue (produit, sinon catégorie)")


# --- orders --------------------------------------------------------------------------------------

from lifecycle.domain.erasure import CERTIFICATE_REF_PATTERN
from lifecycle.domain.states import ASSET  # noqa: E402
from purchasing.domain.states import ORDER  # noqa: E402

OrderStatus = Literal[tuple(sorted(ORDER.statuses))]  # type: ignore[valid-type]


class OrderLineIn(Input):
    offer_id: Int = Field(ge=1, le=MAX_ID)
    quantity: Int = Field(ge=1, le=DEFAULT_MAX_QUANTITY)


class OrderCreate(Input):
    lines: list[OrderLineIn] = Field(min_length=1, max_length=200)
    # the bounds on the integer itself, so that the OpenAPI document carries them (Schemathesis, ST202)
    delivery_site_id: Annotated[int, Ge(1), Le(MAX_ID), BeforeValidator(integral)] | None = Field(None, description=(
        "Site de livraison : un site actif du carnet d'adresses de l'adhérent (obligatoire pour soumettre ; "
        "un autre site : 422 `unknown_delivery_site`)"))
    delivery_site: Text = Field("", max_length=200, description=(
        "Ancienne forme : le nom d'un site de l'adhérent (créé s'il n'existe pas) ; ignoré si "
        "`delivery_site_id` est donné"))
    engagement_number: Text = Field("", max_length=50, description=(
        "Numéro d'engagement (Chorus Pro), obligatoire pour soumettre quand l'adhérent l'exige"))
    note: Text = Field("", max_length=5000)


class ReasonIn(Input):
    reason: Text = Field("", max_length=2000, description="Motif (facultatif)")


class RejectIn(Input):
    reason: Annotated[str, StringConstraints(pattern=r"^[^\x00]*[^\s\x00][^\x00]*$")] = Field(
        min_length=1, max_length=2000, description="Motif du refus (obligatoire, communiqué au secrétariat)")


class OrderLineOut(Output):
    id: int
    offer_id: int
    product_id: int
    quantity: int
    delivered_quantity: int
    unit_price_ht: Decimal
    vat_rate: Decimal
    line_total_ht: Decimal


class OrderEventOut(Output):
    from_status: str | None
    to_status: str
    reason: str
    is_automatic: bool
    created_dt: datetime


class OrderSummaryOut(Output):
    id: int
    reference: str | None
    member_id: int
    status: str
    total_ht: Decimal
    created_dt: datetime
    submitted_dt: datetime | None


class OrderOut(OrderSummaryOut):
    delivery_site_id: int | None = Field(description="Le site de livraison de l'adhérent")
    delivery_site: str = Field(description="L'adresse de livraison (figée à la soumission)")
    engagement_number: str
    note: str
    lines: list[OrderLineOut]
    events: list[OrderEventOut]


class OrdersQuery(PageQuery):
    status: OrderStatus | None = Field(None, description="Filtrer par statut")


# --- purchase orders -----------------------------------------------------------------------------

#: a database id in a request body (JSON Schema: integer 1..2**31-1, constraints inside ``anyOf`` when nullable)
IdIn = Annotated[int, Ge(1), Le(MAX_ID), BeforeValidator(integral)]


class PurchaseOrderCreate(Input):
    order_ids: list[IdIn] = Field(min_length=1, max_length=200, description="Commandes approuvées, même contrat")


class DeliveryLineIn(Input):
    order_line_id: Int = Field(ge=1, le=MAX_ID)
    quantity: Int = Field(ge=1, le=DEFAULT_MAX_QUANTITY)
    serial_numbers: list[Text] | None = Field(None, max_length=DEFAULT_MAX_QUANTITY,
                                              description="Un numéro de série par unité livrée, ou aucun")


class DeliveryIn(Input):
    lines: list[DeliveryLineIn] = Field(min_length=1, max_length=200)


class PurchaseOrderLineOut(Output):
    id: int
    order_line_id: int
    quantity: int
    delivered_quantity: int
    unit_price_ht: Decimal
    line_total_ht: Decimal


class PurchaseOrderEventOut(Output):
    from_status: str | None
    to_status: str
    reason: str
    created_dt: datetime


class PurchaseOrderOut(Output):
    id: int
    reference: str
    supplier_id: int
    contract_id: int
    status: str
    total_ht: Decimal
    created_dt: datetime
    sent_dt: datetime | None
    lines: list[PurchaseOrderLineOut]
    events: list[PurchaseOrderEventOut]


class DeliveredAssetOut(Output):
    tag: str
    serial_number: str | None
    order_line_id: int | None


class DeliveryOut(Output):
    purchase_order: PurchaseOrderOut
    assets: list[DeliveredAssetOut] = Field(description="Équipements créés dans l'inventaire de l'adhérent")


# --- assets and the reuse pool -------------------------------------------------------------------

from lifecycle.assets.services import CONDITIONS, ERASURE_METHODS  # noqa: E402

AssetStatus = Literal[tuple(sorted(ASSET.statuses))]  # type: ignore[valid-type]
AssetCondition = Literal[CONDITIONS]  # type: ignore[valid-type]
ErasureMethodName = Literal[ERASURE_METHODS]  # type: ignore[valid-type]


class MemberRef(Output):
    id: int
    name: str


class AssetsQuery(PageQuery):
    status: AssetStatus | None = Field(None, description="Statut (par défaut : tous sauf sortis)")
    category: Text | None = Field(None, max_length=40, description="Code de catégorie")


def _code(value):
    """A Category read from the ORM is shown by its code."""
    return getattr(value, "code", value)


class StorageOut(Output):
    type: str = Field(description="ssd, hdd, nvme, emmc ou unknown")
    size_gb: int


class HardwareOut(Output):
    """Détails matériels du dernier inventaire (agent, GLPI, tableur)."""

    manufacturer: str
    model: str
    uuid: str | None
    device_id: str | None = Field(description="Identifiant de l'agent d'inventaire (DEVICEID)")
    cpu: str
    cpu_generation: str
    ram_mb: int | None
    os_name: str
    os_version: str
    os_label: str = Field(description="Libellé court du système, celui du filtre de l'inventaire (« Windows 10 »)")
    screen_inches: float | None
    battery_health_pct: int | None
    storages: list[StorageOut]
    last_inventory_dt: datetime | None
    last_contact_dt: datetime | None = Field(description="Dernier envoi d'inventaire par un agent")
    source: str = Field(description="agent ou import")


class AssetOut(Output):
    tag: str
    name: str
    status: str
    category: Annotated[str, BeforeValidator(_code)] = Field(description="Code de la catégorie")
    member: MemberRef
    serial_number: str | None
    site: str = Field(validation_alias=AliasChoices("site_name", "site"),
                      description="Nom du site de l'adhérent où se trouve l'équipement (vide : non précisé)")
    site_id: int | None = Field(description="Le site dans le carnet d'adresses de l'adhérent")
    condition: str
    holds_storage: bool
    acquisition_date: date | None
    warranty_end_date: date | None = Field(description="Fin de garantie (à la réception : la garantie du produit)")
    purchase_price_ht: Decimal | None
    hardware: HardwareOut | None = Field(None, description="Détails matériels, quand un inventaire les a donnés")


class AssetEventOut(Output):
    kind: str
    from_status: str | None
    to_status: str | None
    reason: str
    created_dt: datetime


class AssetDetailOut(AssetOut):
    events: list[AssetEventOut]


class ErasureIn(Input):
    method: ErasureMethodName = Field(description="Méthode NIST SP 800-88")
    certificate_ref: str = Field(min_length=3, max_length=120, pattern=CERTIFICATE_REF_PATTERN,
                                 description="Référence du certificat : lettres, chiffres, espaces et - _ . /, avec au "
                                             "moins un chiffre (par exemple EFF-2026-0042)")
    performed_on: date = Field(description="Date de l'effacement (AAAA-MM-JJ)")
    operator: Text = Field("", max_length=200, description="Opérateur (par défaut : l'appelant)")


class PoolOfferIn(Input):
    condition: AssetCondition
    note: Text = Field("", max_length=2000)


class ClaimIn(Input):
    member_id: IdIn | None = Field(None,
                                  description="Adhérent qui reçoit l'équipement (personnel du syndicat seulement ; "
                                              "un utilisateur d'un adhérent réclame pour le sien)")


class DeclineIn(Input):
    reason: Annotated[str, StringConstraints(pattern=r"^[^\x00]*[^\s\x00][^\x00]*$")] = Field(
        min_length=1, max_length=500, description="Motif du refus (obligatoire, communiqué au demandeur)")


class PoolQuery(PageQuery):
    category: Text | None = Field(None, max_length=40, description="Code de catégorie")
    condition: AssetCondition | None = None


class PoolListingOut(Output):
    tag: str
    name: str
    category: Annotated[str, BeforeValidator(_code)]
    condition: str
    note: str
    offering_member: MemberRef
    created_dt: datetime
    status: str = Field(description="open (proposé), reserved (réservé, le donateur peut refuser jusqu'à "
                                    "decline_until), claimed (donné), withdrawn (retiré)")
    reserved_for: MemberRef | None = Field(None, description="Adhérent pour qui l'équipement est réservé, puis donné")
    reserved_dt: datetime | None = None
    decline_until: datetime | None = Field(None, description="Fin du délai du donateur pour refuser la demande")
    claimed_dt: datetime | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_listing(cls, value):
        """A PoolListing row: the tag and name are its asset's."""
        if hasattr(value, "asset"):
            return {"tag": value.asset.tag, "name": value.asset.name, "category": value.category,
                    "condition": value.condition, "note": value.note, "offering_member": value.offering_member,
                    "created_dt": value.created_dt, "status": value.status, "reserved_for": value.claimed_by,
                    "reserved_dt": value.reserved_dt, "decline_until": value.decline_until,
                    "claimed_dt": value.claimed_dt}
        return value


# --- tenders -------------------------------------------------------------------------------------

class TendersQuery(PageQuery):
    q: Text = Field("", max_length=200, description="Recherche : référence ou intitulé")


class TenderOut(Output):
    id: int
    reference: str
    title: str
    status: str
    publication_date: date
    bid_deadline: datetime


class CriterionOut(Output):
    kind: str
    weight: int
    environmental_mode: str | None


class SealedBidOut(BaseModel):
    """A bid before the deadline: who and when, never the price."""

    model_config = ConfigDict(extra="forbid", title="SealedBid")
    supplier: str
    submitted_at: datetime


class OpenedBidOut(SealedBidOut):
    """A bid once the deadline has passed and the tender is closed: with its prices and ranking."""

    model_config = ConfigDict(extra="forbid", title="OpenedBid")
    total_price_ht: Decimal
    rank: int | None
    total_points: Decimal | None
    abnormally_low: bool


class LotOut(Output):
    id: int
    number: int
    title: str
    status: str
    estimated_amount_ht: Decimal
    criteria: list[CriterionOut]
    bids: list[OpenedBidOut | SealedBidOut]


class TenderDetailOut(TenderOut):
    bids_sealed: bool = Field(description="Vrai tant que les offres sont sous scellés : leurs prix sont absents")
    lots: list[LotOut]


# --- sustainability report -----------------------------------------------------------------------

ReportScope = Literal["territory", "epci", "member"]


class ReportQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    scope: ReportScope | None = Field(None, description="Périmètre : tout le territoire, un EPCI ou un adhérent "
                                                        "(par défaut : son adhérent, ou le territoire pour le "
                                                        "personnel du syndicat)")
    id: int | None = Field(None, ge=1, le=MAX_ID, description="Identifiant de l'EPCI ou de l'adhérent "
                                                             "(sans objet pour le territoire)")
    year: int = Field(default_factory=lambda: date.today().year, ge=2021, le=2100,
                      description="Année du rapport (par défaut l'année en cours ; les obligations commencent en 2021)")


class CarbonOut(BaseModel):
    """kg CO2e with its range; ``rows_without_factor``: rows that could not be counted (no factor)."""

    model_config = ConfigDict(title="CarbonFigure")
    low: float
    central: float
    high: float
    rows_without_factor: int


class OriginOut(BaseModel):
    units: int
    amount_ht: Decimal


class EndOfLifeOut(BaseModel):
    route: str
    count: int


class SustainabilityReportOut(BaseModel):
    scope: ReportScope
    scope_id: int | None
    scope_name: str
    year: int
    reference_date: date = Field(description="Date à laquelle le parc est pris (fin d'année, ou aujourd'hui)")
    fleet_count: int
    average_age_years: float | None
    past_lifetime_share: float | None
    purchases_by_origin: dict[str, OriginOut]
    it_amount_ht: Decimal
    it_reuse_amount_ht: Decimal
    reuse_share: Decimal | None = Field(description="Part des achats informatiques issus du réemploi ou "
                                                    "reconditionnés (null sans achat)")
    reuse_target: Decimal = Field(description="Objectif réglementaire de l'année (loi AGEC art. 58)")
    reuse_target_source: str
    retired_counted: int
    retired_reused: int
    retired_reuse_share: float | None
    retired_reuse_target: Decimal | None
    retired_reuse_target_source: str | None
    purchases_embodied_kgco2e: CarbonOut
    fleet_annual_kgco2e: CarbonOut
    grid_factor: float
    avoided_kgco2e: CarbonOut = Field(description="Émissions évitées (réemploi + reconditionné), présentées à "
                                                  "côté de l'empreinte, jamais soustraites")
    avoided_reuse_kgco2e: CarbonOut
    avoided_refurbishment_kgco2e: CarbonOut
    avoided_longer_use_kgco2e_per_year: CarbonOut
    avoided_reuse_kgco2e_per_year: CarbonOut = Field(
        description="Évité par an par les unités prises dans la bourse dans l'année (fabrication d'un neuf / sa "
                    "durée de vie)")
    avoided_refurbishment_kgco2e_per_year: CarbonOut = Field(
        description="Évité par an par le reconditionné acheté dans l'année (part évitée × fabrication d'un neuf / "
                    "sa durée de vie)")
    avoided_kgco2e_per_year: CarbonOut = Field(
        description="Total évité par an : réemploi, reconditionné et allongement de la durée d'usage (les lignes "
                    "du tableau carbone du rapport)")
    end_of_life: list[EndOfLifeOut]


# --- grouped campaigns ---------------------------------------------------------------------------

from purchasing.campaigns.services import COMMITMENT  # noqa: E402
from purchasing.domain.states import CAMPAIGN  # noqa: E402

CampaignStatus = Literal[tuple(sorted(CAMPAIGN.statuses))]  # type: ignore[valid-type]
CommitmentStatusName = Literal[tuple(sorted(COMMITMENT.statuses))]  # type: ignore[valid-type]


class CampaignsQuery(PageQuery):
    status: CampaignStatus | None = Field(None, description="Filtrer par statut (par défaut : tous)")


class CampaignSummaryOut(Output):
    id: int
    title: str
    offer_id: int
    product_id: int
    product_name: str
    status: CampaignStatus
    deadline: date = Field(description="Date limite des engagements (incluse)")
    min_quantity: int = Field(description="Quantité totale minimale : en dessous, l'achat groupé est annulé à la "
                                          "clôture")
    max_quantity: int | None = Field(description="Quantité totale maximale (null : sans maximum)")
    committed_quantity: int = Field(description="Total engagé par les adhérents (le « Total engagé » de la page)")
    final_unit_price_ht: Decimal | None = Field(description="Prix unitaire fournisseur HT retenu à la clôture "
                                                            "(null avant)")


class MyCommitmentOut(Output):
    """The caller's member's commitment."""

    id: int
    quantity: int = Field(description="Quantité engagée (pour un engagement retiré : la dernière, qui ne compte "
                                      "plus)")
    status: CommitmentStatusName = Field(description="pending : attend l'approbateur de l'adhérent avant la date "
                                                     "limite ; approved : compte ; rejected : refusé ; dropped : "
                                                     "non approuvé à la date limite, retiré à la clôture ; "
                                                     "withdrawn : retiré par l'adhérent (quantité 0)")
    committed_amount_ht: Decimal | None = Field(description="Quantité × prix unitaire de l'adhérent affiché lors de "
                                                            "l'engagement, HT : comparé au seuil d'approbation")
    unit_price_ht: Decimal | None = Field(description="Prix unitaire HT de l'adhérent fixé à la clôture (null avant)")
    created_dt: datetime
    decided_dt: datetime | None = Field(description="Date de l'approbation (automatique ou de l'approbateur) ou "
                                                    "du refus")


class CommitmentOut(MyCommitmentOut):
    """A commitment as the syndicate's staff see it (every member's)."""

    member: MemberRef


class CampaignOut(CampaignSummaryOut):
    unit_price_ht: Decimal | None = Field(description=(
        "Prix unitaire HT estimé au total engagé actuel : pour l'adhérent de l'appelant, frais du syndicat "
        "inclus ; pour le personnel du syndicat, le prix fournisseur. Null une fois le prix final fixé"))
    next_break_quantity: int | None = Field(description="Total à partir duquel s'applique le palier de prix "
                                                        "suivant (null : pas de palier suivant)")
    next_unit_price_ht: Decimal | None = Field(description="Prix unitaire HT estimé au palier suivant")
    my_commitment: MyCommitmentOut | None = Field(description="L'engagement de l'adhérent de l'appelant (null : "
                                                              "aucun, ou personnel du syndicat)")
    commitments: list[CommitmentOut] | None = Field(description="Les engagements de tous les adhérents, pour le "
                                                                "personnel du syndicat ; null pour un utilisateur "
                                                                "d'un adhérent (il ne voit que le sien)")


class CommitmentIn(Input):
    quantity: Int = Field(ge=0, le=DEFAULT_MAX_QUANTITY, description=(
        "Quantité engagée par l'adhérent de l'appelant : remplace l'engagement précédent ; 0 retire "
        "l'engagement (409 `no_commitment` si l'adhérent n'en a pas). Au-delà du maximum de l'achat groupé : "
        "409 `campaign_max_exceeded`"))
