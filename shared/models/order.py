"""Orders (Task 07): the ``orders`` collection, and ``order_quotas``, each user's recent
orders for the daily limit. Users (Task 01) buy the products of suppliers (Tasks 02 and 04);
live promotions (Task 06) lower the price of an item.

An order copies what it sells (``ProductSnapshot``) and what it cost (unit, discount, final
price) when it is created: a later change of the product or the promotion never changes an
order. Money is integer cents everywhere.

The two-phase flow: an order is created ``pending``; completing it reserves the stock of
every item's variant (all items or none) and makes it ``confirmed``; cancelling a pending or
confirmed order makes it ``cancelled`` and gives back what was reserved, once.
``reservation`` says where the stock stands: ``none`` (nothing taken), ``reserving`` (a
complete has claimed the order and is taking stock), ``reserved`` (taken), ``released``
(given back by a cancel). A move claims the order first with one conditional update, so two
requests at the same moment never reserve or release twice.

The unique indexes keep the rules that two requests can race on: one order number per
order; one order per (user, idempotency key). ``OrderQuota`` holds the user's orders of the
last 24 hours as slots: a create takes a slot with one conditional ``$push`` (at most
``MAX_ORDERS_PER_DAY``), so creates at the same moment never pass the limit together.
"""

from datetime import datetime, timedelta
from enum import Enum
from typing import Any

import pymongo
from beanie import Document
from pydantic import BaseModel, Field
from pymongo import IndexModel

from shared.timeutil import utc_now

TAX_PERCENT = 8  # of the subtotal
SHIPPING_CENTS = 599  # 5.99
FREE_SHIPPING_FROM_CENTS = 5000  # a subtotal of 50.00 or more ships free
REVIEW_FROM_CENTS = 100000  # a total of 1000.00 or more is flagged for review
MAX_PRICE_DRIFT_PERCENT = 5  # how far the price the client saw may be from the current one
MAX_ORDERS_PER_DAY = 5  # orders a user may create in any 24 hours
ORDER_WINDOW = timedelta(hours=24)
MAX_ITEMS = 20  # items per order
MAX_QUANTITY = 100  # units per item
ORDER_NUMBER_PATTERN = r"^ORD-[0-9]{8}-[0-9A-F]{4}$"  # ORD-<UTC date YYYYMMDD>-<4 upper-case hex digits>


class OrderStatus(str, Enum):
    PENDING = "pending"  # created: may be modified, completed or cancelled
    CONFIRMED = "confirmed"  # completed: paid, its stock reserved
    PROCESSING = "processing"  # the later statuses belong to fulfilment (not in this course)
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"  # terminal
    REFUNDED = "refunded"
    FAILED = "failed"


# The statuses whose orders count in revenue and sales reports (Task 08): paid (a complete
# made the order confirmed) and not given back. pending is not paid and reserves nothing;
# cancelled, refunded and failed orders were never, or are no longer, a sale.
REVENUE_STATUSES = (OrderStatus.CONFIRMED.value, OrderStatus.PROCESSING.value, OrderStatus.SHIPPED.value,
                    OrderStatus.DELIVERED.value)


class Reservation(str, Enum):
    NONE = "none"  # no stock taken
    RESERVING = "reserving"  # a complete claimed the order and is taking stock (back to NONE if an item fails)
    RESERVED = "reserved"  # every item's stock is taken
    RELEASED = "released"  # a cancel gave it back


class ProductSnapshot(BaseModel):
    """What was sold, as it was when the order was created."""

    product_id: str
    supplier_id: str
    product_name: str
    supplier_name: str
    variant_key: str
    variant_name: str
    variant_attributes: dict[str, str] = Field(default_factory=dict)  # attribute name -> value
    image_url: str | None = None  # the variant's image, else the product's primary image


class OrderItem(BaseModel):
    item_id: str  # "item_1", "item_2", ... in the order the client sent them
    product_snapshot: ProductSnapshot
    quantity: int
    unit_price_cents: int  # the variant's price_cents when the order was created
    promotion_id: str | None = None  # the live promotion applied, if any
    discount_percent: int = 0  # its discount_percent (0: none)
    final_price_cents: int  # one unit after the discount
    total_cents: int  # final_price_cents * quantity
    fulfillment_status: str = "pending"  # fulfilment (not in this course)
    shipped_quantity: int = 0
    tracking_number: str | None = None
    carrier: str | None = None
    shipped_at: datetime | None = None
    delivered_at: datetime | None = None


class OrderCustomer(BaseModel):
    user_id: str  # the buyer's id, as a string
    display_name: str
    email: str
    phone: str | None = None


class ShippingAddress(BaseModel):
    recipient_name: str
    phone: str | None = None
    street_address_1: str
    street_address_2: str | None = None
    city: str
    state: str | None = None
    zip_code: str
    country: str  # two capital letters


class OrderPricing(BaseModel):
    """An order's items and money, priced from the catalogue (what a quote answers)."""

    items: list[OrderItem]
    subtotal_cents: int  # the sum of the items' total_cents
    tax_cents: int  # TAX_PERCENT of the subtotal, rounded half up
    shipping_cents: int  # SHIPPING_CENTS, or 0 from FREE_SHIPPING_FROM_CENTS
    total_cents: int  # subtotal + tax + shipping
    flagged_for_review: bool  # total_cents >= REVIEW_FROM_CENTS


class Order(Document):
    order_number: str  # ORDER_NUMBER_PATTERN, unique
    customer: OrderCustomer
    items: list[OrderItem]
    shipping_address: ShippingAddress
    subtotal_cents: int
    tax_cents: int
    shipping_cents: int
    total_cents: int
    flagged_for_review: bool = False
    status: OrderStatus = OrderStatus.PENDING
    reservation: Reservation = Reservation.NONE
    idempotency_key: str  # the client's Idempotency-Key header; unique per customer
    request_hash: str  # a hash of the create request's body, to tell a replay from another order
    cancellation_reason: str | None = None
    version: int = 1  # 1 at the create; +1 by each complete, modify, cancel (their claim, compensation, release: 0)
    confirmed_at: datetime | None = None
    cancelled_at: datetime | None = None
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now)

    class Settings:
        name = "orders"
        indexes = [
            IndexModel([("order_number", pymongo.ASCENDING)], unique=True, name="uniq_order_number"),
            IndexModel([("customer.user_id", pymongo.ASCENDING), ("idempotency_key", pymongo.ASCENDING)],
                       unique=True, name="uniq_customer_idempotency_key"),
            IndexModel([("customer.user_id", pymongo.ASCENDING), ("created_at", pymongo.DESCENDING),
                        ("_id", pymongo.DESCENDING)], name="by_customer_newest"),
            IndexModel([("status", pymongo.ASCENDING), ("created_at", pymongo.DESCENDING)], name="by_status_newest"),
            # Task 08: one supplier's orders, newest first (a multikey index over the items).
            IndexModel([("items.product_snapshot.supplier_id", pymongo.ASCENDING), ("created_at", pymongo.DESCENDING),
                        ("_id", pymongo.DESCENDING)], name="by_item_supplier_newest"),
        ]

    def is_owned_by(self, user_id: Any) -> bool:
        return self.customer.user_id == str(user_id)

    def event_data(self) -> dict[str, Any]:
        """The order as it travels in events: the whole document, with its id. Every field
        of the model is there, defaults included; an optional one may be None (``null``)."""
        data = self.model_dump(mode="json", exclude={"revision_id"})
        data["id"] = str(self.id)
        return data


class QuotaSlot(BaseModel):
    order_id: str  # the order that took the slot
    at: datetime  # when: the slot is free again ORDER_WINDOW later


class OrderQuota(Document):
    """One per user who ever ordered; ``_id`` is the user's id (an ObjectId). ``slots`` holds
    the orders of the last ORDER_WINDOW (older ones are pulled out before a slot is taken)."""

    slots: list[QuotaSlot] = Field(default_factory=list)

    class Settings:
        name = "order_quotas"
