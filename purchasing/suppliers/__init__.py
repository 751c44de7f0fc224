"""Suppliers: the companies that bid in tenders and hold framework contracts."""
