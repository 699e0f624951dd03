"""The pipelined SMTP exchange's pure parts: DATA content and reply parsing."""

from __future__ import annotations

import asyncio

import aiosmtplib
import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.notifier.pipelining import Reply, _Replies, chunk, content


def unstuff(data: bytes) -> bytes:
    """What a server keeps of DATA content (RFC 5321 section 4.5.2)."""
    assert data.endswith(b"\r\n.\r\n")
    lines = data[: -len(b".\r\n")].split(b"\r\n")
    return b"\r\n".join(line[1:] if line.startswith(b".") else line for line in lines)


def test_content_doubles_leading_dots_and_ends_with_the_terminator():
    message = b"Subject: x\r\n\r\n.starts with a dot\r\n..two\r\nmiddle . dot\r\n.\r\n"
    data = content(message)
    assert data == (
        b"Subject: x\r\n\r\n..starts with a dot\r\n...two\r\nmiddle . dot\r\n..\r\n.\r\n"
    )
    assert unstuff(data) == message


def test_content_normalises_line_ends_and_adds_the_last_one():
    assert content(b"a\nb\rc\r\nd") == b"a\r\nb\r\nc\r\nd\r\n.\r\n"
    assert content(b".") == b"..\r\n.\r\n"


@given(st.lists(st.text(alphabet="ab. \t", max_size=12), min_size=1, max_size=8))
def test_content_survives_the_round_trip(lines: list[str]):
    message = "\r\n".join(lines).encode() + b"\r\n"
    data = content(message)
    assert b"\r\n.\r\n" not in data[:-3]  # the terminator appears only at the end
    assert unstuff(data) == message


async def test_replies_are_split_across_and_within_reads():
    replies = _Replies()
    replies.data_received(b"250-first line\r\n25")
    replies.data_received(b"0 second line\r\n354 go ahead\r\n550 5.1.1 no")
    assert await replies.next(1) == Reply(250, "first line\nsecond line")
    assert await replies.next(1) == Reply(354, "go ahead")
    replies.data_received(b" such user\r\n")
    assert await replies.next(1) == Reply(550, "5.1.1 no such user")
    assert replies.answered


async def test_a_malformed_reply_or_a_lost_connection_ends_the_wait():
    garbled = _Replies()
    garbled.data_received(b"hello\r\n")
    with pytest.raises(aiosmtplib.SMTPResponseException):
        await garbled.next(1)

    closed = _Replies()
    closed.data_received(b"250 OK\r\n")
    closed.connection_lost(None)
    assert await closed.next(1) == Reply(250, "OK")  # what came before is still read
    with pytest.raises(aiosmtplib.SMTPServerDisconnected):
        await closed.next(1)
    assert closed.lost


async def test_no_reply_in_time_is_a_timeout():
    with pytest.raises(aiosmtplib.SMTPReadTimeoutError):
        await _Replies().next(0.05)


async def test_nothing_after_a_malformed_line_is_read():
    replies = _Replies()
    replies.data_received(b"250 OK\r\nXYZ\r\n")
    replies.data_received(b"354 go ahead\r\n")  # would be out of step: dropped
    assert await replies.next(1) == Reply(250, "OK")
    with pytest.raises(aiosmtplib.SMTPResponseException):
        await replies.next(1)


async def test_a_421_is_the_server_closing_and_does_not_count_as_an_answer():
    replies = _Replies()
    replies.data_received(b"421 4.4.2 idle too long\r\n250 late\r\n")
    with pytest.raises(aiosmtplib.SMTPServerDisconnected):
        await replies.next(1)
    assert not replies.answered
    assert replies.lost


async def test_the_timeout_covers_a_whole_reply_however_slowly_it_comes():
    replies = _Replies()
    loop = asyncio.get_running_loop()
    for n in range(1, 20):  # a byte every 20 ms: never a whole reply
        loop.call_later(0.02 * n, replies.data_received, b"2")
    started = loop.time()
    with pytest.raises(aiosmtplib.SMTPReadTimeoutError):
        await replies.next(0.1)
    assert loop.time() - started < 0.3


async def test_a_reply_too_long_ends_the_wait():
    replies = _Replies()
    replies.data_received(b"250-" + b"x" * 70_000)
    with pytest.raises(aiosmtplib.SMTPResponseException):
        await replies.next(1)


def test_a_chunk_is_the_whole_transaction_with_the_exact_size():
    data = chunk("billing@example.org", "pat@example.org", b"Subject: x\n\n.dot stays\n")
    head, _, body = data.partition(b"LAST\r\n")
    assert head.split(b"\r\n")[:3] == [
        b"RSET",
        b"MAIL FROM:<billing@example.org>",
        b"RCPT TO:<pat@example.org>",
    ]
    assert body == b"Subject: x\r\n\r\n.dot stays\r\n"  # CRLF, and no dot-stuffing in BDAT
    assert head.endswith(f"BDAT {len(body)} ".encode())
