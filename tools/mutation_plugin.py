"""pytest plugin for mutation runs only (``[tool.mutmut] pytest_add_cli_args``): empty the pure domain's
``lru_cache`` caches before each test.

Without it, the first test that reads the carbon reference data fills the cache and every later test reads
the cached values: mutmut would record only that first test as covering the functions behind the cache
(``_sources_from_row``, ``_embodied_from_row``…) and run only it against their mutants. With it, every test
computes them again, so mutmut maps each test to them and each mutant is seen by every test that uses it.
"""
from __future__ import annotations

import sys

import pytest

_DOMAIN = ("purchasing.domain", "lifecycle.domain")


@pytest.fixture(autouse=True)
def _fresh_domain_caches():
    for name, module in list(sys.modules.items()):
        if name.startswith(_DOMAIN):
            for value in list(vars(module).values()):
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()
    yield
