"""The staff console (/console) and the staff JSON API (/api/staff)."""
