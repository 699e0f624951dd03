"""Reading the chargemaster at start-up: the site's file (CHARGEMASTER_PATH) or the packaged
one. The domain only parses the text it is given."""

from __future__ import annotations

from pathlib import Path

from .domain import Chargemaster, parse_chargemaster

DEFAULT_CHARGEMASTER = Path(__file__).resolve().parent / "data" / "chargemaster.csv"


def load_chargemaster(path: Path | str | None = None) -> Chargemaster:
    """Load and check a chargemaster CSV (rules in domain.parse_chargemaster); by default
    the one shipped in services/biller/data. A broken file raises ChargemasterInvalid."""
    source = Path(path) if path is not None else DEFAULT_CHARGEMASTER
    with source.open(newline="", encoding="utf-8-sig") as csv_file:
        return parse_chargemaster(csv_file, source=source.name)
