"""tokens.normal: the plural of a Latin -a noun is its singular."""

from __future__ import annotations

from services.coder.domain.text.tokens import normal


def test_a_latin_a_noun_s_plural_is_its_singular() -> None:
    for plural, singular in (
        ("hematomas", "hematoma"),
        ("meningiomas", "meningioma"),
        ("edemas", "edema"),
        ("hernias", "hernia"),
        ("arrhythmias", "arrhythmia"),
        ("paresthesias", "paresthesia"),
    ):
        assert normal(plural) == normal(singular) == singular


def test_words_that_end_so_in_the_singular_keep_their_s() -> None:
    for word in ("pancreas", "iliopsoas", "bias", "alias", "areas"):
        assert normal(word) == word
