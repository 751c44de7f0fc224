"""Every route's access rule, tested for every role, with member isolation.

Each route of the application must appear in ROUTES (a test fails otherwise), saying who may open it
and, for member-owned objects, how to build the URL of *another* member's object: a member user must
get 404 there. Add your routes here when you add them.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from purchasing.accounts.models import Role

ALL = frozenset(r.value for r in Role)
STAFF = frozenset({Role.ADMIN, Role.PURCHASING_OFFICER, Role.SUSTAINABILITY_OFFICER})
MEMBER_ROLES = frozenset({Role.SECRETARY, Role.APPROVER})
ADMIN = frozenset({Role.ADMIN})
OFFICERS = frozenset({Role.ADMIN, Role.PURCHASING_OFFICER})
MANAGE = frozenset({Role.SECRETARY, Role.PURCHASING_OFFICER, Role.ADMIN})
AGEC = frozenset({Role.SUSTAINABILITY_OFFICER, Role.ADMIN, Role.SECRETARY, Role.APPROVER})


@dataclass(frozen=True)
class Rule:
    #: roles allowed; None: public (no login)
    roles: frozenset | None
    #: how to build a URL: a function of the fixtures' objects (own member's object where relevant)
    url: object
    methods: tuple = ("GET",)
    #: for member-owned objects: the URL of another member's object (expect 404 for member roles)
    other_member_url: object = None
    #: statuses accepted for an allowed GET (redirects are fine for "go to" routes)
    ok: tuple = (200,)
    notes: str = field(default="", compare=False)


def _site(ctx, key):
    from sqlalchemy import select

    from purchasing.extensions import db
    from purchasing.members.models import Site

    return db.session.scalars(select(Site).where(Site.member_id == ctx[key].id).order_by(Site.id)).first()


def _user_id(ctx):
    return ctx["secretary"].id


ROUTES: dict[str, Rule] = {
    "static": Rule(None, lambda c: "/static/css/app.css"),
    "main.home": Rule(ALL, lambda c: "/"),
    # the header's global search: results within the user's scope (tests/web/test_global_search.py)
    "main.search": Rule(ALL, lambda c: f"/search?q={c['asset_a'].tag}"),
    "main.health": Rule(None, lambda c: "/healthz"),
    "accounts.login": Rule(None, lambda c: "/login", methods=("GET", "POST")),
    "accounts.logout": Rule(None, lambda c: "/logout", methods=("POST",)),
    "accounts.set_language": Rule(None, lambda c: "/language", methods=("POST",)),
    "accounts.account": Rule(ALL, lambda c: "/account", methods=("GET", "POST")),
    "accounts.revoke_token": Rule(ALL, lambda c: f"/account/tokens/{c['token'].id}/revoke", methods=("POST",),
                                  notes="another user's token: 404 (only its owner may revoke it here)"),
    "accounts.revoke_user_token": Rule(ADMIN, lambda c: f"/admin/users/{_user_id(c)}/tokens/{c['token'].id}/revoke",
                                       methods=("POST",)),
    "accounts.users": Rule(ADMIN, lambda c: "/admin/users"),
    "accounts.create_user": Rule(ADMIN, lambda c: "/admin/users/new", methods=("GET", "POST")),
    "accounts.edit_user": Rule(ADMIN, lambda c: f"/admin/users/{_user_id(c)}/edit", methods=("GET", "POST")),
    "members.index": Rule(STAFF, lambda c: "/members/"),
    "members.my_member": Rule(MEMBER_ROLES, lambda c: "/members/mine", ok=(302,),
                              notes="staff have no member: 404"),
    "members.show": Rule(ALL, lambda c: f"/members/{c['member_a'].id}",
                         other_member_url=lambda c: f"/members/{c['member_b'].id}"),
    "members.create": Rule(ADMIN, lambda c: "/members/new", methods=("GET", "POST")),
    "members.edit": Rule(ADMIN, lambda c: f"/members/{c['member_a'].id}/edit", methods=("GET", "POST"),
                         other_member_url=lambda c: f"/members/{c['member_b'].id}/edit"),
    "members.set_active": Rule(ADMIN, lambda c: f"/members/{c['member_a'].id}/active", methods=("POST",)),
    # identity (issue 12): the administrator only; delivery sites: the administrator and the member's secretary
    "members.identity": Rule(ADMIN, lambda c: f"/members/{c['member_a'].id}/identity", methods=("GET", "POST")),
    "members.add_siret": Rule(ADMIN, lambda c: f"/members/{c['member_a'].id}/sirets", methods=("POST",)),
    "members.set_billing_siret": Rule(ADMIN, lambda c: f"/members/{c['member_a'].id}/sirets/"
                                                       f"{c['member_a'].sirets[0].id}/billing", methods=("POST",)),
    "members.remove_siret": Rule(ADMIN, lambda c: f"/members/{c['member_a'].id}/sirets/"
                                                  f"{c['member_a'].sirets[0].id}/remove", methods=("POST",)),
    "members.add_contact": Rule(ADMIN, lambda c: f"/members/{c['member_a'].id}/contacts", methods=("POST",)),
    "members.remove_contact": Rule(ADMIN, lambda c: f"/members/{c['member_a'].id}/contacts/{c['contact'].id}/remove",
                                   methods=("POST",)),
    "members.sites": Rule(frozenset({Role.ADMIN, Role.SECRETARY}), lambda c: f"/members/{c['member_a'].id}/sites",
                          other_member_url=lambda c: f"/members/{c['member_b'].id}/sites"),
    "members.new_site": Rule(frozenset({Role.ADMIN, Role.SECRETARY}),
                             lambda c: f"/members/{c['member_a'].id}/sites/new", methods=("GET", "POST"),
                             other_member_url=lambda c: f"/members/{c['member_b'].id}/sites/new"),
    "members.edit_site": Rule(frozenset({Role.ADMIN, Role.SECRETARY}),
                              lambda c: f"/members/{c['member_a'].id}/sites/{_site(c, 'member_a').id}/edit",
                              methods=("GET", "POST"),
                              other_member_url=lambda c: f"/members/{c['member_b'].id}/sites/"
                                                         f"{_site(c, 'member_b').id}/edit"),
    "members.set_site_active": Rule(frozenset({Role.ADMIN, Role.SECRETARY}),
                                    lambda c: f"/members/{c['member_a'].id}/sites/{_site(c, 'member_a').id}/active",
                                    methods=("POST",)),
    "members.set_default_site": Rule(frozenset({Role.ADMIN, Role.SECRETARY}),
                                     lambda c: f"/members/{c['member_a'].id}/sites/{_site(c, 'member_a').id}/default",
                                     methods=("POST",)),
    "suppliers.index": Rule(OFFICERS, lambda c: "/suppliers/"),
    "suppliers.create": Rule(OFFICERS, lambda c: "/suppliers/new", methods=("GET", "POST")),
    "suppliers.edit": Rule(OFFICERS, lambda c: f"/suppliers/{c['supplier'].id}/edit", methods=("GET", "POST")),
    "tenders.index": Rule(OFFICERS, lambda c: "/tenders/"),
    "tenders.create": Rule(OFFICERS, lambda c: "/tenders/new", methods=("GET", "POST")),
    "tenders.edit": Rule(OFFICERS, lambda c: f"/tenders/{c['draft'].id}/edit", methods=("GET", "POST")),
    "tenders.show": Rule(OFFICERS, lambda c: f"/tenders/{c['tender'].id}"),
    "tenders.change_status": Rule(OFFICERS, lambda c: f"/tenders/{c['tender'].id}/status", methods=("POST",)),
    "tenders.add_lot": Rule(OFFICERS, lambda c: f"/tenders/{c['tender'].id}/lots", methods=("POST",)),
    "tenders.edit_lot": Rule(OFFICERS, lambda c: f"/tenders/lots/{c['lot'].id}/edit", methods=("GET", "POST")),
    "tenders.remove_criterion": Rule(OFFICERS, lambda c: f"/tenders/lots/{c['lot'].id}/criteria/delivery/delete",
                                     methods=("POST",)),
    "tenders.set_criterion": Rule(OFFICERS, lambda c: f"/tenders/lots/{c['lot'].id}/criteria", methods=("POST",)),
    "tenders.copy_criteria": Rule(OFFICERS, lambda c: f"/tenders/lots/{c['lot'].id}/criteria/copy",
                                  methods=("POST",)),
    "tenders.price_list_template": Rule(OFFICERS, lambda c: "/tenders/price-list-template.csv"),
    "tenders.upload_bid": Rule(OFFICERS, lambda c: f"/tenders/lots/{c['lot'].id}/bids/new", methods=("GET", "POST")),
    "tenders.show_bid": Rule(OFFICERS, lambda c: f"/tenders/bids/{c['bid'].id}"),
    "tenders.add_score": Rule(OFFICERS, lambda c: f"/tenders/bids/{c['bid'].id}/scores", methods=("POST",)),
    "tenders.evaluate": Rule(OFFICERS, lambda c: f"/tenders/{c['tender'].id}/evaluate", methods=("POST",)),
    "tenders.evaluation": Rule(OFFICERS, lambda c: f"/tenders/{c['tender'].id}/evaluation"),
    "tenders.evaluation_export": Rule(OFFICERS, lambda c: f"/tenders/{c['tender'].id}/evaluation.xlsx"),
    "tenders.show_lot": Rule(OFFICERS, lambda c: f"/tenders/lots/{c['lot'].id}"),
    "tenders.award": Rule(OFFICERS, lambda c: f"/tenders/lots/{c['lot'].id}/award", methods=("POST",)),
    "tenders.set_cpv": Rule(OFFICERS, lambda c: f"/tenders/lots/{c['lot'].id}/cpv", methods=("POST",)),
    # the ctx lot is not awarded: the letter is refused with 409 (the letters' own tests cover the PDF)
    "tenders.letter": Rule(OFFICERS, lambda c: f"/tenders/lots/{c['lot'].id}/letters/{c['bid'].id}.pdf",
                           ok=(409,)),
    # DECP publication (purchasing officers): the period's file, the register, a contract's DECP data
    "decp.index": Rule(OFFICERS, lambda c: "/decp/?from=2026-01-01&to=2026-12-31"),
    "decp.download": Rule(OFFICERS, lambda c: "/decp/decp.json?from=2026-01-01&to=2026-12-31"),
    "decp.publish": Rule(OFFICERS, lambda c: "/decp/publish", methods=("POST",)),
    "decp.set_notification": Rule(OFFICERS, lambda c: f"/decp/contracts/{c['offer'].contract_id}/notification",
                                  methods=("POST",)),
    "decp.add_modification": Rule(OFFICERS, lambda c: f"/decp/contracts/{c['offer'].contract_id}/modifications",
                                  methods=("POST",)),
    # AGEC declaration: the sustainability officer and admin for every member, member users for their own only
    "reports.agec_declaration": Rule(AGEC, lambda c: f"/reports/agec?id={c['member_a'].id}&year=2025",
                                     other_member_url=lambda c: f"/reports/agec?id={c['member_b'].id}&year=2025"),
    "reports.agec_csv": Rule(AGEC, lambda c: f"/reports/agec.csv?id={c['member_a'].id}&year=2025",
                             other_member_url=lambda c: f"/reports/agec.csv?id={c['member_b'].id}&year=2025"),
    "tenders.unsuccessful": Rule(OFFICERS, lambda c: f"/tenders/lots/{c['lot'].id}/unsuccessful", methods=("POST",)),
    # catalogue, orders, pricing, purchase orders, campaigns, notifications
    "catalogue.index": Rule(ALL, lambda c: "/catalogue/"),
    "catalogue.durability_help": Rule(ALL, lambda c: "/catalogue/durability-help"),
    "catalogue.show": Rule(ALL, lambda c: f"/catalogue/products/{c['offer'].product_id}"),
    "catalogue_admin.edit": Rule(OFFICERS, lambda c: f"/catalogue/products/{c['offer'].product_id}/edit",
                                 methods=("GET", "POST")),
    "orders.cart": Rule(MEMBER_ROLES, lambda c: "/cart"),
    "orders.update_cart": Rule(MEMBER_ROLES, lambda c: "/cart", methods=("POST",)),
    "orders.add_to_cart": Rule(MEMBER_ROLES, lambda c: "/cart/add", methods=("POST",)),
    "orders.index": Rule(ALL, lambda c: "/orders/"),
    "orders.to_approve": Rule(frozenset({Role.APPROVER}), lambda c: "/orders/to-approve"),
    "orders.export": Rule(ALL, lambda c: "/orders/export"),
    "orders.show": Rule(ALL, lambda c: f"/orders/{c['order_a'].id}",
                        other_member_url=lambda c: f"/orders/{c['order_b'].id}"),
    "orders.approve": Rule(frozenset({Role.APPROVER}), lambda c: f"/orders/{c['order_a'].id}/approve",
                           methods=("POST",), other_member_url=lambda c: f"/orders/{c['order_b'].id}/approve"),
    "orders.reject": Rule(frozenset({Role.APPROVER}), lambda c: f"/orders/{c['order_a'].id}/reject",
                          methods=("POST",), other_member_url=lambda c: f"/orders/{c['order_b'].id}/reject"),
    "orders.cancel": Rule(MEMBER_ROLES, lambda c: f"/orders/{c['order_a'].id}/cancel", methods=("POST",),
                          other_member_url=lambda c: f"/orders/{c['order_b'].id}/cancel"),
    "notifications.index": Rule(ALL, lambda c: "/notifications/"),
    "notifications.mark_read": Rule(ALL, lambda c: "/notifications/read", methods=("POST",)),
    "pricing.index": Rule(ADMIN, lambda c: "/admin/tariff-grids/"),
    "pricing.show": Rule(ADMIN, lambda c: f"/admin/tariff-grids/{c['grid'].id}"),
    "pricing.create": Rule(ADMIN, lambda c: "/admin/tariff-grids/new", methods=("GET", "POST")),
    "pricing.transparency": Rule(frozenset({Role.ADMIN, Role.SUSTAINABILITY_OFFICER}), lambda c: "/admin/transparency"),
    "purchase_orders.index": Rule(OFFICERS, lambda c: "/purchase-orders/"),
    "purchase_orders.to_place": Rule(OFFICERS, lambda c: "/purchase-orders/to-place"),
    "purchase_orders.create": Rule(OFFICERS, lambda c: "/purchase-orders/create", methods=("POST",)),
    "purchase_orders.show": Rule(OFFICERS, lambda c: f"/purchase-orders/{c['po'].id}"),
    "purchase_orders.send": Rule(OFFICERS, lambda c: f"/purchase-orders/{c['po'].id}/send", methods=("POST",)),
    "purchase_orders.acknowledge": Rule(OFFICERS, lambda c: f"/purchase-orders/{c['po'].id}/acknowledge",
                                        methods=("POST",)),
    "purchase_orders.cancel": Rule(OFFICERS, lambda c: f"/purchase-orders/{c['po'].id}/cancel", methods=("POST",)),
    "purchase_orders.delivery": Rule(OFFICERS, lambda c: f"/purchase-orders/{c['po'].id}/delivery",
                                     methods=("GET", "POST")),
    "purchase_orders.print_view": Rule(OFFICERS, lambda c: f"/purchase-orders/{c['po'].id}/print"),
    "purchase_orders.pdf": Rule(OFFICERS, lambda c: f"/purchase-orders/{c['po'].id}/pdf"),
    "purchase_orders.order_x": Rule(OFFICERS, lambda c: f"/purchase-orders/{c['po'].id}/order-x"),
    "purchase_orders.export": Rule(OFFICERS, lambda c: f"/purchase-orders/{c['po'].id}/export.csv"),
    "purchase_orders.contracts": Rule(OFFICERS, lambda c: "/contracts/"),
    "campaigns.index": Rule(OFFICERS | MEMBER_ROLES, lambda c: "/campaigns/"),
    "campaigns.create": Rule(OFFICERS, lambda c: "/campaigns/new", methods=("GET", "POST")),
    "campaigns.show": Rule(OFFICERS | MEMBER_ROLES, lambda c: f"/campaigns/{c['campaign'].id}"),
    "campaigns.commit": Rule(MEMBER_ROLES, lambda c: f"/campaigns/{c['campaign'].id}/commit", methods=("POST",)),
    "campaigns.close": Rule(OFFICERS, lambda c: f"/campaigns/{c['campaign'].id}/close", methods=("POST",)),
    "campaigns.place_orders": Rule(OFFICERS, lambda c: f"/campaigns/{c['campaign'].id}/order", methods=("POST",)),
    # sustainability reports (member roles: their own member only)
    "reports.sustainability": Rule(ALL, lambda c: f"/reports/sustainability?scope=member&id={c['member_a'].id}",
                                   other_member_url=lambda c: f"/reports/sustainability?scope=member&id={c['member_b'].id}"),
    "reports.sustainability_xlsx": Rule(ALL, lambda c: f"/reports/sustainability.xlsx?scope=member&id={c['member_a'].id}",
                                        other_member_url=lambda c: f"/reports/sustainability.xlsx?scope=member&id={c['member_b'].id}"),
    "reports.sustainability_csv": Rule(ALL, lambda c: f"/reports/sustainability.csv?scope=member&id={c['member_a'].id}",
                                       other_member_url=lambda c: f"/reports/sustainability.csv?scope=member&id={c['member_b'].id}"),
    # lifecycle
    "lifecycle.index": Rule(ALL, lambda c: "/lifecycle/"),
    "lifecycle.scan": Rule(ALL, lambda c: f"/lifecycle/scan?tag={c['asset_a'].tag}", ok=(302,),
                           other_member_url=lambda c: f"/lifecycle/scan?tag={c['asset_b'].tag}"),
    "lifecycle.show": Rule(ALL, lambda c: f"/lifecycle/assets/{c['asset_a'].id}",
                           other_member_url=lambda c: f"/lifecycle/assets/{c['asset_b'].id}"),
    "lifecycle.barcode": Rule(ALL, lambda c: f"/lifecycle/assets/{c['asset_a'].id}/barcode.svg",
                              other_member_url=lambda c: f"/lifecycle/assets/{c['asset_b'].id}/barcode.svg"),
    # another member's ids are left out of the sheet (404 when none is the user's): tests/lifecycle/test_labels.py
    "lifecycle.labels": Rule(ALL, lambda c: "/lifecycle/labels", methods=("POST",)),
    **{f"lifecycle.{name}": Rule(MANAGE, (lambda n: lambda c: f"/lifecycle/assets/{c['asset_a'].id}/{n}")(path),
                                 methods=("POST",),
                                 other_member_url=(lambda n: lambda c: f"/lifecycle/assets/{c['asset_b'].id}/{n}")(path))
       for name, path in (("change_status", "status"), ("placement", "placement"), ("erasure", "erasure"),
                          ("offer", "offer"),
                          ("repair", "repair"), ("close_repair", "repair/close"), ("retire", "retire"),
                          ("warranty", "warranty"))},
    "lifecycle.create_asset": Rule(MANAGE, lambda c: "/lifecycle/assets/new", methods=("GET", "POST")),
    "lifecycle.pool": Rule(ALL, lambda c: "/lifecycle/pool"),
    "lifecycle.claim": Rule(MANAGE, lambda c: f"/lifecycle/pool/{c['listing_b'].id}/claim",
                            methods=("POST",)),
    "lifecycle.withdraw": Rule(MANAGE, lambda c: f"/lifecycle/pool/{c['listing_a'].id}/withdraw", methods=("POST",),
                               other_member_url=lambda c: f"/lifecycle/pool/{c['listing_b'].id}/withdraw"),
    # the donor's answer to a claim: its own member's listing (another member's: 404)
    "lifecycle.confirm_claim": Rule(MANAGE, lambda c: f"/lifecycle/pool/{c['listing_a'].id}/confirm",
                                    methods=("POST",),
                                    other_member_url=lambda c: f"/lifecycle/pool/{c['listing_b'].id}/confirm"),
    "lifecycle.decline_claim": Rule(MANAGE, lambda c: f"/lifecycle/pool/{c['listing_a'].id}/decline",
                                    methods=("POST",),
                                    other_member_url=lambda c: f"/lifecycle/pool/{c['listing_b'].id}/decline"),
    "lifecycle.import_inventory": Rule(MANAGE, lambda c: "/lifecycle/import", methods=("GET", "POST")),
    "lifecycle.import_template": Rule(MANAGE, lambda c: "/lifecycle/import/template.csv"),
    # the mapping step: without a file waiting in the session, back to the upload page
    "lifecycle.import_mapping": Rule(MANAGE, lambda c: "/lifecycle/import/mapping", methods=("GET", "POST"),
                                     ok=(302,)),
    "lifecycle.agent_tokens": Rule(MANAGE, lambda c: "/lifecycle/agents", methods=("GET", "POST")),
    "lifecycle.revoke_agent_token": Rule(MANAGE, lambda c: f"/lifecycle/agents/{c['agent_token_a'].id}/revoke",
                                         methods=("POST",),
                                         other_member_url=lambda c: f"/lifecycle/agents/{c['agent_token_b'].id}/revoke"),
    "agents.inventory": Rule(None, lambda c: f"/agent/{c['agent_secret_a']}/", methods=("POST",),
                             notes="no session: the enrolment token in the URL is the credential (401 otherwise)"),
    "lifecycle.audits": Rule(ALL, lambda c: "/lifecycle/audits", methods=("GET", "POST"),
                             notes="POST (start an audit): secretary and staff managers only, checked in the view"),
    "lifecycle.audit_show": Rule(ALL, lambda c: f"/lifecycle/audits/{c['audit_a'].id}",
                                 other_member_url=lambda c: f"/lifecycle/audits/{c['audit_b'].id}"),
    "lifecycle.audit_scan": Rule(MANAGE, lambda c: f"/lifecycle/audits/{c['audit_a'].id}/scan", methods=("POST",),
                                 other_member_url=lambda c: f"/lifecycle/audits/{c['audit_b'].id}/scan"),
    "lifecycle.audit_close": Rule(MANAGE, lambda c: f"/lifecycle/audits/{c['audit_a'].id}/close", methods=("POST",),
                                  other_member_url=lambda c: f"/lifecycle/audits/{c['audit_b'].id}/close"),
    # campaign commitments decided by the member's approver
    "campaigns.approve_commitment": Rule(
        frozenset({Role.APPROVER}),
        lambda c: f"/campaigns/{c['campaign'].id}/commitments/{c['commitment_a'].id}/approve", methods=("POST",),
        other_member_url=lambda c: f"/campaigns/{c['campaign'].id}/commitments/{c['commitment_b'].id}/approve"),
    "campaigns.reject_commitment": Rule(
        frozenset({Role.APPROVER}),
        lambda c: f"/campaigns/{c['campaign'].id}/commitments/{c['commitment_a'].id}/reject", methods=("POST",),
        other_member_url=lambda c: f"/campaigns/{c['campaign'].id}/commitments/{c['commitment_b'].id}/reject"),
    # security log (administrators)
    "security.log": Rule(ADMIN, lambda c: "/admin/security-log/"),
    # the syndicate's identity and the sites merged by migration identity_01 (administrators)
    "syndicate.identity": Rule(ADMIN, lambda c: "/admin/syndicate/", methods=("GET", "POST")),
    "syndicate.site_merges": Rule(ADMIN, lambda c: "/admin/syndicate/site-merges"),
    # attachments: the owner's rules (role per owner kind, member scope, sealed bids) are checked by the service
    "purchase_orders.contract": Rule(OFFICERS, lambda c: f"/contracts/{c['offer'].contract_id}"),
    "documents.upload": Rule(ALL, lambda c: "/documents/", methods=("POST",),
                             notes="rights per owner kind: tests/web/test_documents.py"),
    "documents.download": Rule(ALL, lambda c: f"/documents/{c['doc_a'].id}",
                               other_member_url=lambda c: f"/documents/{c['doc_b'].id}"),
    "documents.delete": Rule(ALL, lambda c: f"/documents/{c['doc_a'].id}/delete", methods=("POST",),
                             other_member_url=lambda c: f"/documents/{c['doc_b'].id}/delete",
                             notes="the uploader or a purchasing officer/admin: tests/web/test_documents.py"),
    # e-mail: accounts by e-mail (public links, checked by their signature), the outbox, preferences
    "access.forgot_password": Rule(None, lambda c: "/forgot-password", methods=("GET", "POST")),
    "access.reset_password": Rule(None, lambda c: "/reset-password/not-a-token", methods=("GET", "POST")),
    "access.set_password": Rule(None, lambda c: "/invitation/not-a-token", methods=("GET", "POST")),
    "access.confirm_email": Rule(None, lambda c: "/confirm-email/not-a-token", methods=("GET", "POST")),
    "access.request_email_change": Rule(ALL, lambda c: "/account/email", methods=("POST",)),
    "access.resend_invitation": Rule(ADMIN, lambda c: f"/admin/users/{_user_id(c)}/invite", methods=("POST",)),
    "mail.save_preferences": Rule(ALL, lambda c: "/account/notifications", methods=("POST",)),
    "mail.outbox": Rule(ADMIN, lambda c: "/admin/emails/"),
    "mail.show": Rule(ADMIN, lambda c: f"/admin/emails/{_outbox_message(c).id}"),
    "mail.html_body": Rule(ADMIN, lambda c: f"/admin/emails/{_outbox_message(c).id}/html"),
    "mail.attachment": Rule(ADMIN, lambda c: f"/admin/emails/{_outbox_message(c).id}/attachments/"
                                             f"{_outbox_message(c).attachments[0].id}"),
    # background jobs: a member's job to that member's users only, staff jobs to staff only (so job_a, a
    # member's job, is a 404 to staff: checked both ways in tests/jobs/test_job_pages.py)
    "jobs.index": Rule(ALL, lambda c: "/jobs/"),
    **{f"jobs.{name}": Rule(ALL, (lambda p: lambda c: f"/jobs/{c['job_a'].id}{p}")(path), ok=(200, 404),
                            other_member_url=(lambda p: lambda c: f"/jobs/{c['job_b'].id}{p}")(path),
                            notes="200 for member A's users, 404 for staff and other members")
       for name, path in (("show", ""), ("status", "/status"), ("result", "/result"))},
    "jobs.start_label_sheet": Rule(ALL, lambda c: "/jobs/labels", methods=("POST",)),
    "jobs.start_orders_export": Rule(ALL, lambda c: "/jobs/orders-export", methods=("POST",)),
    "jobs.start_report_export": Rule(
        ALL, lambda c: f"/jobs/reports/sustainability?scope=member&id={c['member_a'].id}", methods=("POST",),
        other_member_url=lambda c: f"/jobs/reports/sustainability?scope=member&id={c['member_b'].id}"),
    # list exports (issue 15): each list's CSV/XLSX of what its filters show (GET), a large XLSX as a job (POST);
    # the XLSX here (the CSV streams: tests/web/test_list_exports.py reads it whole);
    # a member user's file holds their member's rows only: tests/web/test_list_exports.py
    **{endpoint: Rule(roles, (lambda u: lambda c: u)(url), methods=("GET", "POST"))
       for endpoint, roles, url in (
           ("catalogue.export_catalogue", ALL, "/catalogue/export.xlsx"),
           ("lifecycle.export_inventory", ALL, "/lifecycle/export.xlsx"),
           ("lifecycle.export_pool", ALL, "/lifecycle/pool/export.xlsx"),
           ("lifecycle.export_audits", ALL, "/lifecycle/audits/export.xlsx"),
           ("tenders.export_tenders", OFFICERS, "/tenders/export.xlsx"),
           ("purchase_orders.export_contracts", OFFICERS, "/contracts/export.xlsx"),
           ("purchase_orders.export_purchase_orders", OFFICERS, "/purchase-orders/export.xlsx"),
           ("members.export_members", STAFF, "/members/export.xlsx"),
           ("orders.export_orders", ALL, "/orders/export.xlsx"),
           ("orders.export_orders_to_approve", frozenset({Role.APPROVER}), "/orders/to-approve/export.xlsx"),
           ("campaigns.export_campaigns", OFFICERS | MEMBER_ROLES, "/campaigns/export.xlsx"),
           ("suppliers.export_suppliers", OFFICERS, "/suppliers/export.xlsx"),
           ("accounts.export_users", ADMIN, "/admin/users/export.xlsx"),
       )},
}


def _documents(objects, users):
    """A PDF attached to each member's asset (by that member's secretary)."""
    import io

    from purchasing.documents import services as documents

    out = {}
    for key, user in (("a", users["a"]), ("b", users["b"])):
        owner = documents.load_owner("asset", objects[f"asset_{key}"].id, user)
        out[f"doc_{key}"] = documents.attach(owner, "invoice", f"facture-{key}.pdf",
                                             io.BytesIO(b"%PDF-1.4\n%test\n"), user)
    return out


def _outbox_message(ctx):
    """A message with an attachment (the purchase order's supplier mail), written once per test."""
    if "message" not in ctx:
        from purchasing.mail.outbox import Attachment, enqueue

        ctx["message"] = enqueue(kind="purchase_order", event_key="access-test", recipient="fournisseur@x.test",
                                 subject="Bon de commande", template="email_changed",
                                 context={"user": ctx["secretary"], "member": None, "old_email": "a@b.test"},
                                 attachments=(Attachment("bc.html", "text/html", b"<p>BC</p>"),))
    return ctx["message"]


def _lifecycle_objects(member_a, member_b):
    from sqlalchemy import select

    from lifecycle.agents import services as agents_services
    from lifecycle.assets import services
    from lifecycle.audits import services as audits_services
    from lifecycle.pool import services as pool_services
    from purchasing.catalogue.models import Category
    from purchasing.extensions import db

    laptop = db.session.scalars(select(Category).where(Category.code == "laptop")).one()
    objects = {}
    for key, member in (("a", member_a), ("b", member_b)):
        objects[f"asset_{key}"] = services.create_asset(member_id=member.id, category=laptop, designation="PC",
                                                        site="Mairie")
        pooled = services.create_asset(member_id=member.id, category=laptop, designation="PC bourse")
        objects[f"listing_{key}"] = pool_services.offer_to_pool(pooled, condition="good", note="", actor=None)
        objects[f"audit_{key}"] = audits_services.start_audit(member.id, "Mairie", None)
        objects[f"agent_token_{key}"], objects[f"agent_secret_{key}"] = agents_services.create_token(member.id, "",
                                                                                                      None)
        # a saved inventory mapping per member (the API's mapping routes, walked by the hostile walk)
        from lifecycle.imports import mapping as mappings

        objects[f"mapping_{key}"] = mappings.save_mapping(
            member.id, "spreadsheet", ["Type", "Désignation"],
            mappings.Mapping(columns={"Type": "category_code", "Désignation": "designation"}))
    return objects


@pytest.fixture
def ctx(make_member, make_user, make_grid, make_offer):
    from datetime import date

    from purchasing.campaigns.services import commit_quantity, create_campaign
    from purchasing.orders.services import add_to_cart, get_cart, submit_order, update_cart
    from purchasing.purchase_orders.services import create_purchase_order

    member_a, member_b = make_member(name="Commune A"), make_member(name="Commune B")
    users = {
        Role.SECRETARY: make_user(role=Role.SECRETARY, member=member_a, email="secretary@a.test"),
        Role.APPROVER: make_user(role=Role.APPROVER, member=member_a, email="approver@a.test"),
        Role.PURCHASING_OFFICER: make_user(role=Role.PURCHASING_OFFICER, email="purchasing_officer@s.test"),
        Role.SUSTAINABILITY_OFFICER: make_user(role=Role.SUSTAINABILITY_OFFICER, email="sustainability_officer@s.test"),
        Role.ADMIN: make_user(role=Role.ADMIN, email="admin@s.test"),
    }
    from tests.tender_helpers import line, make_supplier, make_tender, published_tender, submit

    supplier = make_supplier()
    tender = published_tender("AO-ACCESS")  # deadline passed: closed on first access, bids readable
    bid = submit(tender.lots[0], supplier, [line("ACC-1", "100")])
    draft = make_tender("AO-ACCESS-DRAFT")
    grid = make_grid()
    offer = make_offer(price="100.00")
    today = date.today()
    secretary_b = make_user(role=Role.SECRETARY, member=member_b, email="secretary@b.test")
    orders = {}
    for key, user in (("order_a", users[Role.SECRETARY]), ("order_b", secretary_b), ("order_placed", secretary_b)):
        add_to_cart(user, offer.id, 2, today)
        cart = get_cart(user)
        update_cart(cart, {}, "Mairie", "", today)
        submit_order(cart, user, today)
        orders[key] = cart
    member_b.approval_threshold_ht  # order_b and order_placed are under the threshold: approved
    po = create_purchase_order(offer.contract_id, users[Role.PURCHASING_OFFICER])
    campaign = create_campaign(offer.id, "Portables", today, 1, None, users[Role.PURCHASING_OFFICER], today)
    commitments = {f"commitment_{key}": commit_quantity(campaign, member, 20, today)
                   for key, member in (("a", member_a), ("b", member_b))}
    from purchasing.api.services import issue_token

    token, _secret = issue_token(users[Role.SECRETARY], "script")
    lifecycle_objects = _lifecycle_objects(member_a, member_b)
    from purchasing.extensions import db
    from purchasing.jobs import kinds

    jobs = {"job_a": kinds.start_label_sheet(users[Role.SECRETARY], [lifecycle_objects["asset_a"].id]),
            "job_b": kinds.start_label_sheet(secretary_b, [lifecycle_objects["asset_b"].id])}
    from purchasing.members.models import MemberContact

    contact = MemberContact(member_id=member_a.id, name="Jeanne Martin", role="DGS")
    db.session.add(contact)
    db.session.commit()  # queued at commit; page tests run jobs at once (JOBS_IMMEDIATE)
    return {"member_a": member_a, "member_b": member_b, "secretary": users[Role.SECRETARY], "users": users,
            "supplier": supplier, "tender": tender, "draft": draft, "lot": tender.lots[0], "bid": bid,
            "grid": grid, "offer": offer, "po": po, "campaign": campaign, "token": token, **orders, **commitments,
            **lifecycle_objects, **_documents(lifecycle_objects, {"a": users[Role.SECRETARY], "b": secretary_b}),
            **jobs, "contact": contact}


def _web_endpoints(app) -> set[str]:
    """API routes (``api.*``) have their own access table: tests/api/test_access.py."""
    return {rule.endpoint for rule in app.url_map.iter_rules() if not rule.endpoint.startswith("api.")}


def test_every_route_has_an_access_rule(app):
    endpoints = _web_endpoints(app)
    missing = endpoints - set(ROUTES)
    assert not missing, f"add an access rule to tests/web/test_route_access.py for: {sorted(missing)}"
    stale = set(ROUTES) - endpoints
    assert not stale, f"rules for routes that no longer exist: {sorted(stale)}"


def test_route_methods_match_the_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            continue
        declared = set(ROUTES[rule.endpoint].methods)
        actual = set(rule.methods) - {"HEAD", "OPTIONS"}
        assert actual == declared, f"{rule.endpoint}: {actual} != {declared}"


@pytest.mark.parametrize("endpoint", sorted(e for e, r in ROUTES.items() if r.roles is not None))
def test_anonymous_users_are_sent_to_login(endpoint, client, ctx):
    rule = ROUTES[endpoint]
    url = rule.url(ctx)
    for method in rule.methods:
        response = client.open(url, method=method)
        if method == "POST":
            # CSRF is checked first: no token, no entry.
            assert response.status_code in (302, 400), (endpoint, method, response.status_code)
        else:
            assert response.status_code == 302 and "/login" in response.headers["Location"], endpoint


@pytest.mark.parametrize("role", sorted(ALL))
def test_each_role_gets_its_pages_and_403_elsewhere(role, browser, ctx):
    browser.login(f"{role}@{'a' if role in MEMBER_ROLES else 's'}.test", "password-123")
    for endpoint, rule in ROUTES.items():
        if rule.roles is None or "GET" not in rule.methods:
            continue
        response = browser.get(rule.url(ctx))
        if role in rule.roles:
            assert response.status_code in rule.ok, (endpoint, role, response.status_code)
        else:
            assert response.status_code in (403, 404), (endpoint, role, response.status_code)


@pytest.mark.parametrize("role", sorted(ALL))
def test_wrong_role_cannot_post(role, browser, ctx):
    browser.login(f"{role}@{'a' if role in MEMBER_ROLES else 's'}.test", "password-123")
    for endpoint, rule in ROUTES.items():
        if rule.roles is None or role in rule.roles or "POST" not in rule.methods:
            continue
        response = browser.post_form(rule.url(ctx), {}, page="/")
        assert response.status_code in (403, 404), (endpoint, role, response.status_code)


@pytest.mark.parametrize("role", sorted(MEMBER_ROLES))
def test_member_users_get_404_for_another_members_objects(role, browser, ctx):
    browser.login(f"{role}@a.test", "password-123")
    checked = 0
    for endpoint, rule in ROUTES.items():
        if rule.other_member_url is None:
            continue
        url = rule.other_member_url(ctx)
        if "GET" in rule.methods:
            expected = (404,) if role in rule.roles else (403, 404)
            assert browser.get(url).status_code in expected, (endpoint, role)
        if "POST" in rule.methods:
            assert browser.post_form(url, {}, page="/").status_code in (403, 404), (endpoint, role)
        checked += 1
    assert checked >= 1
