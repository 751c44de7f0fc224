"""Flat lists (issue 14, item 3): each list page at national size divided by the same page on the 10k-asset
reference territory (same generator, same seed, 1 % of the sizes), staff user (the whole territory)."""
from __future__ import annotations

from bench.scale.registry import register


def _category(bench) -> int:
    """A device category present in both databases (the migrations seed the same categories)."""
    with bench.big.connection() as connection:
        return connection.exec_driver_sql(
            "SELECT category_id FROM asset GROUP BY category_id ORDER BY COUNT(*) DESC LIMIT 1").scalar()


def _category_code(bench) -> str:
    with bench.big.connection() as connection:
        return connection.exec_driver_sql(
            f"SELECT code FROM category WHERE id = {_category(bench)}").scalar()


@register("staff inventory page 1, 1M / 10k (web)", target=1.5)
def inventory_page_1(bench):
    return bench.pair("/lifecycle/")


@register("staff inventory page 2000, 1M / 10k (web)", target=1.5,
          notes="the 10k reference has fewer than 2000 pages: its last page is the divisor")
def inventory_page_2000(bench):
    return bench.pair(_deep_page(bench, small=False), small_path=_deep_page(bench, small=True))


def _deep_page(bench, small: bool) -> str:
    from bench.scale import pages

    return pages.deep_page_url(bench, 2000, small=small)


@register("inventory filtered (status + category), 1M / 10k (web)", target=1.5)
def inventory_filtered(bench):
    return bench.pair(f"/lifecycle/?status=in_service&category_id={_category(bench)}")


@register("/api/v1/assets page 1, 1M / 10k", target=1.5)
def api_assets(bench):
    return bench.pair("/api/v1/assets", api=True)


@register("/api/v1/assets filtered (status + category), 1M / 10k", target=1.5)
def api_assets_filtered(bench):
    return bench.pair(f"/api/v1/assets?status=in_service&category={_category_code(bench)}", api=True)


@register("purchase orders \"to place\", 12,500 / 125 approved orders", target=1.5)
def to_place(bench):
    return bench.pair("/purchase-orders/to-place")


@register("orders list (staff), 200k / 2k orders", target=1.5)
def orders_list(bench):
    return bench.pair("/orders/")


@register("purchase orders list, national / reference", target=1.5)
def purchase_orders_list(bench):
    return bench.pair("/purchase-orders/")


@register("reuse pool page 1, national / reference", target=1.5)
def pool_list(bench):
    return bench.pair("/lifecycle/pool")
