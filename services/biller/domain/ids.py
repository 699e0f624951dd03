"""Deterministic ids, so a redelivered encounter.coded builds the very same claim or statement."""

from __future__ import annotations

from uuid import UUID, uuid5

BILLER_NAMESPACE = UUID("3f5fa257-74ee-4bea-8611-4518144b67d3")
"""Fixed UUIDv5 namespace of the biller's ids. Never change it: ids already issued depend on it."""


def _name(*parts: str) -> str:
    # Length-prefixed parts stay apart whatever characters the hospital's ids contain
    # ("A:B" + "C" and "A" + "B:C" differ), and cost far less than a JSON array.
    return "".join(f"{len(part)}:{part};" for part in parts)


def claim_id_for(encounter_id: str) -> UUID:
    """The claim id of an encounter's original claim: UUIDv5 (RFC 9562) of the encounter id.

    At-least-once delivery means the same encounter.coded may arrive twice; both copies
    must build one claim, not two.
    """
    return uuid5(BILLER_NAMESPACE, _name("claim", encounter_id))


def statement_id_for(account: str, encounter_id: str) -> UUID:
    """The statement id for an encounter's self-pay statement on a patient account (UUIDv5)."""
    return uuid5(BILLER_NAMESPACE, _name("statement", account, encounter_id))
