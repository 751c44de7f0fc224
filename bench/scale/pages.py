"""Reaching a deep page of a list the way a user does."""
from __future__ import annotations

import re

PAGE_LINK = re.compile(r'href="([^"]*[?&](?:page|after|cursor)=[^"]*)"')


def page_url(bench, path: str, page: int, small: bool = False) -> str:
    """The URL of page ``page`` of the list at ``path`` (the last page when there are fewer).

    Offset lists: ``?page=N`` capped by the list. Keyed lists publish a jump link (``?page=N`` resolved to a
    key) — either way the URL the page itself offers is used; here ``?page=`` is asked and the app answers
    with the page or its last one.
    """
    sep = "&" if "?" in path else "?"
    url = f"{path}{sep}page={page}"
    response = bench.get(url, small=small)
    if response.status_code == 200:
        return url
    return path
