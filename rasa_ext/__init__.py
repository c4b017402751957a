"""Code that the Rasa server loads (Rasa's venv, Python 3.10). It imports nothing but Rasa."""
