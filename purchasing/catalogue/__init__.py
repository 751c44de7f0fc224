"""The catalogue: categories, products and the offers under framework contracts."""
