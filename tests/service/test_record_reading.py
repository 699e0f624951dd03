"""Reading Kafka records as bytes (services.common.records) and the consumer that falls back
to it when aiokafka cannot decode a record (services.common.fetching)."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from aiokafka import AIOKafkaProducer, TopicPartition
from aiokafka.codec import has_gzip, has_lz4, has_snappy, has_zstd
from aiokafka.errors import CorruptRecordException
from aiokafka.record.default_records import DefaultRecordBatchBuilder
from aiokafka.record.memory_records import MemoryRecords
from hypothesis import given
from hypothesis import strategies as st

from services.common.fetching import TolerantConsumer
from services.common.kafka import create_topics
from services.common.records import (
    RAW_KEY_PREFIX,
    header_key_bytes,
    header_key_text,
    needs_escaping,
    read_records,
)
from tests.integration.raw_produce import encode_batch, produce_raw

CODECS = {0: True, 1: has_gzip(), 2: has_snappy(), 3: has_lz4(), 4: has_zstd()}
RECORDS = [
    (b"k1", b'{"a": 1}', [("content-type", b"application/json")]),
    (None, b"no key", []),
    (b"k3", None, [("trace", None), ("empty", b"")]),
    (b"", b"", []),
]


def _aiokafka_batch(compression: int, base_offset: int = 0) -> bytes:
    builder = DefaultRecordBatchBuilder(
        magic=2,
        compression_type=compression,
        is_transactional=0,
        producer_id=-1,
        producer_epoch=-1,
        base_sequence=-1,
        batch_size=1 << 20,
    )
    for i, (key, value, headers) in enumerate(RECORDS):
        builder.append(i, timestamp=1_700_000_000_000 + i, key=key, value=value, headers=headers)
    data = bytearray(builder.build())
    data[0:8] = base_offset.to_bytes(8, "big")  # as the broker writes it; not under the CRC
    return bytes(data)


def _as_aiokafka_reads(data: bytes) -> list[tuple]:
    records = MemoryRecords(data)
    out = []
    while records.has_next():
        for r in records.next_batch():
            out.append((r.offset, r.timestamp, r.key, r.value, tuple(r.headers)))
    return out


@pytest.mark.parametrize("compression", [c for c, available in CODECS.items() if available])
def test_reads_what_aiokafka_reads(compression):
    data = _aiokafka_batch(compression, base_offset=40) + _aiokafka_batch(compression, 44)
    ours = [(r.offset, r.timestamp, r.key, r.value, r.headers) for r in read_records(data)]
    assert ours == _as_aiokafka_reads(data)
    assert [r.offset for r in read_records(data)] == list(range(40, 48))


def test_a_header_key_that_is_not_utf8_is_read_as_its_bytes():
    data = encode_batch([(b"k", b"v", [(b"\xff\xfe", b"x"), (b"ok", None)])])
    with pytest.raises(UnicodeDecodeError):  # the defect: aiokafka cannot read it at all
        _as_aiokafka_reads(data)
    (record,) = read_records(data)
    assert record.headers == ((b"\xff\xfe", b"x"), ("ok", None))
    assert (record.key, record.value) == (b"k", b"v")


def test_a_truncated_last_batch_is_left_for_the_next_fetch():
    first, second = _aiokafka_batch(0), _aiokafka_batch(0, base_offset=4)
    assert len(read_records(first + second[:-7])) == len(RECORDS)


def test_a_corrupt_batch_raises_as_aiokafka_does():
    data = bytearray(_aiokafka_batch(0))
    at = data.index(b"no key")
    data[at] ^= 0x20  # "No key"
    with pytest.raises(CorruptRecordException):
        read_records(bytes(data))
    assert read_records(bytes(data), check_crcs=False)[1].value == b"No key"


@given(st.binary(max_size=40))
def test_header_key_form_is_reversible_for_any_bytes(raw):
    text = header_key_text(raw)
    assert "\x00" not in text
    text.encode("utf-8")  # storable text: no lone surrogates
    assert header_key_bytes(text) == raw


@given(st.text(max_size=40))
def test_header_key_form_is_reversible_for_any_text_and_keeps_plain_keys(key):
    text = header_key_text(key)
    assert header_key_bytes(text) == key.encode("utf-8")
    assert (text == key) == (not needs_escaping(key))
    if "\x00" not in key and not key.startswith(RAW_KEY_PREFIX):
        assert text == key


async def test_the_consumer_reads_past_an_undecodable_record_and_loses_nothing(kafka):
    """A fetch drains partitions one after the other and aiokafka advances each one's
    position as it goes: the records of partitions drained before the undecodable one must
    still be handed over (they were lost with the exception before)."""
    topic = f"bytes-{uuid.uuid4().hex[:8]}"
    await create_topics(kafka, {topic: 6})
    producer = AIOKafkaProducer(bootstrap_servers=kafka)
    await producer.start()
    try:
        for p in range(1, 6):  # ordinary records, fetched together with the bad one
            for i in range(2):
                await producer.send(topic, f"p{p}-{i}".encode(), partition=p)
        await producer.flush()
    finally:
        await producer.stop()
    await produce_raw(
        kafka,
        topic,
        0,
        [(None, b"p0-0", []), (None, b"p0-bad", [(b"\xff\xfe", b"x")]), (None, b"p0-2", [])],
    )

    consumer = TolerantConsumer(
        topic,
        bootstrap_servers=kafka,
        group_id=f"check-{uuid.uuid4().hex}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        session_timeout_ms=2000,
        heartbeat_interval_ms=300,
        fetch_max_wait_ms=100,
    )
    await consumer.start()
    seen: list[tuple[int, int, bytes, tuple]] = []
    try:
        deadline = asyncio.get_running_loop().time() + 30
        while len(seen) < 13 and asyncio.get_running_loop().time() < deadline:
            batches = await consumer.getmany(timeout_ms=200, max_records=500)
            for tp, records in batches.items():
                seen += [(tp.partition, r.offset, r.value, r.headers) for r in records]
            await consumer.commit()  # as FastStream does after each applied batch
        for tp, records in (await consumer.getmany(timeout_ms=500)).items():
            seen += [(tp.partition, r.offset, r.value, r.headers) for r in records]
        positions = [await consumer.position(TopicPartition(topic, p)) for p in range(6)]
    finally:
        await consumer.stop()

    assert sorted(seen) == [
        (0, 0, b"p0-0", ()),
        (0, 1, b"p0-bad", ((b"\xff\xfe", b"x"),)),
        (0, 2, b"p0-2", ()),
        *[(p, i, f"p{p}-{i}".encode(), ()) for p in range(1, 6) for i in range(2)],
    ]  # each exactly once
    assert positions == [3, 2, 2, 2, 2, 2]
