"""The floor of the catalogue page bench: a minimal Flask + Jinja app rendering the same rows from memory.

Started by ``bench/catalogue_bench.py`` under gunicorn with the same settings as the real app:
``gunicorn "bench.catalogue_floor:create_app()"``. The rows (what the catalogue page's table shows, already
formatted: the text a user reads) are read once at start from the JSON file named by ``CATALOGUE_FLOOR_ROWS``;
each request renders them through one Jinja template (autoescaped) as an HTML table. No database, no session,
no login: what is left of the real page once everything but rendering its rows is taken away.

``/hello`` answers a bare "hello" (the issue's "bare hello page", for context).
"""
from __future__ import annotations

import json
import os

from flask import Flask

TEMPLATE = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Catalogue</title></head><body><main>
<h1>Catalogue</h1>
<table class="table">
  <caption>Produits du catalogue</caption>
  <thead><tr><th scope="col">Produit</th><th scope="col">Catégorie</th><th scope="col">État</th>
    <th scope="col" class="num">Réparabilité /10</th><th scope="col" class="num">À partir de (HT)</th>
    <th scope="col" class="num">kgCO2e par an</th><th scope="col" class="num">Coût par an (HT)</th></tr></thead>
  <tbody>
  {%- for r in rows %}
    <tr><td><a href="{{ r.href }}">{{ r.name }}</a><br><span class="muted">{{ r.ref }}</span></td>
      <td>{{ r.category }}</td><td>{{ r.condition }}</td><td class="num">{{ r.repairability }}</td>
      <td class="num">{{ r.price }}</td><td class="num">{{ r.kgco2e }}</td><td class="num">{{ r.cost }}</td></tr>
  {%- endfor %}
  </tbody>
</table>
</main></body></html>"""


def create_app() -> Flask:
    with open(os.environ["CATALOGUE_FLOOR_ROWS"], encoding="utf-8") as handle:
        rows = json.load(handle)
    app = Flask(__name__)
    template = app.jinja_env.from_string(TEMPLATE)  # compiled once, as Flask caches the real app's templates

    @app.get("/catalogue/")
    def catalogue():
        return template.render(rows=rows)

    @app.get("/hello")
    def hello():
        return "hello"

    @app.get("/healthz")
    def healthz():
        return "ok"

    return app
