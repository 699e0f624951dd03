"""Tokenising and normalising: one compiled pass over the text, offsets kept.

A token is a run of letters or digits (a decimal number is one token: "3.5"); sentence
punctuation (. ; : ! ?) and line breaks are tokens of their own kind, because a term never
spans them and a context rule's scope ends at them. Hyphens and slashes split words
("A-fib" is "a", "fib"), except the clinical shorthands that are one word with a slash
("h/o", "s/p", "r/o", "c/o", "w/o"), which the context rules read.

`normal(word)` is the key a term index looks words up by: lower case (an all-capitals
short abbreviation keeps its case where the index knows it so: "ALL" the leukaemia is not
"all"), British spellings as American, a plural as its singular, an organ's adjective as
the organ ("renal" as "kidney"), as the tabular list says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import accumulate

# a lone capital's period before a lower-case word is a genus's abbreviation ("E. coli",
# "H. pylori", "C. diff"), not a sentence's end
_TOKEN = re.compile(
    r"(?i:[hsrcw]/[opxa])(?![^\W_])|\d+[.,]\d+|[^\W_]+(?:['\u2019]s)?"
    r"|(?:(?<!\b[A-Z])|(?!\. [a-z]))\.[.;:!?]*|[;:!?][.;:!?]*|\n"
)
_BREAKS = frozenset(".;:!?\n")
BREAK_CHARS = _BREAKS  # a token that starts with one of these is a sentence break
# the same tokens by splitting: separator, token, separator, ... (analysis.py)
TOKEN_SPLIT = re.compile(f"({_TOKEN.pattern})")

# words that join a term's words but do not name anything: a term's key skips them, so
# "fracture of femur", "femur fracture" and "fractures of the femur" are one key
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "with",
        "in",
        "on",
        "and",
        "or",
        "to",
        "by",
        "for",
        "from",
        "at",
        "as",
        "is",
        "was",
        "were",
        "be",
        "been",
        "being",
        "are",
        "his",
        "her",
        "their",
        "its",
        "this",
        "that",
        "these",
        "those",
        "which",
        "who",
        "whose",
        "has",
        "had",
        "have",
    ]
)

_SPELLING = {
    "anaemia": "anemia",
    "oedema": "edema",
    "haemorrhage": "hemorrhage",
    "haematoma": "hematoma",
    "haematuria": "hematuria",
    # the Index: "Tumor - see also Neoplasm, unspecified behavior, by site"; "neoformation"
    # and "tumoration" are the Spanish-derived words of translated case reports
    "tumor": "neoplasm",
    "tumors": "neoplasm",
    "tumour": "neoplasm",
    "tumours": "neoplasm",
    "neoformation": "neoplasm",
    "neoformations": "neoplasm",
    "tumoration": "neoplasm",
    "tumorations": "neoplasm",
    "oesophagus": "esophagus",
    "oesophageal": "esophageal",
    "oesophagitis": "esophagitis",
    "leukaemia": "leukemia",
    "ischaemia": "ischemia",
    "ischaemic": "ischemic",
    "haemoptysis": "hemoptysis",
    "paediatric": "pediatric",
    "diarrhoea": "diarrhea",
    "foetal": "fetal",
    "gynaecological": "gynecological",
    "orthopaedic": "orthopedic",
    "haemolytic": "hemolytic",
    "septicaemia": "septicemia",
    "coeliac": "celiac",
    "caesarean": "cesarean",
    "haemangioma": "hemangioma",
    "hypokalaemia": "hypokalemia",
    "hyperkalaemia": "hyperkalemia",
    "hyponatraemia": "hyponatremia",
    "hypernatraemia": "hypernatremia",
    "hypoglycaemia": "hypoglycemia",
    "hyperglycaemia": "hyperglycemia",
    "anaesthesia": "anesthesia",
    "haemodialysis": "hemodialysis",
    # Latin and Greek plurals clinicians write
    "metastases": "metastasis",
    "diagnoses": "diagnosis",
    "stenoses": "stenosis",
    "thromboses": "thrombosis",
    "fibroses": "fibrosis",
    "neuroses": "neurosis",
    "psychoses": "psychosis",
    "anastomoses": "anastomosis",
    "paralyses": "paralysis",
    "prostheses": "prosthesis",
    "varices": "varix",
    "cervices": "cervix",
    "appendices": "appendix",
    "vertebrae": "vertebra",
    "calculi": "calculus",
    "emboli": "embolus",
    "thrombi": "thrombus",
    "bronchi": "bronchus",
    "fungi": "fungus",
    "bacilli": "bacillus",
    "nuclei": "nucleus",
    "foci": "focus",
    "carcinomata": "carcinoma",
    "ganglia": "ganglion",
    "diverticula": "diverticulum",
    "bullae": "bulla",
    "papillae": "papilla",
    "fistulae": "fistula",
    "adenopathies": "adenopathy",
}
# an organ's adjective as the organ: the tabular list says "cyst of kidney", "neoplasm of
# liver", clinicians write "renal cyst", "hepatic tumor"
_ORGAN = {
    "renal": "kidney",
    "hepatic": "liver",
    "pulmonary": "lung",
    "cardiac": "heart",
    "gastric": "stomach",
    "cerebral": "brain",
    "cutaneous": "skin",
    "ocular": "eye",
    "splenic": "spleen",
    "pancreatic": "pancreas",
    "ovarian": "ovary",
    "uterine": "uterus",
    "prostatic": "prostate",
    "intestinal": "intestine",
    "colonic": "colon",
    "rectal": "rectum",
    "esophageal": "esophagus",
    "duodenal": "duodenum",
    "ureteral": "ureter",
    "ureteric": "ureter",
    "urethral": "urethra",
    "vesical": "bladder",
    "mammary": "breast",
    "osseous": "bone",
    "femoral": "femur",
    "tibial": "tibia",
    "humeral": "humerus",
    "vertebral": "vertebra",
    "testicular": "testis",
    "testicle": "testis",
    "testes": "testis",
    "pleural": "pleura",
    "pericardial": "pericardium",
    "peritoneal": "peritoneum",
    "nasal": "nose",
    "lingual": "tongue",
}
_KEEP_S = ("ss", "us", "is", "ys", "as", "os")


@dataclass(frozen=True, slots=True)
class Token:
    """A word (`kind` "w") or a sentence break ("b"), with its offsets in the text."""

    text: str
    start: int
    end: int
    kind: str


def tokenize(text: str) -> list[Token]:
    """Every word and sentence break of `text`, in order; `text[t.start:t.end] == t.text`."""
    return [Token(w, s, e, "b" if brk else "w") for w, s, e, brk in spans(text)]


def spans(text: str) -> list[tuple[str, int, int, bool]]:
    """The tokens as (text, start, end, is_break) tuples. One compiled split finds them;
    the offsets are the pieces' lengths added up (analysis.py reads a text the same way)."""
    parts = TOKEN_SPLIT.split(text)
    ends = list(accumulate(map(len, parts)))
    return [
        (w, s, e, w[0] in _BREAKS)
        for w, s, e in zip(parts[1::2], ends[0:-1:2], ends[1::2], strict=True)
    ]


def singular(word: str) -> str:
    """A plain English plural as its singular ("cysts" -> "cyst", "bodies" -> "body",
    "abscesses" -> "abscess"); Latin and Greek plurals are left as they are."""
    n = len(word)
    if n > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if n > 5 and word.endswith("sses"):
        return word[:-2]
    if n > 3 and word.endswith("s") and not word.endswith(_KEEP_S):
        return word[:-1]
    if n > 5 and word.endswith(("mas", "ias")):  # a Latin -a noun's plural: hematomas, hernias
        return word[:-1]
    return word


def normal(word: str) -> str:
    """The key of a word (see the module docstring), without the case rule."""
    w = word.lower()
    if w.endswith(("'s", "\u2019s")):
        w = w[:-2]
    w = _SPELLING.get(w, w)
    w = singular(w)
    return _ORGAN.get(w, w)


def words(text: str) -> list[str]:
    """The normal forms of the words of a phrase, sentence breaks dropped."""
    return [normal(t.text) for t in tokenize(text) if t.kind == "w"]
