"""The custom actions, served by `python -m rasa_sdk --actions actions` (see bot/launcher)."""

from actions import sdk_compat

sdk_compat.apply()
