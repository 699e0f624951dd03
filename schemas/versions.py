"""The version policy, applied in one place.

- Adding an optional field keeps an event's ``schema_version``: readers ignore what they do
  not know (``schemas.base``), so older consumers go on working.
- Any other change (a field removed, renamed, retyped or made required) is a new
  ``schema_version``. Consumers accept every version they know side by side: each older one
  is validated with its own model and *upcast* to the current model before a handler sees
  it, for as long as producers may still send it.
- A version a consumer does not know is dead-lettered with a reason that names it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from .envelope import Envelope

E = TypeVar("E", bound=Envelope)
_ENVELOPE_KEYS = {("schema_version",), ("event_type",)}


class UnreadableEvent(ValueError):
    """A message this consumer cannot read: the reason names why, never the values."""


@dataclass(frozen=True)
class Reader(Generic[E]):
    """What a consumer of one event type accepts: the current model, plus older versions
    with the upcaster that turns each into the current model."""

    current: type[E]
    older: Mapping[int, tuple[type[BaseModel], Callable[[Any], E]]] = field(default_factory=dict)

    @property
    def versions(self) -> list[int]:
        return sorted({self.current.VERSION, *self.older})

    def read(self, raw: bytes | str) -> E:
        """Parse one message, whatever known version it is; raises ValidationError for a
        message that breaks its version's schema and UnreadableEvent for one of an unknown
        version or another event type."""
        try:
            return self.current.model_validate_json(raw)
        except ValidationError as exc:
            if not any(
                e["loc"][:1] in {("schema_version",), ("event_type",)} for e in exc.errors()
            ):
                raise
            envelope = _peek(raw)
            if envelope is None:
                raise
            event_type, version = envelope
            if event_type != self.current.TYPE:
                raise UnreadableEvent(
                    f"event_type {_shown(event_type)} is not {self.current.TYPE}"
                ) from None
            if version in self.older:
                model, upcast = self.older[version]
                return upcast(model.model_validate_json(raw))
            if version == self.current.VERSION:
                raise
            raise UnreadableEvent(
                f"unknown schema_version {_shown(version)} of {self.current.TYPE}"
                f" (this consumer reads version {', '.join(map(str, self.versions))})"
            ) from None


def _peek(raw: bytes | str) -> tuple[Any, Any] | None:
    try:
        obj = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(obj, dict):
        return None
    return obj.get("event_type"), obj.get("schema_version")


def _shown(value: Any) -> str:
    """An envelope attribute in a reason: short, and only a number or a plain name."""
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int):
        return str(value)
    text = str(value)
    return repr(text[:40]) if text.replace(".", "").replace("-", "").isalnum() else "(invalid)"


_READERS: dict[str, Reader[Any]] = {}


def reader_for(model: type[E]) -> Reader[E]:
    """The reader of `model`'s event type: its registered older versions, if any."""
    return _READERS.get(model.TYPE) or Reader(model)


def register(reader: Reader[Any]) -> None:
    """Declare the older versions of an event type consumers still accept."""
    _READERS[reader.current.TYPE] = reader
