"""SMTP adapter (aiosmtplib): one long-lived connection per sender slot, one message at a
time on it."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import aiosmtplib

from services.common.settings import Settings

# Connection trouble: the message may or may not have arrived; it is tried again later with
# the same Message-ID.
_CONNECTION_ERRORS = (
    aiosmtplib.SMTPServerDisconnected,
    aiosmtplib.SMTPConnectError,
    aiosmtplib.SMTPTimeoutError,
    OSError,
)


@dataclass(frozen=True)
class SendResult:
    """What the server said to one message. `refused` is a 5yz answer (RFC 5321 4.2.1:
    permanent); any other failure (4yz, connection trouble) is worth another try later."""

    ok: bool
    error: str = ""
    refused: bool = False
    reached: bool = True  # False: no connection to the server could be opened


SENT = SendResult(True)


def _from_code(code: int) -> SendResult:
    """The reply code only: the server's text may quote the address."""
    return SendResult(False, f"SMTP {code}", 500 <= code < 600)


class SmtpConnection:
    """One connection to the mail server, opened on first use and kept between messages (a
    connect, EHLO and QUIT per message would cost both ends more than the message). A 421
    answer or a lost connection closes it; the next message opens a fresh one."""

    def __init__(self, settings: Settings) -> None:
        self._s = settings
        self._client: aiosmtplib.SMTP | None = None

    async def send(self, sender: str, recipient: str, message: bytes) -> SendResult:
        reused = self._client is not None and self._client.is_connected
        try:
            client = await self._connected()
        except (aiosmtplib.SMTPException, OSError) as exc:
            self.close()
            return SendResult(False, f"connect: {type(exc).__name__}", reached=False)
        try:
            await client.sendmail(sender, [recipient], message)
            return SENT
        except asyncio.CancelledError:
            self.close()  # mid-transaction: the next message needs a fresh connection
            raise
        except aiosmtplib.SMTPServerDisconnected:
            self.close()
            if not reused:
                return SendResult(False, "connection lost")
        except aiosmtplib.SMTPRecipientsRefused as exc:  # one recipient per message
            if not client.is_connected:  # a 421: aiosmtplib has closed the connection
                self.close()
            return _from_code(exc.recipients[0].code)
        except aiosmtplib.SMTPResponseException as exc:
            if not client.is_connected:
                self.close()
            return _from_code(exc.code)
        except _CONNECTION_ERRORS as exc:
            self.close()
            return SendResult(False, type(exc).__name__)
        # the server had closed the idle connection before this message: one fresh try
        return await self.send(sender, recipient, message)

    async def _connected(self) -> aiosmtplib.SMTP:
        if self._client is not None and self._client.is_connected:
            return self._client
        self.close()
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
        self._client = client
        return client

    def close(self) -> None:
        """Drop the connection at once (no QUIT)."""
        if self._client is not None:
            self._client.close()
            self._client = None

    async def quit(self) -> None:
        """Say goodbye to the server, if connected."""
        client, self._client = self._client, None
        if client is not None and client.is_connected:
            try:
                await client.quit()
            except (aiosmtplib.SMTPException, OSError):
                client.close()
        elif client is not None:
            client.close()
