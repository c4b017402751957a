"""Residents: who writes to the assistant, on which channels, and what they agreed to."""
