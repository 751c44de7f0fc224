"""The reuse pool between members: offers, claims (the first wins), withdrawals."""
