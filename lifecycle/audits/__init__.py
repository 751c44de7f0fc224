"""Physical audits of a member's site: tags scanned against the inventory."""
