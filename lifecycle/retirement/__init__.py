"""End of life: where a retired asset went (reuse, donation, sale, WEEE, destruction, loss)."""
