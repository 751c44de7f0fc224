"""Users, roles, login and the administration of users."""
