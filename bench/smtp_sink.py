"""A minimal SMTP server that accepts every message and keeps nothing, so that the
benchmark measures the pipeline rather than its mail server (in production the mail server
is another machine; the flow tests use a real aiosmtpd). Speaks just enough of RFC 5321:
EHLO/HELO, MAIL, RCPT, DATA (dot-terminated), BDAT (CHUNKING, RFC 3030), RSET, NOOP, QUIT,
and PIPELINING (RFC 2920) as production mail servers such as Postfix and Exchange do: the
replies to what one read brought go out in one write.

Usage: smtp_sink.py PORT   (prints the number of messages accepted when stopped)"""

from __future__ import annotations

import asyncio
import signal
import sys

accepted = 0


class SinkProtocol(asyncio.Protocol):
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport: asyncio.Transport = transport  # type: ignore[assignment]
        self.buffer = b""
        self.in_data = False
        self.chunk_left = 0  # bytes of a BDAT chunk still to come
        self.transport.write(b"220 sink ESMTP\r\n")

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        replies: list[bytes] = []
        self._serve(replies)
        if replies and not self.transport.is_closing():
            self.transport.write(b"".join(replies))

    def _serve(self, replies: list[bytes]) -> None:
        global accepted
        while True:
            if self.chunk_left:
                if len(self.buffer) < self.chunk_left:
                    return
                self.buffer = self.buffer[self.chunk_left :]
                self.chunk_left = 0
                accepted += 1
                replies.append(b"250 OK\r\n")
                continue
            if self.in_data:
                end = self.buffer.find(b"\r\n.\r\n")
                if end < 0:
                    return
                self.buffer = self.buffer[end + 5 :]
                self.in_data = False
                accepted += 1
                replies.append(b"250 OK\r\n")
                continue
            line_end = self.buffer.find(b"\r\n")
            if line_end < 0:
                return
            line, self.buffer = self.buffer[:line_end], self.buffer[line_end + 2 :]
            verb = line[:4].upper()
            if verb == b"EHLO":
                replies.append(
                    b"250-sink\r\n250-8BITMIME\r\n250-PIPELINING\r\n250-CHUNKING\r\n"
                    b"250 SIZE 10240000\r\n"
                )
            elif verb == b"DATA":
                self.in_data = True
                self.buffer = b"\r\n" + self.buffer  # so that an empty body still ends
                replies.append(b"354 End data with <CR><LF>.<CR><LF>\r\n")
            elif verb == b"BDAT":  # BDAT size [LAST]: one chunk per message (no partial ones)
                self.chunk_left = int(line.split()[1])
                if not self.chunk_left:
                    accepted += 1
                    replies.append(b"250 OK\r\n")
            elif verb == b"QUIT":
                self.transport.write(b"".join(replies) + b"221 Bye\r\n")
                replies.clear()
                self.transport.close()
                return
            elif verb in (b"HELO", b"MAIL", b"RCPT", b"RSET", b"NOOP"):
                replies.append(b"250 OK\r\n")
            else:  # STARTTLS, AUTH, ...: a discard server has none of them
                replies.append(b"502 command not implemented\r\n")


async def main(port: int) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(SinkProtocol, "127.0.0.1", port)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with server:
        await stop.wait()
    print(f"accepted {accepted}", flush=True)


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
