"""The security log: who signed in or failed to, lockouts, tokens, role and password changes."""
