"""The case store's plumbing: declarative base, engines and sessions, Alembic migrations."""
