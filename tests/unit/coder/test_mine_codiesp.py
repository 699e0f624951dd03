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


def test_precision_is_both_over_docs_plus_the_smoothing(tmp_path: Path) -> None:
    """A phrase every one of its two cases was coded for is 2 / (2 + 3) sure (the
    smoothing the held-out folds chose; 0.5 made it 0.800)."""
    texts = tmp_path / "text_files_en"
    texts.mkdir()
    cases = {
        "c1": ("The patient had acute appendicitis.", "K37"),
        "c2": ("Acute appendicitis was operated on.", "K37"),
        "c3": ("She had a fracture of the wrist.", "S62.90XA"),
        "c4": ("He had a fracture of the ankle.", "S82.899A"),
        "c5": ("Pneumonia of the right lower lobe.", "J18.9"),
        "c6": ("Pneumonia of the left lower lobe.", "J18.9"),
        "c7": ("A urinary tract infection.", "N39.0"),
        "c8": ("Cystitis with hematuria.", "N30.01"),
        "c9": ("Gout of the right foot.", "M10.9"),
        "c10": ("Migraine with aura.", "G43.109"),
    }
    for case, (text, _) in cases.items():
        (texts / f"{case}.txt").write_text(text, encoding="utf-8")
    gold = "".join(
        f"{case}\t{code.replace('.', '').lower()}\n" for case, (_, code) in cases.items()
    )
    (tmp_path / "trainD.tsv").write_text(gold, encoding="utf-8")
    out = tmp_path / "mined.tsv"
    assert mine.main([str(tmp_path), str(out)]) == 0
    rows = [line.split("\t") for line in out.read_text(encoding="utf-8").splitlines()]
    row = next(r for r in rows if r[0] == "appendicitis" and r[1] == "K37")
    assert row[2:] == ["2", "2", "0.400"]
