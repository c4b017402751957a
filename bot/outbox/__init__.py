"""Everything the assistant sends on its own (surveys, status notices, staff replies, alerts)."""
