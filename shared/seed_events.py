"""The events of the seed data: what the app would have published while the seeded documents
came about, for the analytics replica (the MySQL track).

``shared/seed.py`` writes documents straight into MongoDB, so no event is ever published for
them. ``envelopes(docs)`` turns the seeded products, posts and orders into the envelopes their
history implies, in order, each stamped with the document's own times (never the clock, so a
replay gives the same replica):

- a product: ``product.created`` with its document, stamped ``updated_at``; a deleted one (status
  ``deleted``) then ``product.deleted``, stamped ``deleted_at``;
- a post: ``post.created`` with its document, stamped ``updated_at``; a deleted one then
  ``post.deleted``, stamped ``deleted_at``;
- an order: ``order.created`` with its document, stamped ``created_at`` (a confirmed one
  ``order.confirmed`` instead, stamped ``confirmed_at``); a cancelled one then
  ``order.cancelled``, stamped ``cancelled_at``.

``python -m shared.seed_events`` reads the database at MONGODB_URL (``make seed`` filled it)
and produces those envelopes to Kafka at KAFKA_BOOTSTRAP_SERVERS (topic: KAFKA_TOPIC_PREFIX +
the event's topic, key: the entity id), as the app's publisher does.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import uuid
from datetime import datetime, timezone
from typing import Any

from shared.events import EventType

COLLECTIONS = ("products", "posts", "orders")


def _iso(value: Any) -> str:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat()


def _envelope(event_type: EventType, entity_id: str, data: dict, at: Any) -> dict[str, Any]:
    # The event id is derived from the entity and the event, so the same seed gives the same ids.
    event_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"seed:{event_type.value}:{entity_id}"))
    return {"event_type": event_type.value, "event_id": event_id, "timestamp": _iso(at), "entity_id": entity_id,
            "data": data}


def _data(model, doc: dict) -> dict[str, Any]:
    return model.model_validate(doc).event_data()


def envelopes(docs: dict[str, list[dict]]) -> list[dict[str, Any]]:
    """The envelopes of the seeded ``products``, ``posts`` and ``orders`` (documents as stored,
    with ``_id``), in the order the app would have published them per entity."""
    from shared.models import Order, Post, Product

    out: list[dict[str, Any]] = []
    for doc in docs.get("products", []):
        pid = str(doc["_id"])
        out.append(_envelope(EventType.PRODUCT_CREATED, pid, _data(Product, doc), doc["updated_at"]))
        if doc.get("status") == "deleted":
            out.append(_envelope(EventType.PRODUCT_DELETED, pid, {"id": pid}, doc.get("deleted_at") or doc["updated_at"]))
    for doc in docs.get("posts", []):
        pid = str(doc["_id"])
        out.append(_envelope(EventType.POST_CREATED, pid, _data(Post, doc), doc["updated_at"]))
        if doc.get("deleted_at"):
            out.append(_envelope(EventType.POST_DELETED, pid, {"id": pid}, doc["deleted_at"]))
    for doc in docs.get("orders", []):
        oid = str(doc["_id"])
        if doc.get("confirmed_at"):
            out.append(_envelope(EventType.ORDER_CONFIRMED, oid, _data(Order, doc), doc["confirmed_at"]))
        else:
            out.append(_envelope(EventType.ORDER_CREATED, oid, _data(Order, doc), doc["created_at"]))
        if doc.get("status") == "cancelled":
            out.append(_envelope(EventType.ORDER_CANCELLED, oid,
                                 {"id": oid, "order_number": doc["order_number"],
                                  "reason": doc.get("cancellation_reason")},
                                 doc.get("cancelled_at") or doc["updated_at"]))
    return out


def produce(items: list[dict[str, Any]], bootstrap: str, prefix: str = "") -> int:
    """Produce the envelopes to Kafka, keyed by entity id; returns how many were delivered."""
    from confluent_kafka import Producer

    delivered = []
    producer = Producer({"bootstrap.servers": bootstrap, "acks": "all", "enable.idempotence": True,
                         "log_level": 0})
    for item in items:
        producer.produce(prefix + item["event_type"].split(".", 1)[0], json.dumps(item).encode(),
                         key=item["entity_id"].encode(),
                         on_delivery=lambda err, _msg: delivered.append(err is None))
        producer.poll(0)
    producer.flush(30)
    return sum(delivered)


async def read_database(db) -> dict[str, list[dict]]:
    return {name: await db[name].find({}).sort("_id", 1).to_list(None) for name in COLLECTIONS}


def main(argv: list[str] | None = None) -> int:
    import asyncio

    from beanie import init_beanie
    from motor.motor_asyncio import AsyncIOMotorClient

    from shared.models import Order, Post, Product

    parser = argparse.ArgumentParser(prog="python -m shared.seed_events", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default=os.environ.get("DATABASE_NAME", "social_commerce"))
    args = parser.parse_args(argv)
    url = os.environ.get("MONGODB_URL", "mongodb://localhost:27017")

    async def read() -> dict[str, list[dict]]:
        client = AsyncIOMotorClient(url, tz_aware=True)
        db = client[args.database]
        await init_beanie(database=db, document_models=[Product, Post, Order])
        return await read_database(db)

    items = envelopes(asyncio.run(read()))
    sent = produce(items, os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"),
                   os.environ.get("KAFKA_TOPIC_PREFIX", ""))
    print(f"seed events: {sent} of {len(items)} delivered", file=sys.stderr)
    return 0 if sent == len(items) else 1


if __name__ == "__main__":
    raise SystemExit(main())
