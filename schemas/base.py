"""The one base of every wire model: tolerant when reading, strict on request.

- Reading (``model_validate_json`` of a consumed message) ignores fields the model does not
  declare, in the envelope and at any depth of ``data``: a producer that adds an optional
  field never breaks an older consumer (the version policy in ``schemas.versions``).
- Writing cannot add an undeclared field: ``model_dump``/``model_dump_json`` emit declared
  fields only (an unknown keyword given to a model in Python is dropped, and the pydantic
  mypy plugin, ``init_forbid_extra``, reports it where the code is type-checked).
- Input a person typed (``medbill publish``) and what our producers emit (tests) are checked
  with ``model_validate_json(raw, extra="forbid")``, which names every unknown field with
  its path (``data.patient.frist_name: Extra inputs are not permitted``).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Model(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
        frozen=True,
        # readers accept what a newer producer may add; said so in the exported JSON Schema
        json_schema_extra={"additionalProperties": True},
    )
