"""In-app notifications page and the unread count shown in the header."""
from __future__ import annotations

from flask import Blueprint, Flask, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from purchasing.extensions import db
from purchasing.notifications import services
from purchasing.pagination import paginate

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.get("/")
@login_required
def index():
    pagination = paginate(services.for_user(current_user))
    return render_template("notifications/index.html", pagination=pagination, form=FlaskForm())


@bp.post("/read")
@login_required
def mark_read():
    if not FlaskForm().validate_on_submit():
        return redirect(url_for("notifications.index"))
    services.mark_all_read(current_user)
    db.session.commit()
    flash(_("Notifications marquées comme lues."), "success")
    return redirect(url_for("notifications.index"))


def init_app(app: Flask) -> None:
    @app.context_processor
    def inject_unread_count():
        if not getattr(current_user, "is_authenticated", False):
            return {"unread_notifications": 0}
        return {"unread_notifications": services.unread_count(current_user)}
