"""Seed the catalogue categories: the device categories of the carbon factor table, plus software and services.

Reference data frozen in this migration (later changes are new migrations). Flags:
is_it_equipment = "matériel informatique et téléphonie" of the arrêté of March 2024 applying decree
2024-134 (AGEC art. 58): phones, terminals, servers, screens, desktops and laptops, tablets, video
projectors; holds_storage = equipment that usually stores data (erasure before it leaves a member).

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# code, label_fr, label_en, is_device, is_it_equipment, holds_storage, sort_order
CATEGORIES = [
    ('laptop', 'Ordinateur portable', 'Laptop', True, True, True, 10),
    ('desktop', 'Unité centrale (tour, usage pro, sans écran)', 'Desktop tower (professional, no screen)', True, True, True, 20),
    ('all_in_one', 'PC tout-en-un', 'All-in-one PC', True, True, True, 30),
    ('thin_client', 'Client léger', 'Thin client', True, True, True, 40),
    ('monitor_24', 'Écran ~24 pouces', 'Monitor ~24 in', True, True, False, 50),
    ('monitor_27', 'Écran ~27 pouces', 'Monitor ~27 in', True, True, False, 60),
    ('smartphone', 'Smartphone', 'Smartphone', True, True, True, 70),
    ('feature_phone', 'Téléphone mobile basique', 'Feature phone', True, True, True, 80),
    ('tablet', 'Tablette', 'Tablet', True, True, True, 90),
    ('printer_laser_small', 'Imprimante laser bureau (A4, mono-fonction)', 'Small office laser printer (A4)', True, False, False, 100),
    ('printer_mfp_a4', 'Multifonction A4 (imprimante/scan/copie)', 'A4 multifunction printer', True, False, True, 110),
    ('printer_mfp_a3', 'Copieur multifonction A3 (bureau)', 'A3 office multifunction copier', True, False, True, 120),
    ('printer_inkjet', "Imprimante jet d'encre", 'Inkjet printer', True, False, False, 130),
    ('server_rack', 'Serveur rack', 'Rack server', True, True, True, 140),
    ('network_switch', 'Commutateur réseau 24/48 ports', 'Network switch 24/48 ports', True, False, False, 150),
    ('wifi_ap', "Borne / point d'accès Wi-Fi", 'Wi-Fi access point', True, False, False, 160),
    ('router_box', "Box / routeur d'accès Internet", 'Internet box / router', True, False, False, 170),
    ('nas', 'NAS (2 baies)', 'NAS (2-bay)', True, False, True, 180),
    ('video_projector', 'Vidéoprojecteur', 'Video projector', True, True, False, 190),
    ('docking_station', "Station d'accueil", 'Docking station', True, False, False, 200),
    ('keyboard', 'Clavier', 'Keyboard', True, False, False, 210),
    ('mouse', 'Souris', 'Mouse', True, False, False, 220),
    ('headset', 'Casque / micro-casque', 'Headset', True, False, False, 230),
    ('ip_phone', 'Téléphone IP de bureau', 'IP desk phone', True, True, False, 240),
    ('display_55', 'Grand écran / TV ~55 pouces', 'Large display / TV ~55 in', True, True, False, 250),
    ('ups', 'Onduleur (UPS)', 'UPS', True, False, False, 260),
    ('software', 'Logiciels et licences', 'Software and licences', False, False, False, 900),
    ('services', 'Services (installation, maintenance, formation)', 'Services (installation, maintenance, training)', False, False, False, 910),
]


def upgrade():
    category = sa.table(
        "category",
        sa.column("code", sa.String), sa.column("label_fr", sa.String), sa.column("label_en", sa.String),
        sa.column("is_device", sa.Boolean), sa.column("is_it_equipment", sa.Boolean),
        sa.column("holds_storage", sa.Boolean), sa.column("sort_order", sa.Integer),
    )
    op.bulk_insert(category, [
        dict(zip(("code", "label_fr", "label_en", "is_device", "is_it_equipment", "holds_storage", "sort_order"), row))
        for row in CATEGORIES
    ])


def downgrade():
    codes = [row[0] for row in CATEGORIES]
    category = sa.table("category", sa.column("code", sa.String))
    op.execute(category.delete().where(category.c.code.in_(codes)))
