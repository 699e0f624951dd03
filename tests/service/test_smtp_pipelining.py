"""Pipelined sending against a real SMTP server (aiosmtpd offering PIPELINING): each message
gets its own outcome in order, whatever the server refused around it, and the connection is
left usable; a connection the server drops is reported, and replaced once when it was idle."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Iterator

import aiosmtplib
import pytest
from aiosmtpd.controller import Controller

from services.common.settings import Settings
from services.notifier.mailer import Envelope, SmtpMailer
from services.notifier.pipelining import ConnectionLost, can_pipeline, send_pipelined
from tests.conftest import Mailbox, serving_mail

SENDER = "billing@example.org"


class PickyMailbox(Mailbox):
    """Refuses some recipients for good or for now, rejects marked content, and can hang up
    while it reads a marked message."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: ANN001, ANN201, N802
        if address.startswith("refused"):
            return "550 5.1.1 mailbox unavailable"
        if address.startswith("busy"):
            return "450 4.2.1 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802
        if b"X-Test: hang-up" in envelope.content:
            server.transport.close()
            return "421 closing"
        if b"X-Test: reject" in envelope.content:
            return "554 5.6.0 message refused"
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def picky_server() -> Iterator[tuple[int, PickyMailbox]]:
    box = PickyMailbox()
    with serving_mail(box) as controller:
        yield controller.port, box


def message(n: int, *extra: bytes) -> bytes:
    return b"\r\n".join(
        [
            b"From: " + SENDER.encode(),
            f"Subject: message {n}".encode(),
            f"Message-ID: <{n}@example.org>".encode(),
            *extra,
            b"",
            b"Dear patient,",
            b".a line that starts with a dot",
            b".",
            b"the end",
            b"",
        ]
    )


async def connected(port: int) -> aiosmtplib.SMTP:
    client = aiosmtplib.SMTP(hostname="127.0.0.1", port=port, timeout=5)
    await client.connect()
    await client.ehlo()
    return client


async def test_every_message_gets_its_own_outcome_and_the_connection_stays_usable(
    picky_server: tuple[int, PickyMailbox],
):
    port, box = picky_server
    client = await connected(port)
    assert can_pipeline(client, SENDER, "a@example.org", message(1))
    batch = [
        (SENDER, "one@example.org", message(1)),
        (SENDER, "refused@example.org", message(2)),
        (SENDER, "two@example.org", message(3)),
        (SENDER, "busy@example.org", message(4)),
        (SENDER, "three@example.org", message(5, b"X-Test: reject")),
        (SENDER, "four@example.org", message(6)),
    ]
    replies = await send_pipelined(client, batch, timeout=5)

    assert [r.code for r in replies] == [250, 550, 250, 450, 554, 250]
    kept = box.snapshot()
    assert [m["Message-ID"] for m in kept] == [
        "<1@example.org>",
        "<3@example.org>",
        "<6@example.org>",
    ]
    assert [rcpts for _, rcpts in box.envelopes] == [
        ["one@example.org"],
        ["two@example.org"],
        ["four@example.org"],
    ]
    body = kept[0].get_payload()
    assert body == "Dear patient,\r\n.a line that starts with a dot\r\n.\r\nthe end\r\n"

    # handed back to aiosmtplib in a clean state: its own commands still work
    assert (await client.noop()).code == 250
    await client.sendmail(SENDER, ["five@example.org"], message(7))
    # and a refusal as the last message leaves no transaction open
    [last] = await send_pipelined(client, [(SENDER, "refused@example.org", message(8))], timeout=5)
    assert last.code == 550
    [after] = await send_pipelined(client, [(SENDER, "six@example.org", message(9))], timeout=5)
    assert after.code == 250
    assert len(box.snapshot()) == 5
    await client.quit()


async def test_a_connection_dropped_mid_run_reports_what_is_known(
    picky_server: tuple[int, PickyMailbox],
):
    port, box = picky_server
    client = await connected(port)
    batch = [
        (SENDER, "one@example.org", message(1)),
        (SENDER, "two@example.org", message(2, b"X-Test: hang-up")),
        (SENDER, "three@example.org", message(3)),
    ]
    with pytest.raises(ConnectionLost) as lost:
        await send_pipelined(client, batch, timeout=5)

    assert [r.code for r in lost.value.results] == [250]
    assert lost.value.answered
    assert [m["Message-ID"] for m in box.snapshot()] == ["<1@example.org>"]
    client.close()


class HangingUpMailbox(Mailbox):
    """Remembers its connections, so that a test can close them as an idle timeout would."""

    def __init__(self) -> None:
        super().__init__()
        self.connections: list[asyncio.Transport] = []

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: ANN001, N802, ANN201
        self.connections.append(server.transport)
        return await super().handle_EHLO(server, session, envelope, hostname, responses)


@pytest.fixture
def hanging_up_server() -> Iterator[tuple[Controller, HangingUpMailbox]]:
    box = HangingUpMailbox()
    with serving_mail(box) as controller:
        yield controller, box


def hang_up(controller: Controller, box: HangingUpMailbox) -> None:
    """Close the server's side of every connection, and return once it is closed."""
    closed = threading.Event()

    def close_all() -> None:
        for transport in box.connections:
            transport.close()
        closed.set()

    controller.loop.call_soon_threadsafe(close_all)
    assert closed.wait(5)


@pytest.mark.parametrize("noticed", [True, False], ids=["noticed-while-idle", "found-on-use"])
async def test_the_mailer_replaces_a_connection_the_server_closed(
    hanging_up_server: tuple[Controller, HangingUpMailbox], noticed: bool
):
    controller, box = hanging_up_server
    mailer = SmtpMailer(
        Settings(smtp_host="127.0.0.1", smtp_port=controller.port, smtp_connections=2)
    )
    try:
        batch = [Envelope(SENDER, f"p{i}@example.org", message(i)) for i in range(10)]
        assert all(r.ok for r in await mailer.send_many(batch))
        assert sorted(m["Message-ID"] for m in box.snapshot()) == sorted(
            f"<{i}@example.org>" for i in range(10)
        )
        assert len(box.connections) == 2

        hang_up(controller, box)
        if noticed:  # the client reads the server's goodbye before its next batch
            await asyncio.sleep(0.2)
        # else the goodbye is still unread when the next batch is written on the connection
        again = [Envelope(SENDER, f"q{i}@example.org", message(100 + i)) for i in range(4)]
        assert all(r.ok for r in await mailer.send_many(again))
        assert len(box.snapshot()) == 14  # each message once
        assert len(box.connections) == 4  # both connections replaced, once
    finally:
        await mailer.close()


class LenientServer(asyncio.Protocol):
    """Breaks RFC 2920: it refuses the recipient, then takes DATA anyway."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport: asyncio.Transport = transport  # type: ignore[assignment]
        transport.write(b"220 lenient\r\n")  # type: ignore[attr-defined]

    def data_received(self, data: bytes) -> None:
        for line in data.split(b"\r\n"):
            verb = line[:4].upper()
            if verb == b"EHLO":
                self.transport.write(b"250-lenient\r\n250 PIPELINING\r\n")
            elif verb == b"RCPT":
                self.transport.write(b"550 no such user\r\n")
            elif verb == b"DATA":
                self.transport.write(b"354 go ahead\r\n")
            elif verb:
                self.transport.write(b"250 OK\r\n")


async def test_content_is_never_sent_when_the_server_takes_data_after_a_refusal():
    server = await asyncio.get_running_loop().create_server(LenientServer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    client = await connected(port)
    try:
        with pytest.raises(ConnectionLost) as lost:
            await send_pipelined(client, [(SENDER, "x@example.org", message(1))], timeout=5)
        assert [r.code for r in lost.value.results] == [550]  # the refusal is what is known
        assert not client.is_connected  # out of step: closed, content never sent
        mailer = SmtpMailer(Settings(smtp_host="127.0.0.1", smtp_port=port, smtp_connections=1))
        batch = [Envelope(SENDER, f"{n}@example.org", message(n)) for n in (2, 3)]
        refused, untried = await mailer.send_many(batch)
        assert (refused.ok, refused.permanent) == (False, True)
        assert (untried.ok, untried.permanent) == (False, False)  # tried again later
        await mailer.close()
    finally:
        client.close()
        server.close()


class ScriptedServer(asyncio.Protocol):
    """A small SMTP server on the test's own event loop, whose replies a test can steer:
    what RCPT answers, a 421 at the next MAIL (an idle timeout noticed late), or silence
    after DATA (a server that hangs)."""

    rcpt_reply = b"250 OK"
    hang_up_at_next_mail = False
    silent_after_data = False
    chunking = False  # offer CHUNKING (RFC 3030): BDAT
    connections: list[ScriptedServer]
    accepted: list[bytes]

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport: asyncio.Transport = transport  # type: ignore[assignment]
        self.buffer = b""
        self.in_data = False
        self.chunk_left = 0
        self.chunk = b""
        self.recipients = 0
        self.connections.append(self)
        self.transport.write(b"220 scripted ESMTP\r\n")

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        out: list[bytes] = []
        while not self.transport.is_closing():
            if self.chunk_left:
                taken = self.buffer[: self.chunk_left]
                self.buffer, self.chunk_left = (
                    self.buffer[len(taken) :],
                    self.chunk_left - len(taken),
                )
                self.chunk += taken
                if self.chunk_left:
                    break
                if self.recipients:  # RFC 3030: a chunk with no recipient is read, then refused
                    self.accepted.append(self.chunk)
                    out.append(b"250 2.0.0 queued\r\n")
                else:
                    out.append(b"554 5.5.1 no valid recipients\r\n")
                self.chunk, self.recipients = b"", 0
                continue
            if self.in_data:
                end = self.buffer.find(b"\r\n.\r\n")
                if end < 0:
                    break
                self.accepted.append(self.buffer[:end])
                self.buffer, self.in_data = self.buffer[end + 5 :], False
                out.append(b"250 queued\r\n")
                continue
            line, found, rest = self.buffer.partition(b"\r\n")
            if not found:
                break
            self.buffer = rest
            verb = line[:4].upper()
            if verb == b"EHLO":
                out.append(
                    b"250-scripted\r\n"
                    + (b"250-CHUNKING\r\n" if self.chunking else b"")
                    + b"250 PIPELINING\r\n"
                )
            elif verb == b"BDAT":  # BDAT size LAST: one chunk per message in these tests
                self.chunk_left = int(line.split()[1])
            elif verb == b"MAIL" and type(self).hang_up_at_next_mail:
                type(self).hang_up_at_next_mail = False
                self.transport.write(b"".join(out) + b"421 4.4.2 idle too long\r\n")
                self.transport.close()
                return
            elif verb == b"RCPT":
                refused = self.rcpt_reply.startswith(b"5") or line.startswith(b"RCPT TO:<refused")
                self.recipients += 0 if refused else 1
                out.append((b"550 5.1.1 no such user" if refused else self.rcpt_reply) + b"\r\n")
            elif verb in (b"MAIL", b"RSET"):
                self.recipients = 0
                out.append(b"250 OK\r\n")
            elif verb == b"DATA":
                if self.silent_after_data:
                    break
                self.in_data = True
                self.buffer = b"\r\n" + self.buffer
                out.append(b"354 go ahead\r\n")
            else:
                out.append(b"250 OK\r\n")
        if out and not self.transport.is_closing():
            self.transport.write(b"".join(out))


@pytest.fixture
async def scripted() -> AsyncIterator[tuple[int, type[ScriptedServer]]]:
    class Server(ScriptedServer):
        connections: list[ScriptedServer] = []
        accepted: list[bytes] = []

    server = await asyncio.get_running_loop().create_server(Server, "127.0.0.1", 0)
    yield server.sockets[0].getsockname()[1], Server
    server.close()


async def test_a_forwarding_recipient_251_is_accepted(scripted: tuple[int, type[ScriptedServer]]):
    port, server = scripted
    server.rcpt_reply = b"251 2.1.5 user not local; will forward"
    client = await connected(port)
    replies = await send_pipelined(client, [(SENDER, "x@example.org", message(1))], timeout=5)
    assert [r.code for r in replies] == [250]
    assert len(server.accepted) == 1
    client.close()


async def test_a_421_at_the_first_command_of_an_idle_connection_replaces_it(
    scripted: tuple[int, type[ScriptedServer]],
):
    port, server = scripted
    mailer = SmtpMailer(Settings(smtp_host="127.0.0.1", smtp_port=port, smtp_connections=1))
    try:
        first = await mailer.send_many([Envelope(SENDER, "a@x.org", message(1))])
        assert [r.ok for r in first] == [True]
        server.hang_up_at_next_mail = True  # the server timed the idle connection out
        results = await mailer.send_many(
            [Envelope(SENDER, f"{n}@x.org", message(n)) for n in (2, 3)]
        )
        assert [r.ok for r in results] == [True, True]
        assert len(server.accepted) == 3
        assert len(server.connections) == 2  # replaced once
    finally:
        await mailer.close()


async def test_a_server_that_stops_answering_times_out_and_is_closed(
    scripted: tuple[int, type[ScriptedServer]],
):
    port, server = scripted
    server.silent_after_data = True
    client = await connected(port)
    with pytest.raises(ConnectionLost) as lost:
        await send_pipelined(client, [(SENDER, "x@example.org", message(1))], timeout=0.3)
    assert lost.value.results == []
    assert not client.is_connected
    assert server.accepted == []


async def test_a_cancelled_run_closes_the_connection(scripted: tuple[int, type[ScriptedServer]]):
    port, server = scripted
    server.silent_after_data = True
    client = await connected(port)
    run = asyncio.create_task(
        send_pipelined(client, [(SENDER, "x@example.org", message(1))], timeout=30)
    )
    await asyncio.sleep(0.2)
    run.cancel()
    with pytest.raises(asyncio.CancelledError):
        await run
    await asyncio.sleep(0)
    assert not client.is_connected  # replies may still be on their way: never reused


async def test_with_chunking_a_whole_run_goes_out_at_once_and_each_message_gets_its_outcome(
    scripted: tuple[int, type[ScriptedServer]],
):
    port, server = scripted
    server.chunking = True
    client = await connected(port)
    batch = [
        (SENDER, "one@example.org", message(1)),
        (SENDER, "refused@example.org", message(2)),
        (SENDER, "two@example.org", message(3)),
    ]
    replies = await send_pipelined(client, batch, timeout=5)
    assert [r.code for r in replies] == [250, 550, 250]
    # no dot-stuffing in a chunk: the bytes arrive as rendered, CRLF line ends
    assert server.accepted == [message(1), message(3)]

    # a refusal as the last message leaves no transaction open: aiosmtplib's own path works
    [last] = await send_pipelined(client, [(SENDER, "refused@x.org", message(4))], timeout=5)
    assert last.code == 550
    await client.sendmail(SENDER, ["three@example.org"], message(5))
    assert len(server.accepted) == 3
    assert len(server.connections) == 1
    client.close()


async def test_the_mailer_sends_chunked_when_offered(scripted: tuple[int, type[ScriptedServer]]):
    port, server = scripted
    server.chunking = True
    mailer = SmtpMailer(Settings(smtp_host="127.0.0.1", smtp_port=port, smtp_connections=2))
    try:
        batch = [Envelope(SENDER, f"p{i}@example.org", message(i)) for i in range(20)]
        batch[7] = Envelope(SENDER, "refused@example.org", message(7))
        results = await mailer.send_many(batch)
        assert [r.ok for r in results] == [i != 7 for i in range(20)]
        assert results[7].permanent
        assert sorted(server.accepted) == sorted(message(i) for i in range(20) if i != 7)
    finally:
        await mailer.close()
