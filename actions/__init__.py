"""The custom actions, served by `python -m rasa_sdk --actions actions` (see bot/launcher)."""

from actions import auth, sdk_compat

sdk_compat.apply()
auth.install()  # every call must carry Rasa's shared secret (actions/auth.py)
