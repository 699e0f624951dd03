"""The one base of every wire model: tolerant when reading, strict when writing.

- Reading (``model_validate_json`` of a consumed message) ignores fields the model does not
  declare, in the envelope and at any depth of ``data``: a producer that adds an optional
  field never breaks an older consumer (the version policy in ``schemas.versions``).
- Writing is strict: building a model in Python (``Model(...)``, ``model_validate(dict)``)
  with a field it does not declare raises, and ``model_dump``/``model_dump_json`` emit
  declared fields only, so a producer cannot put an undeclared field on the wire.
- JSON a person typed (``medbill publish``) is checked with ``context=STRICT``, which names
  every unknown field, so a misspelling is reported rather than silently dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationInfo, model_validator
from pydantic_core import PydanticCustomError

STRICT: Mapping[str, str] = MappingProxyType({"unknown_fields": "forbid"})
"""Validation context that refuses fields a model does not declare (at any depth)."""


TOLERANT: Mapping[str, str] = MappingProxyType({"unknown_fields": "ignore"})
"""Validation context that reads Python data (not JSON) as a consumer would."""


def _is_strict(info: ValidationInfo) -> bool:
    context = info.context
    wanted = context.get("unknown_fields") if isinstance(context, Mapping) else None
    if wanted is not None:
        return wanted == "forbid"
    return info.mode == "python"  # JSON is read tolerantly; Python objects are built strictly


class Model(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
        frozen=True,
        # readers accept what a newer producer may add; said so in the exported JSON Schema
        json_schema_extra={"additionalProperties": True},
    )

    @model_validator(mode="before")
    @classmethod
    def _no_unknown_fields_when_strict(cls, data: Any, info: ValidationInfo) -> Any:
        if not isinstance(data, dict) or not _is_strict(info):
            return data
        declared = cls.model_fields.keys()
        unknown = sorted(str(k) for k in data if k not in declared)
        if unknown:
            raise PydanticCustomError(
                "unknown_field",
                "unknown field(s) {fields}: not part of this model (misspelled?)",
                {"fields": ", ".join(repr(name) for name in unknown)},
            )
        return data
