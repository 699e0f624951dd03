"""Mine phrase-to-code associations from the CodiEsp training set (CC BY 4.0, BSC).

    .venv/bin/python tools/mine_codiesp.py ../shared/data/codiesp-train \\
        services/coder/data/codiesp_phrases.tsv

Reads only the training split (text_files_en/*.txt and trainD.tsv: case id, code). For
every phrase of one to MAX_WORDS words (the matcher's keys: word order, plurals and
stopwords do not matter), never across a comma or bracket, that a case asserts (present
or possible: the engine's context rules drop negated, hypothetical and family mentions),
it counts the cases that contain it (`docs`) and, for each code the annotators gave the
case, the cases that contain both (`both`). A row is kept when the code is related to the
phrase (the phrase shares a word
with the tabular terms or synonyms of the code's category, or the index already maps the
phrase into that category) and `both` >= 2, or, unrelated, when `both` >= 3 and the
precision is at least UNRELATED_PRECISION. `precision` is both / (docs + SMOOTHING),
smoothed towards caution for phrases seen only a few times. Each phrase also gets rows for
the codes the index gives it, so the loader can calibrate (or drop) a tabular phrase the
annotators rarely coded. Codes that are not valid in the FY2026 code set are skipped.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from pathlib import Path

import simple_icd_10_cm as cm

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.coder.domain.text.context import Context  # noqa: E402
from services.coder.domain.text.index import BREAK_WORDS, phrase_words  # noqa: E402
from services.coder.domain.text.tokens import STOPWORDS, normal, spans  # noqa: E402
from services.coder.term_index import build_terms  # noqa: E402

MAX_WORDS = 5
MIN_BOTH = 2
UNRELATED_BOTH = 4
UNRELATED_PRECISION = 0.6
UNRELATED_LIFT = 4.0
RELATED_PRECISION = 0.15
RELATED_LIFT = 2.0
# precision = both / (docs + SMOOTHING): a phrase seen in few cases is trusted less. On a
# 5-fold split of the training cases (mined on 4/5, scored on 1/5, all five folds), with
# the discharge summaries' learned cut (guidelines.py) lowered with it, against 0.5 with
# the cut 0.7: 2 with 0.6 +0.0006, 3 with 0.5 +0.0024 (0.4305 -> 0.4329, every fold up),
# 3 with 0.45 +0.0027; 4 and 5 lower (-0.003 to -0.005: a tabular phrase seen twice and
# coded once falls under term_index.py's DROP_PRECISION there)
SMOOTHING = 3.0
# a phrase does not run across these: the items of a list ("asthenia, anorexia, weight
# loss") and a bracket's content are findings of their own, and a phrase spanning them
# would hide their names from the matcher (the longer match wins)
LIST_MARKS = frozenset(",()[]")
MAX_SPREAD = 12  # a word in more categories' terms than this relates a phrase to none
_GENERIC = """disease disorder unspecified other specified left right acute chronic syndrome
condition abnormal finding site part region type due primary secondary"""
GENERIC = frozenset(_GENERIC.split())


def windows(text: str) -> dict[tuple[str, ...], str]:
    """Every asserted phrase key of the text, with its surface form."""
    toks = spans(text)
    ctx = Context(text)
    keys = [None if t[3] else normal(t[0]) for t in toks]
    out: dict[tuple[str, ...], str] = {}
    n = len(toks)
    for i in range(n):
        w = keys[i]
        if w is None or w in STOPWORDS or w in BREAK_WORDS or not w.isalpha():
            continue
        words: list[str] = []
        stops = 0
        j = i
        while j < n and len(words) < MAX_WORDS:
            w = keys[j]
            if w is None or w in BREAK_WORDS:
                break
            if j > i and LIST_MARKS.intersection(text[toks[j - 1][2] : toks[j][1]]):
                break
            if w in STOPWORDS:
                stops += 1
                if stops > 2:
                    break
                j += 1
                continue
            stops = 0
            words.append(w)
            start, end = toks[i][1], toks[j][2]
            if ctx.assertion(start, end) in ("present", "possible"):
                key = tuple(sorted(words))
                out.setdefault(key, text[start:end].lower())
            j += 1
    return out


def read_gold(train_dir: Path) -> dict[str, set[str]]:
    """trainD.tsv: case id -> the annotators' codes valid in the FY2026 code set."""
    gold: dict[str, set[str]] = defaultdict(set)
    for line in (train_dir / "trainD.tsv").read_text(encoding="utf-8").splitlines():
        case, _, code = line.partition("\t")
        code = code.strip().upper()
        if code and cm.is_valid_item(code):
            gold[case].add(code)
    return gold


def read_cases(train_dir: Path) -> list[tuple[str, dict[tuple[str, ...], str]]]:
    """Every training case in file order: (case id, its asserted phrase keys)."""
    paths = sorted((train_dir / "text_files_en").glob("*.txt"))
    return [(path.stem, windows(path.read_text(encoding="utf-8"))) for path in paths]


def relations(
    gold: dict[str, set[str]],
) -> tuple[dict[tuple[str, ...], set[str]], dict[str, set[str]]]:
    """The index's codes per phrase key (tabular and synonyms, nothing learned), and each
    category's words (its terms' and its annotated codes' descriptions')."""
    terms = build_terms(learned=Path("/nonexistent"))
    index_codes: dict[tuple[str, ...], set[str]] = defaultdict(set)
    vocab: dict[str, set[str]] = defaultdict(set)  # category -> words of its terms
    for t in terms:
        ws = phrase_words(t.phrase, t.case_sensitive)
        if ws is None:
            continue
        index_codes[tuple(sorted(ws))].add(t.code)
        vocab[t.code[:3]].update(w for w in ws if w not in GENERIC and len(w) > 2)
    for code in {c for codes in gold.values() for c in codes}:
        for word in cm.get_description(code).split():
            w = normal(word.strip(",()"))
            if w not in GENERIC and len(w) > 2:
                vocab[code[:3]].add(w)
    return index_codes, vocab


Row = tuple[str, str, int, int, float]  # phrase, code, docs, both, precision


def mine(
    docs: list[tuple[dict[tuple[str, ...], str], set[str]]],
    index_codes: dict[tuple[str, ...], set[str]],
    vocab: dict[str, set[str]],
) -> list[Row]:
    """The associations kept (see the module docstring), most precise first."""
    df: Counter[tuple[str, ...]] = Counter()
    for found, _ in docs:
        df.update(found.keys())
    both: Counter[tuple[tuple[str, ...], str]] = Counter()
    surface: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    for found, codes in docs:
        for key, text in found.items():
            if df[key] < MIN_BOTH:
                continue
            surface[key][text] += 1
            for code in codes:
                both[(key, code)] += 1

    n_docs = len(docs)
    base_rate = Counter(code for _, codes in docs for code in codes)
    spread = Counter(w for words in vocab.values() for w in words)  # categories per word
    rows = []
    for (key, code), n in both.items():
        if n < MIN_BOTH:
            continue
        precision = n / (df[key] + SMOOTHING)
        lift = precision / (base_rate[code] / n_docs)
        mapped = {c[:3] for c in index_codes.get(key, ())}
        own = vocab[code[:3]]
        distinctive = [w for w in key if w in own and spread[w] <= MAX_SPREAD]
        related = code[:3] in mapped or (distinctive and sum(w in own for w in key) * 2 >= len(key))
        if related:
            keep = precision >= RELATED_PRECISION and lift >= RELATED_LIFT
        else:
            keep = n >= UNRELATED_BOTH and precision >= UNRELATED_PRECISION
            keep = keep and lift >= UNRELATED_LIFT
        if keep:
            rows.append((key, code, df[key], n, precision))
    # the index's own codes for phrases seen in training, coded or not (for calibration)
    have = {(k, c) for k, c, *_ in rows}
    for key, codes in index_codes.items():
        if df[key] < 2:
            continue
        for code in codes:
            if (key, code) not in have:
                n = both[(key, code)]
                rows.append((key, code, df[key], n, n / (df[key] + SMOOTHING)))

    rows.sort(key=lambda r: (-r[4], -r[3], r[0], r[1]))
    out: list[Row] = []
    for key, code, d, n, precision in rows:
        phrase = surface[key].most_common(1)[0][0] if surface.get(key) else " ".join(key)
        out.append((" ".join(phrase.split()), code, d, n, precision))
    return out


def write(rows: list[Row], path: Path) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write(
            "# Phrase-code associations mined from the CodiEsp training set (CC BY 4.0,\n"
            "# Barcelona Supercomputing Center) by tools/mine_codiesp.py; see ATTRIBUTION.md.\n"
            "# Columns: phrase, code, docs (training cases asserting the phrase), both (of\n"
            "# those, cases the annotators gave the code),\n"
            f"# precision = both / (docs + {SMOOTHING:g}).\n"
            "phrase\tcode\tdocs\tboth\tprecision\n"
        )
        for phrase, code, d, n, precision in rows:
            out.write(f"{phrase}\t{code}\t{d}\t{n}\t{precision:.3f}\n")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("train_dir", type=Path, help="codiesp-train (text_files_en/, trainD.tsv)")
    p.add_argument("out", type=Path, help="the TSV to write")
    p.add_argument(
        "--hold-out",
        metavar="K/N",
        help="leave out every Nth case starting at K (to choose thresholds on cases not mined)",
    )
    args = p.parse_args(argv)
    k, n = (int(x) for x in args.hold_out.split("/")) if args.hold_out else (0, 0)
    gold = read_gold(args.train_dir)
    index_codes, vocab = relations(gold)
    cases = read_cases(args.train_dir)
    docs = [
        (found, gold.get(case, set()))
        for i, (case, found) in enumerate(cases)
        if not (n and i % n == k)
    ]
    rows = mine(docs, index_codes, vocab)
    write(rows, args.out)
    print(f"{len(rows)} rows from {len(docs)} cases -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
