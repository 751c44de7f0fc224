"""The lifecycle's blueprint ``lifecycle`` (pages under /lifecycle/), its routes from every area's views.

The blueprint object is defined in lifecycle/assets/views.py; the agents, pool, repairs, retirement, imports and
audits views add their routes to it (endpoint names unchanged: ``lifecycle.pool``, ``lifecycle.audit_show``…).
Importing this module loads them all, before the application registers the blueprint.
"""
from lifecycle.agents import views as agents_views
from lifecycle.assets.views import bp
from lifecycle.audits import views as audits_views
from lifecycle.imports import cli as imports_cli  # noqa: F401 - `flask lifecycle import`
from lifecycle.imports import views as imports_views
from lifecycle.pool import periodic as pool_periodic  # noqa: F401 - hourly confirmation, `flask lifecycle pool-confirm-due`
from lifecycle.pool import views as pool_views
from lifecycle.repairs import views as repairs_views
from lifecycle.retirement import views as retirement_views

AREA_VIEWS = (agents_views, audits_views, imports_views, pool_views, repairs_views, retirement_views)

__all__ = ["AREA_VIEWS", "bp"]
