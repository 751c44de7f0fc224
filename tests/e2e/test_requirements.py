"""The browser tools are there: skipped with the reason on a machine without them, a failure under CI.

This module imports nothing from Playwright, so it is collected (and reports) even where the
journeys cannot be.
"""


def test_browser_tools_are_installed(e2e_requirements):
    pass
