"""Deterministic ids, so a redelivered encounter.coded builds the very same documents."""

from __future__ import annotations

from uuid import UUID, uuid5

BILLER_NAMESPACE = UUID("3f5fa257-74ee-4bea-8611-4518144b67d3")
"""Fixed UUIDv5 namespace of the biller's ids. Never change it: ids already issued depend on it."""


def _name(*parts: str) -> str:
    # Length-prefixed parts stay apart whatever characters the hospital's ids contain
    # ("A:B" + "C" and "A" + "B:C" differ), and cost far less than a JSON array.
    return "".join(f"{len(part)}:{part};" for part in parts)


def _revised(parts: tuple[str, ...], revision: int) -> tuple[str, ...]:
    # revision 0 keeps the name of the ids issued before corrections existed
    return parts if revision == 0 else (*parts, f"rev{revision}")


def claim_id_for(encounter_id: str, revision: int = 0) -> UUID:
    """The id of an encounter's claim: UUIDv5 (RFC 9562) of the encounter id and of how many
    documents the encounter had before it (0 for the original claim).

    At-least-once delivery means the same encounter.coded may arrive twice; both copies
    must build one claim, not two.
    """
    return uuid5(BILLER_NAMESPACE, _name(*_revised(("claim", encounter_id), revision)))


def statement_id_for(account: str, encounter_id: str, revision: int = 0) -> UUID:
    """The id of an encounter's self-pay statement on a patient account (UUIDv5)."""
    return uuid5(BILLER_NAMESPACE, _name(*_revised(("statement", account, encounter_id), revision)))


def rejection_id_for(encounter_id: str, coded_event_id: UUID) -> UUID:
    """The id of the refusal of one coding (one encounter.coded event) of an encounter."""
    return uuid5(BILLER_NAMESPACE, _name("rejection", encounter_id, str(coded_event_id)))
