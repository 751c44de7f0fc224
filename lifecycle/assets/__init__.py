"""Assets: the inventory, tags and labels, receiving delivered lines, placement, warranty, data erasure."""
