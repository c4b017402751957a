"""Delivery: the outbox dispatcher, which sends due outbox items and follow-ups on the resident's channel."""
