"""The hostile-parameter walk: every route of the app (``flask routes``), hostile values everywhere, no 5xx.

Every route in ``app.url_map`` is walked anonymously and as the roles allowed on it (one member role and
one staff role, from the access tables of tests/web/test_route_access.py and tests/api/test_access.py),
with each hostile value in turn in each path parameter, and in each query or form parameter the view reads.
The parameters a view reads are found by watching it: a first, valid request records every key the view
looks up in ``request.args`` / ``request.form`` (WTForms asks for each field); WALK adds the ones read only
past a first check and a valid form to start from. POST routes get a valid CSRF token. Any 5xx (or an
exception out of a view) fails, with every failing request listed. Slow: ``--run-slow`` or ``RUN_SLOW=1``;
``HOSTILE_WALK_ONLY=lifecycle.,orders.`` walks only the endpoints starting so.
"""
from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit, parse_qsl

import pytest
from flask import Request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.utils import cached_property

from purchasing.accounts.models import Role
from tests.api.test_access import API_ROUTES
from tests.conftest import csrf_from
from tests.web.test_route_access import ROUTES, ctx  # noqa: F401 - the fixture

HOSTILE = [
    "99999999999999999999", "-99999999999999999999", "2147483648", "9223372036854775808", "-1", "0",
    "abc", "1.5", "1e9", "1,5", "NaN", "", " 7 ",
    "\x00", "1\x00", "\r\nSet-Cookie: x=1", "a\rb\nc",
    "A" * 10_240, "9" * 10_240,
    "é€𝟗²٣", "٣", "‮gnp.exe", "'; DROP TABLE member; --", "<script>alert(1)</script>", "../../etc/passwd",
    "//evil.example", "https://evil.example/", "/\\evil.example",
]
#: files sent to every file field (the upload reader must refuse each one cleanly)
HOSTILE_FILES = [
    ("vide.csv", b""), ("nul.csv", b"\x00" * 64), ("zip.xlsx", b"PK\x03\x04" + b"\x00" * 60),
    ("bin.csv", bytes(range(256)) * 8), ("texte.xlsx", b"a;b\n1;2\n"), ("utf16.csv", "a;b\n1;2\n".encode("utf-16")),
    ("ods.ods", b"PK\x03\x04garbage"), ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500),
]
MEMBER_PREFERENCE = (Role.SECRETARY, Role.APPROVER)
STAFF_PREFERENCE = (Role.PURCHASING_OFFICER, Role.ADMIN, Role.SUSTAINABILITY_OFFICER)


@dataclass(frozen=True)
class Walk:
    #: a valid form to start from (a function of the context objects), so that the view reads past its first check
    form: object = None
    #: parameters read only past a first check (query string, form), walked too
    args: tuple = ()
    fields: tuple = ()
    files: tuple = ()
    #: walked anonymously only (it would end the session or needs none)
    anonymous_only: bool = False
    #: log out after each request (a login that succeeds)
    logout_after: bool = False


def _cart_form(c):
    return {"delivery_site_id": "0", "note": "", "action": "save"}


#: every route: a route missing here fails the test (so that a new route is looked at)
WALK: dict[str, Walk] = {
    **{endpoint: Walk() for endpoint in (
        "static", "main.home", "main.health", "main.search", "accounts.account", "accounts.revoke_token",
        "accounts.revoke_user_token", "accounts.users", "accounts.create_user", "accounts.edit_user",
        "members.index", "members.my_member", "members.show", "members.create", "members.edit",
        "members.set_active", "members.identity", "members.add_siret", "members.set_billing_siret", "members.remove_siret",
        "members.add_contact", "members.remove_contact", "members.sites", "members.new_site", "members.edit_site",
        "members.set_site_active", "members.set_default_site", "suppliers.index", "suppliers.create", "suppliers.edit", "tenders.index",
        "tenders.create", "tenders.edit", "tenders.show", "tenders.change_status", "tenders.add_lot",
        "tenders.edit_lot", "tenders.remove_criterion", "tenders.set_criterion", "tenders.price_list_template",
        "tenders.show_bid", "tenders.add_score", "tenders.evaluate", "tenders.evaluation",
        "tenders.evaluation_export", "tenders.show_lot", "tenders.award", "tenders.unsuccessful", "tenders.letter",
        "tenders.copy_criteria",
        "catalogue.index", "catalogue.durability_help", "catalogue.show", "catalogue_admin.edit", "orders.cart",
        "orders.index", "orders.to_approve", "orders.export", "orders.show", "orders.approve", "orders.reject",
        "orders.cancel", "notifications.index", "notifications.mark_read", "pricing.index", "pricing.show",
        "pricing.create", "pricing.transparency", "purchase_orders.index", "purchase_orders.to_place",
        "purchase_orders.show", "purchase_orders.send", "purchase_orders.acknowledge", "purchase_orders.cancel",
        "purchase_orders.delivery", "purchase_orders.print_view", "purchase_orders.export",
        "purchase_orders.pdf", "purchase_orders.order_x",
        "purchase_orders.contracts", "campaigns.index", "campaigns.create", "campaigns.show", "campaigns.commit",
        "campaigns.close", "campaigns.place_orders", "reports.sustainability", "reports.sustainability_xlsx",
        "reports.sustainability_csv", "lifecycle.index", "lifecycle.scan", "lifecycle.show", "lifecycle.barcode",
        "lifecycle.labels", "lifecycle.change_status", "lifecycle.placement", "lifecycle.erasure",
        "lifecycle.offer", "lifecycle.repair", "lifecycle.close_repair", "lifecycle.retire",
        "lifecycle.create_asset", "lifecycle.pool", "lifecycle.claim", "lifecycle.withdraw",
        "lifecycle.confirm_claim", "lifecycle.decline_claim",
        "lifecycle.import_template", "lifecycle.audits", "lifecycle.audit_show", "lifecycle.audit_scan",
        "lifecycle.audit_close", "lifecycle.agent_tokens", "lifecycle.revoke_agent_token",
        # the agents' endpoint: the token in the path is walked; the body is the agent's (tests/lifecycle/test_agents.py)
        "agents.inventory",
        # API (bearer tokens; bodies are Schemathesis' work in CI: here path and query parameters)
        "api.openapi_document", "api.issue_token", "api.me", "api.list_members", "api.get_member", "api.list_member_sites",
        "api.list_products", "api.get_product", "api.create_order", "api.list_orders", "api.get_order",
        "api.submit_order", "api.approve_order", "api.reject_order", "api.cancel_order",
        "api.create_purchase_order", "api.get_purchase_order", "api.send_purchase_order", "api.record_delivery",
        "api.purchase_order_order_x", "api.purchase_order_pdf",
        "api.list_assets", "api.get_asset", "api.record_erasure", "api.offer_asset", "api.list_pool", "api.claim",
        "api.confirm_claim", "api.decline_claim",
        "api.list_tenders", "api.get_tender", "api.sustainability_report",
        # campaign commitments, security log, documents, e-mail and accounts by e-mail, background jobs
        "campaigns.approve_commitment", "campaigns.reject_commitment", "security.log", "purchase_orders.contract",
        "documents.upload", "documents.download", "documents.delete", "lifecycle.warranty",
        "access.forgot_password", "access.reset_password", "access.set_password", "access.confirm_email",
        "access.request_email_change", "access.resend_invitation", "mail.save_preferences", "mail.outbox",
        "mail.show", "mail.html_body", "mail.attachment", "jobs.index", "jobs.show", "jobs.status", "jobs.result",
        "jobs.start_label_sheet", "jobs.start_orders_export", "jobs.start_report_export",
        "api.list_documents", "api.document_content", "api.upload_document", "api.get_notification_preferences",
        "api.put_notification_preferences", "api.list_jobs", "api.get_job", "api.job_result",
        "api.start_inventory_import", "api.start_report_export",
        # DECP publication, lot CPV codes, AGEC declaration
        "decp.index", "decp.download", "decp.publish", "decp.set_notification", "decp.add_modification",
        "tenders.set_cpv", "reports.agec_declaration", "reports.agec_csv", "api.decp_file",
        "syndicate.identity", "syndicate.site_merges",
        # inventory import: the mapping step, saved mappings
        "lifecycle.import_mapping", "api.list_inventory_mappings", "api.get_inventory_mapping",
        "api.update_inventory_mapping", "api.delete_inventory_mapping",
        # grouped campaigns through the API
        "api.list_campaigns", "api.get_campaign", "api.put_commitment", "api.close_campaign",
        # list exports (issue 15): the list's filters in the query string, walked as the list page's
        "lifecycle.export_inventory", "lifecycle.export_pool", "lifecycle.export_audits", "tenders.export_tenders",
        "purchase_orders.export_contracts", "purchase_orders.export_purchase_orders", "members.export_members",
        "orders.export_orders", "orders.export_orders_to_approve", "campaigns.export_campaigns",
        "suppliers.export_suppliers", "accounts.export_users", "catalogue.export_catalogue",
    )},
    # read only after a successful login; the session ends: anonymous only
    # its own user: the wrong passwords of the walk lock that account
    "accounts.login": Walk(form=lambda c: {"email": "walker@a.test", "password": "password-123"},
                           args=("next",), anonymous_only=True, logout_after=True),
    "accounts.logout": Walk(anonymous_only=True),
    "accounts.set_language": Walk(form=lambda c: {"locale": "fr"}, fields=("next",)),
    "orders.add_to_cart": Walk(form=lambda c: {"offer_id": str(c["offer"].id), "quantity": "1"}),
    # quantities are read only from a valid form, one field per line of the cart
    "orders.update_cart": Walk(form=_cart_form, fields=("qty-{line}",)),
    "purchase_orders.create": Walk(form=lambda c: {"contract_id": str(c["offer"].contract_id)}),
    "lifecycle.claim": Walk(form=lambda c: {"member_id": str(c["member_a"].id)}),
    "lifecycle.decline_claim": Walk(form=lambda c: {"decline-reason": "Promis à l'école"}),
    "lifecycle.import_inventory": Walk(form=lambda c: {"member_id": str(c["member_a"].id), "dry_run": "y"},
                                       files=("file",)),
    "tenders.upload_bid": Walk(form=lambda c: {"supplier_id": str(c["supplier"].id)}, files=("price_list",)),
}

# --- watching which parameters a view reads --------------------------------------------------------

_READ = {"args": set(), "form": set()}


class _Recording:
    """``request.args`` / ``request.form`` that remember every key a view asks for."""

    where = ""

    def __getitem__(self, key):
        _READ[self.where].add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        _READ[self.where].add(key)
        return super().__contains__(key)

    def get(self, key, default=None, type=None):  # noqa: A002 - Werkzeug's signature
        _READ[self.where].add(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):  # noqa: A002
        _READ[self.where].add(key)
        return super().getlist(key, type)


class _RecordingForm(_Recording, ImmutableMultiDict):
    where = "form"


class _RecordingArgs(_Recording, ImmutableMultiDict):
    where = "args"


class _RecordingRequest(Request):
    parameter_storage_class = _RecordingForm  # form and files

    @cached_property
    def args(self):
        return _RecordingArgs(parse_qsl(self.query_string.decode(), keep_blank_values=True,
                                        errors="werkzeug.url_quote"))


# --- the walk -----------------------------------------------------------------------------------------

_PARAM = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


def _rule_path(rule, values: dict) -> str:
    return _PARAM.sub(lambda m: quote(str(values[m.group(2)]), safe=""), rule.rule)


class Walker:
    def __init__(self, app, client, ctx):
        self.app, self.client, self.ctx = app, client, ctx
        self.failures: list[str] = []
        self.requests = 0
        self.token: str | None = None
        self.csrf: str | None = None
        self.anonymous = True
        self.logout_after = False

    # one request; a 5xx or an exception out of the app is a failure, listed at the end
    def send(self, method, path, query=(), form=None, files=None, label=""):
        url = path + (("?" + "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in query)) if query else "")
        kwargs = {}
        if self.token:
            kwargs["headers"] = {"Authorization": f"Bearer {self.token}"}
        if method == "POST":
            if path.startswith("/api/"):
                kwargs["json"] = {}
            else:
                data = {"csrf_token": self.csrf or "", **(form or {})}
                if files:
                    data.update(files)
                    kwargs["content_type"] = "multipart/form-data"
                kwargs["data"] = data
        self.requests += 1
        try:
            response = self.client.open(url, method=method, **kwargs)
            if self.requests % 2000 == 0:
                print(f"  {self.requests} requests, {len(self.failures)} server errors", flush=True)
        except Exception as error:  # noqa: BLE001 - every server error is listed, with the request
            self.failures.append(f"{label} {method} {url[:200]!r} form={str(form)[:200]} -> "
                                 f"{type(error).__name__}: {str(error)[:300]}")
            return None
        response.close()  # static files: the file handle
        if response.status_code >= 500:
            self.failures.append(f"{label} {method} {url[:200]!r} form={str(form)[:200]} -> {response.status_code}")
        if self.logout_after:
            self.refresh_csrf()
            self.client.post("/logout", data={"csrf_token": self.csrf or ""})
            self.refresh_csrf()
        return response

    def refresh_csrf(self):
        """The session's CSRF token, from a page of whoever is logged in (it changes at login and logout)."""
        self.csrf = None
        for page in ("/account", "/login"):
            response = self.client.get(page)
            if response.status_code == 200:
                self.csrf = csrf_from(response.get_data(as_text=True))
                return

    def walk_route(self, rule, method, valid_url: str, walk: Walk, label: str):
        parts = urlsplit(valid_url)
        adapter = self.app.url_map.bind("localhost")
        _endpoint, path_values = adapter.match(parts.path, method=method)
        path_values = {k: v for k, v in path_values.items()}
        base_query = parse_qsl(parts.query, keep_blank_values=True)
        base_form = dict(walk.form(self.ctx) if callable(walk.form) else (walk.form or {}))
        self.logout_after = walk.logout_after and method == "POST"
        path = _rule_path(rule, path_values) if rule.arguments else parts.path
        # the first, valid request tells which parameters the view reads
        for seen in _READ.values():
            seen.clear()
        self.send(method, path, base_query, base_form if method == "POST" else None, label=label)
        query_names = {k for k, _v in base_query} | set(walk.args) | _READ["args"]
        form_names = (set(walk.fields) | _READ["form"]) - {"csrf_token"} if method == "POST" else set()
        form_names = {self._expand(name) for name in form_names} - {None}
        for name in rule.arguments:
            for value in HOSTILE:
                hostile_path = _rule_path(rule, {**path_values, name: value})
                self.send(method, hostile_path, base_query, base_form if method == "POST" else None, label=label)
        for name in sorted(query_names):
            for value in HOSTILE:
                query = [(k, v) for k, v in base_query if k != name] + [(name, value)]
                self.send(method, path, query, base_form if method == "POST" else None, label=label)
        if method == "POST":
            for name in sorted(form_names - set(walk.files)):
                for value in HOSTILE:
                    self.send(method, path, base_query, {**base_form, name: value}, label=label)
                self.refresh_csrf()
            for name in walk.files:
                for filename, content in HOSTILE_FILES:
                    self.send(method, path, base_query, base_form, files={name: (io.BytesIO(content), filename)},
                              label=label)
            self.refresh_csrf()

    def _expand(self, name: str):
        if "{line}" not in name:
            return name
        from purchasing.orders.services import get_cart

        cart = get_cart(self.ctx["secretary"])
        return name.format(line=cart.lines[0].id) if cart is not None and cart.lines else None


def _roles_for(allowed) -> list:
    if allowed is None:
        return []
    picked = [next((r for r in MEMBER_PREFERENCE if r in allowed), None),
              next((r for r in STAFF_PREFERENCE if r in allowed), None)]
    return [r for r in picked if r is not None]


def _email(role) -> str:
    return f"{role}@{'a' if role in (Role.SECRETARY, Role.APPROVER) else 's'}.test"


def _plan(app):
    """(rule, method, table rule) for every route and method, web then API."""
    plan = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint):
        table = _table(rule.endpoint)
        for method in sorted(set(rule.methods) - {"HEAD", "OPTIONS"}):
            plan.append((rule, method, table))
    return plan


def test_every_route_is_in_the_walk_table(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = endpoints - set(WALK)
    assert not missing, f"add the route to WALK in tests/web/test_hostile_parameters.py: {sorted(missing)}"
    assert not set(WALK) - endpoints, f"stale WALK entries: {sorted(set(WALK) - endpoints)}"


def _table(endpoint):
    return API_ROUTES.get(endpoint) if endpoint.startswith("api.") else ROUTES.get(endpoint)


def _walk_groups() -> list[tuple[str, str]]:
    """(role or "anonymous", blueprint): one test each, so that one test's transaction stays small.

    The whole walk in one rolled-back transaction holds a lock per written savepoint: PostgreSQL runs out
    of lock slots (max_locks_per_transaction) long before the walk ends.
    """
    groups = set()
    for endpoint, walk in WALK.items():
        table = _table(endpoint)
        if table is None:
            continue
        blueprint = endpoint.split(".")[0]
        groups.add(("anonymous", blueprint))
        if not walk.anonymous_only:
            groups.update((str(role), blueprint) for role in _roles_for(table.roles))
    return sorted(groups)


@pytest.mark.slow
@pytest.mark.parametrize("role, blueprint", _walk_groups())
def test_hostile_parameters_never_give_a_server_error(role, blueprint, app, client, ctx, monkeypatch, make_user):
    from purchasing.api.services import issue_token

    make_user(role=Role.SECRETARY, member=ctx["member_a"], email="walker@a.test")
    monkeypatch.setattr(app, "request_class", _RecordingRequest)
    # HOSTILE_WALK_ONLY=lifecycle.,orders.add: walk only these endpoints (while fixing one)
    only = tuple(p for p in os.environ.get("HOSTILE_WALK_ONLY", "").split(",") if p)
    walker = Walker(app, client, ctx)
    role = None if role == "anonymous" else Role(role)
    walker.anonymous = role is None
    token = None
    if role is not None:
        walker.refresh_csrf()
        response = client.post("/login", data={"csrf_token": walker.csrf, "email": _email(role),
                                               "password": "password-123"})
        assert response.status_code == 302, role
        token = issue_token(ctx["users"][role], "walk")[1]
    walker.refresh_csrf()
    for rule, method, table in _plan(app):
        if rule.endpoint.split(".")[0] != blueprint or (only and not rule.endpoint.startswith(only)):
            continue
        walk = WALK[rule.endpoint]
        if role is not None and (walk.anonymous_only or role not in _roles_for(table.roles)):
            continue
        walker.token = token if rule.endpoint.startswith("api.") else None
        walker.walk_route(rule, method, table.url(ctx), walk, label=f"[{role or 'anonymous'}] {rule.endpoint}")
    print(f"hostile walk [{role or 'anonymous'}] {blueprint}: {walker.requests} requests, "
          f"{len(walker.failures)} server errors")
    by_route: dict[str, list[str]] = {}
    for failure in walker.failures:
        by_route.setdefault(failure.split(" ", 2)[1], []).append(failure)
    assert not walker.failures, f"{len(walker.failures)} server errors on {len(by_route)} routes:\n" + "\n".join(
        f"{route} ({len(items)}×), e.g. {items[0][:600]}" for route, items in sorted(by_route.items()))
