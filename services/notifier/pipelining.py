"""SMTP command pipelining (RFC 2920) on a connection that aiosmtplib opened.

aiosmtplib waits for each reply before the next command, so a message costs four round trips
(MAIL, RCPT, DATA, the content), and on this pipeline's hot path those round trips cost more
than the rest of sending. With PIPELINING a message costs one: the content of one message goes
in the same write as the MAIL, RCPT and DATA of the next (RFC 2920 section 3.1 allows the
content to open a group), and the four replies come back together.

Where the server also offers CHUNKING (RFC 3030), a whole run goes out in one write: each
message is one BDAT chunk, and no 354 has to be awaited.

aiosmtplib keeps the connection (EHLO, STARTTLS, AUTH, QUIT); for a run of messages its
transport is lent to `_Replies`, which reads several replies per read, and given back after.
Only plain envelopes are pipelined: ASCII addresses and a 7-bit message, as the notifier
renders them; anything else takes aiosmtplib's own path."""

from __future__ import annotations

import asyncio
import re
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

import aiosmtplib

_PLAIN_ADDRESS = re.compile(rb"[!-;=?-~]+")  # printable ASCII without '<', '>' and space
_LEADING_DOT = re.compile(rb"(?m)^\.")
_REPLY_LINE = re.compile(rb"([2-5][0-9][0-9])([ -]|\r?\n)")
MAX_REPLY = 64 * 1024  # bytes without a complete reply line before the server is given up on
START_INPUT = 354
CLOSING = 421  # the server is closing the connection (RFC 5321 section 3.8)


@dataclass(frozen=True)
class Reply:
    code: int
    text: str

    @property
    def positive(self) -> bool:
        return 200 <= self.code < 300


class ConnectionLost(Exception):
    """The connection broke, timed out or went out of step mid-run. `results` holds the
    outcomes known (the first messages'); `answered` tells whether the server took part at
    all, so that a connection found dead at once can be replaced without sending anything
    twice."""

    def __init__(self, results: list[Reply], answered: bool) -> None:
        super().__init__(f"SMTP connection lost after {len(results)} messages")
        self.results = results
        self.answered = answered


class _Replies(asyncio.Protocol):
    """Splits what the server sends into replies (multi-line ones joined), in order. Once
    something is wrong (a malformed line, EOF, a 421) nothing after it is read: the
    replies queued before it are still handed out, then the failure is raised."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._replies: deque[Reply] = deque()
        self._lines: list[str] = []
        self._waiter: asyncio.Future[None] | None = None
        self._lost: BaseException | None = None
        self.answered = False  # a reply came that was not the server hanging up

    @property
    def lost(self) -> bool:
        return self._lost is not None

    def data_received(self, data: bytes) -> None:
        if self._lost is not None:
            return
        self._buffer += data
        while (end := self._buffer.find(b"\n")) >= 0:
            line = bytes(self._buffer[: end + 1])
            del self._buffer[: end + 1]
            shape = _REPLY_LINE.match(line)
            if shape is None:
                self._fail(aiosmtplib.SMTPResponseException(-1, "malformed SMTP reply"))
                return
            self._lines.append(line[4:].strip().decode("utf-8", "replace"))
            if shape.group(2) != b"-":  # the last line of a reply
                code = int(shape.group(1))
                self._replies.append(Reply(code, "\n".join(self._lines)))
                self._lines = []
                if code == CLOSING:
                    self._fail(aiosmtplib.SMTPServerDisconnected("the server is closing"))
                    return
                self.answered = True
        if len(self._buffer) > MAX_REPLY:
            self._fail(aiosmtplib.SMTPResponseException(-1, "SMTP reply too long"))
        self._wake()

    def eof_received(self) -> bool:
        self._fail(aiosmtplib.SMTPServerDisconnected("the server closed the connection"))
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self._fail(exc or aiosmtplib.SMTPServerDisconnected("connection lost"))

    def _fail(self, exc: BaseException) -> None:
        if self._lost is None:
            self._lost = exc
        self._wake()

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    async def next(self, timeout: float) -> Reply:
        """The next reply, within `timeout` seconds however the server dribbles it out. A
        421 is raised as the connection closing."""
        if not self._replies:  # (replies that came together are taken without a timer)
            await self._arrival(timeout)
        reply = self._replies.popleft()
        if reply.code == CLOSING:
            raise aiosmtplib.SMTPServerDisconnected(f"the server is closing: {reply.text}")
        return reply

    async def _arrival(self, timeout: float) -> None:
        try:
            async with asyncio.timeout(timeout):
                while not self._replies:
                    if self._lost is not None:
                        raise self._lost
                    self._waiter = asyncio.get_running_loop().create_future()
                    await self._waiter
        except TimeoutError:
            raise aiosmtplib.SMTPReadTimeoutError("no reply from the SMTP server") from None


def can_pipeline(client: aiosmtplib.SMTP, sender: str, recipient: str, message: bytes) -> bool:
    return (
        client.supports_extension("pipelining")
        and _PLAIN_ADDRESS.fullmatch(sender.encode("utf-8")) is not None
        and _PLAIN_ADDRESS.fullmatch(recipient.encode("utf-8")) is not None
        and message.isascii()
    )


def _crlf(message: bytes) -> bytes:
    body = message.replace(b"\r\n", b"\n").replace(b"\r", b"\n").replace(b"\n", b"\r\n")
    return body if body.endswith(b"\r\n") else body + b"\r\n"


def content(message: bytes) -> bytes:
    """The message as DATA content: CRLF line ends, leading dots doubled (RFC 5321 section
    4.5.2), and the terminating line."""
    return _LEADING_DOT.sub(b"..", _crlf(message)) + b".\r\n"


def chunk(sender: str, recipient: str, message: bytes) -> bytes:
    """One whole transaction for a server with CHUNKING (RFC 3030): RSET (so that a refused
    transaction before it cannot leave state behind), MAIL, RCPT and the message as one
    last BDAT chunk, which needs no dot-stuffing and no 354 to wait for."""
    body = _crlf(message)
    return (
        f"RSET\r\nMAIL FROM:<{sender}>\r\nRCPT TO:<{recipient}>\r\n"
        f"BDAT {len(body)} LAST\r\n".encode()
        + body
    )


async def send_pipelined(
    client: aiosmtplib.SMTP,
    messages: Sequence[tuple[str, str, bytes]],
    *,
    timeout: float,
) -> list[Reply]:
    """Send (sender, recipient, message) triples; returns, per message, the reply that
    decided it: the content's reply when the server took the content, otherwise the first
    refusal (MAIL, RCPT or DATA).

    Raises ConnectionLost when the connection breaks, times out or goes out of step; the
    connection is then closed (the server may have kept a message whose reply never came).
    Otherwise the connection goes back to aiosmtplib with no transaction open."""
    transport = client.transport
    if not isinstance(transport, asyncio.Transport) or transport.is_closing():
        raise ConnectionLost([], answered=False)  # e.g. the server closed it while idle
    own = transport.get_protocol()
    replies = _Replies()
    transport.set_protocol(replies)
    results: list[Reply] = []
    try:
        exchange = _exchange_chunked if client.supports_extension("chunking") else _exchange
        await exchange(transport, replies, messages, results, timeout)
        if replies.lost:  # out of step after the last reply we needed: not reusable
            raise ConnectionLost(results, replies.answered)
    except (aiosmtplib.SMTPException, OSError) as exc:
        _give_up(transport, own)
        raise ConnectionLost(results, replies.answered) from exc
    except BaseException:  # cancelled, or a bug: replies may still be on their way
        _give_up(transport, own)
        raise
    transport.set_protocol(own)
    return results


def _give_up(transport: asyncio.Transport, own: asyncio.BaseProtocol) -> None:
    """Close the connection with aiosmtplib's protocol back in place, so that aiosmtplib
    sees the connection end and resets its client."""
    transport.set_protocol(own)
    transport.close()


async def _exchange(
    transport: asyncio.Transport,
    replies: _Replies,
    messages: Sequence[tuple[str, str, bytes]],
    results: list[Reply],
    timeout: float,
) -> None:
    waiting: bytes | None = None  # content whose DATA was accepted, not yet sent
    reset = False  # a refused transaction may still be open on the server
    for i in range(len(messages) + 1):
        last = i == len(messages)
        group = bytearray(waiting or b"")
        if reset:  # also after the last message: leave the connection as aiosmtplib expects
            group += b"RSET\r\n"
        if not last:
            sender, recipient, _ = messages[i]
            group += f"MAIL FROM:<{sender}>\r\nRCPT TO:<{recipient}>\r\nDATA\r\n".encode()
        if group:
            transport.write(bytes(group))
        if waiting is not None:
            results.append(await replies.next(timeout))
            waiting = None
        if reset:
            await replies.next(timeout)
            reset = False
        if last:
            return
        mail, rcpt, data = [await replies.next(timeout) for _ in range(3)]
        refusal = next((r for r in (mail, rcpt) if not r.positive), None)
        if data.code == START_INPUT and refusal is None:
            waiting = content(messages[i][2])
        elif data.code == START_INPUT or data.positive:
            # the server wants content it should not (RFC 2920: no DATA without a
            # recipient), or skipped asking for it: out of step, never guess. The content
            # is not sent; the connection is closed.
            if refusal is not None:
                results.append(refusal)
            raise aiosmtplib.SMTPResponseException(data.code, "SMTP server out of step")
        else:
            results.append(refusal or data)
            reset = True


async def _exchange_chunked(
    transport: asyncio.Transport,
    replies: _Replies,
    messages: Sequence[tuple[str, str, bytes]],
    results: list[Reply],
    timeout: float,
) -> None:
    """With CHUNKING no reply has to be awaited before the next command (RFC 3030 and RFC
    2920 section 3.1: BDAT may appear anywhere in a group), so every transaction goes out in
    one write and the replies are read after. A server that refuses a transaction still
    reads and drops its chunk, so the replies stay in step."""
    transport.write(b"".join(chunk(*m) for m in messages))
    for _ in messages:
        _rset, mail, rcpt, bdat = [await replies.next(timeout) for _ in range(4)]
        results.append(next((r for r in (mail, rcpt) if not r.positive), bdat))
    if results and not results[-1].positive:  # leave no transaction open for aiosmtplib
        transport.write(b"RSET\r\n")
        await replies.next(timeout)
