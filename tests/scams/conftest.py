"""The console's fixtures, for the scam-warning page."""

from tests.console.conftest import (  # noqa: F401
    add_staff,
    app_client,
    cheap_hashes,
    client,
    console_settings,
    signed_in,
)
