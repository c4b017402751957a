"""The one place settings come from: environment variables (nested with `__`) and `var/`.

Every other module receives a `Settings` object; nothing else reads `os.environ`. Secrets that
are not given as settings are generated once and kept in `var/secrets.json` (git-ignored), so a
fresh clone runs without any configuration.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_DIR = Path(__file__).resolve().parents[1]


PLACEHOLDER = "CHANGE-ME"
MIN_SECRET_LENGTH = 32
# The settings (as environment variables) that are keys and shared secrets.
_SECRET_SETTINGS = frozenset(
    {
        "RASA__TOKEN",
        "RELAY__SECRET",
        "RELAY__PAYLOAD_KEY",
        "CONSOLE__SECRET",
        "ACTIONS__SECRET",
        "GATEWAY__IDENTITY_KEY",
        "TELEGRAM__SECRET_TOKEN",
        "WECHAT__APP_SECRET",
        "WECHAT__AES_KEY",
    }
)


class InsecureSettings(ValueError):
    """A setting that must not be used outside development."""


class RasaSettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = 5005
    # Token for Rasa's HTTP API (`--auth-token`), used for trigger_intent.
    token: SecretStr | None = None
    model_dir: Path = Path("models")
    # The Rasa venv (Python 3.10); scripts/bootstrap.sh creates it.
    venv: Path = Path(".venv-rasa")
    # Seconds to wait for one reply. An idle Rasa answers in a fraction of a second, but a burst
    # queues in front of it: with 200 messages in flight on 2 cores the last wait ~20 s
    # (docs/load.md). Past this the resident is told the service is busy.
    timeout: float = 60.0
    # Requests one gateway has open at one Rasa instance at a time; the rest wait in the gateway
    # (the wait counts towards `timeout`). Rasa works through messages one at a time on one core,
    # so more in flight only adds connections to juggle on both sides (docs/load.md).
    max_in_flight: int = Field(default=8, ge=1)
    # Several Rasa instances (base URLs, e.g. ["http://10.0.0.5:5005", "http://10.0.0.6:5005"]):
    # each conversation always goes to the same one (open-source Rasa's lock store cannot share a
    # conversation between instances). Empty: the one at host:port.
    instances: list[str] = []

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def urls(self) -> list[str]:
        return [url.rstrip("/") for url in self.instances] or [self.url]


class ActionsSettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = 5055
    # Shared secret Rasa sends to the action server with every call (endpoints.yml's headers);
    # the action server refuses a call without it (actions/server.py).
    secret: SecretStr | None = None
    # Seconds the gateway takes the action server as up after a probe found it up. Every turn
    # needs it up (Rasa would go on without the actions' effects), so a message is held back
    # with a "busy" reply when it is down; a server that goes down is noticed within this time,
    # or at once by a turn that comes back empty. 0: probe before every turn.
    alive_for: float = Field(default=0.5, ge=0)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"


class GatewaySettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = 8000
    # Longest text a resident may send in one message, in characters.
    max_text_length: int = 2000
    # Messages one resident may send in a minute before getting a polite "slow down".
    rate_limit_per_minute: int = 20
    # Key that signs the web-chat resident's cookie (the gateway issues the id, docs/security.md).
    identity_key: SecretStr | None = None
    # Send the web-chat cookie only over HTTPS: turn on wherever the page is served over HTTPS
    # (directly or behind a TLS-terminating proxy).
    cookie_secure: bool = False
    # Days a browser keeps its web-chat identity (renewed on every visit).
    cookie_days: int = 365
    # Addresses (or networks, "10.0.0.0/8") of the reverse proxies in front of the gateway: only
    # a request from one of them may say, in X-Forwarded-For, whom it came from. Empty: trust no
    # one, the client is the connection's peer (bot/client_address.py).
    trusted_proxies: list[str] = []
    # Requests one client address may make in a minute, shared by every gateway (bot.limits).
    # Generous: many residents share a carrier's address. A program with an API key is exempt.
    chat_per_address_per_minute: int = 120
    pending_per_address_per_minute: int = 120
    scam_check_per_address_per_minute: int = 30


class RelaySettings(BaseModel):
    # Shared secret between the gateway and Rasa's relay input channel.
    secret: SecretStr | None = None
    # Key that signs the button payloads the assistant issues.
    payload_key: SecretStr | None = None


class DatabaseSettings(BaseModel):
    # SQLAlchemy URL of the case store; SQLite under var/ when unset.
    url: str | None = None
    echo: bool = False


class TrackerSettings(BaseModel):
    """Rasa's SQL tracker store (Rasa's own SQLAlchemy 1.4 and psycopg2 connect to it)."""

    # SQLAlchemy URL, e.g. postgresql://rasa:pw@db:5432/rasa; SQLite under var/ when unset.
    url: SecretStr | None = None


class TelegramSettings(BaseModel):
    token: SecretStr | None = None
    mode: Literal["polling", "webhook"] = "polling"
    webhook_url: str | None = None
    secret_token: SecretStr | None = None
    # Points python-telegram-bot at another Bot API server (a local fake in tests).
    base_url: str | None = None
    # Telegram's bot-wide limit on messages per second; the outbox dispatchers of every gateway
    # share it through the store (bot.outbox.budget). Conversation replies are not counted.
    sends_per_second: int = Field(default=30, ge=1)


class WechatSettings(BaseModel):
    """A WeChat Official Account (公众号); the channel is on when app_id, app_secret and token are set."""

    app_id: str | None = None
    app_secret: SecretStr | None = None
    # The server URL's token (3-32 letters and digits), as entered in the account's settings.
    token: SecretStr | None = None
    # The 43-character EncodingAESKey: set it for the encrypted (safe) mode, which every push
    # must then use; unset, pushes come in plain text (signed, but the body is not).
    aes_key: SecretStr | None = None
    # WeChat's API; a local fake in tests.
    api_base_url: str = "https://api.weixin.qq.com"
    # Template messages for what the assistant sends after the 48-hour window has closed: outbox
    # kind (status_notice, survey, survey_reminder, staff_reply, scam_alert, guardian_notice) →
    # template id. A kind without one cannot reach a resident who has not written for 48 hours;
    # staff see such items as failed, with the reason.
    templates: dict[str, str] = {}

    @property
    def enabled(self) -> bool:
        return bool(self.app_id and self.app_secret and self.token)


class ConsoleSettings(BaseModel):
    """The staff console at /console."""

    # Key that signs the console's session cookies and CSRF tokens.
    secret: SecretStr | None = None
    # A signed-in session lasts this long, however busy.
    session_hours: float = 10.0
    # Failed sign-ins (docs/console.md, "Signing in"): after this many failures for one username
    # from one address, each further try must wait a delay that doubles with every failure,
    # from `lockout_first_delay_seconds` up to `lockout_minutes`. Tries made while waiting are
    # refused unchecked and not counted. A success, or `lockout_forget_hours`, starts afresh.
    lockout_failures: int = 5
    # The same for all failures from one address (any username) ...
    lockout_failures_per_address: int = 20
    # ... and for all failures for one username from addresses it has never signed in from;
    # this delay stops at `lockout_user_max_delay_seconds`, so that no one can keep an account
    # (`admin`) out: its owner signing in from a known address never waits for it.
    lockout_failures_per_user: int = 10
    lockout_user_max_delay_seconds: int = 60
    lockout_first_delay_seconds: int = 2
    lockout_minutes: int = 15
    lockout_forget_hours: int = 24
    # Sign-in tries (right or wrong) one address may make in a minute, shared by every gateway.
    sign_in_per_address_per_minute: int = 30
    # Days a bearer token for /api/staff lasts (`shuoshi staff token USER`).
    token_days: int = 90
    # Send cookies only over HTTPS; turn on wherever the console is served over HTTPS.
    cookie_secure: bool = False


class TranscriptSettings(BaseModel):
    # Days a message not tied to a case is kept; messages of a case stay with the case.
    retention_days: int = 180


class AttachmentSettings(BaseModel):
    """Where the files residents send are kept (bot.cases.attachment_store)."""

    # "database": in the case store (table attachment_files), which every gateway reads and every
    # backup holds. "directory": files under `directory` (one machine only, or a shared volume).
    store: Literal["database", "directory"] = "database"
    # For the "directory" store, and where files of installations before 0014 lie (moved into the
    # case store by `shuoshi attachments migrate`); relative paths are under var/.
    directory: Path = Path("attachments")


class DispatcherSettings(BaseModel):
    """The outbox dispatcher that runs inside the gateway."""

    enabled: bool = True
    # Seconds between passes over the outbox.
    interval: float = 2.0


class DistrictSettings(BaseModel):
    # YAML profile of the district; the bundled Datong profile when unset.
    profile: Path | None = None


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_nested_delimiter="__", extra="ignore")

    project_dir: Path = PROJECT_DIR
    var_dir: Path = PROJECT_DIR / "var"
    log_level: str = "INFO"
    # Outside development the installation refuses to start with a placeholder or short secret
    # (`check_secrets`); the deployment files set "production".
    deployment: Literal["development", "production"] = "development"

    rasa: RasaSettings = RasaSettings()
    actions: ActionsSettings = ActionsSettings()
    gateway: GatewaySettings = GatewaySettings()
    relay: RelaySettings = RelaySettings()
    database: DatabaseSettings = DatabaseSettings()
    tracker: TrackerSettings = TrackerSettings()
    telegram: TelegramSettings = TelegramSettings()
    wechat: WechatSettings = WechatSettings()
    dispatcher: DispatcherSettings = DispatcherSettings()
    transcript: TranscriptSettings = TranscriptSettings()
    district: DistrictSettings = DistrictSettings()
    console: ConsoleSettings = ConsoleSettings()
    attachments: AttachmentSettings = AttachmentSettings()

    @property
    def database_url(self) -> str:
        return self.database.url or f"sqlite:///{self.var_dir / 'shuoshi.db'}"

    @property
    def attachments_dir(self) -> Path:
        directory = self.attachments.directory
        return directory if directory.is_absolute() else self.var_dir / directory

    def path(self, relative: Path) -> Path:
        """A setting's path, relative ones taken from the project directory."""
        return relative if relative.is_absolute() else self.project_dir / relative

    @property
    def model_dir(self) -> Path:
        return self.path(self.rasa.model_dir)

    @property
    def rasa_executable(self) -> Path:
        return self.path(self.rasa.venv) / "bin" / "rasa"

    @property
    def rasa_python(self) -> Path:
        return self.path(self.rasa.venv) / "bin" / "python"

    def secret(self, name: str) -> str:
        """A generated secret's value; `with_secrets()` must have filled it."""
        value = {
            "relay_secret": self.relay.secret,
            "payload_key": self.relay.payload_key,
            "rasa_token": self.rasa.token,
            "console_secret": self.console.secret,
            "action_secret": self.actions.secret,
            "identity_key": self.gateway.identity_key,
        }[name]
        if value is None:
            raise RuntimeError(f"secret {name} is not set; load settings with load_settings()")
        return value.get_secret_value()

    def check_secrets(self) -> None:
        """Refuses, outside development, a secret that is a placeholder (`CHANGE-ME`) or shorter
        than MIN_SECRET_LENGTH characters, naming the setting (never its value)."""
        if self.deployment == "development":
            return
        weak = [
            name
            for name, value in _flatten(self, prefix="").items()
            if PLACEHOLDER in value.upper() or (name in _SECRET_SETTINGS and len(value) < MIN_SECRET_LENGTH)
        ]
        if weak:
            raise InsecureSettings(
                f"refusing to start: {', '.join(sorted(weak))} "
                f"{'is' if len(weak) == 1 else 'are'} a placeholder or shorter than {MIN_SECRET_LENGTH}"
                " characters; generate one with: python -c 'import secrets; print(secrets.token_urlsafe(32))'"
            )

    def with_secrets(self) -> Settings:
        """These settings with every secret not given filled from `var/secrets.json`; outside
        development, weak secrets stop here (`check_secrets`)."""
        self.check_secrets()
        stored = _stored_secrets(self.var_dir)
        return self.model_copy(
            update={
                "relay": self.relay.model_copy(
                    update={
                        "secret": self.relay.secret or SecretStr(stored["relay_secret"]),
                        "payload_key": self.relay.payload_key or SecretStr(stored["payload_key"]),
                    }
                ),
                "rasa": self.rasa.model_copy(
                    update={"token": self.rasa.token or SecretStr(stored["rasa_token"])}
                ),
                "telegram": self.telegram.model_copy(
                    update={
                        "secret_token": self.telegram.secret_token or SecretStr(stored["telegram_secret"])
                    }
                ),
                "console": self.console.model_copy(
                    update={"secret": self.console.secret or SecretStr(stored["console_secret"])}
                ),
                "actions": self.actions.model_copy(
                    update={"secret": self.actions.secret or SecretStr(stored["action_secret"])}
                ),
                "gateway": self.gateway.model_copy(
                    update={"identity_key": self.gateway.identity_key or SecretStr(stored["identity_key"])}
                ),
            }
        )

    @property
    def tracker_url(self) -> str:
        if self.tracker.url is not None:
            return self.tracker.url.get_secret_value()
        return f"sqlite:///{self.var_dir / 'tracker.db'}"

    def as_environment(self) -> dict[str, str]:
        """These settings as the environment variables that would produce them.

        Child processes (action server, gateway) get them, so they run with exactly the settings
        and secrets of the process that started them.
        """
        return _flatten(self, prefix="")

    def child_environment(self) -> dict[str, str]:
        return {**inherited_environment(), **self.as_environment(), "PYTHONPATH": str(self.project_dir)}

    def rasa_environment(self) -> dict[str, str]:
        """Environment of the Rasa server: `endpoints.yml` and `credentials.yml` read these."""
        return {
            **inherited_environment(),
            "PYTHONPATH": str(self.project_dir),
            "RASA_TELEMETRY_ENABLED": "false",
            "SHUOSHI_ACTION_URL": f"{self.actions.url}/webhook",
            "SHUOSHI_RELAY_SECRET": self.secret("relay_secret"),
            "SHUOSHI_ACTION_SECRET": self.secret("action_secret"),
            "SHUOSHI_TRACKER_URL": self.tracker_url,
        }


def _flatten(model: BaseModel, *, prefix: str) -> dict[str, str]:
    env: dict[str, str] = {}
    for name in type(model).model_fields:
        value = getattr(model, name)
        key = f"{prefix}{name}".upper()
        if isinstance(value, BaseModel):
            env.update(_flatten(value, prefix=f"{key}__"))
        elif isinstance(value, SecretStr):
            env[key] = value.get_secret_value()
        elif isinstance(value, list | dict):
            env[key] = json.dumps(value)  # pydantic-settings reads complex values as JSON
        elif value is not None:
            env[key] = str(value)
    return env


def inherited_environment() -> dict[str, str]:
    """This process's environment, for a child process: settings pass on by inheritance."""
    return dict(os.environ)


_SECRET_NAMES = (
    "relay_secret",
    "payload_key",
    "rasa_token",
    "telegram_secret",
    "console_secret",
    "action_secret",
    "identity_key",
)


def _stored_secrets(var_dir: Path) -> dict[str, str]:
    path = var_dir / "secrets.json"
    stored: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
    if all(name in stored for name in _SECRET_NAMES):
        return stored
    # Processes that start at once (two migrate jobs, the launcher's children) take turns, so they
    # all end up with the same secrets: the first writes them, the others read what it wrote.
    var_dir.mkdir(parents=True, exist_ok=True)
    with open(var_dir / "secrets.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        stored = json.loads(path.read_text()) if path.exists() else {}
        missing = [name for name in _SECRET_NAMES if name not in stored]
        if missing:
            stored.update({name: secrets.token_urlsafe(32) for name in missing})
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps(stored, indent=2))
            tmp.chmod(0o600)
            tmp.replace(path)
    return stored


@lru_cache
def load_settings() -> Settings:
    """The process's settings, secrets included (cached: settings do not change while running)."""
    return Settings().with_secrets()
