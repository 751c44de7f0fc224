"""Members' orders: cart (a draft order), submission, approval, placement, delivery."""
