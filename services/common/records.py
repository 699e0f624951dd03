"""Kafka records read without trusting their bytes.

aiokafka decodes every header key as strict UTF-8 while it *fetches* (in its C extension and
in its pure-Python `aiokafka/record/default_records.py` alike, with no option to do
otherwise in 0.14, the newest release). A single record whose header key is not UTF-8
therefore makes `getmany` raise for the whole partition on every try, before any consumer
code sees it: the partition stalls for good and a restart fetches the same bytes again.

This module reads a fetched record set (message format v2, KIP-98) the way the format
defines it, keeping keys, values and header values as bytes. A header key that is not
UTF-8 becomes text in a reversible form (`header_key_text` / `header_key_bytes`), because
every layer after the fetch (the dead-letter headers, PostgreSQL text, a producer
re-publishing them) holds header keys as text; `read_records` leaves such a key as bytes and
the consumer's decoder converts it, like every other key, in one place. Older message
formats (v0, v1) have no headers, so aiokafka reads them without this problem and is used
for them.
"""

from __future__ import annotations

import base64
import binascii
import struct
from dataclasses import dataclass

from aiokafka import codec
from aiokafka.errors import CorruptRecordException, UnsupportedCodecError
from aiokafka.record.memory_records import MemoryRecords
from aiokafka.record.util import calc_crc32c, decode_varint

RAW_KEY_PREFIX = "base64:"
"""A header key that is not UTF-8 (or holds NUL, which PostgreSQL text cannot, or already
starts with this prefix) is carried as this prefix followed by its bytes in base64."""

_BATCH_HEADER = struct.Struct(">qiibIhiqqqhii")  # KIP-98 RecordBatch, 61 bytes
_LOG_OVERHEAD = 12  # baseOffset int64 + batchLength int32
_MAGIC_OFFSET = 16
_CRC_START = 21  # the CRC covers everything from the attributes on
_COMPRESSION_MASK = 0x07
_TIMESTAMP_TYPE_MASK = 0x08
_CONTROL_MASK = 0x20
_DECOMPRESS = {
    1: codec.gzip_decode,
    2: codec.snappy_decode,
    3: codec.lz4_decode,
    4: codec.zstd_decode,
}


def header_key_text(key: str | bytes) -> str:
    """A header key as text that PostgreSQL and every Kafka client can hold, reversibly:
    the key itself where it is UTF-8 without NUL, else `base64:` and its bytes (also for a
    key that itself starts with `base64:`, so that `header_key_bytes` is the exact inverse).
    """
    if isinstance(key, bytes):
        try:
            text = key.decode("utf-8")
        except UnicodeDecodeError:
            return RAW_KEY_PREFIX + base64.b64encode(key).decode("ascii")
    else:
        text = key
    if "\x00" in text or text.startswith(RAW_KEY_PREFIX):
        return RAW_KEY_PREFIX + base64.b64encode(text.encode("utf-8")).decode("ascii")
    return text


def needs_escaping(key: str | bytes) -> bool:
    """Whether `header_key_text` changes this key (cheap: most keys are plain text)."""
    return not isinstance(key, str) or "\x00" in key or key.startswith(RAW_KEY_PREFIX)


def header_key_bytes(text: str) -> bytes:
    """The bytes of a header key written by `header_key_text`."""
    if text.startswith(RAW_KEY_PREFIX):
        try:
            return base64.b64decode(text[len(RAW_KEY_PREFIX) :], validate=True)
        except binascii.Error:
            pass  # a key that only looks like one (stored before this form existed)
    return text.encode("utf-8")


@dataclass(frozen=True)
class Record:
    """One record as stored on the broker. A header key is text where it is UTF-8 (as
    aiokafka gives it), else its bytes."""

    offset: int
    timestamp: int
    timestamp_type: int
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str | bytes, bytes | None], ...]


def read_records(data: bytes, *, check_crcs: bool = True) -> list[Record]:
    """Every record of a fetched record set (the `records` field of a FetchResponse
    partition), in offset order. Control batches (transaction markers) are skipped, as the
    consumer skips them; a truncated last batch (the broker cuts at the fetch size) is left
    for the next fetch. Raises `CorruptRecordException` for a batch whose CRC-32C does not
    match (KIP-98), as aiokafka does."""
    view = memoryview(data)
    records: list[Record] = []
    pos = 0
    while len(view) - pos >= _LOG_OVERHEAD + 5:
        (length,) = struct.unpack_from(">i", view, pos + 8)
        end = pos + _LOG_OVERHEAD + length
        if end > len(view):
            break  # a partial batch at the end of the fetch
        batch = view[pos:end]
        if batch[_MAGIC_OFFSET] < 2:
            records += _legacy_records(bytes(batch))
        else:
            records += _batch_records(batch, check_crcs)
        pos = end
    return records


def _legacy_records(batch: bytes) -> list[Record]:
    # v0/v1 message sets carry no headers: aiokafka reads them without the UTF-8 problem
    out: list[Record] = []
    records = MemoryRecords(batch)
    while records.has_next():
        legacy = records.next_batch()
        for r in legacy:
            out.append(Record(r.offset, r.timestamp, r.timestamp_type, r.key, r.value, ()))
    return out


def _batch_records(batch: memoryview, check_crcs: bool) -> list[Record]:
    (
        base_offset,
        _length,
        _leader_epoch,
        _magic,
        crc,
        attributes,
        _last_offset_delta,
        base_timestamp,
        max_timestamp,
        _producer_id,
        _producer_epoch,
        _base_sequence,
        count,
    ) = _BATCH_HEADER.unpack_from(batch, 0)
    if check_crcs and calc_crc32c(bytes(batch[_CRC_START:])) != crc:
        raise CorruptRecordException(f"Invalid CRC in the batch at offset {base_offset}")
    if attributes & _CONTROL_MASK:
        return []
    body: bytes | memoryview = batch[_BATCH_HEADER.size :]
    compression = attributes & _COMPRESSION_MASK
    if compression:
        decompress = _DECOMPRESS.get(compression)
        if decompress is None:
            raise UnsupportedCodecError(f"Unknown compression codec {compression:#x}")
        body = decompress(bytes(body))
    log_append_time = bool(attributes & _TIMESTAMP_TYPE_MASK)
    buf = bytearray(body)
    out: list[Record] = []
    pos = 0
    for _ in range(count):
        length, pos = decode_varint(buf, pos)
        end = pos + length
        pos += 1  # record attributes: unused
        ts_delta, pos = decode_varint(buf, pos)
        offset_delta, pos = decode_varint(buf, pos)
        key, pos = _bytes_field(buf, pos)
        value, pos = _bytes_field(buf, pos)
        n_headers, pos = decode_varint(buf, pos)
        headers = []
        for _ in range(n_headers):
            h_key, pos = _bytes_field(buf, pos)
            h_value, pos = _bytes_field(buf, pos)
            headers.append((_key(h_key or b""), h_value))
        if pos != end:
            raise CorruptRecordException(
                f"Record at offset {base_offset + offset_delta} is not as long as it says"
            )
        out.append(
            Record(
                offset=base_offset + offset_delta,
                timestamp=max_timestamp if log_append_time else base_timestamp + ts_delta,
                timestamp_type=1 if log_append_time else 0,
                key=key,
                value=value,
                headers=tuple(headers),
            )
        )
    return out


def _key(raw: bytes) -> str | bytes:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw


def _bytes_field(buf: bytearray, pos: int) -> tuple[bytes | None, int]:
    size, pos = decode_varint(buf, pos)
    if size < 0:
        return None, pos
    return bytes(buf[pos : pos + size]), pos + size
