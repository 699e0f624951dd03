"""The benchmark's mail server: answers RFC 5321 commands one by one and discards every
message. It offers no extension (no PIPELINING, no CHUNKING), so the notifier talks to it
exactly as to any server; it exists so that the benchmark's two cores measure the pipeline
and not a Python mail server (aiosmtpd costs about 0.9 ms of CPU per message here, more than
the notifier's own work). The flow tests use aiosmtpd. Usage: discard_smtp.py PORT"""

from __future__ import annotations

import asyncio
import sys

REPLIES = {b"EHLO": b"250 discard\r\n", b"HELO": b"250 discard\r\n", b"QUIT": b"221 bye\r\n"}


class Discard(asyncio.Protocol):
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport: asyncio.Transport = transport  # type: ignore[assignment]
        self.buffer = b""
        self.in_data = False
        self.transport.write(b"220 discard ESMTP\r\n")

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            if self.in_data:
                end = self.buffer.find(b"\r\n.\r\n")
                if end < 0:
                    return
                self.buffer = self.buffer[end + 5 :]
                self.in_data = False
                self.transport.write(b"250 discarded\r\n")
                continue
            line, found, rest = self.buffer.partition(b"\r\n")
            if not found:
                return
            self.buffer = rest
            verb = line[:4].upper()
            if verb == b"DATA":
                # the content may start right after it; "\r\n" keeps the end marker findable
                self.in_data = True
                self.buffer = b"\r\n" + self.buffer
                self.transport.write(b"354 go ahead\r\n")
            else:
                self.transport.write(REPLIES.get(verb, b"250 ok\r\n"))
                if verb == b"QUIT":
                    self.transport.close()
                    return


async def main(port: int) -> None:
    server = await asyncio.get_running_loop().create_server(Discard, "127.0.0.1", port)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
