"""Load bench: simulated residents through the gateway, against bare Rasa (see run.py)."""
