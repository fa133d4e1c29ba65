"""Orders for the tests of Task 07, and what they start from, put straight into the database
(no learner code of any task): buyers (users, Task 01), a verified supplier and its active
products (Tasks 02 and 04, through ``testkit.products``), promotions (Task 06, through
``testkit.promotions``) and orders in any state. Act as a buyer with ``as_buyer``."""

import secrets
from datetime import datetime, timedelta

from grader.testkit import accounts, expect, products, promotions, tokens
from shared.models.order import FREE_SHIPPING_FROM_CENTS, REVIEW_FROM_CENTS, SHIPPING_CENTS, TAX_PERCENT
from shared.timeutil import utc_now

ADDRESS = {"recipient_name": "Ada Lovelace", "phone": "+44 20 7946 0000", "street_address_1": "12 Harbour Lane",
           "street_address_2": None, "city": "London", "state": None, "zip_code": "E1 6AN", "country": "GB"}
DOC = "tasks/07-order.md"


def price_variants(price: int, quantity: int = 10, *, key: str = "std", name: str = "Standard") -> dict:
    """One variant ``key`` of ``price`` cents with ``quantity`` in stock."""
    return {key: {"variant_name": name, "attributes": [{"attribute_name": "Size", "attribute_value": "M"}],
                  "price_cents": price, "cost_cents": price // 3, "quantity": quantity,
                  "package_dimensions": None, "image_url": None}}


async def buyer(email: str = "ada@example.com", name: str = "Ada", role: str = "consumer"):
    return await accounts.seed_user(email, name, role=role)


def as_buyer(user, settings) -> dict:
    return tokens.as_user(user, settings)


def with_key(headers: dict, key: str | None = None) -> dict:
    """``headers`` with an Idempotency-Key (a fresh one unless given)."""
    return {**headers, "Idempotency-Key": key or "key-" + secrets.token_hex(6)}


async def seller():
    return await products.seller()


async def item_product(supplier, name: str = "Harbour Tee", price: int = 2500, quantity: int = 10, *,
                       status: str = "active", key: str = "std", **options):
    """An active product of ``supplier`` with one variant ``key`` at ``price`` cents."""
    return await products.seed_product(supplier, name, status=status,
                                       variants=price_variants(price, quantity, key=key), **options)


def line(product, quantity: int = 1, seen: int | None = None, key: str = "std") -> dict:
    """One item of a create or quote body; ``seen`` defaults to the variant's price."""
    price = product.variants[key].price_cents if key in product.variants else 0
    return {"product_id": str(product.id), "variant_key": key, "quantity": quantity,
            "seen_price_cents": price if seen is None else seen}


def body(*lines: dict, address: dict | None = None) -> dict:
    return {"items": list(lines), "shipping_address": dict(address or ADDRESS)}


async def seed_promotion(supplier, product_ids: list, percent: int, *, status: str = "active",
                         starts_in: timedelta = -timedelta(days=1), lasts: timedelta = timedelta(days=7),
                         created_at: datetime | None = None, id=None, title: str = "Summer deal"):
    """A global promotion of ``supplier`` on ``product_ids`` (documents or ids) straight into
    the database (Task 06's ``promotions.seed_promotion``); it starts ``starts_in`` from now
    (negative: already started) and lasts ``lasts``."""
    starts = utc_now() + starts_in
    return await promotions.seed_promotion(supplier, product_ids, status=status, discount=percent, starts_at=starts,
                                           ends_at=starts + lasts, created_at=created_at, id=id, title=title)


async def seed_order(user, lines: list[tuple], *, status: str = "pending", reservation: str | None = None,
                     created_at: datetime | None = None, id=None, number: str | None = None,
                     key: str | None = None, take_stock: bool = False):
    """An order of ``user`` straight into the database. ``lines``: (product, quantity) or
    (product, quantity, variant key); prices are the variants' own, without promotions.
    ``reservation`` defaults to "reserved" for a confirmed order, else "none"; ``take_stock``
    also takes the items' quantities from the variants (as a complete would have)."""
    from beanie import PydanticObjectId

    from shared.models.order import Order, OrderCustomer, OrderItem, ProductSnapshot, ShippingAddress
    from shared.models.product import Product

    now = created_at or utc_now()
    items = []
    for n, entry in enumerate(lines, start=1):
        product, quantity, vkey = (*entry, "std")[:3]
        variant = product.variants[vkey]
        items.append(OrderItem(
            item_id=f"item_{n}", quantity=quantity, unit_price_cents=variant.price_cents,
            final_price_cents=variant.price_cents, total_cents=variant.price_cents * quantity,
            product_snapshot=ProductSnapshot(
                product_id=str(product.id), supplier_id=str(product.supplier_id), product_name=product.name,
                supplier_name=product.supplier_info.name, variant_key=vkey, variant_name=variant.variant_name,
                variant_attributes={a.attribute_name: a.attribute_value for a in variant.attributes})))
        if take_stock:
            await Product.get_motor_collection().update_one({"_id": product.id},
                                                            {"$inc": {f"variants.{vkey}.quantity": -quantity}})
    subtotal = sum(i.total_cents for i in items)
    tax = (subtotal * TAX_PERCENT + 50) // 100  # half up, as tasks/07-order.md states
    shipping = 0 if subtotal >= FREE_SHIPPING_FROM_CENTS else SHIPPING_CENTS
    order = Order(
        order_number=number or f"ORD-{now:%Y%m%d}-{secrets.token_hex(2).upper()}",
        customer=OrderCustomer(user_id=str(user.id), display_name=user.profile.display_name,
                               email=user.contact_info.primary_email),
        items=items, shipping_address=ShippingAddress(**ADDRESS), subtotal_cents=subtotal, tax_cents=tax,
        shipping_cents=shipping, total_cents=subtotal + tax + shipping,
        flagged_for_review=subtotal + tax + shipping >= REVIEW_FROM_CENTS, status=status,
        reservation=reservation or ("reserved" if status == "confirmed" else "none"),
        idempotency_key=key or "seed-" + secrets.token_hex(6), request_hash="seeded",
        confirmed_at=now if status == "confirmed" else None, created_at=now, updated_at=now,
        **({"id": PydanticObjectId(str(id))} if id is not None else {}))
    await order.insert()
    return order


async def stored(order_or_id):
    from beanie import PydanticObjectId

    from shared.models.order import Order

    return await Order.get(PydanticObjectId(str(getattr(order_or_id, "id", order_or_id))))


async def orders_of(user) -> list:
    from shared.models.order import Order

    return await Order.find({"customer.user_id": str(user.id)}).to_list()


async def count_orders() -> int:
    from shared.models.order import Order

    return await Order.find({}).count()


async def stock(product, key: str = "std") -> int:
    """The variant's quantity as stored now."""
    found = await products.stored(product)
    return found.variants[key].quantity


async def age_orders(user, hours: float) -> None:
    """Move the user's orders, and the slots they took in ``order_quotas``, ``hours`` into the
    past, as if they were created that long before."""
    from beanie import PydanticObjectId

    from shared.models.order import Order, OrderQuota

    for order in await Order.find({"customer.user_id": str(user.id)}).to_list():
        await Order.get_motor_collection().update_one(
            {"_id": order.id}, {"$set": {"created_at": order.created_at - timedelta(hours=hours)}})
    quota = await OrderQuota.get_motor_collection().find_one({"_id": PydanticObjectId(str(user.id))})
    if quota:
        slots = [{**slot, "at": slot["at"] - timedelta(hours=hours)} for slot in quota.get("slots", [])]
        await OrderQuota.get_motor_collection().update_one({"_id": quota["_id"]}, {"$set": {"slots": slots}})


def error_details(response, status: int, doing: str, code: str) -> dict:
    """The ``details`` of an error response (an empty dict when it has none)."""
    error = expect.error(response, status, doing, code=code)
    details = error.get("details")
    return details if isinstance(details, dict) else {}
