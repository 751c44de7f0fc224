"""DECP publication of the syndicate's framework contracts (données essentielles de la commande publique)."""
