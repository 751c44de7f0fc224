"""Inventory agents: the enrolment tokens page (blueprint ``lifecycle``) and the endpoint agents send their
inventories to (blueprint ``agents``, ``/agent/<token>/``: no session, no CSRF, the token is the credential)."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from lifecycle.agents import services
from lifecycle.agents.forms import AgentTokenForm
from lifecycle.agents.models import AgentToken
from lifecycle.assets.views import MANAGE, _import_member_choices, bp
from purchasing.auth import roles_required
from purchasing.domain.errors import N_, DomainError
from purchasing.extensions import csrf, db
from purchasing.scoping import get_scoped_or_404
from purchasing.i18n import error_message

agent_bp = Blueprint("agents", __name__, url_prefix="/agent")
csrf.exempt(agent_bp)


# --- enrolment tokens (pages) ----------------------------------------------------------------------

@bp.route("/agents", methods=["GET", "POST"])
@roles_required(*MANAGE)
def agent_tokens():
    form = AgentTokenForm()
    form.member_id.choices = _import_member_choices()
    secret = None
    status = 200
    if form.validate_on_submit():
        member_id = form.member_id.data if current_user.is_staff else current_user.member_id
        if not member_id:
            form.member_id.errors = [_("Choisissez l'adhérent dont les agents enverront l'inventaire.")]
            status = 422
        else:
            token, secret = services.create_token(member_id, form.name.data or "", current_user)
            db.session.commit()
    elif form.errors:
        status = 422
    server_url = url_for("agents.inventory", secret=secret, _external=True) if secret else None
    tokens = services.member_tokens(None if current_user.is_staff else current_user.member_id)
    return render_template("lifecycle/agents.html", form=form, tokens=tokens, secret=secret,
                           server_url=server_url), status


@bp.post("/agents/<int:token_id>/revoke")
@roles_required(*MANAGE)
def revoke_agent_token(token_id: int):
    token = get_scoped_or_404(AgentToken, token_id)
    services.revoke_token(token, current_user)
    db.session.commit()
    flash(_("Jeton révoqué : les agents qui l'utilisent sont refusés (401)."), "success")
    return redirect(url_for("lifecycle.agent_tokens"))


# --- the agents' endpoint --------------------------------------------------------------------------

@agent_bp.post("/<secret>/")
def inventory(secret: str):
    """PROLOG, then INVENTORY, as the FusionInventory agent sends them (see ``lifecycle.agents.services``)."""
    body = request.get_data(cache=False)
    try:
        token = services.token_for_secret(secret)
        services.take_rate(token, limit=current_app.config["AGENT_RATE_LIMIT"],
                           window_seconds=current_app.config["AGENT_RATE_WINDOW_SECONDS"])
        db.session.commit()  # the request is counted even when the message is refused below
        result = services.handle_message(token, services.decode_message(body))
        db.session.commit()
    except services.AgentRefused as error:
        db.session.rollback()
        return _refusal(error.status, error)
    except DomainError as error:
        db.session.rollback()
        return _refusal(400, error)
    except IntegrityError:  # another token's agent created the same device meanwhile (unique serial)
        db.session.rollback()
        return _refusal(409, DomainError(N_("Un autre envoi a enregistré cet équipement au même moment : l'agent "
                                            "réessaiera au prochain contact."), code="agent_inventory_conflict"))
    if result.query == "PROLOG":
        xml = services.reply_xml(RESPONSE="SEND", PROLOG_FREQ=services.PROLOG_FREQ_HOURS)
    else:
        xml = services.reply_xml(RESPONSE="NO_ACCOUNT_UPDATE")
    data, mimetype = services.encode_reply(xml, body)
    return Response(data, mimetype=mimetype)


def _refusal(status: int, error: DomainError) -> Response:
    """A refusal the agent logs (its status line) and a person reading the answer understands."""
    response = Response(f"{error.code}: {error_message(error)}\n", status=status, mimetype="text/plain")
    response.headers["X-Error-Code"] = error.code
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="agent"'
    return response

