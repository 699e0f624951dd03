"""tools/mine_codiesp.py: the phrases it counts in a case's text."""

from __future__ import annotations

import importlib.util
from pathlib import Path

_PATH = Path(__file__).resolve().parents[3] / "tools" / "mine_codiesp.py"
_SPEC = importlib.util.spec_from_file_location("mine_codiesp", _PATH)
assert _SPEC is not None and _SPEC.loader is not None
mine = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(mine)


def test_a_phrase_never_runs_across_a_list_or_a_bracket() -> None:
    keys = mine.windows("She had asthenia, anorexia and weight loss (10 kg) since May.")
    words = [set(k) for k in keys]
    assert {"asthenia"} in words and {"anorexia"} in words
    assert any({"weight", "loss"} <= w for w in words)
    assert not any({"asthenia", "anorexia"} <= w for w in words)
    assert not any({"loss", "kg"} <= w for w in words)
