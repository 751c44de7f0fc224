"""National-scale bench: generator, registry of measures, runner (``python bench/national.py``).

Each ``measures_*.py`` module of this package registers its measures with :func:`registry.register`;
the runner imports every such module, so a new measure is one new module (or one new function), no shared
file to edit.
"""
