"""Prebuild the coder's diagnosis term index (services/coder/data/term_index.tsv).

    .venv/bin/python tools/build_term_index.py

Run after changing clinical_synonyms.tsv, codiesp_phrases.tsv or the code that makes the
keys: the coder loads the prebuilt file only while its stamp matches those sources, and
builds the index itself (a few seconds at start-up) otherwise.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.coder.domain.text import TermIndex  # noqa: E402
from services.coder.term_index import (  # noqa: E402
    PREBUILT,
    build_terms,
    data_path,
    read_prebuilt,
    write_prebuilt,
)


def main() -> int:
    started = time.perf_counter()
    index = TermIndex.build(build_terms())
    built = time.perf_counter() - started
    path = data_path(PREBUILT)
    write_prebuilt(index, path)
    started = time.perf_counter()
    again = read_prebuilt(path)
    loaded = time.perf_counter() - started
    assert again is not None and again.size == index.size
    print(f"{index.size} keys, {len(index.vocab)} words -> {path}")
    print(f"built in {built:.2f} s; the prebuilt file loads in {loaded:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
