"""Disputes, petitions and consultations: the case store's heart."""
