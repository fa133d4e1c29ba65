"""The MySQL track end to end, once: the seed data's documents (``shared/seed.py``, as ``make
seed`` writes them), their events (``shared/seed_events.py``) through a real broker to the
solutions' analytics service (``grade analytics --impl solutions``: the solutions' consumer,
connection and table modules) on the local stack's servers, and the MySQL tables then hold
exactly the rows the documents imply: counted, and compared field by field with the rows the
task docs of M04, M05 and M07 describe (the testkit's, not the solutions' own functions)."""

import asyncio
import os
import secrets
import signal
import subprocess
import sys
import time
from datetime import date

import httpx
import pytest
from mongomock_motor import AsyncMongoMockClient

from grader import KIT_ROOT
from grader.stacks import kafka, mysql
from grader.stacks.process import free_port
from grader.testkit import order_events as oe
from grader.testkit import pipeline
from grader.testkit import post_events as po
from grader.testkit import product_events as pe
from shared import seed, seed_events

ANCHOR = date(2026, 12, 1)
WAIT_SECONDS = 180


@pytest.fixture(scope="module")
def servers():
    broker, database = kafka.start_local(), mysql.start_local()
    database.wait()
    if broker.problem or database.problem:
        broker.stop(), database.stop()
        pytest.fail(f"the local servers did not start: {broker.problem or database.problem}")
    yield {**broker.env, **database.env}
    broker.stop()
    database.stop()


def _seeded() -> tuple[dict, list[dict]]:
    async def make():
        db = AsyncMongoMockClient(tz_aware=True)["seed"]
        await seed.seed_database(db, "small", 7, ANCHOR)
        docs = await seed_events.read_database(db)
        return docs, seed_events.envelopes(docs)

    return asyncio.run(make())


def _health(port: int) -> dict:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).json()
    except (httpx.HTTPError, ValueError):
        return {}


def _by(rows: list[dict], key: str) -> dict:
    return {r[key]: r for r in rows}


def test_the_seed_datas_events_make_exactly_the_rows_the_documents_imply(servers, monkeypatch, tmp_path):
    for name, value in servers.items():
        monkeypatch.setenv(name, value)
    docs, items = _seeded()
    tag = secrets.token_hex(4)
    database, user, password = pipeline._own_database(f"e2e_{tag}", f"e2e_{tag}", secrets.token_hex(8))
    prefix = f"e2e{tag}."
    from shared.events import TOPICS

    pipeline.create_topics([prefix + topic for topic in TOPICS])
    port = free_port()
    env = {**os.environ, **servers, "ANALYTICS_HOST": "127.0.0.1", "ANALYTICS_PORT": str(port),
           "KAFKA_GROUP_ID": f"e2e-{tag}", "KAFKA_TOPIC_PREFIX": prefix, "MYSQL_USER": user,
           "MYSQL_PASSWORD": password, "MYSQL_DATABASE": database, "TMPDIR": str(tmp_path)}
    proc = subprocess.Popen([sys.executable, "-m", "grader", "analytics", "--impl", "solutions"], cwd=KIT_ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    db = pipeline.MySQL(database)
    try:
        deadline, body = time.monotonic() + 60, {}
        while time.monotonic() < deadline and not body.get("consuming"):
            assert proc.poll() is None, proc.stdout.read().decode()
            body = _health(port)
            time.sleep(0.2)
        assert body.get("consuming"), body
        assert {body["parts"].get(p) for p in ("products", "posts", "orders", "consumer", "db")} == {"yours"}, body

        assert seed_events.produce(items, servers["KAFKA_BOOTSTRAP_SERVERS"], prefix) == len(items)

        by_type: dict[str, list[dict]] = {}
        for item in items:
            by_type.setdefault(item["event_type"], []).append(item)
        deleted_products = {i["entity_id"]: i for i in by_type.get(pe.DELETED, [])}
        live = [i for i in by_type[pe.CREATED] if i["entity_id"] not in deleted_products]
        wanted = {"products": len(live), "product_deletions": len(deleted_products),
                  "product_variants": sum(len(i["data"]["variants"]) for i in live),
                  "posts": len(docs["posts"]), "orders": len(docs["orders"]),
                  "order_items": sum(len(d["items"]) for d in docs["orders"])}
        assert deleted_products and by_type.get(oe.CANCELLED), \
            "the seed data has no deleted product or no cancelled order: this test checks less"

        def counts() -> dict[str, int]:
            return {table: db.query(f"SELECT COUNT(*) AS n FROM {table}")[0]["n"] for table in wanted}

        deadline, found = time.monotonic() + WAIT_SECONDS, {}
        while time.monotonic() < deadline:
            assert proc.poll() is None, proc.stdout.read().decode()[-3000:]
            found = counts()
            if found == wanted and db.query("SELECT COUNT(*) AS n FROM posts WHERE deleted_at IS NOT NULL")[0]["n"] \
                    == len(by_type.get(po.DELETED, [])) and db.query(
                        "SELECT COUNT(*) AS n FROM orders WHERE status = 'cancelled'")[0]["n"] == sum(
                        d["status"] == "cancelled" for d in docs["orders"]):
                break
            time.sleep(1)
        assert found == wanted, f"rows per table {found}, expected {wanted} after {len(items)} events"
        time.sleep(2)  # nothing more may come: every table stays as counted
        assert counts() == wanted

        # Products and their variants.
        rows = _by(db.query("SELECT * FROM products"), "product_id")
        variants: dict[str, list[dict]] = {}
        for row in db.query("SELECT * FROM product_variants"):
            variants.setdefault(row["product_id"], []).append(row)
        for item in live:
            wrong = pe.differences(rows.get(item["entity_id"]), pe.expected_row(item))
            assert not wrong, f"product {item['entity_id']}: {wrong}"
            wrong = pe.variant_differences(variants.get(item["entity_id"], []), pe.expected_variants(item))
            assert not wrong, f"variants of product {item['entity_id']}: {wrong}"
        tombstones = _by(db.query("SELECT * FROM product_deletions"), "product_id")
        for pid, item in deleted_products.items():
            assert (tombstones[pid]["deleted_at"], tombstones[pid]["event_id"]) == \
                (pe.utc(item["timestamp"]), item["event_id"]), pid

        # Posts, deleted ones with the delete event's time.
        rows = _by(db.query("SELECT * FROM posts"), "post_id")
        deletes = {i["entity_id"]: i for i in by_type.get(po.DELETED, [])}
        for item in by_type[po.CREATED]:
            pid = item["entity_id"]
            gone = deletes.get(pid)
            expected = dict(po.expected_row(item), deleted_at=pe.utc(gone["timestamp"]) if gone else None)
            wrong = po.differences(po.readable(rows.get(pid)), expected)
            assert not wrong, f"post {pid}: {wrong}"

        # Orders and their items, cancelled ones as the cancel left them.
        rows = _by(db.query("SELECT * FROM orders"), "order_id")
        items_of: dict[str, list[dict]] = {}
        for row in db.query("SELECT * FROM order_items"):
            items_of.setdefault(row["order_id"], []).append(row)
        cancels = {i["entity_id"]: i for i in by_type.get(oe.CANCELLED, [])}
        for item in by_type.get(oe.CREATED, []) + by_type.get(oe.CONFIRMED, []):
            oid = item["entity_id"]
            expected = oe.expected_row(item)
            cancel = cancels.get(oid)
            if cancel:
                moment = oe.utc(cancel["timestamp"])
                expected.update(status="cancelled", cancellation_reason=cancel["data"]["reason"], cancelled_at=moment,
                                updated_at=moment, event_id=cancel["event_id"], event_timestamp=moment)
            wrong = oe.differences(rows.get(oid), expected)
            assert not wrong, f"order {oid}: {wrong}"
            wrong = oe.item_differences(items_of.get(oid, []), oe.expected_items(item))
            assert not wrong, f"items of order {oid}: {wrong}"
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        pipeline.drop_database(database, user)
