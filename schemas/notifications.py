"""notification.sent and notification.failed."""

from __future__ import annotations

from typing import ClassVar, Literal
from uuid import UUID

from pydantic import Field

from .envelope import Envelope
from .parties import Model
from .values import UtcDatetime

Channel = Literal["email", "webhook"]
Audience = Literal["patient", "coding_team", "billing_office", "subscriber"]


class NotificationData(Model):
    notification_id: UUID
    channel: Channel
    audience: Audience
    template: str = Field(examples=["statement-ready"])
    recipient: str = Field(description="Masked address, e.g. a***@example.org.")
    subject_event_id: UUID = Field(description="The event this notification is about.")
    subject_event_type: str
    attempts: int = Field(ge=1)


class NotificationSentData(NotificationData):
    sent_at: UtcDatetime


class NotificationFailedData(NotificationData):
    failed_at: UtcDatetime
    error: str
    permanent: bool = Field(description="False when it will be retried.")


class NotificationSent(Envelope):
    TYPE: ClassVar[str] = "notification.sent"
    event_type: Literal["notification.sent"] = "notification.sent"
    schema_version: Literal[1] = 1
    data: NotificationSentData


class NotificationFailed(Envelope):
    TYPE: ClassVar[str] = "notification.failed"
    event_type: Literal["notification.failed"] = "notification.failed"
    schema_version: Literal[1] = 1
    data: NotificationFailedData
