"""Follow-ups: status notices and satisfaction surveys after a case is handled."""
