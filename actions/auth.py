"""Only Rasa may call the action server: every call must carry the shared secret.

An action call names its conversation (`sender_id`), and the actions act for that resident: list
their cases, erase their data, issue a guardian code. Anyone who could reach the action server
could make up a tracker for any resident, so every request but `/health` (the gateway's probe)
must carry `X-Shuoshi-Action-Secret` with the secret Rasa sends from endpoints.yml
(`action_endpoint.headers`; Settings.rasa_environment gives it). Without it: 403.

rasa-sdk calls the `attach_sanic_app_extensions` hook of its plugin manager on the Sanic app it
is about to serve; `install()` (run when the `actions` package is loaded, before the server
starts) registers ours, so the check is on however rasa-sdk's server is started.
"""

from __future__ import annotations

import hmac

import pluggy
from rasa_sdk.plugin import plugin_manager
from sanic import HTTPResponse, Request, Sanic, response

from bot.config import load_settings

SECRET_HEADER = "X-Shuoshi-Action-Secret"  # noqa: S105 (a header name, not a secret)
OPEN_PATHS = frozenset({"/health"})

hookimpl = pluggy.HookimplMarker("rasa_sdk")


def require_secret(app: Sanic, secret: str) -> None:
    """Refuses (403) every request to `app` without the secret, except the health probe."""
    expected = secret.encode()

    @app.on_request
    async def check_secret(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS:
            return None
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            return response.json({"error": "the action server answers only Rasa"}, status=403)
        return None


class SharedSecretPlugin:
    @hookimpl
    def attach_sanic_app_extensions(self, app: Sanic) -> None:
        require_secret(app, load_settings().secret("action_secret"))


PLUGIN = SharedSecretPlugin()


def install() -> None:
    manager = plugin_manager()
    if not manager.is_registered(PLUGIN):
        manager.register(PLUGIN)
