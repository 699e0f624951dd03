"""Foreign body removals a review found over-coded: each site's own code, and an
incision-and-removal (10120) only where an incision was made."""

from __future__ import annotations

from .test_procedures_fresh import coded


def test_a_splinter_lifted_out_without_an_incision_is_no_incision_and_removal() -> None:
    text = "Splinter removed from the right palm with tweezers, no incision needed."
    assert "10120" not in coded(text)
    incised = "Splinter removed from the right palm through a 3 mm incision under lidocaine."
    assert "10120" in coded(incised)


def test_an_earlobe_is_no_ear_canal_and_an_eyelid_no_conjunctiva() -> None:
    assert "69200" not in coded("Glass removed from the right earlobe with forceps.")
    assert "65205" not in coded("Foreign body removed from the left upper eyelid margin.")
    assert "65205" in coded(
        "Foreign body removed from the conjunctiva of the left eye with a swab."
    )
