"""Users, roles and scopes, phone sign-in, tokens, devices, the audit log."""
