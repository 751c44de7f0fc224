"""Home page by role and a health check for load balancers."""
from __future__ import annotations

from flask import Blueprint, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import text

from purchasing.accounts.forms import ROLE_LABELS
from purchasing.extensions import db
from purchasing.main import dashboard
from purchasing.main import search as search_service

bp = Blueprint("main", __name__)


@bp.get("/")
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login"))
    return render_template("main/home.html", role_label=ROLE_LABELS.get(current_user.role, current_user.role),
                           counts=dashboard.counts_for(current_user), notices=dashboard.notices_for(current_user))


@bp.get("/search")
@login_required
def search():
    """The header's search box (GET, works without script): grouped, bounded, within the user's scope."""
    results = search_service.search(request.args.get("q"), current_user)
    return render_template("main/search.html", results=results, min_length=search_service.MIN_LENGTH,
                           per_kind=search_service.PER_KIND), 422 if results.problem else 200


@bp.get("/healthz")
def health():
    db.session.execute(text("SELECT 1"))
    return jsonify(status="ok")
