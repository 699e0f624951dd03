"""Tokenising and normalising: one compiled pass over the text, offsets kept.

A token is a run of letters or digits (a decimal number is one token: "3.5"); sentence
punctuation (. ; : ! ?) and line breaks are tokens of their own kind, because a term never
spans them and a context rule's scope ends at them. Hyphens and slashes split words
("A-fib" is "a", "fib"), except the clinical shorthands that are one word with a slash
("h/o", "s/p", "r/o", "c/o", "w/o"), which the context rules read.

`normal(word)` is the key a term index looks words up by: lower case (an all-capitals
short abbreviation keeps its case where the index knows it so: "ALL" the leukaemia is not
"all"), British spellings as American, and a plain plural as its singular.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(
    r"(?P<w>[hsrcw]/[opxa](?![^\W_])|\d+[.,]\d+|[^\W_]+(?:['\u2019]s)?)|(?P<b>[.;:!?]+|\n)"
)

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
    "tumour": "tumor",
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
    return [
        Token(m.group(), m.start(), m.end(), "w" if m.lastgroup == "w" else "b")
        for m in _TOKEN.finditer(text)
    ]


def spans(text: str) -> list[tuple[str, int, int, bool]]:
    """The tokens as (text, start, end, is_break) tuples: the matcher's hot path."""
    return [(m.group(), *m.span(), m.lastgroup == "b") for m in _TOKEN.finditer(text)]


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
    return word


def normal(word: str) -> str:
    """The key of a word (see the module docstring), without the case rule."""
    w = word.lower()
    if w.endswith(("'s", "\u2019s")):
        w = w[:-2]
    w = _SPELLING.get(w, w)
    return singular(w)


def words(text: str) -> list[str]:
    """The normal forms of the words of a phrase, sentence breaks dropped."""
    return [normal(t.text) for t in tokenize(text) if t.kind == "w"]
