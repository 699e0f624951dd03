"""Money in the biller's domain: US dollars as Decimal, whole cents."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

TWO_PLACES = Decimal("0.01")
ZERO = Decimal("0.00")


def to_money(amount: Decimal) -> Decimal:
    """Round to whole cents, half up: the rounding US billing uses for a charge."""
    return amount.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def is_cents(amount: Decimal) -> bool:
    """A finite amount with at most two decimal places."""
    return amount.is_finite() and amount == amount.quantize(TWO_PLACES)
