"""Demo catalogue: three suppliers, three framework-contract lots and about a hundred real products.

Product names and manufacturer footprints come from the Boavizta manufacturer-footprint table
(../shared/reference/manufacturer-footprints.csv): the embodied value is the manufacturer's total
without its own use phase (lifecycle.domain.carbon.manufacturer_embodied). Prices are invented but plausible.
"""
from __future__ import annotations

import random
import re
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from lifecycle.domain.carbon import manufacturer_embodied
from purchasing.catalogue.models import Category, Condition, Offer, PriceBreak, Product
from purchasing.catalogue.services import refresh_product_metrics
from purchasing.contracts.models import FrameworkContract
from purchasing.domain.identifiers import luhn_check_digit
from purchasing.domain.money import round_cents
from purchasing.extensions import db
from purchasing.members.models import fold_for_search
from purchasing.suppliers.models import Supplier

CONTRACT_START = date(2025, 9, 1)
CONTRACT_END = date(2029, 8, 31)

#: (reference, title, supplier index, max amount HT, already committed HT)
CONTRACTS = (
    ("AC-2025-01-L1", "Postes de travail neufs : portables, fixes, écrans", 0, Decimal("1800000.00"),
     Decimal("412350.00")),
    ("AC-2025-01-L2", "Matériel reconditionné", 1, Decimal("600000.00"), Decimal("96480.00")),
    # nearly consumed: shows the 80 % warning and the ceiling refusal
    ("AC-2025-01-L3", "Périphériques, impression et réseau", 2, Decimal("400000.00"), Decimal("371900.00")),
)

#: (name, siren body (8 digits), address, postal code, city, contact, email)
SUPPLIERS = (
    ("Aquitaine Numérique Services", "41285307", "12 rue Ferdinand-Buisson", "33130", "Bègles",
     "Claire Dufour", "marches-publics@aquitaine-numerique.example"),
    ("Reconditionnés du Sud-Ouest (SCIC)", "83451920", "4 allée des Artisans", "24750", "Boulazac Isle Manoire",
     "Julien Mercier", "collectivites@recond-so.example"),
    ("Bureautique Périgord Réseaux", "52207614", "27 avenue du Général-de-Gaulle", "24000", "Périgueux",
     "Sophie Lacombe", "ao@bpr.example"),
)

#: (min, max) base unit price HT by category, new equipment
PRICE_RANGES = {
    "laptop": (720, 1450), "desktop": (540, 920), "all_in_one": (980, 1550), "thin_client": (290, 480),
    "monitor_24": (145, 260), "monitor_27": (270, 460), "smartphone": (240, 920), "tablet": (360, 980),
    "printer_laser_small": (210, 390), "printer_mfp_a4": (360, 640),
}
REFURBISHED_PRICE_RANGES = {"laptop": (290, 470), "desktop": (210, 340), "smartphone": (150, 360)}
REPAIRABILITY = {"laptop": (6.0, 8.6), "desktop": (6.5, 8.9), "all_in_one": (5.5, 7.5), "smartphone": (4.5, 7.9),
                 "tablet": (4.8, 7.0), "monitor_24": (6.0, 8.0), "monitor_27": (6.0, 8.0)}

#: products without a manufacturer footprint: the category's values apply (or "pas de facteur")
ACCESSORIES = (
    ("docking_station", "Dell", "Station d'accueil WD19S 130 W", "WD19S-130W", Decimal("189.00")),
    ("docking_station", "Lenovo", "ThinkPad Universal USB-C Dock", "40AY0090EU", Decimal("172.00")),
    ("keyboard", "Logitech", "MK270 clavier et souris sans fil AZERTY", "920-004512", Decimal("24.90")),
    ("mouse", "Logitech", "M185 souris sans fil", "910-002238", Decimal("11.50")),
    ("wifi_ap", "Ubiquiti", "UniFi U6 Lite point d'accès Wi-Fi 6", "U6-LITE", Decimal("109.00")),
    ("network_switch", "Netgear", "GS324 commutateur 24 ports Gigabit", "GS324-200EUS", Decimal("129.00")),
    ("headset", "Jabra", "Evolve2 30 micro-casque USB", "23089-999-979", Decimal("69.00")),
    ("video_projector", "Epson", "EB-W49 vidéoprojecteur WXGA", "V11H983040", Decimal("589.00")),
    ("nas", "Synology", "DiskStation DS223 (2 baies)", "DS223", Decimal("289.00")),
    ("ups", "APC", "Back-UPS 700 VA", "BX700UI", Decimal("98.00")),
)

DESCRIPTIONS = {
    "laptop": "Ordinateur portable professionnel, clavier AZERTY, Windows 11 Pro, SSD.",
    "desktop": "Unité centrale professionnelle, Windows 11 Pro, SSD, sans écran.",
    "all_in_one": "PC tout-en-un avec écran intégré, webcam et haut-parleurs.",
    "thin_client": "Client léger pour bureau virtuel (VDI), sans disque de données.",
    "monitor_24": "Écran bureautique Full HD, pied réglable en hauteur.",
    "monitor_27": "Écran 27 pouces QHD, pied réglable, USB-C.",
    "smartphone": "Smartphone professionnel, double SIM, compatible MDM.",
    "tablet": "Tablette tactile Wi-Fi, compatible MDM.",
    "printer_laser_small": "Imprimante laser A4 recto verso, réseau et Wi-Fi.",
    "printer_mfp_a4": "Multifonction laser A4 : impression, copie, numérisation, réseau.",
}

# generated from manufacturer-footprints.csv: (category, brand, name, gwp_total, gwp_use_ratio, source, refurbished)
FOOTPRINT_PRODUCTS = (
    ('laptop', 'Dell', 'Latitude 5330', 341.0, 0.128, 'https://www.delltechnologies.com/asset/en-us/products/laptops-and-2-in-1s/technical-support/dell-latitude-5330-pcf-datasheet.pdf', False),
    ('laptop', 'Dell', 'Latitude 5430', 301.0, 0.16, 'https://www.delltechnologies.com/asset/en-us/products/laptops-and-2-in-1s/technical-support/dell-latitude-5430-pcf-datasheet.pdf', False),
    ('laptop', 'Dell', 'Latitude 7330', 277.0, 0.126, 'https://www.delltechnologies.com/asset/en-us/products/laptops-and-2-in-1s/technical-support/dell-latitude-7330-pcf-datasheet.pdf', False),
    ('laptop', 'Dell', 'Latitude 7430', 286.0, 0.119, 'https://www.delltechnologies.com/asset/en-us/products/laptops-and-2-in-1s/technical-support/dell-latitude-7430-pcf-datasheet.pdf', False),
    ('laptop', 'Dell', 'Latitude 3420', 315.0, 0.153, 'https://www.delltechnologies.com/asset/en-us/products/laptops-and-2-in-1s/technical-support/latitude-3420-pcf-datasheet.pdf', False),
    ('laptop', 'Dell', 'Latitude 3520', 318.0, 0.15, 'https://www.delltechnologies.com/asset/en-us/products/laptops-and-2-in-1s/technical-support/latitude-3520-pcf-datasheet.pdf', False),
    ('laptop', 'Dell', 'Latitude 5320', 348.0, 0.107, 'https://www.delltechnologies.com/asset/en-us/products/laptops-and-2-in-1s/technical-support/latitude-5320.pdf', False),
    ('laptop', 'Dell', 'Latitude 5420', 364.0, 0.122, 'https://www.delltechnologies.com/asset/en-us/products/laptops-and-2-in-1s/technical-support/latitude-5420-pcf-datasheet.pdf', False),
    ('laptop', 'HP', 'EliteBook 645 14 inch G9 Notebook PC', 166.0, 0.22, 'https://h20195.www2.hp.com/v2/getpdf.aspx/c08079479.pdf', False),
    ('laptop', 'HP', 'EliteBook 655 15.6 inch G9 Notebook PC', 175.0, 0.21, 'https://h20195.www2.hp.com/v2/getpdf.aspx/c08079480.pdf', False),
    ('laptop', 'HP', 'ProBook 445 14 inch G9 Notebook PC', 185.0, 0.16, 'https://h20195.www2.hp.com/v2/getpdf.aspx/c08079481.pdf', False),
    ('laptop', 'HP', 'ProBook 455 15.6 inch G9 Notebook PC', 161.0, 0.18, 'https://h20195.www2.hp.com/v2/getpdf.aspx/c08079482.pdf', False),
    ('laptop', 'HP', 'ProBook Fortis 14 inch G9 Notebook PC', 380.0, 0.07, 'https://h20195.www2.hp.com/v2/getpdf.aspx/c08031637.pdf', False),
    ('laptop', 'HP', 'EliteBook 835 G8 Notebook PC', 335.0, None, 'https://h20195.www2.hp.com/v2/getpdf.aspx/c07525179.pdf', False),
    ('laptop', 'Lenovo', 'ThinkPad E14', 276.0, 0.18, 'https://static.lenovo.com/ww/docs/regulatory/PCF-ThinkPad-E14_R14_S3-Gen-2.pdf', False),
    ('laptop', 'Lenovo', 'ThinkPad E14.ThinkPad R14.ThinkPad S3 Gen2', 276.0, 0.18, 'https://static.lenovo.com/ww/docs/regulatory/PCF-ThinkPad-E14_R14_S3-Gen-2.pdf', False),
    ('laptop', 'Lenovo', 'ThinkPad E15', 300.0, 0.17, 'https://static.lenovo.com/ww/docs/regulatory/pcf-thinkpad-e15.pdf', False),
    ('laptop', 'Apple', 'MacBook Air (M2 2022) with 256GB', 147.0, 0.22, 'https://www.apple.com/environment/pdf/products/notebooks/M2_MacBook_Air_PER_June2022.pdf', False),
    ('laptop', 'Apple', 'MacBook Pro (M2 2022) with 256GB', 167.0, 0.2, 'https://www.apple.com/environment/pdf/products/notebooks/13-inch_MacBook_Pro_PER_June2022.pdf', False),
    ('laptop', 'Apple', '14-inch MacBook Pro (M1 Pro 10-core CPU and 16-core GPU) 1TB - 2021', 307.0, 0.22, 'https://www.apple.com/environment/pdf/products/notebooks/14-inch_MacBook_Pro_PER_Oct2021.pdf', False),
    ('laptop', 'Microsoft', 'Surface Laptop', 152.0, 0.142, 'https://download.microsoft.com/download/4/8/D/48D50344-33CD-4D9A-BA11-0C7DCA1A3948/Ecoprofile_SurfaceLaptop.pdf', False),
    ('laptop', 'Microsoft', 'Surface Laptop 2', 152.0, 0.142, 'https://download.microsoft.com/download/4/8/D/48D50344-33CD-4D9A-BA11-0C7DCA1A3948/Ecoprofile_SurfaceLaptop2.pdf', False),
    ('laptop', 'Microsoft', 'Surface Laptop 3 13.5-inch display Alcantara® palm rest', 127.0, 0.213, 'https://download.microsoft.com/download/4/8/D/48D50344-33CD-4D9A-BA11-0C7DCA1A3948/Ecoprofile_SurfaceLaptop3-13inch-Alcantara.pdf', False),
    ('desktop', 'Dell', 'OptiPlex 3000 Micro Form Factor', 249.0, 0.215, 'https://www.delltechnologies.com/asset/en-us/products/desktops-and-all-in-ones/technical-support/dell-optiplex-3000-micro-form-factor-pcf-datasheet.pdf', False),
    ('desktop', 'Dell', 'OptiPlex 3000 Small Form Factor', 342.0, 0.321, 'https://www.delltechnologies.com/asset/en-us/products/desktops-and-all-in-ones/technical-support/dell-optiplex-3000-small-form-factor-pcf-datasheet.pdf', False),
    ('desktop', 'Dell', 'OptiPlex 3000 Tower', 485.0, 0.437, 'https://www.delltechnologies.com/asset/en-us/products/desktops-and-all-in-ones/technical-support/dell-optiplex-3000-tower-pcf-datasheet-pcf-datasheet.pdf', False),
    ('desktop', 'Dell', 'OptiPlex 5000 Micro Form Factor', 255.0, 0.207, 'https://www.delltechnologies.com/asset/en-us/products/desktops-and-all-in-ones/technical-support/dell-optiplex-5000-micro-form-factor-pcf-datasheet.pdf', False),
    ('desktop', 'Dell', 'OptiPlex 5000 Small Form Factor', 371.0, 0.336, 'https://www.delltechnologies.com/asset/en-us/products/desktops-and-all-in-ones/technical-support/dell-optiplex-5000-small-form-factor-pcf-datasheet.pdf', False),
    ('desktop', 'Dell', 'OptiPlex 5000 Tower', 498.0, 0.424, 'https://www.delltechnologies.com/asset/en-us/products/desktops-and-all-in-ones/technical-support/dell-optiplex-5000-tower-pcf-datasheet.pdf', False),
    ('desktop', 'Lenovo', 'ThinkCentre M70 SFF', 604.0, 0.51, 'https://static.lenovo.com/ww/docs/regulatory/eco-declaration/pcf-thinkcentre-m70-sff.pdf', False),
    ('desktop', 'Lenovo', 'ThinkCentre M70 Tiny', 474.0, 0.28, 'https://static.lenovo.com/ww/docs/regulatory/eco-declaration/pcf-thinkcentre-m70-tiny.pdf', False),
    ('desktop', 'Lenovo', 'ThinkCentre M70 Tower', 624.0, 0.51, 'https://static.lenovo.com/ww/docs/regulatory/eco-declaration/pcf-thinkcentre-m70-tower.pdf', False),
    ('desktop', 'Lenovo', 'ThinkCentre M70c SFF', 661.0, 0.36, 'https://static.lenovo.com/ww/docs/regulatory/eco-declaration/pcf-thinkcentre-m70c-sff.pdf', False),
    ('all_in_one', 'Dell', 'OptiPlex 5400 All-in-One Desktop', 416.0, 0.335, 'https://www.delltechnologies.com/asset/en-us/products/desktops-and-all-in-ones/technical-support/dell-optiplex-5400-all-in-one-pcf-datasheet.pdf', False),
    ('all_in_one', 'Dell', 'OptiPlex 7400 All-in-One', 422.0, 0.341, 'https://www.delltechnologies.com/asset/en-us/products/desktops-and-all-in-ones/technical-support/dell-optiplex-7400-all-in-one-pcf-datasheet.pdf', False),
    ('all_in_one', 'Dell', 'OptiPlex 5490 All-in-One Desktop', 388.0, 0.33, 'https://www.delltechnologies.com/asset/en-us/products/desktops-and-all-in-ones/technical-support/optiplex-5490-all-in-one-pcf-datasheet.pdf', False),
    ('all_in_one', 'Apple', '24-inch iMac with 4.5K Retina display (M1 CPU and 7-core GPU) 256GB - 2021', 481.0, 0.44, 'https://www.apple.com/environment/pdf/products/desktops/24-inch_iMac_PER_Apr2021.pdf', False),
    ('all_in_one', 'Apple', '24-inch iMac with 4.5K Retina display (M1 CPU and 8-core GPU) 256GB - 2021', 486.0, 0.44, 'https://www.apple.com/environment/pdf/products/desktops/24-inch_iMac_PER_Apr2021.pdf', False),
    ('monitor_24', 'Dell', 'E2423H Monitor', 504.0, 0.27, 'https://www.delltechnologies.com/asset/en-us/products/electronics-and-accessories/technical-support/dell-e2423h-monitor-pcf-datasheet.pdf', False),
    ('monitor_24', 'Dell', 'E2423HN Monitor', 503.0, 0.267, 'https://www.delltechnologies.com/asset/en-us/products/electronics-and-accessories/technical-support/dell-e2423hn-monitor-pcf-datasheet.pdf', False),
    ('monitor_24', 'Dell', 'P2422HA Monitor', 496.0, 0.212, 'https://www.delltechnologies.com/asset/en-us/products/electronics-and-accessories/technical-support/dell-p2422ha-monitor-pcf-datasheet.pdf', False),
    ('monitor_24', 'Dell', 'E2422H Monitor', 454.0, 0.263, 'https://www.delltechnologies.com/asset/en-us/products/electronics-and-accessories/technical-support/dell-e2422h-monitor-pcf-datasheet.pdf', False),
    ('monitor_24', 'Dell', 'E2422HN Monitor', 478.0, 0.296, 'https://www.delltechnologies.com/asset/en-us/products/electronics-and-accessories/technical-support/dell-e2422hn-monitor-pcf-datasheet.pdf', False),
    ('monitor_24', 'Dell', 'E2422HS Monitor', 494.0, 0.285, 'https://www.delltechnologies.com/asset/en-us/products/electronics-and-accessories/technical-support/dell-e2422hs-monitor-pcf-datasheet.pdf', False),
    ('monitor_24', 'Dell', 'P2222H Monitor', 481.0, 0.237, 'https://www.delltechnologies.com/asset/en-us/products/electronics-and-accessories/technical-support/p2222h-monitor-pcf-datasheet.pdf', False),
    ('monitor_24', 'Lenovo', 'ThinkVision E24-20/T24s-20', 405.0, 0.35, 'https://static.lenovo.com/ww/docs/regulatory/eco-declaration/pcf-thinkvision-e24-20_t24s-20.pdf', False),
    ('monitor_24', 'Lenovo', 'ThinkVision P24h-20/T24h-20', 325.0, 0.37, 'https://static.lenovo.com/ww/docs/regulatory/eco-declaration/pcf-thinkvision-p24h-20_t24h-20.pdf', False),
    ('monitor_24', 'Lenovo', 'ThinkVision P24q-20', 358.0, 0.46, 'https://static.lenovo.com/ww/docs/regulatory/eco-declaration/pcf-thinkvision-p24q-20.pdf', False),
    ('monitor_24', 'HP', 'E24m G4 FHD USB-C Conferencing Monitor', 286.0, 0.41, 'https://h20195.www2.hp.com/v2/getpdf.aspx/c07983252.pdf', False),
    ('monitor_24', 'HP', 'E24mv G4 Collaboration Monitor', 286.0, 0.41, 'https://h20195.www2.hp.com/v2/getpdf.aspx/c07719779.pdf', False),
    ('monitor_27', 'HP', 'E27m G4 QHD USB-C Conferencing Monitor', 379.0, 0.48, 'https://h20195.www2.hp.com/v2/getpdf.aspx/c07983253.pdf', False),
    ('monitor_24', 'HP', 'P24a G4', 228.0, 0.51, 'https://h20195.www2.hp.com/v2/getpdf.aspx/c07787115.pdf', False),
    ('monitor_24', 'HP', 'P24vb G4', 221.0, 0.55, 'https://h20195.www2.hp.com/v2/getpdf.aspx/c07787117.pdf', False),
    ('smartphone', 'Apple', 'iPhone 14 Plus with 128GB', 68.0, 0.18, 'https://www.apple.com/environment/pdf/products/iphone/iPhone_14_Plus_PER_Sept2022.pdf', False),
    ('smartphone', 'Apple', 'iPhone 14 Pro Max with 128GB', 73.0, 0.17, 'https://www.apple.com/environment/pdf/products/iphone/iPhone_14_Pro_Max_PER_Sept2022.pdf', False),
    ('smartphone', 'Apple', 'iPhone 14 Pro with 128GB', 65.0, 0.15, 'https://www.apple.com/environment/pdf/products/iphone/iPhone_14_Pro_PER_Sept2022.pdf', False),
    ('smartphone', 'Fairphone', 'Fairphone 4', 49.9, 0.248, 'https://www.fairphone.com/wp-content/uploads/2022/07/Fairphone-4-Life-Cycle-Assessment-22.pdf', False),
    ('smartphone', 'Samsung', 'Galaxy A12 (SM-A127F)', 20.5, 0.357, 'https://www.samsung.com/content/dam/samsung/global/our-values/resource/2020_Life-Cycle_Assessment_for_Display_HHP_F_1109.pptx', False),
    ('smartphone', 'Samsung', 'Galaxy S20 FE (SM-G781B)', 25.0, 0.386, 'https://www.samsung.com/content/dam/samsung/global/our-values/resource/2020_Life-Cycle_Assessment_for_Display_HHP_F_1109.pptx', False),
    ('smartphone', 'Google', 'Pixel 6a', 65.0, 0.15, 'https://www.gstatic.com/gumdrop/sustainability/pixel-6a-product-enviromental-report.pdf', False),
    ('smartphone', 'Google', 'Pixel 7', 70.0, 0.12, 'https://www.gstatic.com/gumdrop/sustainability/pixel-7-product-environmental-report.pdf', False),
    ('smartphone', 'Google', 'Pixel 7 Pro', 85.0, 0.12, 'https://www.gstatic.com/gumdrop/sustainability/pixel-7-pro-product-environmental-report.pdf', False),
    ('tablet', 'Apple', 'iPad (10th generation) with 64GB', 72.0, 0.14, 'https://www.apple.com/environment/pdf/products/ipad/iPad_PER_Oct2022.pdf', False),
    ('tablet', 'Apple', 'iPad Air (5th generation) with 64GB', 80.0, 0.14, 'https://www.apple.com/environment/pdf/products/ipad/iPad_Air_PER_March2022.pdf', False),
    ('tablet', 'Apple', 'iPad Pro 11-inch (4th generation) with 128GB', 100.0, 0.12, 'https://www.apple.com/environment/pdf/products/ipad/iPadPro_11-inch_PER_Oct2022.pdf', False),
    ('tablet', 'Samsung', 'Galaxy Tab Active Pro (SM-T545)', 62.8, 0.232, 'https://www.samsung.com/content/dam/samsung/global/our-values/resource/2020_Life-Cycle_Assessment_for_Display_HHP_F_1109.pptx', False),
    ('tablet', 'Samsung', 'Galaxy Tab S7 (SM-T875)', 48.2, 0.386, 'https://www.samsung.com/content/dam/samsung/global/our-values/resource/2020_Life-Cycle_Assessment_for_Display_HHP_F_1109.pptx', False),
    ('thin_client', 'Dell', 'Wyse 3040 Thin Client', 97.0, 0.33, 'https://www.delltechnologies.com/asset/en-us/products/thin-clients/technical-support/wyse-3040-thin-client-pcf-datasheet.pdf', False),
    ('thin_client', 'Dell', 'Wyse 5070 Extended Thin Client', 160.0, 0.317, 'https://www.delltechnologies.com/asset/en-us/products/thin-clients/technical-support/wyse-5070-extension-thin-client-pcf-datasheet.pdf', False),
    ('thin_client', 'Dell', 'Wyse 5070 Thin Client', 150.0, 0.292, 'https://www.delltechnologies.com/asset/en-us/products/thin-clients/technical-support/wyse-5070-thin-client-pcf-datasheet.pdf', False),
    ('printer_laser_small', 'Lexmark', 'B3340dw', 8230.0, 0.9891, 'https://csr.lexmark.com/env-epd_19_363767456.pdf', False),
    ('printer_laser_small', 'Lexmark', 'B3442dw', 8730.0, 0.9908, 'https://csr.lexmark.com/env-epd_19_329589732.pdf', False),
    ('printer_laser_small', 'Lexmark', 'C3426dwe', 6130.0, 0.9788, 'https://csr.lexmark.com/env-epd_19_3640030927.pdf', False),
    ('printer_mfp_a4', 'Lexmark', 'MB3442adwe', 8770.0, 0.9875, 'https://csr.lexmark.com/env-epd_19_4285820933.pdf', False),
    ('printer_mfp_a4', 'Lexmark', 'MC3426adwe', 6150.0, 0.9772, 'https://csr.lexmark.com/env-epd_19_2764579301.pdf', False),
    ('printer_mfp_a4', 'Lexmark', 'MX331adne', 8250.0, 0.9867, 'https://csr.lexmark.com/env-epd_18_731714502.pdf', False),
    ('laptop', 'Dell', 'Latitude 5480', 250.0, 0.175, 'https://i.dell.com/sites/csdocuments/CorpComm_Docs/en/carbon-footprint-latitude-5480.pdf', True),
    ('laptop', 'Dell', 'Latitude 5490', 251.0, 0.176, 'https://i.dell.com/sites/csdocuments/CorpComm_Docs/en/carbon-footprint-latitude-5490.pdf?newtab=true', True),
    ('laptop', 'Dell', 'Latitude 5590', 271.0, 0.222, 'https://i.dell.com/sites/csdocuments/CorpComm_Docs/en/carbon-footprint-latitude-5590.pdf', True),
    ('laptop', 'Dell', 'Latitude 7480', 249.0, 0.174, 'https://i.dell.com/sites/csdocuments/CorpComm_Docs/en/carbon-footprint-latitude-7480.pdf', True),
    ('laptop', 'Lenovo', 'ThinkPad T470s', 440.0, 0.13, 'https://www.lenovo.com/medias/PCF-ThinkPad-T470s.pdf?context=bWFzdGVyfHJvb3R8MzI5NzQyfGFwcGxpY2F0aW9uL3BkZnxoYmEvaDczLzk0ODYxMTExMTMyNDYucGRmfDk5ZGUyYzAyYjIzYWY4MDgzZWZmOTRjZjIwMmMyNWMxZTU2ZTVkOWEwOGJkM2M1NzE3Y2MzZTk2MTViMDU4Mjg', True),
    ('laptop', 'Lenovo', 'ThinkPad T470', 393.0, 0.3, 'https://www.lenovo.com/medias/PCF-ThinkPad-T470.pdf?context=bWFzdGVyfEVDTy1QQ0YtTk9URUJPT0t8MTg0NDI1fGFwcGxpY2F0aW9uL3BkZnxFQ08tUENGLU5PVEVCT09LL2gxOC9oMWEvOTQ1MjU3MDE4MTY2Mi5wZGZ8MWM5OWEwNTc5ZTQ0YjFhN2Y1NDliNDMzY2YzYzZiYzMwM2NlNjc2ZDg2NTVkOGVjNzVlNjdjMTRiYTgxODc5Nw', True),
    ('laptop', 'Lenovo', 'ThinkPad T470p', 466.0, 0.25, 'https://www.lenovo.com/medias/PCF-ThinkPad-T470p.pdf?context=bWFzdGVyfEVDTy1QQ0YtTk9URUJPT0t8NDI0NTYwfGFwcGxpY2F0aW9uL3BkZnxFQ08tUENGLU5PVEVCT09LL2gwOS9oNGUvOTQ1MjU3MDUwOTM0Mi5wZGZ8YmNlMzVmMGQzYTY1NmJhYTFjYTI4ZmE4ODRhNTU5MWJkM2QzMWM1MDZhYTNiYWMxNjQyMWQyZjVlOTIyYWMyMg', True),
    ('desktop', 'Dell', 'OptiPlex 5070 Micro Form Factor', 272.0, 0.279, 'https://www.delltechnologies.com/asset/en-us/products/desktops-and-all-in-ones/technical-support/optiplex-5070-mff.pdf', True),
    ('desktop', 'Dell', 'OptiPlex 5070 Small Form Factor', 406.0, 0.384, 'https://www.delltechnologies.com/asset/en-us/products/desktops-and-all-in-ones/technical-support/optiplex-5070-sff.pdf', True),
    ('desktop', 'Dell', 'OptiPlex 5070 Tower', 575.0, 0.441, 'https://www.delltechnologies.com/asset/en-us/products/desktops-and-all-in-ones/technical-support/optiplex-5070-tower.pdf', True),
    ('smartphone', 'Apple', 'iPhone 12 128GB', 75.0, 0.14, 'https://www.apple.com/environment/pdf/products/iphone/iPhone_12_PER_Oct2020.pdf', True),
    ('smartphone', 'Apple', 'iPhone 12 256GB', 85.0, 0.14, 'https://www.apple.com/environment/pdf/products/iphone/iPhone_12_PER_Oct2020.pdf', True),
    ('smartphone', 'Apple', 'iPhone 12 64GB', 70.0, 0.14, 'https://www.apple.com/environment/pdf/products/iphone/iPhone_12_PER_Oct2020.pdf', True),
    ('smartphone', 'Fairphone', 'Fairphone 3', 39.5, 0.212, 'https://www.fairphone.com/wp-content/uploads/2020/07/Fairphone_3_LCA.pdf', True),
)


def _siret(siren_body: str, nic: str = "0001") -> str:
    siren = siren_body + luhn_check_digit(siren_body)
    body = siren + nic
    return body + luhn_check_digit(body)


def _reference(brand: str, name: str) -> str:
    slug = "".join(c if c.isalnum() else "-" for c in fold_for_search(name).upper())
    while "--" in slug:
        slug = slug.replace("--", "-")
    return (brand[:3].upper() + "-" + slug.strip("-"))[:80]


#: what moves a model up or down its category's price range: its line and its storage (the demo's prices are
#: invented, but a Pro Max costs more than a Plus and a 1 TB MacBook Pro more than a 256 GB MacBook Air)
_LINES = tuple((re.compile(pattern), delta) for pattern, delta in (
    (r"\bpro max\b", .30), (r"\bultra\b", .25), (r"\bpro\b(?! max)", .20), (r"(?<!pro )\bmax\b", .10),
    (r"\bplus\b", .08), (r"\belitebook\b", .15), (r"\bprobook\b", .05), (r"\bfortis\b", .10),
    (r"\blatitude 7", .15), (r"\blatitude 5", .08), (r"\boptiplex 7", .12), (r"\btower\b", .08),
    (r"\bimac\b", .10), (r"\bair\b", .05), (r"\bmini\b", -.10), (r"\blite\b", -.15), (r"\bfe\b", -.10),
    (r"\ba1\d\b", -.30), (r"\be1[45]\b", -.10)))
_STORAGE = re.compile(r"(\d+)\s*(GB|TB|Go|To)\b", re.IGNORECASE)
_BRANDS = {"Apple": .15, "Microsoft": .10, "Google": .05, "Fairphone": .05}


def price_tier(brand: str, name: str) -> float:
    """Where a model sits in its category's price range, 0 (entry) to 1 (top)."""
    text = name.lower()
    tier = .30 + _BRANDS.get(brand, 0) + sum(delta for pattern, delta in _LINES if pattern.search(text))
    storage = _STORAGE.search(name)
    if storage:
        gigabytes = int(storage.group(1)) * (1000 if storage.group(2).upper() in ("TB", "TO") else 1)
        tier += {64: -.12, 128: 0, 256: .08, 512: .18}.get(gigabytes, .30 if gigabytes >= 1000 else 0)
    return min(max(tier, 0.0), 1.0)


def _price(rng: random.Random, low: int, high: int, brand: str = "", name: str = "") -> Decimal:
    """A price in the category's range at the model's tier, give or take 4 % of the range."""
    centre = low + (high - low) * price_tier(brand, name)
    jitter = (high - low) * 0.04
    floor, ceiling = int(max(low, centre - jitter)), int(min(high, centre + jitter))
    return Decimal(rng.randrange(floor, max(ceiling, floor + 1))) + Decimal(rng.choice(["0.00", "0.50", "0.90",
                                                                                       "0.00"]))


#: English words of the manufacturers' model names, said in French in the catalogue
_FRENCH = (
    (re.compile(r"\s+with\s+(\d+)\s*GB", re.I), r" \1 Go"), (re.compile(r"(\d+)\s*GB\b", re.I), r"\1 Go"),
    (re.compile(r"(\d+)\s*TB\b", re.I), r"\1 To"), (re.compile(r"(\d+)\.(\d+)[- ]inch", re.I), r"\1,\2 pouces"),
    (re.compile(r"(\d+)[- ]inch", re.I), r"\1 pouces"), (re.compile(r"\s+Notebook PC\b"), ""),
    (re.compile(r"\s+Desktop PC\b"), ""), (re.compile(r"All-in-One Desktop|All-in-One", re.I), "tout-en-un"),
    (re.compile(r"Micro Form Factor"), "format micro"), (re.compile(r"Small Form Factor"), "format compact"),
    (re.compile(r"\bTower\b"), "tour"), (re.compile(r"\bExtended Thin Client\b"), "client léger étendu"),
    (re.compile(r"\bThin Client\b"), "client léger"), (re.compile(r"\s+monitor\b", re.I), ""),
    (re.compile(r"\((\d+)(?:st|nd|rd|th) generation\)"), r"(\1e génération)"),
    (re.compile(r"\s+display\b"), ""), (re.compile(r"Alcantara® palm rest"), "repose-poignets Alcantara®"),
    (re.compile(r"\s+-\s+(20\d\d)$"), r" (\1)"),
    (re.compile(r"(\d+)-core CPU and (\d+)-core GPU"), r"CPU \1 cœurs, GPU \2 cœurs"),
    (re.compile(r"(\w+) CPU and (\d+)-core GPU"), r"\1, GPU \2 cœurs"), (re.compile(r"\((\w+) CPU\)"), r"(\1)"),
    (re.compile(r"with (\d+)\.(\d+)K Retina"), r"Retina \1,\2K"),
)


def french_model_name(name: str) -> str:
    for pattern, replacement in _FRENCH:
        name = pattern.sub(replacement, name)
    return " ".join(name.split())


_YEAR = re.compile(r"(?<!\d)(20[12]\d)(?!\d)")


def release_year(name: str, source: str) -> int | None:
    """The model's year: from its name ("(M2 2022)") or its footprint document ("…_PER_Sept2022.pdf"), else from the
    manufacturers' announcements of the demo's models below."""
    for text in (name, source):
        found = _YEAR.search(text)
        if found:
            return int(found.group(1))
    return next((year for pattern, year in _KNOWN_YEARS if pattern.search(name)), None)


#: the year the demo's models without a year in their name or document came out (manufacturers' announcements)
_KNOWN_YEARS = tuple((re.compile(pattern), year) for pattern, year in (
    (r"Latitude [57]4[89]0|Latitude 5590|T470", 2017), (r"Latitude 5490", 2018), (r"Latitude [3-7]3[2-5]0|"
     r"Latitude [3-7][45]20", 2021), (r"Latitude [57][34]30", 2022), (r"\bG9\b", 2022), (r"\bG8\b", 2021),
    (r"\bG4\b", 2021), (r"OptiPlex [35]000", 2022), (r"OptiPlex 5070|OptiPlex 5490|Wyse 5070", 2019),
    (r"OptiPlex [57]400", 2021), (r"ThinkCentre M70", 2020), (r"ThinkPad E1[45]", 2019),
    (r"Surface Laptop 3", 2019), (r"Surface Laptop 2", 2018), (r"Surface Laptop$", 2017), (r"Pixel [67]", 2022),
    (r"E2423|P2423", 2022), (r"[EP]2[24]2[12]H|P2222H", 2021), (r"ThinkVision .*-20", 2020),
    (r"Wyse 3040", 2016)))


def _breaks(price: Decimal, category: str) -> list[PriceBreak]:
    breaks = [PriceBreak(min_quantity=10, unit_price_ht=round_cents(price * Decimal("0.96")))]
    if category in ("laptop", "desktop", "monitor_24", "monitor_27", "smartphone"):
        breaks.append(PriceBreak(min_quantity=50, unit_price_ht=round_cents(price * Decimal("0.92"))))
    return breaks


def _load_contracts() -> list[FrameworkContract]:
    suppliers = []
    for name, siren_body, address, postal_code, city, contact, email in SUPPLIERS:
        siret = _siret(siren_body)
        supplier = Supplier(name=name, search_name=fold_for_search(name), siret=siret, siren=siret[:9],
                            address=address, postal_code=postal_code, city=city, contact_name=contact,
                            contact_email=email, contact_phone="05 53 00 00 0" + str(len(suppliers)))
        suppliers.append(supplier)
    db.session.add_all(suppliers)
    contracts = [
        FrameworkContract(reference=reference, title=title, supplier=suppliers[index], start_on=CONTRACT_START,
                          end_on=CONTRACT_END, max_amount_ht=max_amount, committed_ht=committed)
        for reference, title, index, max_amount, committed in CONTRACTS
    ]
    db.session.add_all(contracts)
    db.session.flush()
    return contracts


def _product(rng: random.Random, categories: dict[str, Category], code: str, brand: str, name: str,
             refurbished: bool) -> Product:
    low, high = REPAIRABILITY.get(code, (None, None))
    repairability = Decimal(str(round(rng.uniform(low, high), 1))) if low is not None else None
    if brand == "Fairphone":
        repairability = Decimal("9.3")
    product = Product(
        category=categories[code], brand=brand, model=french_model_name(name), manufacturer_ref=_reference(brand, name),
        description=DESCRIPTIONS.get(code, ""), vat_rate=Decimal("0.2000"),
        condition=Condition.REFURBISHED if refurbished else Condition.NEW,
        refurb_grade=rng.choice("AAB") if refurbished else None, repairability_index=repairability,
        warranty_years=rng.choice([1, 2]) if refurbished else rng.choice([3, 3, 5]),
        spare_parts_years=rng.choice([3, 5]) if refurbished else rng.choice([5, 7, 10]),
    )
    if code in ("laptop", "desktop"):
        product.attributes = {"ram_gb": rng.choice([8, 16, 16, 32]), "storage_gb": rng.choice([256, 512, 512])}
    return product


def _with_release_year(product: Product, name: str, source: str) -> None:
    """The demo's assets of this model are acquired after it came out (attributes["release_year"])."""
    year = release_year(name, source)
    if year is not None:
        product.attributes = {**(product.attributes or {}), "release_year": year}


def load(rng: random.Random) -> str:
    if db.session.scalar(select(FrameworkContract.id).where(FrameworkContract.reference == CONTRACTS[0][0])):
        return "Catalogue : déjà chargé."
    categories = {c.code: c for c in db.session.scalars(select(Category))}
    new_lot, refurbished_lot, peripherals_lot = _load_contracts()
    products = []
    for code, brand, name, gwp_total, use_ratio, source, refurbished in FOOTPRINT_PRODUCTS:
        product = _product(rng, categories, code, brand, name, refurbished)
        product.embodied_kgco2e = round(manufacturer_embodied(gwp_total, use_ratio), 1)
        product.footprint_source = source
        _with_release_year(product, name, source)
        if code.startswith("printer"):
            contract, (low, high) = peripherals_lot, PRICE_RANGES[code]
        elif refurbished:
            contract, (low, high) = refurbished_lot, REFURBISHED_PRICE_RANGES[code]
        else:
            contract, (low, high) = new_lot, PRICE_RANGES[code]
        price = _price(rng, low, high, brand, name)
        product.offers = [Offer(contract=contract, supplier_ref=product.manufacturer_ref[:40], unit_price_ht=price,
                                valid_from=CONTRACT_START, valid_until=CONTRACT_END,
                                price_breaks=_breaks(price, code))]
        products.append(product)
    for code, brand, name, reference, price in ACCESSORIES:
        product = Product(category=categories[code], brand=brand, model=name, manufacturer_ref=reference,
                          description="Accessoire et équipement réseau du lot 3.", warranty_years=2,
                          condition=Condition.NEW)
        product.offers = [Offer(contract=peripherals_lot, supplier_ref=reference, unit_price_ht=price,
                                valid_from=CONTRACT_START, valid_until=CONTRACT_END,
                                price_breaks=[PriceBreak(min_quantity=10, unit_price_ht=round_cents(price * Decimal("0.95")))])]
        products.append(product)
    # AGEC: a few refurbished items declare recycled material (their replacement parts and casings, demo values)
    for product, share in zip([p for p in products if p.condition == Condition.REFURBISHED][:3], ("12", "25", "8")):
        product.recycled_content_pct = Decimal(share)
        product.recycled_content_source = ("Fiche produit du reconditionneur (démo) : pièces de remplacement et "
                                           "coque en plastique recyclé")
    db.session.add_all(products)
    db.session.flush()
    for product in products:
        refresh_product_metrics(product)
    return f"Catalogue : 3 fournisseurs, 3 lots d'accord-cadre, {len(products)} produits créés."


def load_campaign(rng: random.Random, products: list[Product]) -> str:
    """An open grouped purchase of 24-inch monitors with a few members' commitments below the next break (once the
    members have their billing SIRET: purchasing/demo/campaigns.py runs after the identities)."""
    from purchasing.accounts.models import Role, User
    from purchasing.campaigns.models import Campaign, CampaignEvent
    from purchasing.campaigns.services import commit_quantity
    from purchasing.members.models import Member

    monitor = next(p for p in products if p.category.code == "monitor_24" and p.condition == Condition.NEW)
    officer = db.session.scalars(select(User).where(User.role == Role.PURCHASING_OFFICER).order_by(User.id)).first()
    title = f"Écrans {monitor.model} — rentrée des écoles"
    campaign = Campaign(title=title, offer=monitor.offers[0], deadline=date.today() + timedelta(days=30),
                        min_quantity=10, max_quantity=200, status="open", created_by_id=officer.id)
    db.session.add(campaign)
    db.session.flush()
    campaign.events.append(CampaignEvent(campaign_id=campaign.id, actor_id=officer.id, to_status="open"))
    members = db.session.scalars(select(Member).where(Member.kind == "commune", Member.insee_code != "24420")
                                 .order_by(Member.id).limit(40)).all()
    for member in rng.sample(members, 5):
        # the real path: above its threshold at the price shown, a commitment waits for the member's approver
        commit_quantity(campaign, member, rng.randrange(3, 9), date.today())
    db.session.flush()
    return title
