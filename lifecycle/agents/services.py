"""Agent enrolment tokens and the inventories agents send (the OCS/FusionInventory XML protocol).

The protocol, as the FusionInventory agent 2.6 speaks it (``FusionInventory::Agent::HTTP::Client::OCS``): every
message is a POST of an XML ``REQUEST`` compressed with zlib (``Content-Type: application/x-compress-zlib``;
gzip ``application/x-compress-gzip`` or plain ``application/xml`` with ``--no-compression``). The first is
``<QUERY>PROLOG</QUERY>`` with the agent's ``DEVICEID``; the server answers a ``REPLY`` (compressed the same way)
whose ``<RESPONSE>SEND</RESPONSE>`` asks for an inventory and ``<PROLOG_FREQ>`` (hours) sets the next contact.
The agent then POSTs ``<QUERY>INVENTORY</QUERY>`` with ``CONTENT``; any ``REPLY`` acknowledges it.
"""
from __future__ import annotations

import gzip
import secrets
import zlib
from dataclasses import dataclass
from datetime import timedelta

import pandas as pd
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from lifecycle.agents.models import AgentToken
from lifecycle.imports import matching
from lifecycle.imports import services as imports
from lifecycle.imports.columns import CANONICAL_NAMES
from lifecycle.imports.sources import agent_xml
from purchasing.api.services import hash_token
from purchasing.db_types import utcnow
from purchasing.domain.errors import N_, DomainError
from purchasing.extensions import db
from purchasing.scoping import member_scope

#: an inventory is a few hundred kB; refuse decompressing beyond this (a zlib bomb)
MAX_MESSAGE_BYTES = 20 * 1024 * 1024
PROLOG_FREQ_HOURS = 24


class AgentRefused(DomainError):
    """The agent's request is refused; ``status`` is the HTTP status to answer."""

    def __init__(self, message: str, *, code: str, status: int, params: dict | None = None):
        super().__init__(message, code=code, params=params)
        self.status = status


# --- tokens --------------------------------------------------------------------------------------

def create_token(member_id: int, name: str, actor) -> tuple[AgentToken, str]:
    """A new enrolment token of the member: the row, and the secret (shown once, never stored)."""
    secret = secrets.token_urlsafe(24)
    token = AgentToken(member_id=member_id, name=(name or "").strip()[:100], token_hash=hash_token(secret),
                       prefix=secret[:6], created_by_id=getattr(actor, "id", None), created_dt=utcnow())
    db.session.add(token)
    db.session.flush()
    return token, secret


def member_tokens(member_id: int | None) -> list[AgentToken]:
    stmt = member_scope(select(AgentToken), AgentToken).options(joinedload(AgentToken.member)).order_by(AgentToken.revoked_dt.is_not(None),
                                                                 AgentToken.id.desc())
    if member_id:
        stmt = stmt.where(AgentToken.member_id == member_id)
    return list(db.session.scalars(stmt.limit(200)))


def revoke_token(token: AgentToken, actor) -> None:
    if token.revoked_dt is None:
        token.revoked_dt = utcnow()
        token.revoked_by_id = getattr(actor, "id", None)
        db.session.flush()


def token_for_secret(secret: str) -> AgentToken:
    """The active token of this secret; unknown or revoked: 401."""
    if not secret or len(secret) > 100:
        raise AgentRefused(N_("Jeton d'agent inconnu."), code="agent_token_unknown", status=401)
    token = db.session.scalars(select(AgentToken).where(AgentToken.token_hash == hash_token(secret))).first()
    if token is None:
        raise AgentRefused(N_("Jeton d'agent inconnu."), code="agent_token_unknown", status=401)
    if token.revoked_dt is not None:
        raise AgentRefused(N_("Ce jeton d'agent a été révoqué."), code="agent_token_revoked", status=401)
    if not token.member.is_active:
        raise AgentRefused(N_("L'adhérent de ce jeton n'est plus actif."), code="agent_member_inactive", status=401)
    return token


def take_rate(token: AgentToken, *, limit: int, window_seconds: int) -> None:
    """Count one request of the token in its window (conditional UPDATEs: concurrent requests cannot exceed it)."""
    now = utcnow()
    db.session.execute(update(AgentToken).where(
        AgentToken.id == token.id,
        (AgentToken.window_start_dt.is_(None)) | (AgentToken.window_start_dt < now - timedelta(seconds=window_seconds))
    ).values(window_start_dt=now, window_count=0).execution_options(synchronize_session=False))
    taken = db.session.execute(update(AgentToken).where(AgentToken.id == token.id, AgentToken.window_count < limit)
                               .values(window_count=AgentToken.window_count + 1, last_used_dt=now)
                               .execution_options(synchronize_session=False)).rowcount
    if not taken:
        raise AgentRefused(N_("Trop de requêtes pour ce jeton d'agent : réessayez plus tard."), code="agent_rate_limited",
                           status=429)


# --- messages ------------------------------------------------------------------------------------

def decode_message(body: bytes) -> bytes:
    """The XML of an agent's message: zlib (RFC 1950), gzip (RFC 1952) or plain, at most MAX_MESSAGE_BYTES."""
    if not body:
        raise AgentRefused(N_("Message vide."), code="agent_message_empty", status=400)
    try:
        if body[:1] == b"\x78":
            inflater = zlib.decompressobj()
            data = inflater.decompress(body, MAX_MESSAGE_BYTES + 1)
        elif body[:3] == b"\x1f\x8b\x08":
            inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            data = inflater.decompress(body, MAX_MESSAGE_BYTES + 1)
        else:
            data = body
    except zlib.error as error:
        raise AgentRefused(N_("Message compressé illisible."), code="agent_message_corrupted", status=400) from error
    if len(data) > MAX_MESSAGE_BYTES:
        raise AgentRefused(N_("Message trop volumineux."), code="agent_message_too_large", status=413)
    return data


def encode_reply(xml: str, request_body: bytes) -> tuple[bytes, str]:
    """The reply, compressed as the request was (the agent's OCS client uncompresses zlib, gzip or plain)."""
    data = xml.encode("utf-8")
    if request_body[:1] == b"\x78":
        return zlib.compress(data), "application/x-compress-zlib"
    if request_body[:3] == b"\x1f\x8b\x08":
        return gzip.compress(data), "application/x-compress-gzip"
    return data, "application/xml"


def reply_xml(**fields) -> str:
    inner = "".join(f"<{name}>{value}</{name}>" for name, value in fields.items())
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<REPLY>{inner}</REPLY>\n'


@dataclass
class AgentResult:
    query: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def handle_message(token: AgentToken, xml: bytes) -> AgentResult:
    """PROLOG: nothing written. INVENTORY: the device's asset created or updated as a stage-4 import (flush only).

    A refused inventory (another member's serial, a bad value) raises DomainError: nothing is written."""
    root = agent_xml._parse(xml)
    query = agent_xml._text(root, "QUERY").upper()
    if query == "PROLOG":
        return AgentResult("PROLOG")
    if query != "INVENTORY":
        raise AgentRefused(N_("Requête d'agent non prise en charge « %(query)s »."),
                           params={"query": query[:40]}, code="agent_query_unsupported",
                           status=400)
    content = agent_xml._content(root)
    if content is None:
        raise AgentRefused(N_("Inventaire sans élément CONTENT."), code="inventory_xml_not_inventory", status=400)
    rows = agent_xml.computer_rows(content, agent_xml._text(root, "DEVICEID"))
    # one inventory of a token at a time (PostgreSQL row lock until commit): two sends of one new machine
    # cannot both create it; the second waits, then matches what the first created
    db.session.execute(select(AgentToken.id).where(AgentToken.id == token.id).with_for_update())
    now = utcnow()
    for row in rows:
        row.setdefault("last_inventory_dt", now.isoformat())
    plan = plan_rows(token.member_id, rows)
    matching.apply_plan(plan, None, filename=f"agent:{token.prefix}", source="agent", contact_dt=now)
    token.inventories = (token.inventories or 0) + 1
    db.session.flush()
    return AgentResult("INVENTORY", len(plan.create), len(plan.update), len(plan.unchanged))


def plan_rows(member_id: int, rows: list[dict]) -> matching.MatchPlan:
    """Stages 3 and 4 on canonical rows (a source already read): typed, matched; refused as a whole on an error."""
    frame = pd.DataFrame([{c: str(r.get(c) or "") for c in CANONICAL_NAMES} for r in rows], columns=CANONICAL_NAMES)
    for column in imports.COLUMN_NAMES:
        if column not in frame.columns:
            frame[column] = ""
    typed, errors = imports.validate(frame)
    plan = matching.plan_import(member_id, typed)
    problems = [(e.row, e.column, e.reason) for e in errors] + [(e.row, e.column, e.reason) for e in plan.errors]
    if problems:
        raise AgentRefused(N_("Inventaire refusé : %(problems)s"),
                           params={"problems": " ; ".join(f"{column} : {reason}" for _row, column, reason in problems[:5])},
                           code="agent_inventory_refused", status=409)
    return plan

