"""Fetching any bytes: a consumer that never stalls on a record it cannot decode, and a
FastStream parser that never drops a batch whose headers are not text.

Two places between the broker and our consumption policy used to fail on bytes a producer
may legally send, and neither failure reached the policy:

- aiokafka decodes header keys as strict UTF-8 while it fetches (see `records`). `getmany`
  raises `UnicodeDecodeError` on every try; FastStream's consume loop only survives a
  `KafkaError`, so its task ends and the consumer stays in its group doing nothing, for good
  and again after a restart. Worse, a fetch drains partitions one after the other: records
  of a partition drained before the failing one had their positions advanced and were then
  lost with the exception, so the next commit would have skipped them.
  `TolerantConsumer.getmany` catches that failure (only that one: anything else is not a
  record's fault) and, for that one call, reads every assigned partition itself from its
  last *committed* offset with `records.read_records`, returns what it read as ordinary
  `ConsumerRecord`s and seeks past it. Starting from the committed offset can only hand
  over again records that were applied already (the inbox skips them), never skip one.
- FastStream's batch parser decodes every header value as UTF-8, so a header with a null
  value or non-UTF-8 bytes made the parser raise; with no parsed message nothing nacks, the
  positions have advanced, and the next batch's commit skips the whole batch silently
  (faststream#2458). `tolerant_parser` hands FastStream header values it can decode and
  keeps the records as they came as the message's `raw_message`, which is all our decoder
  reads.

Both use public API (a consumer subclass, `committed`, `seek`, a FastStream custom parser),
except that the consumer's own `_client` carries the one FetchRequest of the fallback,
because aiokafka has no public call that returns a partition's raw bytes.
"""

from __future__ import annotations

import collections
import dataclasses
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.errors import KafkaError, for_code
from aiokafka.protocol.fetch import FetchRequest
from faststream.message import StreamMessage

from .logs import log_fields
from .records import Record, read_records

log = logging.getLogger(__name__)
READ_UNCOMMITTED = 0
NO_ERROR = 0


class TolerantConsumer(AIOKafkaConsumer):  # type: ignore[misc]
    """An `AIOKafkaConsumer` whose `getmany` reads past records aiokafka cannot decode.

    For FastStream's batch subscribers as they are built here: `getmany` only (`getone` is
    left as it is), no key or value deserializers, read-uncommitted isolation (the records
    of aborted transactions are not filtered out on the fallback; nothing here produces
    transactionally, and the local broker cannot)."""

    def __init__(self, *topics: str, **config: Any) -> None:
        super().__init__(*topics, **config)
        # the broker may answer an immediate fetch with nothing: wait a little for data
        self._raw_fetch_wait_ms = max(int(config.get("fetch_max_wait_ms", 500)), 100)
        self._raw_partition_bytes = int(config.get("max_partition_fetch_bytes", 1024 * 1024))
        self._raw_fetch_bytes = int(config.get("fetch_max_bytes", 50 * 1024 * 1024))
        self._raw_check_crcs = bool(config.get("check_crcs", True))

    async def getmany(
        self,
        *partitions: TopicPartition,
        timeout_ms: int = 0,
        max_records: int | None = None,
    ) -> dict[TopicPartition, list[ConsumerRecord]]:
        try:
            return await super().getmany(
                *partitions, timeout_ms=timeout_ms, max_records=max_records
            )
        except UnicodeDecodeError:
            # a header key that is not UTF-8; its value is not logged (it may be anything)
            log.warning("a fetched record is not decodable by aiokafka; reading it as bytes")
            wanted = partitions or tuple(self.assignment())
            return await self.read_past_undecodable(wanted, max_records)

    async def read_past_undecodable(
        self, partitions: Iterable[TopicPartition], max_records: int | None
    ) -> dict[TopicPartition, list[ConsumerRecord]]:
        """Read the partitions from their committed offsets as raw bytes; return up to
        `max_records` records and leave each partition's position just after what was
        returned (at its committed offset where nothing was)."""
        paused = self.paused()
        wanted = [tp for tp in partitions if tp not in paused]
        first = await self.beginning_offsets(wanted) if wanted else {}
        starts: dict[TopicPartition, int] = {}
        for tp in wanted:
            # nothing committed (a new group) starts where auto_offset_reset=earliest would;
            # a committed offset the broker no longer holds, at its first record
            committed = await self.committed(tp)
            starts[tp] = max(committed if committed is not None else 0, first[tp])
        fetched = await self._fetch_raw(starts)
        budget = max_records if max_records is not None else float("inf")
        out: dict[TopicPartition, list[ConsumerRecord]] = {}
        for tp, start in starts.items():
            records = [r for r in fetched.get(tp, ()) if r.offset >= start]
            records = records[: int(min(budget, len(records)))]
            budget -= len(records)
            if records:
                out[tp] = [_consumer_record(tp, r) for r in records]
                self.seek(tp, records[-1].offset + 1)
            else:
                self.seek(tp, start)
        log.warning(
            "read records as bytes",
            extra=log_fields(
                records=sum(len(v) for v in out.values()),
                partitions=",".join(f"{tp.topic}-{tp.partition}" for tp in out),
            ),
        )
        return out

    async def _fetch_raw(
        self, starts: dict[TopicPartition, int]
    ) -> dict[TopicPartition, list[Record]]:
        by_leader: dict[int, dict[str, list[tuple[int, int, int]]]] = collections.defaultdict(
            lambda: collections.defaultdict(list)
        )
        for tp, offset in starts.items():
            leader = self._client.cluster.leader_for_partition(tp)
            if leader is None or leader == -1:
                raise KafkaError(f"no leader known for {tp.topic}-{tp.partition}")
            by_leader[leader][tp.topic].append((tp.partition, offset, self._raw_partition_bytes))
        out: dict[TopicPartition, list[Record]] = {}
        for leader, topics in by_leader.items():
            request = FetchRequest(
                self._raw_fetch_wait_ms,
                1,
                self._raw_fetch_bytes,
                READ_UNCOMMITTED,
                list(topics.items()),
            )
            response = await self._client.send(leader, request)
            for topic, parts in response.topics:
                for partition, error_code, _highwater, *data in parts:
                    if error_code != NO_ERROR:
                        raise for_code(error_code)(f"fetching {topic}-{partition}")
                    records = read_records(bytes(data[-1] or b""), check_crcs=self._raw_check_crcs)
                    out[TopicPartition(topic, partition)] = records
        return out


def _consumer_record(tp: TopicPartition, r: Record) -> ConsumerRecord:
    return ConsumerRecord(
        topic=tp.topic,
        partition=tp.partition,
        offset=r.offset,
        timestamp=r.timestamp,
        timestamp_type=r.timestamp_type,
        key=r.key,
        value=r.value,
        checksum=None,
        serialized_key_size=len(r.key) if r.key is not None else -1,
        serialized_value_size=len(r.value) if r.value is not None else -1,
        headers=r.headers,
    )


Parser = Callable[[tuple[ConsumerRecord, ...]], Awaitable[StreamMessage[Any]]]


async def tolerant_parser(
    records: tuple[ConsumerRecord, ...], original: Parser
) -> StreamMessage[Any]:
    """FastStream's batch parser, given header values it can decode (faststream#2458); the
    message's `raw_message` stays the records as consumed, with their bytes."""
    if all(_text_headers(r.headers) for r in records):
        return await original(records)
    message = await original(tuple(_with_text_headers(r) for r in records))
    message.raw_message = records
    return message


def _text_headers(headers: Sequence[tuple[str, bytes | None]]) -> bool:
    for _, value in headers:
        if value is None:
            return False
        try:
            value.decode("utf-8")
        except UnicodeDecodeError:
            return False
    return True


def _with_text_headers(record: ConsumerRecord) -> ConsumerRecord:
    headers = tuple(
        (k, (v or b"").decode("utf-8", "replace").encode("utf-8")) for k, v in record.headers
    )
    return dataclasses.replace(record, headers=headers)
