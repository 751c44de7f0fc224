"""Home page and global search (issue 15): at national size divided by the same request on the 10k-asset
reference territory. Each home count is one aggregate over its list's query, capped like the lists' counts
(purchasing/pagination.py: count_capped), and each search kind one bounded prefix lookup on an index, so
neither should grow with the territory."""
from __future__ import annotations

from bench.scale.registry import register


def _tag_prefix(bench) -> str:
    """The first 8 characters of a tag present in both databases (e.g. "SDN-2024")."""
    with bench.small.connection() as connection:
        return connection.exec_driver_sql("SELECT tag FROM asset ORDER BY id LIMIT 1").scalar()[:8]


@register("home page, purchasing officer, 1M / 10k (web)", target=1.5)
def home_officer(bench):
    return bench.pair("/")


@register("home page, secretary of the first commune, 1M / 10k (web)", target=1.5)
def home_secretary(bench):
    return bench.pair("/", role="secretary")


@register("home page, sustainability officer, 1M / 10k (web)", target=1.5)
def home_sustainability(bench):
    return bench.pair("/", role="sustainability_officer")


@register("global search by tag prefix, staff, 1M / 10k (web)", target=1.5)
def search_tag_prefix(bench):
    return bench.pair(f"/search?q={_tag_prefix(bench)}")


@register("global search by member name prefix, staff, 1M / 10k (web)", target=1.5)
def search_member_prefix(bench):
    return bench.pair("/search?q=saint")
