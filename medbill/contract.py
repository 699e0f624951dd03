"""Writes the contract files (`medbill schemas export`): one JSON Schema per event type and
version, and the AsyncAPI document FastStream generates from the three services. A test
compares them with the models. It lives here, not in `schemas/`: the contract depends on
nothing, and the AsyncAPI document needs the services."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import schemas
from schemas import EVENT_MODELS

GENERATED_DIR = Path(schemas.__file__).parent / "generated"
POLICY = (
    "Consumers are tolerant readers: they ignore fields they do not know, in the envelope and"
    " at any depth of `data` (every schema allows additional properties). Producers are"
    " strict: they emit only declared fields. Adding an optional field keeps an event's"
    " schema_version; any other change is a new schema_version, which consumers accept side"
    " by side with the older ones (upcasting them) for a deprecation period. A message of a"
    " schema_version a consumer does not know goes to `<topic>.dlq` with a reason naming it."
)


def json_schemas() -> dict[str, dict[str, Any]]:
    """File name -> JSON Schema of what a consumer accepts, e.g. encounter.closed.v1.json."""
    return {
        f"{m.TYPE}.v{m.VERSION}.json": {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"urn:medbill:event:{m.TYPE}:v{m.VERSION}",
            "description": f"{(m.__doc__ or m.__name__).strip()} {POLICY}",
            **{
                k: v
                for k, v in m.model_json_schema(mode="validation").items()
                if k != "description"
            },
        }
        for m in EVENT_MODELS
    }


def asyncapi() -> dict[str, Any]:
    from faststream.specification import AsyncAPI

    from services.biller.main import build as biller
    from services.coder.main import build as coder
    from services.common.settings import Settings
    from services.notifier.main import build as notifier

    settings = Settings(kafka_bootstrap_servers="kafka:9092")
    brokers = [build(settings).broker for build in (coder, biller, notifier)]
    spec = AsyncAPI(
        *brokers,
        title="medbill events",
        version="1.0.0",
        description="Encounters in; codes, claims, statements and notifications out. " + POLICY,
        schema_version="3.0.0",
    )
    return spec.to_specification().to_jsonable()


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def all_files() -> dict[str, str]:
    files = {f"json/{name}": render(schema) for name, schema in json_schemas().items()}
    files["asyncapi.json"] = render(asyncapi())
    return files


def export_all(out: Path = GENERATED_DIR) -> list[Path]:
    written = []
    for name, text in all_files().items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        written.append(path)
    return written
