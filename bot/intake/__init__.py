"""Guided intake: what the dispute and petition dialogues ask, how answers are read and checked,
and what the resident is told (summaries, receipts, their cases, which route suits a problem).

The actions in actions/intake.py and actions/cases.py are thin adapters over this package.
"""
