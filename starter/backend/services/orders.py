"""Pricing, creating, completing, cancelling, modifying, reading and listing orders.

TASK 07 - you implement every method below. Read tasks/07-order.md first.
Useful: shared.models.order (Order, OrderItem, OrderPricing, OrderQuota, OrderCustomer,
ProductSnapshot, ShippingAddress, OrderStatus, Reservation and the constants: TAX_PERCENT,
SHIPPING_CENTS, FREE_SHIPPING_FROM_CENTS, REVIEW_FROM_CENTS, MAX_PRICE_DRIFT_PERCENT,
MAX_ORDERS_PER_DAY, ORDER_WINDOW), shared.models.product (Product, ProductStatus),
shared.models.promotion (Promotion, LIVE_STATUSES), shared.models.user.User, shared.errors,
shared.identity (Actor, ActorKind), shared.events.EventType, shared.timeutil (utc_now, as_utc),
beanie.PydanticObjectId, pymongo.ReturnDocument, pymongo.errors.DuplicateKeyError.

Every method: a caller who is not a user (a supplier) raises ``AuthorizationError`` first,
before anything is looked up. Money is integer cents; percentages are rounded half up in
integer arithmetic: ``(cents * percent + 50) // 100``. ``version`` is 1 at the create; a
complete, a modify and a cancel each add exactly 1 (their inner steps, the claim, the
compensation and the release, add nothing). The tests check statuses, codes and details, not
the wording of messages.
"""

from backend.events import EventPublisher
from shared.identity import Actor
from shared.models.order import Order, OrderPricing

MAX_PAGE_SIZE = 100


class OrderService:
    def __init__(self, events: EventPublisher):
        self.events = events

    async def quote(self, actor: Actor, items: list[dict]) -> OrderPricing:
        """Exercise 07.1. Price ``items`` (each ``{product_id, variant_key, quantity,
        seen_price_cents}``) from the catalogue, storing nothing. Checks, in this order: the
        caller (``AuthorizationError``); then item by item, in the order sent, the product
        (not an ObjectId, unknown or not ``active``: ``ValidationError`` with details
        ``{"item_id": "item_<n>", "field": "product_id"}``) and the variant
        (``{"item_id": ..., "field": "variant_key"}``); then the price drift of every item.
        Item n gets ``item_id`` ``"item_<n>"``, a ``ProductSnapshot``, the variant's
        ``price_cents`` as ``unit_price_cents``, the best live promotion of the product (largest
        ``discount_percent``, then the earliest ``created_at``, then the smaller ``_id``), its
        ``final_price_cents`` (unit price minus the rounded discount) and ``total_cents``
        (final price x quantity). When any item's ``seen_price_cents`` is more than 5% of its
        final price away from it (``abs(seen - final) * 100 > 5 * final``), raise
        ``StateConflictError`` with code ``price_changed`` and details ``{"items": [{"item_id",
        "seen_price_cents", "current_price_cents"} for every item]}``. Totals: subtotal = the
        items' totals; tax 8% of the subtotal; shipping 599, or 0 from a subtotal of 5000;
        total = subtotal + tax + shipping; ``flagged_for_review`` from a total of 100000."""
        raise NotImplementedError("OrderService.quote")

    async def create_order(self, actor: Actor, idempotency_key: str, items: list[dict],
                           shipping_address: dict) -> tuple[Order, bool]:
        """Exercise 07.2. Create a pending order and return ``(order, True)``. Checks, in this
        order: the caller (``AuthorizationError``); the idempotency key (an order of this user
        with this key exists: the same body returns ``(that order, False)``, another body raises
        ``DuplicateError`` with code ``idempotency_conflict``); the pricing of 07.1 (its
        errors); the daily limit (a slot in the user's ``OrderQuota`` taken with one
        conditional ``$push``, after pulling slots older than 24 hours; none free:
        ``RateLimitError`` with details ``{"limit": 5}``); then the insert. The unique index on
        ``(customer.user_id, idempotency_key)`` decides a race: on ``DuplicateKeyError`` give the
        slot back and answer as a replay; a clash of ``order_number`` (``ORD-YYYYMMDD-XXXX``,
        UTC date, 4 upper-case hex digits) draws a new number, 5 attempts in all (all taken:
        give the slot back, ``StateConflictError``). Store a hash of the body (the dicts as
        received) in ``request_hash``; the customer is a snapshot of the ``User`` (the kit's
        token check already refused a missing one with 401). Emit ``order.created`` with
        ``order.event_data()`` (not for a replay)."""
        raise NotImplementedError("OrderService.create_order")

    async def complete_order(self, actor: Actor, order_id: str) -> Order:
        """Exercise 07.3. Pending -> confirmed, reserving every item's stock. Checks, in this
        order: the caller (``AuthorizationError``); the order (not an ObjectId, unknown or
        another user's: ``NotFoundError``); its state (not pending, or its ``reservation`` not
        ``none``: ``StateConflictError``). Claim the order first with one conditional update
        (``reservation`` ``none`` -> ``reserving``; ``None``: ``StateConflictError``), then take
        each item's quantity from its variant with a conditional ``$inc`` (only while the
        variant holds enough). When an item fails, give back what this call took
        (compensation), set ``reservation`` back to ``none`` (the order stays pending, its
        ``version`` unchanged) and raise ``InsufficientStockError`` with details ``{"item_id",
        "requested", "available"}`` (``available``: the variant's stock now, 0 when the product
        or the variant is gone; the message names the item from its snapshot). Otherwise set
        ``status`` confirmed, ``reservation`` reserved, ``confirmed_at``, ``updated_at``,
        ``version`` + 1; emit ``order.confirmed``."""
        raise NotImplementedError("OrderService.complete_order")

    async def cancel_order(self, actor: Actor, order_id: str, reason: str | None = None) -> Order:
        """Exercise 07.4. Pending or confirmed -> cancelled. Checks, in this order: the caller
        (``AuthorizationError``); the order (``NotFoundError`` as in 07.3); its state (any
        other status, or ``reservation`` ``reserving``: ``StateConflictError``). Move it with
        one conditional update (set ``cancellation_reason``, ``cancelled_at``, ``updated_at``,
        ``version`` + 1); ``None``: ``StateConflictError``. When the order was ``reserved``,
        claim the release (``reserved`` -> ``released``, conditionally) and give every item's
        quantity back: exactly once, also when cancels race. Emit ``order.cancelled`` with
        ``{"id", "order_number", "reason"}``."""
        raise NotImplementedError("OrderService.cancel_order")

    async def modify_order(self, actor: Actor, order_id: str, items: list[dict] | None = None,
                           shipping_address: dict | None = None) -> Order:
        """Exercise 07.4. Change a pending order: ``items`` (``[{item_id, quantity}]``; 0
        removes the item; items not named stay) and/or ``shipping_address`` (replaced whole).
        Checks, in this order: the caller (``AuthorizationError``); the order
        (``NotFoundError``); the body (no ``shipping_address`` and no or an empty ``items``:
        ``ValidationError`` with details ``{"field": "body"}``; an unknown ``item_id``, or no
        item left: ``{"field": "items"}``; an item named twice takes its last quantity); its
        state (not pending, or ``reservation`` not ``none``: ``StateConflictError``). Prices
        stay as snapshotted: recompute each item's ``total_cents`` and the order's totals and
        flag with 07.1's rules. One conditional update (pending, reservation ``none``, the
        ``version`` read) sets them, ``updated_at`` and ``version`` + 1; ``None``:
        ``StateConflictError``. Emit ``order.updated``."""
        raise NotImplementedError("OrderService.modify_order")

    async def get_order(self, actor: Actor, order_id: str) -> Order:
        """Exercise 07.5. The caller's own order. A supplier raises ``AuthorizationError``; an
        id that is not an ObjectId, an unknown order and another user's order raise
        ``NotFoundError`` alike."""
        raise NotImplementedError("OrderService.get_order")

    async def get_order_by_number(self, actor: Actor, order_number: str) -> Order:
        """Exercise 07.5. The caller's own order with this ``order_number``; as ``get_order``,
        another user's order raises ``NotFoundError``."""
        raise NotImplementedError("OrderService.get_order_by_number")

    async def list_orders(self, actor: Actor, status: str | None = None, limit: int = 20,
                          cursor: str | None = None) -> tuple[list[Order], str | None]:
        """Exercise 07.5. The caller's orders, newest first (``created_at`` descending, then
        ``_id`` descending), ``limit`` capped at ``MAX_PAGE_SIZE``; ``status`` (trimmed,
        lower-cased) keeps one status. Returns the page and the next cursor (``None`` on the
        last page). An unknown or blank status (``""``, ``" "``: only ``None`` means every
        status) or a cursor you cannot read raises ``ValidationError`` with details
        ``{"field": "status"}`` / ``{"field": "cursor"}``. Pass read-back times through
        ``as_utc`` before writing them into a cursor."""
        raise NotImplementedError("OrderService.list_orders")
