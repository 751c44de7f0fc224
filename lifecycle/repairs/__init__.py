"""Repairs and refurbishment of assets, in the internal workshop or at a partner."""
