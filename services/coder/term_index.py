"""The diagnosis term index, built once at start-up (services/coder/reference_data.py).

Three sources, all read here and handed to the pure domain as `Term`s:
- the FY2026 ICD-10-CM tabular list CMS publishes (the XML `simple_icd_10_cm` ships): the
  description and inclusion terms of every code, with the variants a coder looks up
  (nonessential modifiers in parentheses left out or kept, "unspecified", "NOS" and a
  "without ..." tail dropped);
- services/coder/data/clinical_synonyms.tsv: abbreviations and clinical and lay synonyms;
- services/coder/data/codiesp_phrases.tsv: phrase-code associations mined from annotated
  case reports (tools/mine_codiesp.py), with how often the phrase meant the code; a row
  for a tabular or synonym phrase calibrates that phrase's confidence, its own confidence
  counting as PRIOR_WEIGHT documents (a phrase the annotators rarely coded goes).
"""

from __future__ import annotations

import csv
import hashlib
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from importlib import resources
from itertools import combinations
from pathlib import Path

from .domain.guidelines import LEARNED_MIN_CONFIDENCE, LEARNED_MIN_CONFIDENCE_DISCHARGE
from .domain.text import Entry, Term, TermIndex
from .domain.text.index import phrase_words

TABULAR_XML = "icd10c-tabular-April-1-2026.xml"
SYNONYMS = "clinical_synonyms.tsv"
LEARNED = "codiesp_phrases.tsv"
PREBUILT = "term_index.tsv"
# a learned association is used from this many annotated documents and this precision on:
# the guideline rules' lowest cut for one (a discharge summary's). A weaker one is never
# coded, and as the longer match of its span it would hide the names inside it ("painful
# mass" over "mass"); the matcher leaves out, in a text of another kind, those below that
# kind's cut. On a 5-fold split of the CodiEsp training cases (mined on 4/5, scored on 1/5,
# folds 0-2, cut 0.9) F1 0.4091 -> 0.4194 against the former 0.3; the outpatient dev cases
# unchanged
MIN_SUPPORT = 2
MIN_PRECISION = min(LEARNED_MIN_CONFIDENCE, LEARNED_MIN_CONFIDENCE_DISCHARGE)
# a tabular or synonym phrase the annotators coded this rarely, in this many documents, goes
DROP_SUPPORT = 2
DROP_PRECISION = 0.2
# how many annotated documents a tabular or synonym phrase's own confidence counts for when
# the annotators' counts calibrate it: (both + PRIOR_WEIGHT * own) / (docs + PRIOR_WEIGHT),
# rather than the mined both / (docs + 1) that shrinks a phrase seen twice, once coded, to
# 0.33 (below the guideline rules' weak-match cut). On a 5-fold split of the CodiEsp
# training cases (mined on 4/5, scored on 1/5, folds 0-1) F1 0.4217 -> 0.4340; weight 2 0.4339
PRIOR_WEIGHT = 1.0

TABULAR = 0.6  # a billable code's own description
TABULAR_VARIANT = 0.55  # its description less nonessential words, or an inclusion term
TABULAR_PARENT = 0.5  # a category's or subcategory's own words
SYNONYM = 0.8

_PAREN = re.compile(r"\s*\(([^()]*)\)")
_CODE_REF = re.compile(r"\b[A-Z]\d[\dA-Z](?:\.[\dA-Z-]+)?\b|-\)")
_DROP_TAIL = re.compile(
    r",?\s*(?:unspecified\b.*|not elsewhere classified.*|\bNEC\b.*|\bNOS\b.*|"
    r"without\b.*|not otherwise specified.*)$",
    re.IGNORECASE,
)
_DROP_HEAD = re.compile(r"^unspecified\s+", re.IGNORECASE)


def tabular_path() -> Path:
    """The tabular XML inside the installed `simple_icd_10_cm` package."""
    return Path(str(resources.files("simple_icd_10_cm").joinpath("data", TABULAR_XML)))


def data_path(name: str) -> Path:
    return Path(str(resources.files("services.coder").joinpath("data", name)))


def variants(text: str) -> set[str]:
    """The phrase, its nonessential modifiers (in parentheses) left out or each kept, and
    its "unspecified"/"NOS"/"without ..." words dropped."""
    text = text.strip()
    found: set[str] = set()
    parens = [p for p in _PAREN.findall(text) if not _CODE_REF.search(p)]
    bare = _PAREN.sub("", text).strip()
    forms = {bare, _PAREN.sub(r" \1", text).strip()} if len(parens) <= 1 else {bare}
    if 1 < len(parens) <= 8:
        forms.update(f"{p} {bare}" for p in parens)
    for form in forms:
        if _CODE_REF.search(form):
            continue
        found.add(form)
        shorter = _DROP_HEAD.sub("", _DROP_TAIL.sub("", form)).strip(" ,;")
        if shorter and shorter != form:
            found.add(shorter)
    return {f for f in found if f}


def tabular_terms(path: Path | None = None) -> Iterator[Term]:
    """The descriptions and inclusion terms of every code in CMS's tabular XML."""
    tree = ET.parse(path or tabular_path())
    for diag in tree.iter("diag"):
        code = diag.findtext("name")
        desc = diag.findtext("desc")
        if not code or not desc:
            continue
        billable = diag.find("diag") is None
        own = TABULAR if billable else TABULAR_PARENT
        variant = TABULAR_VARIANT if billable else TABULAR_PARENT - 0.05
        for v in variants(desc):
            yield Term(v, code, "tabular", own if v == desc else variant)
        for tag in ("inclusionTerm", "includes"):
            for group in diag.findall(tag):
                for note in group.findall("note"):
                    if note.text and not note.text.lower().startswith("any condition"):
                        for v in variants(note.text):
                            yield Term(v, code, "tabular", variant)
        if desc.startswith(_MALIGNANT):
            yield from unspecified_behavior_terms(code, desc)


_MALIGNANT = "Malignant neoplasm of "
# the Neoplasm Table's unspecified-behavior column by the malignant code's category (the
# Index: "Tumor - see also Neoplasm, unspecified behavior, by site"): low, high, D49 code
_UNSPECIFIED_BEHAVIOR = (
    ("C00", "C26", "D49.0"),  # lip, oral cavity, pharynx, digestive organs
    ("C30", "C34", "D49.1"),  # respiratory organs
    ("C39", "C39", "D49.1"),
    ("C40", "C41", "D49.2"),  # bone, skin, nerves and soft tissue
    ("C43", "C44", "D49.2"),
    ("C47", "C47", "D49.2"),
    ("C49", "C49", "D49.2"),
    ("C50", "C50", "D49.3"),  # breast
    ("C51", "C63", "D49.59"),  # genital organs
    ("C64", "C64", "D49.519"),  # kidney (D49.511 right, D49.512 left)
    ("C65", "C66", "D49.59"),
    ("C67", "C67", "D49.4"),  # bladder
    ("C68", "C68", "D49.59"),
    ("C69", "C69", "D49.89"),  # eye (retina and choroid D49.81)
    ("C70", "C70", "D49.7"),
    ("C71", "C71", "D49.6"),  # brain
    ("C72", "C75", "D49.7"),  # other parts of the nervous system, endocrine glands
    ("C76", "C76", "D49.89"),  # other and ill-defined sites
)
_VAGUE_SITE = re.compile(r"\b(?:overlapping|other|unspecified|specified|ill-defined|NOS)\b")


def unspecified_behavior_terms(code: str, desc: str) -> Iterator[Term]:
    """A malignant code's site as the neoplasm of unspecified behavior of that site ("bladder
    tumor" D49.4, "renal tumour" D49.519; tokens.py reads tumor as neoplasm): the Index's
    "Tumor - see also Neoplasm, unspecified behavior, by site", for the sites a malignant
    code or category names (not its overlapping, other or unspecified sites)."""
    site = desc[len(_MALIGNANT) :].split(",")[0].strip()
    # the side is the code's, not the site's: "unspecified kidney" is the kidney
    site = " ".join(w for w in site.split() if w != "unspecified" or site.endswith(w))
    if not site or _VAGUE_SITE.search(site):
        return
    cat = code[:3]
    target = next((d49 for low, high, d49 in _UNSPECIFIED_BEHAVIOR if low <= cat <= high), None)
    if target is None:
        return
    if code[:3] == "C69" and code[:5] in ("C69.2", "C69.3"):
        target = "D49.81"
    if target == "D49.519":
        words = site.split()
        target = "D49.511" if "right" in words else "D49.512" if "left" in words else target
    yield Term(f"neoplasm of {site}", target, "tabular", TABULAR_VARIANT)


def synonym_terms(path: Path | None = None) -> Iterator[Term]:
    """services/coder/data/clinical_synonyms.tsv: phrase, code, case ("cs" where only the
    capitals mean it), note."""
    with (path or data_path(SYNONYMS)).open(encoding="utf-8", newline="") as f:
        for row in csv.reader(_data_lines(f), delimiter="\t"):
            if len(row) < 2 or row[0] == "phrase":
                continue
            phrase, code = row[0].strip(), row[1].strip().upper()
            sensitive = len(row) > 2 and row[2].strip() == "cs"
            yield Term(phrase, code, "synonym", SYNONYM, sensitive)


def learned_rows(path: Path | None = None) -> Iterator[tuple[str, str, int, int, float]]:
    """services/coder/data/codiesp_phrases.tsv: phrase, code, documents with the phrase,
    documents with the phrase and the code, precision."""
    p = path or data_path(LEARNED)
    if not p.exists():
        return
    with p.open(encoding="utf-8", newline="") as f:
        for row in csv.reader(_data_lines(f), delimiter="\t"):
            if len(row) < 5 or row[0] == "phrase":
                continue
            yield row[0], row[1].upper(), int(row[2]), int(row[3]), float(row[4])


def _data_lines(f) -> Iterator[str]:  # noqa: ANN001
    return (line for line in f if line.strip() and not line.startswith("#"))


def build_terms(
    tabular: Path | None = None, synonyms: Path | None = None, learned: Path | None = None
) -> list[Term]:
    """Every term, with the learned confidences applied (see the module docstring): a
    tabular or synonym phrase seen in DROP_SUPPORT annotated documents or more whose code
    the annotators gave in under DROP_PRECISION of them is left out; one seen less often
    or coded more keeps (both + PRIOR_WEIGHT * its confidence) / (docs + PRIOR_WEIGHT). A
    learned association that holds another category's name is left out (_hides_a_name)."""
    stats: dict[tuple[tuple[str, ...], str], tuple[int, int, float]] = {}
    learned_terms: list[Term] = []
    for phrase, code, df, both, precision in learned_rows(learned):
        ws = phrase_words(phrase)
        if ws is None:
            continue
        stats[(tuple(sorted(ws)), code)] = (df, both, precision)
        if both >= MIN_SUPPORT and precision >= MIN_PRECISION:
            learned_terms.append(Term(phrase, code, "learned", precision))
    # a curated synonym's code the annotators never gave (one newer than their code set:
    # F32.A, E66.81-) is not judged by what they coded instead
    annotated = {code for (_, code), (_, both, _) in stats.items() if both}
    # ... unless they coded its words with codes of its category, and rarely ("tumor": D49.0
    # in 9% of the reports saying it, no code of D49 in a fifth of them)
    instead: dict[tuple[tuple[str, ...], str], float] = {}
    for (key, code), (_, both, precision) in stats.items():
        if both and precision > instead.get((key, code[:3]), -1.0):
            instead[(key, code[:3])] = precision
    terms: list[Term] = []
    names: dict[frozenset[str], set[str]] = {}
    for term in (*tabular_terms(tabular), *synonym_terms(synonyms)):
        ws = phrase_words(term.phrase, term.case_sensitive)
        if ws is None:
            continue
        seen = (
            None
            if term.case_sensitive
            or _named_specifically(term, ws)
            or (
                _newer_than_the_annotations(term, annotated)
                and instead.get((tuple(sorted(ws)), term.code[:3]), 1.0) >= DROP_PRECISION
            )
            else stats.get((tuple(sorted(ws)), term.code))
        )
        if seen is not None:
            df, both, precision = seen
            # the drop reads the annotators' own rate: the mined precision is smoothed
            # towards 0, which is caution for adding an association but would drop a
            # curated name ("bronchiolitis" J21.9: coded so in 1 of its 3 reports) on
            # the evidence of a few reports
            if df >= DROP_SUPPORT and both / df < DROP_PRECISION:
                continue
            if PRIOR_WEIGHT:
                precision = (both + PRIOR_WEIGHT * term.confidence) / (df + PRIOR_WEIGHT)
            term = Term(term.phrase, term.code, term.rule, precision, term.case_sensitive)
        terms.append(term)
        names.setdefault(frozenset(ws), set()).add(term.code[:3])
    learned_terms = [t for t in learned_terms if not _hides_a_name(t, names)]
    learned_terms = _below_the_curated(learned_terms, terms)
    return [*terms, *_unambiguous(learned_terms)]


def _newer_than_the_annotations(term: Term, annotated: set[str]) -> bool:
    """A curated synonym for a disease whose code the annotators never gave, though they
    coded its category ("depression" F32.A, a code newer than their code set, where they
    gave F32.9): what they coded instead says nothing about the phrase."""
    return (
        term.rule == "synonym"
        and term.code[:1] not in "ORZVWXYT"
        and term.code not in annotated
        and any(code[:3] == term.code[:3] for code in annotated)
    )


def _named_specifically(term: Term, words: list[str] | tuple[str, ...]) -> bool:
    """A curated synonym of two or more words for a disease or injury (not a symptom, a
    pregnancy, status or external cause code): what a US note calls the condition,
    whatever annotated Spanish case reports coded beside it ("ankle sprain", "alcohol
    withdrawal", "hepatitis B")."""
    return term.rule == "synonym" and len(set(words)) >= 2 and term.code[:1] not in "ORZVWXY"


def _below_the_curated(learned: list[Term], terms: list[Term]) -> list[Term]:
    """The learned associations less those that give a curated synonym's own phrase another
    code of the synonym's category: the synonym says what the phrase names ("nausea" is
    R11.0, though annotated notes saying it were coded R11.10 for the vomiting beside it)."""
    curated: dict[frozenset[str], set[str]] = {}
    for term in terms:
        if term.rule == "synonym":
            key = frozenset(phrase_words(term.phrase, term.case_sensitive) or ())
            curated.setdefault(key, set()).add(term.code)
    kept = []
    for term in learned:
        codes = curated.get(frozenset(phrase_words(term.phrase) or ()))
        if codes and any(c[:3] == term.code[:3] for c in codes):
            # another code of the synonym's category, or the synonym's own code (which the
            # synonym already names, at its own confidence)
            continue
        kept.append(term)
    return kept


def _unambiguous(learned: list[Term]) -> list[Term]:
    """The learned associations less those whose words go as surely with codes of two
    categories of one chapter (a context word, not a name: "peritoneal irritation" K65.9,
    R10.9 and R50.9 at 0.8 each), which the guideline rules would only propose."""
    best: dict[tuple[frozenset[str], str], tuple[float, set[str]]] = {}
    for term in learned:
        key = (frozenset(phrase_words(term.phrase) or ()), term.code[:1])
        top, cats = best.get(key, (-1.0, set()))
        if term.confidence > top:
            best[key] = (term.confidence, {term.code[:3]})
        elif term.confidence == top:
            cats.add(term.code[:3])
    ambiguous = {key for key, (_, cats) in best.items() if len(cats) > 1}
    return [
        t for t in learned if (frozenset(phrase_words(t.phrase) or ()), t.code[:1]) not in ambiguous
    ]


def _hides_a_name(term: Term, names: dict[frozenset[str], set[str]]) -> bool:
    """A learned association whose words hold a tabular or synonym name of another
    category's condition ("lung metastases" R69, a list of symptoms) would hide that name
    from the matcher, which keeps the longer or more confident match of a span."""
    words = sorted(phrase_words(term.phrase) or ())
    own = term.code[:3]
    return any(
        names.get(frozenset(sub), set()) - {own}
        for k in range(1, len(words) + 1)
        for sub in combinations(words, k)
    )


def sources_stamp() -> str:
    """What a prebuilt index was built from: the data files, the tabular XML's size and the
    code that turns them into keys. A prebuilt file with another stamp is not used."""
    digest = hashlib.sha1()
    here = Path(__file__).resolve().parent
    for path in (
        data_path(SYNONYMS),
        data_path(LEARNED),
        here / "term_index.py",
        here / "domain" / "text" / "tokens.py",
        here / "domain" / "text" / "index.py",
    ):
        digest.update(path.read_bytes() if path.exists() else b"-")
    digest.update(str(tabular_path().stat().st_size).encode())
    digest.update(str(MIN_PRECISION).encode())  # the guideline rules' cut, read elsewhere
    return digest.hexdigest()


def write_prebuilt(index: TermIndex, path: Path) -> None:
    """The index as a text file `read_prebuilt` loads in a fraction of the build time
    (the entries' phrases are left out: a mention's evidence is the note's own words)."""
    with path.open("w", encoding="utf-8") as out:
        out.write(f"# stamp\t{sources_stamp()}\n")
        out.write(f"# case_words\t{' '.join(sorted(index.case_words))}\n")
        # in a fixed order (the first code, then the words), so that a rebuild from the
        # same sources writes the same file and a changed source shows as its own rows
        for key, entries in sorted(index.rows(), key=lambda row: (row[1][0].code, row[0])):
            cells = (f"{e.code}|{e.rule}|{e.confidence:.4g}" for e in entries)
            out.write(" ".join(key) + "\t" + "\t".join(cells) + "\n")


def read_prebuilt(path: Path) -> TermIndex | None:
    """The prebuilt index, or None when there is none or it is stale."""
    if not path.exists():
        return None
    with path.open(encoding="utf-8") as f:
        stamp = f.readline().rstrip("\n").split("\t")
        if len(stamp) != 2 or stamp[1] != sources_stamp():
            return None
        case_words = f.readline().rstrip("\n").split("\t")[1].split()
        keys: dict[tuple[str, ...], tuple[Entry, ...]] = {}
        for line in f:
            key, *cells = line.rstrip("\n").split("\t")
            entries = []
            for cell in cells:
                code, rule, confidence = cell.split("|")
                entries.append(Entry(code, rule, float(confidence), ""))
            keys[tuple(key.split(" "))] = tuple(entries)
    return TermIndex.from_keys(keys, case_words)


def load_term_index() -> TermIndex:
    """The index the coder matches notes against: the prebuilt file
    (services/coder/data/term_index.tsv, tools/build_term_index.py) when it is current,
    else built from the sources (a few seconds)."""
    prebuilt = read_prebuilt(data_path(PREBUILT))
    if prebuilt is not None:
        return prebuilt
    return TermIndex.build(build_terms())
