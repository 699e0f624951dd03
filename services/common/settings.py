"""Configuration from the environment; every variable a service reads is named here."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", case_sensitive=False, extra="ignore")

    kafka_bootstrap_servers: str = Field(default="127.0.0.1:9092")
    kafka_group_prefix: str = Field(
        default="medbill", description="Consumer groups are <prefix>.<service>."
    )
    kafka_session_timeout_ms: int = Field(default=10_000, ge=1_000)
    kafka_heartbeat_interval_ms: int = Field(default=3_000, ge=100)
    kafka_auto_offset_reset: Literal["earliest", "latest", "none"] = "earliest"
    kafka_max_batch: int = Field(default=500, ge=1, description="Records per consumed batch.")
    kafka_batch_timeout_ms: int = Field(default=50, ge=1)
    kafka_fetch_max_wait_ms: int = Field(
        default=500, ge=0, description="How long the broker may hold a fetch for more data."
    )
    kafka_linger_ms: int = Field(default=5, ge=0)
    # zstd (level 3): a batch of 500 encounter.closed events (1.07 MB) compressed at 831 MB/s
    # to a 15th of its size, where aiokafka's lz4 (always level 9) took 123 MB/s for a 7th;
    # consumers read every codec, so a producer of any of them may share the topics
    kafka_compression: Literal["none", "gzip", "lz4", "snappy", "zstd"] = "zstd"

    database_url: str | None = Field(default=None)
    db_pool_max: int = Field(default=8, ge=2)

    consumer_max_attempts: int = Field(
        default=5,
        ge=1,
        description="Failed tries of one batch before the consumer reports itself unhealthy;"
        " an error that is not transient then halts it until restarted.",
    )
    consumer_max_backoff_s: float = Field(default=5.0, gt=0)
    startup_timeout_s: float = Field(
        default=60.0, gt=0, description="How long a service may take to get its partitions."
    )
    health_interval_s: float = Field(default=2.0, gt=0)

    relay_batch: int = Field(default=1_000, ge=1)
    relay_poll_ms: int = Field(default=200, ge=10)

    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    smtp_from: str = "billing@example.org"
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    smtp_timeout_s: float = 10.0
    # Outcomes are committed in groups of what the connections have ready at once, so the
    # number of connections is also the most outcomes one commit records: 16 records an
    # email in a quarter of the commits 4 cost. Mail servers expect this much from one
    # client: Postfix itself delivers to one destination over up to 20 connections
    # (default_destination_concurrency_limit) and accepts 50 from one client.
    smtp_connections: int = Field(default=16, ge=1, description="Parallel SMTP connections.")
    coding_team_email: str = "coding@example.org"
    notify_max_attempts: int = Field(default=5, ge=1)

    chargemaster_path: str | None = Field(
        default=None, description="A site's own chargemaster CSV; the packaged one otherwise."
    )
    procedure_lexicon_path: str | None = Field(
        default=None,
        description="A site's own procedure lexicon CSV (the coder's); the packaged one otherwise.",
    )
    ncci_ptp_path: str | None = Field(
        default=None,
        description="CMS's NCCI practitioner PTP edits (a ccipra-v*-f*.txt file, or a folder of"
        " the parts), for the coder; the packaged subset otherwise.",
    )
    mue_path: str | None = Field(
        default=None,
        description="CMS's practitioner MUE file (CSV or tab-separated text), for the coder;"
        " the packaged subset otherwise.",
    )
    icd10cm_sets: list[str] = Field(
        default_factory=list,
        description="ICD-10-CM releases the coder loads besides the packaged FY2026 (April"
        " 2026) one, as a JSON list: directories holding CMS's tabular XML and code order file,"
        " or 'tabular.xml,order.txt' pairs; chosen by date of service.",
    )
    icd10cm_uncovered: Literal["flag", "review"] = Field(
        default="flag",
        description="A date of service no loaded ICD-10-CM set covers: 'flag' codes it against"
        " the nearest year's set and says so on the result; 'review' sends it to a coder.",
    )

    log_level: str = "INFO"

    def require_database_url(self) -> str:
        if not self.database_url:
            raise RuntimeError("DATABASE_URL is not set")
        return self.database_url

    def group_id(self, service: str) -> str:
        return f"{self.kafka_group_prefix}.{service}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
