"""The line-charge rule: unit price x units, adjusted by pricing modifiers, in cents."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from .money import to_money

BILATERAL_MODIFIER = "50"
BILATERAL_RATE = Decimal("1.50")
"""Charge for a procedure done on both sides, billed as one line with modifier 50.

Commercial practice (and the CMS physician fee schedule's bilateral indicator 1) pays a
bilateral procedure at 150% of the one-side amount; we charge the same 150% so the
billed charge is never below what the payer allows. A site whose payers want 200%, or
two RT/LT lines instead, changes this rate or the coder's modifiers, not the prices.
"""


def modifier_rate(modifiers: Iterable[str]) -> Decimal:
    """The price multiplier the modifiers imply.

    Only modifier 50 (bilateral) changes the charge. Other modifiers (25, 59, XS, RT, LT,
    95, ...) say how a service was done or why it is separate; payers apply any payment
    reduction (e.g. 51 multiple procedures) themselves on their allowed amount, so our
    gross charge stays the list price.
    """
    return BILATERAL_RATE if BILATERAL_MODIFIER in set(modifiers) else Decimal(1)


def line_charge(unit_price: Decimal, modifiers: Iterable[str], units: int) -> Decimal:
    """Line charge = unit price x units x modifier rate, rounded once to cents, half up.

    This is the amount in 837P loop 2400 SV102 (CMS-1500 item 24F). Rounding happens once,
    on the line, so a claim's total (CLM02) is exactly the sum of its lines.
    """
    return to_money(unit_price * units * modifier_rate(modifiers))
