"""Settings from the environment (EXIGENT_ prefix); production refuses placeholder secrets."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from fastapi import Depends, Request
from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRETS = frozenset({"", "changeme", "change-me", "secret", "dev-secret-key"})
DEV_SECRET = "dev-secret-key"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="EXIGENT_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = "sqlite:///./var/exigent.db"
    secret_key: str = DEV_SECRET
    file_store: Path = Path("./var/files")
    # Derived data that is rebuilt when missing (the directory index); safe to delete.
    cache_dir: Path = Path("./var/cache")
    max_upload_bytes: int = Field(default=25 * 1024 * 1024, gt=0)
    # Every body that is not a multipart upload (JSON, a form without files): only multipart
    # carries files, so the rest is held to a much smaller size, and JSON to a nesting depth.
    max_json_bytes: int = Field(default=2 * 1024 * 1024, gt=0)
    max_json_depth: int = Field(default=64, gt=0)
    # Intake per submitting account, over a sliding window: beyond the allowance an emergency
    # is still accepted but flagged for review; anything else is refused with 429.
    intake_window_seconds: int = Field(default=3600, gt=0)
    intake_limit_unverified: int = Field(default=10, gt=0)
    intake_limit_verified: int = Field(default=100, gt=0)
    session_hours: int = Field(default=12, gt=0)
    # Staff second factor: "required" refuses a staff sign-in without an authenticator app;
    # "if_enrolled" asks for it only from those who set one up. Unset: required in production.
    staff_second_factor: Literal["required", "if_enrolled"] | None = None
    worker_poll_seconds: float = Field(default=5.0, gt=0)
    embedded_worker: bool = True
    base_url: str = "http://127.0.0.1:8000"
    # Outgoing mail (account confirmation, user notice). Development points at a local relay.
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(default=1025, gt=0, lt=65536)
    smtp_starttls: bool = False
    smtp_username: str | None = None
    smtp_password: str | None = None
    mail_from: str = "Exigent <ert@exigent.invalid>"
    # The platform's user data: which adapter reads it, and the demo adapter's store.
    platform_adapter: str = "demo"
    platform_store: Path = Path("./var/platform.db")
    # How the platform is named to law enforcement on cover letters.
    platform_name: str = "Exigent Demo Platform"
    # The response team's 24/7 line, shown on every portal page and the emergency form: an
    # officer whose case cannot wait for the form must be able to call. The default is the
    # demo's (555-01xx numbers are reserved for fiction); set the real one in production.
    team_phone: str = "+1 650 555 0142"
    # On call: the head of the team (an account's email), paged by policies that name the
    # head and whenever nobody else can be reached; unset, everyone in leadership is.
    oncall_head_email: str | None = None
    # The secret PagerDuty signs its V3 webhooks with (acknowledge and resolve come back);
    # unset, the webhook refuses everything.
    pagerduty_webhook_secret: str | None = None
    # How long a one-time acknowledge link in a page stays usable.
    oncall_ack_link_hours: int = Field(default=24, gt=0)
    # Productions: where packages are built, and how long a delivery link stays usable.
    production_dir: Path | None = None
    delivery_link_hours: int = Field(default=72, gt=0)
    # Transparency reports: whether preservation requests count toward totals (unset: each
    # layout's publisher's rule, TikTok yes, Google no), and the band national security
    # process is reported in (0: not reported; 250 or 500 as 50 U.S.C. 1874(a) allows).
    transparency_preservation_in_totals: bool | None = None
    transparency_national_security_band: Literal[0, 250, 500] = 0
    # Before a preservation hold expires, the case's assignee is reminded this many days ahead.
    preservation_reminder_days: int = Field(default=14, gt=0)
    # On call: the hosts a Slack, webhook or PagerDuty address may point at. An entry is a
    # host name ("hooks.slack.com") or, starting with a dot, every host under a domain
    # (".example.com"). Plain http and private addresses are refused unless listed here;
    # 127.0.0.1 and localhost may use http (local receivers, the demo); in production only
    # when listed here.
    oncall_webhook_hosts: list[str] = [
        "hooks.slack.com",
        "events.pagerduty.com",
        "events.eu.pagerduty.com",
    ]
    # Where PagerDuty events go (Events API v2); a test points it at a local receiver.
    pagerduty_events_url: str = "https://events.pagerduty.com/v2/enqueue"
    # NCMEC's CyberTipline reporting API (`.../ispws`), with the credentials NCMEC issues.
    # No default address: until one is set nothing is ever sent, and tests point it at a
    # local fake server.
    ncmec_api_url: str | None = None
    ncmec_username: str | None = None
    ncmec_password: SecretStr | None = None
    ncmec_timeout_seconds: float = Field(default=30.0, gt=0)
    # An incoming shift lead who has not acknowledged the hand-off brief this many minutes
    # after the hand-over is chased: the escalation goes to the leads (paging, once there).
    handoff_ack_minutes: int = Field(default=15, gt=0)

    @model_validator(mode="after")
    def refuse_placeholder_secrets(self) -> Settings:
        if self.environment == "production" and self.secret_key.lower() in PLACEHOLDER_SECRETS:
            raise ValueError(
                "EXIGENT_SECRET_KEY is a placeholder; set a long random value in production"
            )
        if self.environment == "production" and len(self.secret_key) < 32:
            raise ValueError("EXIGENT_SECRET_KEY must be at least 32 characters in production")
        return self

    @property
    def staff_second_factor_required(self) -> bool:
        if self.staff_second_factor is None:
            return self.environment == "production"
        return self.staff_second_factor == "required"

    @property
    def productions_root(self) -> Path:
        return self.production_dir or self.file_store / "productions"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


async def app_settings(request: Request) -> Settings:
    """The running application's settings (set on `app.state` by `create_app`, which may have
    been given its own, as tests do), not the environment's."""
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(app_settings)]
