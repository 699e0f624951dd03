"""SMTP adapter (aiosmtplib): a few long-lived connections, used in parallel."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import aiosmtplib

from services.common.settings import Settings

from .pipelining import ConnectionLost, Reply, can_pipeline, send_pipelined


@dataclass(frozen=True)
class Envelope:
    """SMTP envelope and the rendered message (RFC 5321 MAIL FROM / RCPT TO / DATA)."""

    sender: str
    recipient: str
    message: bytes


@dataclass(frozen=True)
class SendResult:
    ok: bool
    error: str | None = None
    permanent: bool = False


def _classify(exc: Exception) -> SendResult:
    """5xx answers are permanent (the address or message is refused); 4xx answers and
    connection trouble are worth another try later."""
    code = getattr(exc, "code", None)
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        codes = [r.code for r in exc.recipients]
        permanent = all(500 <= c < 600 for c in codes)
        return SendResult(False, f"recipients refused ({codes})", permanent)
    if isinstance(code, int):
        return SendResult(False, f"SMTP {code}", 500 <= code < 600)
    return SendResult(False, type(exc).__name__, False)


def _from_reply(reply: Reply) -> SendResult:
    if reply.positive:
        return SendResult(True)
    return SendResult(False, f"SMTP {reply.code}", 500 <= reply.code < 600)


LOST = SendResult(False, "connection lost")  # retried later, same Message-ID


class SmtpMailer:
    """Sends over up to SMTP_CONNECTIONS connections at once and keeps them open between
    batches (connect, EHLO and QUIT for every batch would cost both ends more than the
    messages). A connection the server closed meanwhile is replaced once, transparently."""

    def __init__(self, settings: Settings) -> None:
        self._s = settings
        self._idle: list[aiosmtplib.SMTP] = []

    async def send_many(self, envelopes: list[Envelope]) -> list[SendResult]:
        """Results come back in the order of `envelopes`."""
        n = max(1, min(self._s.smtp_connections, len(envelopes)))
        chunks = [envelopes[i::n] for i in range(n)]
        done = await asyncio.gather(*(self._send_on_one_connection(c) for c in chunks))
        results: list[SendResult] = [SendResult(False)] * len(envelopes)
        for i, chunk_results in enumerate(done):
            results[i::n] = chunk_results
        return results

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        for client in idle:
            await _quit(client)

    async def _connect(self) -> aiosmtplib.SMTP:
        s = self._s
        client = aiosmtplib.SMTP(
            hostname=s.smtp_host,
            port=s.smtp_port,
            timeout=s.smtp_timeout_s,
            start_tls=s.smtp_starttls,
            username=s.smtp_username,
            password=s.smtp_password,
        )
        await client.connect()
        try:
            if client.is_ehlo_or_helo_needed:  # now, to know whether the server pipelines
                try:
                    await client.ehlo()
                except aiosmtplib.SMTPHeloError:
                    await client.helo()
        except BaseException:
            client.close()
            raise
        return client

    def _keep(self, client: aiosmtplib.SMTP) -> None:
        """Back to the idle connections after a run, unless the server closed it."""
        if client.is_connected:
            self._idle.append(client)
        else:
            client.close()

    def _take_idle(self) -> aiosmtplib.SMTP | None:
        while self._idle:
            client = self._idle.pop()
            if client.is_connected:
                return client
            client.close()  # the server closed it meanwhile
        return None

    async def _send_on_one_connection(self, envelopes: list[Envelope]) -> list[SendResult]:
        client = self._take_idle()
        reused = client is not None
        try:
            client = client or await self._connect()
        except Exception as exc:
            return [_classify(exc)] * len(envelopes)
        if all(can_pipeline(client, e.sender, e.recipient, e.message) for e in envelopes):
            return await self._send_pipelined(client, envelopes, reused)
        results: list[SendResult] = []
        for envelope in envelopes:
            try:
                try:
                    await client.sendmail(envelope.sender, [envelope.recipient], envelope.message)
                except aiosmtplib.SMTPServerDisconnected:
                    if not reused:
                        raise
                    # the server closed the idle connection: one fresh try on a new one
                    reused = False
                    client.close()
                    client = await self._connect()
                    await client.sendmail(envelope.sender, [envelope.recipient], envelope.message)
                results.append(SendResult(True))
            except (aiosmtplib.SMTPServerDisconnected, aiosmtplib.SMTPConnectError, OSError) as exc:
                results.append(_classify(exc))
                results += [LOST] * (len(envelopes) - len(results))
                client.close()
                return results
            except Exception as exc:
                results.append(_classify(exc))
            reused = False  # a message went through: the connection is known to be alive
        self._keep(client)
        return results

    async def _send_pipelined(
        self, client: aiosmtplib.SMTP, envelopes: list[Envelope], reused: bool
    ) -> list[SendResult]:
        """One write per message (RFC 2920), where the server offers PIPELINING."""
        triples = [(e.sender, e.recipient, e.message) for e in envelopes]
        try:
            replies = await send_pipelined(client, triples, timeout=self._s.smtp_timeout_s)
        except ConnectionLost as lost:
            client.close()
            if reused and not lost.answered:
                # the server closed the idle connection: one fresh try on a new one
                try:
                    client = await self._connect()
                except Exception as exc:
                    return [_classify(exc)] * len(envelopes)
                return await self._send_pipelined(client, envelopes, reused=False)
            # a message whose reply never came may have been delivered; its resend keeps
            # the Message-ID, so the copy can be recognised
            done = [_from_reply(r) for r in lost.results]
            return done + [LOST] * (len(envelopes) - len(done))
        self._keep(client)
        return [_from_reply(r) for r in replies]


async def _quit(client: aiosmtplib.SMTP) -> None:
    if client.is_connected:
        try:
            await client.quit()
        except Exception:
            client.close()
