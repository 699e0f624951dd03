from __future__ import annotations

import pytest

from services.biller.chargemaster_file import load_chargemaster
from services.biller.domain import Chargemaster


@pytest.fixture(scope="session")
def chargemaster() -> Chargemaster:
    return load_chargemaster()
