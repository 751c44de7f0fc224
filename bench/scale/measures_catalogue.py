"""The catalogue page's throughput (issue 14, item 6): req/s under gunicorn ÷ a minimal Flask + Jinja page.

Through ``bench/catalogue_bench.py`` (its docstring says how): the generated database's secretary signs in on
a gunicorn with 2 sync workers and 4 client processes send the catalogue page requests; then the same against
``bench/catalogue_floor.py`` rendering the same rows from memory with the same gunicorn settings. Unlike the
other measures it runs servers (the real app's own process model), not the test client.
"""
from __future__ import annotations

from bench.scale.registry import register

REQUESTS = 600


@register("catalogue page req/s (gunicorn, 2 workers) ÷ minimal Flask+Jinja page, same rows", target=0.5,
          compare="min", unit="req/s", notes="ratio ≥ target: the real page's share of the floor's throughput")
def catalogue_throughput(bench):
    from bench.catalogue_bench import measure
    from bench.scale.generate import BENCH_PASSWORD, staff_email

    result = measure(bench.url, staff_email("secretary"), BENCH_PASSWORD, requests=REQUESTS, clients=4, workers=2,
                     log=lambda _line: None)
    bench.notes.append(
        f"{bench.dialect}: catalogue page {result['page']:.1f} req/s ({result['page_cpu_ms']:.2f} ms server CPU per "
        f"request), floor (same {result['rows']} rows from memory) {result['floor']:.1f} req/s "
        f"({result['floor_cpu_ms']:.2f} ms), bare hello page {result['hello']:.1f} req/s ({result['hello_cpu_ms']:.2f} ms)")
    return result["page"], result["floor"]
