"""Users, roles, API tokens and staff sessions."""
