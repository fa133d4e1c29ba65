"""Seed data (shared/seed.py, `make seed`): the same seed gives the same documents, another
seed others, the counts are the size table's, the references hold, and the app's in-memory
database is seeded at start-up. One small run on the local stack's server, when installed."""

import hashlib
import sys
from datetime import date, datetime, timedelta, timezone

import bson
import pytest
from mongomock_motor import AsyncMongoMockClient

from grader import KIT_ROOT
from shared import seed
from shared.models.product import ProductCategory

ANCHOR = date(2026, 12, 1)


def fresh_db(name: str = "seed"):
    return AsyncMongoMockClient(tz_aware=True)[name]


async def documents(db) -> dict[str, list[dict]]:
    return {name: await db[name].find({}).sort("_id", 1).to_list(None) for name in seed.COLLECTIONS}


def fingerprint(docs: dict[str, list[dict]]) -> dict[str, str]:
    """A hash of every collection: its documents in _id order, as BSON (datetimes as UTC)."""
    def canonical(value):
        if isinstance(value, dict):
            return {key: canonical(item) for key, item in value.items()}
        if isinstance(value, list):
            return [canonical(item) for item in value]
        if isinstance(value, datetime):
            aware = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
            return aware.astimezone(timezone.utc).replace(tzinfo=None)
        return value

    return {name: hashlib.sha256(b"".join(bson.encode(canonical(d)) for d in rows)).hexdigest()
            for name, rows in docs.items()}


@pytest.fixture(scope="module")
def small():
    """The small set of seed 7, once per module (its own event loop: only data leaves it)."""
    import asyncio

    async def make():
        db = fresh_db()
        counts = await seed.seed_database(db, "small", 7, ANCHOR)
        return counts, await documents(db)

    return asyncio.run(make())


async def test_the_same_seed_gives_the_same_documents_and_another_seed_others(small):
    again = fresh_db("again")
    await seed.seed_database(again, "small", 7, ANCHOR)
    other = fresh_db("other")
    await seed.seed_database(other, "small", 8, ANCHOR)
    first = fingerprint(small[1])
    second, third = fingerprint(await documents(again)), fingerprint(await documents(other))
    assert first == second
    assert all(first[name] != third[name] for name in seed.COLLECTIONS)


async def test_the_counts_are_the_size_table(small):
    counts, docs = small
    for name, expected in seed.expected_counts("small").items():
        assert counts[name] == expected == len(docs[name]), name
    assert counts["order_quotas"] == len(docs["order_quotas"]) > 0


async def test_the_references_hold(small):
    _, docs = small
    users = {str(u["_id"]): u for u in docs["users"]}
    active = {uid for uid, u in users.items() if u["status"] == "active"}
    suppliers = {s["_id"]: s for s in docs["suppliers"]}
    products = {p["_id"]: p for p in docs["products"]}
    communities = {str(c["_id"]): c for c in docs["communities"]}
    assert len({u["contact_info"]["primary_email"] for u in docs["users"]}) == len(users)

    for s in docs["suppliers"]:  # product_ids: exactly the supplier's products not deleted
        live = {p["_id"] for p in docs["products"] if p["supplier_id"] == s["_id"] and p["status"] != "deleted"}
        assert set(s["product_ids"]) == live
    skus = [(p["supplier_id"], p["metadata"]["base_sku"]) for p in docs["products"]]
    assert len(set(skus)) == len(skus)
    for p in docs["products"]:
        assert p["supplier_id"] in suppliers
        assert p["supplier_info"]["name"] == suppliers[p["supplier_id"]]["company_info"]["legal_name"]
        assert p["variants"] and p["variant_attributes"] == sorted(
            {f"{a['attribute_name']}:{a['attribute_value']}".lower() for v in p["variants"].values()
             for a in v["attributes"]})
    assert {p["category"] for p in docs["products"]} == {c.value for c in ProductCategory}

    for c in communities.values():
        assert c["owner_id"] in c["member_ids"] and users[c["owner_id"]]["role"] == "leader"
        assert set(c["member_ids"]) <= active and c["member_count"] == len(c["member_ids"])
        assert set(c["moderator_ids"]) <= set(c["member_ids"])
        pinned = [p for p in docs["posts"] if p["community_id"] == str(c["_id"]) and p["is_pinned"]]
        assert c["pinned_post_count"] == len(pinned) <= 3

    for post in docs["posts"]:
        community = communities[post["community_id"]]
        assert post["author"]["user_id"] in community["member_ids"]
        assert (post["published_at"] is None) == (post["status"] == "draft")

    for promotion in docs["promotions"]:
        for pid in promotion["product_ids"]:
            assert products[pid]["supplier_id"] == promotion["supplier_id"] and products[pid]["status"] == "active"
        assert all(scope == "global" or scope in communities for scope in promotion["scopes"])
        assert promotion["pending_scopes"] == sum(a["status"] == "pending" for a in promotion["approvals"].values())
        assert promotion["starts_at"] < promotion["ends_at"]
    assert {p["status"] for p in docs["promotions"]} == set(seed.PROMOTION_STATUSES)

    numbers = set()
    for order in docs["orders"]:
        assert order["customer"]["user_id"] in active
        assert order["customer"]["email"] == users[order["customer"]["user_id"]]["contact_info"]["primary_email"]
        for item in order["items"]:
            snapshot = item["product_snapshot"]
            product = products[bson.ObjectId(snapshot["product_id"])]
            assert snapshot["supplier_id"] == str(product["supplier_id"])
            assert snapshot["variant_key"] in product["variants"]
            assert item["unit_price_cents"] == product["variants"][snapshot["variant_key"]]["price_cents"]
            assert item["total_cents"] == item["final_price_cents"] * item["quantity"]
        assert order["subtotal_cents"] == sum(i["total_cents"] for i in order["items"])
        assert order["total_cents"] == order["subtotal_cents"] + order["tax_cents"] + order["shipping_cents"]
        numbers.add(order["order_number"])
    assert len(numbers) == len(docs["orders"])
    assert {o["status"] for o in docs["orders"]} == set(seed.ORDER_STATUSES)
    assert any(i["promotion_id"] for o in docs["orders"] for i in o["items"])


async def test_orders_spread_over_months_with_quiet_days_and_recent_ones(small):
    _, docs = small
    end = datetime(2026, 12, 1, tzinfo=timezone.utc)
    days = {o["created_at"].date() for o in docs["orders"]}
    assert min(days) <= (end - timedelta(days=150)).date() and max(days) == (end - timedelta(days=1)).date()
    assert len(days) < seed.SPAN_DAYS  # some days without any order
    assert all(o["created_at"] < end for o in docs["orders"])


async def test_a_full_database_is_refused_unless_reset(small):
    db = fresh_db("full")
    await seed.seed_database(db, "small", 1, ANCHOR)
    with pytest.raises(seed.SeedError, match="already holds users"):
        await seed.seed_database(db, "small", 1, ANCHOR)
    counts = await seed.seed_database(db, "small", 7, ANCHOR, reset=True)
    assert counts == small[0]


def test_bad_inputs_are_refused_in_one_line(capsys, monkeypatch):
    monkeypatch.delenv("MONGODB_URL", raising=False)
    for argv, says in ((["--size", "huge"], "unknown SIZE 'huge'"), (["--seed", "x"], "not a whole number"),
                       (["--anchor", "1/12"], "not a date"), (["--stack", "cloud"], "unknown STACK"),
                       (["--url", "mongodb://127.0.0.1:1"], "did not answer")):
        assert seed.main(argv) == 2
        err = capsys.readouterr().err
        assert says in err and err.count("\n") == 1, err


async def test_the_app_seeds_its_in_memory_database_at_start_up(small):
    sys.path.insert(0, str(KIT_ROOT / "starter"))
    try:
        from backend.config import Settings
        from backend.server import create_app

        db = fresh_db("app")
        app = create_app(Settings(seed_size="small", seed_value="7", seed_anchor="2026-12-01"), database=db)
        async with app.router.lifespan_context(app):
            assert fingerprint(await documents(db)) == fingerprint(small[1])
    finally:
        sys.path.remove(str(KIT_ROOT / "starter"))


async def test_the_local_server_gets_the_same_documents(small):
    from grader.stacks import mongo

    if mongo.server_command() is None:
        pytest.skip("the local stack's MongoDB (SecantusDB) is not installed")
    from motor.motor_asyncio import AsyncIOMotorClient

    server = mongo.start_local()
    server.wait()
    assert server.ready, server.problem
    try:
        client = AsyncIOMotorClient(server.env["MONGODB_URL"], tz_aware=True)
        db = client["seed"]
        counts = await seed.seed_database(db, "small", 7, ANCHOR)
        assert counts == small[0]
        assert fingerprint(await documents(db)) == fingerprint(small[1])
        client.close()
    finally:
        server.stop()
