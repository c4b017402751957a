"""Staff accounts: who they are, how they sign in (sessions, API tokens, lockout), the audit log."""
