"""One hop of the pass-through baseline: consume a batch, produce it onward, commit.
No logic, no database; the same FastStream batch subscriber and aiokafka producer settings
as the services. Usage: passthrough_hop.py SOURCE_TOPIC DEST_TOPIC GROUP"""

from __future__ import annotations

import asyncio
import sys

from faststream import FastStream

from schemas.encounter import EncounterClosed
from schemas.topics import Topic
from services.common.deadletter import RawRecord
from services.common.kafka import batch_subscriber, make_broker, make_producer
from services.common.runtime import settle_heap
from services.common.settings import Settings


async def main(source: str, dest: str, group: str) -> None:
    settings = Settings(kafka_group_prefix=group)
    broker = make_broker(settings)
    producer = make_producer(settings)

    async def hop(records: list[RawRecord]) -> None:
        futures = [
            await producer.send(dest, r.value, key=r.key, headers=list(r.headers)) for r in records
        ]
        await asyncio.gather(*futures)

    batch_subscriber(
        broker, Topic(source, EncounterClosed, 6, "data.encounter_id"), "hop", settings
    )(hop)
    app = FastStream(broker)
    settle_heap()  # the services' process settings, so that only the work differs
    await producer.start()
    try:
        await app.run()
    finally:
        await producer.stop()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
