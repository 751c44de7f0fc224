"""The sustainability report: indicators, their loaders, exports, charts and pages."""
