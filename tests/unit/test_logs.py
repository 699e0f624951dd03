"""Logs carry ids and counts, never patient data: libraries that log addresses are quieted."""

from __future__ import annotations

import logging

from services.common.logs import configure


def test_libraries_that_log_addresses_or_payloads_are_quieted() -> None:
    configure("DEBUG")
    try:
        for name in ("mail.log", "aiokafka", "faststream"):
            assert not logging.getLogger(name).isEnabledFor(logging.INFO), name
        assert logging.getLogger("services").isEnabledFor(logging.DEBUG)
    finally:
        configure("INFO")
