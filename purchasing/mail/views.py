"""The administrator's "E-mails envoyés" pages (the outbox: what was or will be sent) and the user's
notification preferences (a form on "Mon compte")."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from purchasing.accounts.models import Role
from purchasing.auth import roles_required
from purchasing.extensions import db
from purchasing.mail import services
from purchasing.mail.forms import STATUS_LABELS, OutboxFilterForm, chosen_frequencies, preferences_form
from purchasing.navigation import register
from purchasing.pagination import paginate

bp = Blueprint("mail", __name__)
register("mail.outbox", _l("E-mails envoyés"), {Role.ADMIN}, order=95)


@bp.get("/admin/emails/")
@roles_required(Role.ADMIN)
def outbox():
    form = OutboxFilterForm(request.args)
    form.validate()
    pagination = paginate(services.outbox_query(form.status.data or None))
    return render_template("mail/outbox.html", pagination=pagination, form=form, status_labels=STATUS_LABELS,
                           configured=services.mail_configured())


@bp.get("/admin/emails/<int:message_id>")
@roles_required(Role.ADMIN)
def show(message_id: int):
    message = services.get_message(message_id) or abort(404)
    return render_template("mail/show.html", message=message, status_labels=STATUS_LABELS,
                           hidden=services.body_hidden(message))


@bp.get("/admin/emails/<int:message_id>/html")
@roles_required(Role.ADMIN)
def html_body(message_id: int):
    """The HTML version, in a sandbox (no script, no form, no same-origin access)."""
    message = services.get_message(message_id) or abort(404)
    if services.body_hidden(message):
        abort(404)
    response = Response(message.html_body, mimetype="text/html")
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"  # shown unstyled
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/admin/emails/<int:message_id>/attachments/<int:attachment_id>")
@roles_required(Role.ADMIN)
def attachment(message_id: int, attachment_id: int):
    item = services.get_attachment(message_id, attachment_id) or abort(404)
    response = Response(item.data, mimetype="application/octet-stream")
    response.headers["Content-Disposition"] = f'attachment; filename="{services.safe_filename(item.filename)}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/account/notifications")
@login_required
def save_preferences():
    form = preferences_form(current_user, request.form)
    if not form.validate_on_submit():
        flash(_("Choix non enregistrés : rechargez la page et recommencez."), "error")
        return redirect(url_for("accounts.account"))
    services.save_preferences(current_user, chosen_frequencies(form, current_user))
    db.session.commit()
    flash(_("Vos choix de notifications par e-mail sont enregistrés."), "success")
    return redirect(url_for("accounts.account") + "#notifications-title")


def account_context(user) -> dict:
    """What "Mon compte" shows of e-mail: the preferences form."""
    return {"preferences_form": preferences_form(user), "mail_configured": current_app.config.get("MAIL_SERVER")}
