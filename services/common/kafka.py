"""Kafka wiring: the FastStream broker, the relay's producer, topic creation and the one
subscriber shape every consumer uses (batches, offsets committed after the database, any
bytes read: see `fetching`)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.message import StreamMessage

from schemas.topics import Topic, all_topic_names

from .deadletter import RawRecord
from .fetching import TolerantConsumer, tolerant_parser
from .records import header_key_text, needs_escaping
from .settings import Settings

log = logging.getLogger(__name__)
TOPIC_ALREADY_EXISTS = 36


class Broker(KafkaBroker):
    """FastStream's Kafka broker whose subscribers consume with `TolerantConsumer`.

    FastStream builds every subscriber's consumer with the `partial(AIOKafkaConsumer, ...)`
    it makes on connecting and offers no option for the class; this swaps the class in that
    partial, keeping every option FastStream put there."""

    async def _connect(self) -> Callable[..., Any]:
        builder = await super()._connect()
        if not (isinstance(builder, partial) and builder.func is AIOKafkaConsumer):
            # a FastStream upgrade changed how it builds consumers: fail loudly at start-up
            raise RuntimeError(f"unexpected FastStream consumer builder {builder!r}")
        tolerant = partial(TolerantConsumer, *builder.args, **builder.keywords)
        self.config.broker_config.builder = tolerant
        return tolerant


def make_broker(settings: Settings, *, description: str = "") -> KafkaBroker:
    return Broker(
        settings.kafka_bootstrap_servers,
        graceful_timeout=30.0,
        apply_types=False,  # handlers get the decoder's raw records, see batch_subscriber
        description=description or None,
        logger=logging.getLogger("faststream"),
    )


def make_producer(settings: Settings) -> AIOKafkaProducer:
    return AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        acks="all",
        enable_idempotence=False,  # exactly-once effects come from the inbox and outbox
        linger_ms=settings.kafka_linger_ms,
        compression_type=None
        if settings.kafka_compression == "none"
        else settings.kafka_compression,
        max_batch_size=256 * 1024,
        request_timeout_ms=30_000,
    )


async def _raw_records(msg: StreamMessage[Any]) -> list[RawRecord]:
    raw = msg.raw_message
    records = raw if isinstance(raw, tuple) else (raw,)
    return [_raw_record(r) for r in records]


def _raw_record(record: Any) -> RawRecord:
    raw = RawRecord.of(record)
    if any(needs_escaping(k) for k, _ in raw.headers):
        # a stored dead letter must give back the key: see records.header_key_text
        headers = tuple((header_key_text(k), v) for k, v in raw.headers)
        return RawRecord(raw.topic, raw.partition, raw.offset, raw.key, raw.value, headers)
    return raw


def batch_subscriber(
    broker: KafkaBroker, topic: Topic, service: str, settings: Settings
) -> Callable[[Callable[..., Any]], Any]:
    """Subscribe to `topic` in the service's consumer group, in batches.

    Ack policy chosen on purpose: NACK_ON_ERROR commits the offsets only after the handler
    returned (after the database commit) and rewinds to the batch's first record on error;
    FastStream's Kafka default (ACK_FIRST) would commit on arrival and lose claims on a crash.
    """
    return broker.subscriber(
        topic.name,
        group_id=settings.group_id(service),
        batch=True,
        max_records=settings.kafka_max_batch,
        batch_timeout_ms=settings.kafka_batch_timeout_ms,
        auto_offset_reset=settings.kafka_auto_offset_reset,
        session_timeout_ms=settings.kafka_session_timeout_ms,
        heartbeat_interval_ms=settings.kafka_heartbeat_interval_ms,
        fetch_max_wait_ms=settings.kafka_fetch_max_wait_ms,
        ack_policy=AckPolicy.NACK_ON_ERROR,
        parser=tolerant_parser,
        decoder=_raw_records,
        title=f"{service}:{topic.name}",
        description=f"{service} consumes {topic.event.__name__} events in batches.",
    )


async def create_topics(bootstrap: str, topics: dict[str, int] | None = None) -> list[str]:
    """Create every topic with its partition count (an auto-created topic would get the
    broker's default). Existing topics are left as they are. Returns the names created."""
    wanted = topics or all_topic_names()
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        response = await admin.create_topics(
            [NewTopic(name, num_partitions=n, replication_factor=1) for name, n in wanted.items()]
        )
        created: list[str] = []
        for name, code, *_ in response.topic_errors:
            if code == 0:
                created.append(name)
            elif code != TOPIC_ALREADY_EXISTS:
                raise RuntimeError(f"creating topic {name} failed with Kafka error code {code}")
        return created
    finally:
        await admin.close()
