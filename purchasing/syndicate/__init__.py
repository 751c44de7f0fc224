"""The syndicate's own identity (the buyer on purchase orders, DECP, AGEC): one record the administrator edits."""
