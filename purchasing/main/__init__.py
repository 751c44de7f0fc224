"""Home page, health check."""
