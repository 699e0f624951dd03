"""SMTP adapter (aiosmtplib): a few long-lived connections, used in parallel."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import aiosmtplib

from services.common.settings import Settings


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
        return client

    async def _send_on_one_connection(self, envelopes: list[Envelope]) -> list[SendResult]:
        reused = bool(self._idle)
        try:
            client = self._idle.pop() if reused else await self._connect()
        except Exception as exc:
            return [_classify(exc)] * len(envelopes)
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
                results += [SendResult(False, "not attempted: connection lost")] * (
                    len(envelopes) - len(results)
                )
                client.close()
                return results
            except Exception as exc:
                results.append(_classify(exc))
            reused = False  # a message went through: the connection is known to be alive
        if client.is_connected:
            self._idle.append(client)
        return results


async def _quit(client: aiosmtplib.SMTP) -> None:
    if client.is_connected:
        try:
            await client.quit()
        except Exception:
            client.close()
