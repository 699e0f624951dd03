from __future__ import annotations

import pytest

from services.biller.domain import Chargemaster, load_chargemaster


@pytest.fixture(scope="session")
def chargemaster() -> Chargemaster:
    return load_chargemaster()
