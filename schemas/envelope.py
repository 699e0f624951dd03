"""The envelope every event shares (CloudEvents-style attribute names where they fit)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar, Self
from uuid import UUID, uuid4

from pydantic import Field

from .base import Model
from .values import UtcDatetime


class Envelope(Model):
    """Common envelope. Subclasses pin `event_type`, `schema_version` and the `data` model.

    A tolerant reader (see schemas.base): attributes a newer producer adds are ignored."""

    TYPE: ClassVar[str]
    VERSION: ClassVar[int] = 1

    event_id: UUID = Field(
        default_factory=uuid4,
        description="Unique id of this event; consumers deduplicate on it.",
        examples=["8a6e0804-2bd0-4672-b79d-d97027f9071a"],
    )
    event_type: str = Field(description="Event type name, e.g. encounter.closed.")
    schema_version: int = Field(description="Version of this event type's data schema.")
    occurred_at: UtcDatetime = Field(
        default_factory=lambda: datetime.now(UTC),
        description="When the fact happened, timezone-aware UTC.",
        examples=["2026-11-02T15:04:05Z"],
    )
    source: str = Field(
        description="Producer of the event (CloudEvents `source`).", examples=["medbill/coder"]
    )
    correlation_id: str = Field(
        description="The encounter id, carried through the whole chain.", examples=["ENC-100234"]
    )
    causation_id: UUID | None = Field(
        default=None, description="event_id of the event that caused this one, if any."
    )
    data: Any

    @classmethod
    def create(
        cls,
        data: Any,
        *,
        source: str,
        correlation_id: str,
        causation_id: UUID | None = None,
        **extra: Any,
    ) -> Self:
        return cls(
            event_type=cls.TYPE,
            schema_version=cls.VERSION,
            source=source,
            correlation_id=correlation_id,
            causation_id=causation_id,
            data=data,
            **extra,
        )
