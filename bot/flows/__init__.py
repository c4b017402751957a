"""Flows: what crosses domains, said once (a status change, erasure, a staff reply)."""
