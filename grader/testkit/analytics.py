"""Data for the tests of Task 08 (analytics reports), put straight into the database (no
learner code of any task): an admin and the accounts the reports refuse (users, Task 01;
suppliers, Task 02), orders in any status at any moment (Task 07's documents, with the items
a test names: a report reads only their snapshots), products (Task 04) and posts (Task 05).
Every report is a list (or the dashboard's object) whose answer the test knows exactly."""

import itertools
import secrets
from datetime import UTC, datetime, timedelta

import httpx

from grader.testkit import accounts, expect, suppliers, tokens
from shared.models.order import FREE_SHIPPING_FROM_CENTS, SHIPPING_CENTS, TAX_PERCENT
from shared.timeutil import utc_now

DOC = "tasks/08-analytics.md"
ADDRESS = {"recipient_name": "Ada Lovelace", "phone": None, "street_address_1": "12 Harbour Lane",
           "street_address_2": None, "city": "London", "state": None, "zip_code": "E1 6AN", "country": "GB"}
_NUMBERS = itertools.count(secrets.randbelow(1 << 16))  # order numbers unique within a test process
COUNTED = ("confirmed", "processing", "shipped", "delivered")
NOT_COUNTED = ("pending", "cancelled", "refunded", "failed")


def section(anchor: str) -> str:
    return f"see {DOC}#{anchor}"


async def admin(email: str = "root@platform.example"):
    return await accounts.seed_user(email, "Root", role="admin")


async def as_admin(settings, email: str = "root@platform.example") -> dict:
    return tokens.as_user(await admin(email), settings)


def oid() -> str:
    return str(_object_id())


def _object_id():
    from bson import ObjectId

    return ObjectId()


def line(supplier_id: str, product_id: str, quantity: int, price: int, *, supplier_name: str = "Acme",
         product_name: str = "Tee", variant: str = "std") -> dict:
    """One item of an order: ``quantity`` units at ``price`` cents of a product of a supplier
    (ids as strings; nothing needs to exist: the reports read the snapshot)."""
    return {"supplier_id": supplier_id, "product_id": product_id, "quantity": quantity, "price": price,
            "supplier_name": supplier_name, "product_name": product_name, "variant": variant}


async def order(lines: list[dict], *, status: str = "confirmed", at: datetime | None = None, id=None,
                customer_id: str | None = None):
    """Insert an order of ``lines`` (see ``line``) in ``status``, created ``at`` (default now)."""
    from beanie import PydanticObjectId

    from shared.models.order import Order, OrderCustomer, OrderItem, ProductSnapshot, ShippingAddress

    when = at or utc_now()
    items = [OrderItem(item_id=f"item_{n}", quantity=x["quantity"], unit_price_cents=x["price"],
                       final_price_cents=x["price"], total_cents=x["price"] * x["quantity"],
                       product_snapshot=ProductSnapshot(
                           product_id=x["product_id"], supplier_id=x["supplier_id"], product_name=x["product_name"],
                           supplier_name=x["supplier_name"], variant_key=x["variant"], variant_name=x["variant"]))
             for n, x in enumerate(lines, start=1)]
    subtotal = sum(i.total_cents for i in items)
    tax = (subtotal * TAX_PERCENT + 50) // 100
    shipping = 0 if subtotal >= FREE_SHIPPING_FROM_CENTS else SHIPPING_CENTS
    document = Order(
        order_number=f"ORD-{when:%Y%m%d}-{next(_NUMBERS) % (1 << 16):04X}",
        customer=OrderCustomer(user_id=customer_id or oid(), display_name="Ada", email="ada@example.com"),
        items=items, shipping_address=ShippingAddress(**ADDRESS), subtotal_cents=subtotal, tax_cents=tax,
        shipping_cents=shipping, total_cents=subtotal + tax + shipping, status=status,
        reservation="reserved" if status in COUNTED else "none", idempotency_key="seed-" + secrets.token_hex(6),
        request_hash="seeded", created_at=when, updated_at=when,
        **({"id": PydanticObjectId(str(id))} if id is not None else {}))
    await document.insert()
    return document


async def product(supplier_id, name: str, *, price: int = 2500, category: str = "fashion", status: str = "active",
                  id=None):
    """Insert a product (only the fields the reports read matter) and return it."""
    from beanie import PydanticObjectId

    from shared.models.product import Product, ProductMetadata, SupplierInfo

    now = utc_now()
    found = Product(
        id=PydanticObjectId(str(id)) if id is not None else PydanticObjectId(), supplier_id=PydanticObjectId(
            str(supplier_id)), supplier_info=SupplierInfo(name="Acme"), name=name, short_description="",
        description="", category=category, metadata=ProductMetadata(base_sku="SKU-" + secrets.token_hex(4)),
        base_price_cents=price, variants={}, status=status, created_at=now, updated_at=now,
        published_at=None if status == "draft" else now, deleted_at=now if status == "deleted" else None)
    await found.insert()
    return found


async def post(community_id: str, *, views: int = 0, likes: int = 0, comments: int = 0, shares: int = 0,
               status: str = "published", deleted: bool = False):
    """Insert a post of a community (an id as a string) with these stats and return it."""
    from shared.models.post import Post, PostAuthor, PostStats, PostStatus, PostType

    now = utc_now()
    found = Post(community_id=community_id, post_type=PostType.TEXT, status=PostStatus(status),
                 author=PostAuthor(user_id=oid(), display_name="Ada", author_type="consumer"),
                 text_content="Hello", stats=PostStats(view_count=views, like_count=likes, comment_count=comments,
                                                       share_count=shares),
                 published_at=None if status == "draft" else now, created_at=now, updated_at=now,
                 deleted_at=now if deleted else None)
    await found.insert()
    return found


async def expect_admin_only(client: httpx.AsyncClient, settings, path: str, doing: str, *,
                            params: dict | None = None) -> None:
    """A consumer, a leader and a supplier get 403 ``forbidden`` on ``path``; no token 401."""
    consumer = await accounts.seed_user(f"c-{secrets.token_hex(3)}@example.com", "Cora")
    leader = await accounts.seed_user(f"l-{secrets.token_hex(3)}@example.com", "Leo", role="leader")
    seller = await suppliers.seed_supplier(f"s-{secrets.token_hex(3)}@acme.example")
    for who, headers in (("a consumer", tokens.as_user(consumer, settings)),
                         ("a leader", tokens.as_user(leader, settings)),
                         ("a supplier", suppliers.as_supplier(seller, settings))):
        expect.error(await client.get(path, params=params, headers=headers), 403,
                     f"{doing}, then GET {path} with {who}'s token (reports are admin-only)", code="forbidden")
    expect.status(await client.get(path, params=params), 401, f"{doing}, then GET {path} without a token")


def utc_day(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d")


def today_start() -> datetime:
    now = utc_now()
    return datetime(now.year, now.month, now.day, tzinfo=UTC)


def days_back(n: int, hours: float = 12) -> datetime:
    """``hours`` into the UTC day ``n`` days before today (0: today, but never after now)."""
    moment = today_start() - timedelta(days=n) + timedelta(hours=hours)
    return min(moment, utc_now() - timedelta(seconds=1))


def half_up(total: int, count: int) -> int:
    return (2 * total + count) // (2 * count) if count else 0


# -- 08.9: what a report reads from the database (local stack: the server's profiler) ------

READ_BUDGET_BYTES = 256 * 1024  # a report's reads on the small seed; its orders alone are about 3 MB
DATA_COLLECTIONS = ("orders", "products", "posts", "suppliers", "users", "communities", "promotions")


async def profiler_off(db) -> None:
    """The profiler off and its collection gone (also after a test that ran out of time)."""
    await db.command("profile", 0)
    await db.drop_collection("system.profile")


async def profiled(db, request):
    """Run ``request()`` (a coroutine function) with the server's profiler on for ``db`` and
    return (its result, the reads it made: [(collection, command)])."""
    await profiler_off(db)
    await db.command("profile", 2)
    try:
        result = await request()
    finally:
        await db.command("profile", 0)
    entries = await db["system.profile"].find({}).to_list(None)
    await profiler_off(db)
    reads = []
    for entry in entries:
        collection = str(entry.get("ns", "")).split(".", 1)[-1]
        command = entry.get("command") or {}
        if collection in DATA_COLLECTIONS and ("find" in command or "aggregate" in command):
            reads.append((collection, command))
    return result, reads


async def bytes_read(db, reads) -> int:
    """What the reads return when the test runs them again itself: the size of every
    document they hand to the app, in bytes (BSON)."""
    import bson

    total = 0
    for collection, command in reads:
        if "aggregate" in command:
            pipeline = command.get("pipeline") or []
            if any(isinstance(stage, dict) and ({"$out", "$merge"} & set(stage)) for stage in pipeline):
                continue  # a report that writes is not run again here: the test never writes for it
            cursor = db[collection].aggregate(pipeline)
        else:
            cursor = db[collection].find(command.get("filter") or {}, command.get("projection"),
                                         skip=command.get("skip") or 0, limit=command.get("limit") or 0)
            if command.get("sort"):
                cursor = cursor.sort(list(command["sort"].items()))
        async for document in cursor:
            total += len(bson.encode(document))
    return total


def first_stage(reads, collection: str = "orders") -> dict | None:
    """The first stage of the first aggregate on ``collection`` (None when there is none)."""
    for name, command in reads:
        if name == collection and "aggregate" in command:
            pipeline = command.get("pipeline") or []
            return pipeline[0] if pipeline else {}
    return None
