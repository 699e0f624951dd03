"""mask_address and check_address: the masked form in logs and events, the check before sending."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.notifier.domain import InvalidEmailAddress, check_address, mask_address


@pytest.mark.parametrize(
    "address, masked",
    [
        ("ana.lopez@example.org", "a***@example.org"),
        ("ab@example.org", "a***@example.org"),
        ("a@example.org", "***@example.org"),
        ("@example.org", "***@example.org"),
        ("ana@", "***"),
        ("ana", "***"),
        ("", "***"),
        ("   ", "***"),
        ("  ana@example.org  ", "a***@example.org"),
        ('"a@b"@example.org', '"***@example.org'),
        ("Ana.Lopez@Example.ORG", "A***@Example.ORG"),
        ("élodie@exemple.fr", "é***@exemple.fr"),
        ("root@localhost", "r***@localhost"),
        ("ana@exa\r\nmple.org", "a***@example.org"),
        ("\nana@example.org", "a***@example.org"),
        ("\x00x@example.org", "***@example.org"),
    ],
)
def test_mask_address(address: str, masked: str) -> None:
    assert mask_address(address) == masked


LOCAL_CHARS = st.characters(
    codec="utf-8", exclude_categories=("Cc", "Cs", "Zs", "Zl", "Zp"), exclude_characters="@*"
)


@given(
    local=st.text(LOCAL_CHARS, min_size=2, max_size=64),
    domain=st.from_regex(r"[a-z0-9-]{1,20}(\.[a-z]{2,6}){1,2}", fullmatch=True),
)
def test_mask_address_never_returns_the_local_part(local: str, domain: str) -> None:
    masked = mask_address(f"{local}@{domain}")

    masked_local, _, masked_domain = masked.rpartition("@")
    assert local not in masked_local
    assert masked_local == local[0] + "***"
    assert masked_domain == domain


@pytest.mark.parametrize("address", ["ana@example.org", "a.b+tag@sub.example.co.uk", "x@y.zz"])
def test_check_address_accepts_bare_addresses(address: str) -> None:
    assert check_address(address) == address


@pytest.mark.parametrize(
    "address",
    [
        "",
        "ana",
        "ana@example",
        "@example.org",
        "ana@@example.org",
        "ana lopez@example.org",
        "Ana <ana@example.org>",
        "ana@example.org\n",
        "ana@example.org\x00",
        "ana@exa\x7fmple.org",
    ],
)
def test_check_address_refuses_anything_else(address: str) -> None:
    with pytest.raises(InvalidEmailAddress) as raised:
        check_address(address)
    assert str(raised.value).endswith(f": {mask_address(address)}")
