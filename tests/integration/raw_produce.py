"""Producing records exactly as given, bytes a well-behaved client would refuse to send
(a header key that is not UTF-8): a KIP-98 record batch built by hand and sent in a
ProduceRequest through aiokafka's low-level client."""

from __future__ import annotations

import struct
import time
from collections.abc import Sequence

from aiokafka.client import AIOKafkaClient
from aiokafka.errors import for_code
from aiokafka.protocol.produce import ProduceRequest
from aiokafka.record.util import calc_crc32c, encode_varint
from aiokafka.structs import TopicPartition

RawHeaders = Sequence[tuple[bytes, bytes | None]]
RawRecord = tuple[bytes | None, bytes | None, RawHeaders]
"""(key, value, headers), every part as bytes, None where Kafka allows a null."""


def _varint(out: bytearray, value: int) -> None:
    encode_varint(value, out.append)


def _field(out: bytearray, value: bytes | None) -> None:
    if value is None:
        _varint(out, -1)
    else:
        _varint(out, len(value))
        out += value


def encode_batch(records: Sequence[RawRecord], *, timestamp_ms: int | None = None) -> bytes:
    """One uncompressed v2 record batch holding `records`, base offset 0 (the broker
    assigns the real offsets)."""
    now = timestamp_ms if timestamp_ms is not None else int(time.time() * 1000)
    body = bytearray()
    for delta, (key, value, headers) in enumerate(records):
        rec = bytearray(b"\x00")  # attributes
        _varint(rec, 0)  # timestamp delta
        _varint(rec, delta)  # offset delta
        _field(rec, key)
        _field(rec, value)
        _varint(rec, len(headers))
        for h_key, h_value in headers:
            _field(rec, h_key)
            _field(rec, h_value)
        _varint(body, len(rec))
        body += rec
    after_crc = (
        struct.pack(">hiqqqhii", 0, len(records) - 1, now, now, -1, -1, -1, len(records)) + body
    )
    crc = calc_crc32c(bytes(after_crc))
    after_length = struct.pack(">ibI", -1, 2, crc) + after_crc
    return struct.pack(">qi", 0, len(after_length)) + after_length


async def produce_raw(
    bootstrap: str, topic: str, partition: int, records: Sequence[RawRecord]
) -> int:
    """Append `records` to the partition as they are; returns the first offset."""
    client = AIOKafkaClient(bootstrap_servers=bootstrap)
    await client.bootstrap()
    try:
        await client._wait_on_metadata(topic)  # noqa: SLF001 (test support)
        leader = client.cluster.leader_for_partition(TopicPartition(topic, partition))
        request = ProduceRequest(None, -1, 30_000, [(topic, [(partition, encode_batch(records))])])
        response = await client.send(leader, request)
        for _topic, partitions in response.topics:
            for p, code, base_offset, *_ in partitions:
                if code:
                    raise for_code(code)(f"producing to {topic}-{p}")
                return base_offset
        raise AssertionError("no partition in the produce response")
    finally:
        await client.close()
