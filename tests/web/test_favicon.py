"""Every page names its icon, and the icon is served (no 404 in the browser's console)."""
from __future__ import annotations

import re


def test_pages_link_an_icon_that_is_served(client):
    page = client.get("/login").get_data(as_text=True)
    match = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page)
    assert match, "no icon link on the page"
    icon = client.get(match.group(1))
    assert icon.status_code == 200
    assert icon.mimetype == "image/svg+xml"
    assert b"<title>Parc commun</title>" in icon.data
    icon.close()
