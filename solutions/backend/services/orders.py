"""Orders: pricing, a safe create, the two-phase flow (complete, cancel), modify, read and
list. (Task 07, reference solution.)"""

import base64
import hashlib
import json
import secrets
from datetime import datetime

from beanie import PydanticObjectId
from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from backend.events import EventPublisher
from shared.errors import (AuthorizationError, DuplicateError, InsufficientStockError, NotFoundError, RateLimitError,
                           StateConflictError, ValidationError)
from shared.events import EventType
from shared.identity import Actor, ActorKind
from shared.models.order import (FREE_SHIPPING_FROM_CENTS, MAX_ORDERS_PER_DAY, MAX_PRICE_DRIFT_PERCENT, ORDER_WINDOW,
                                 REVIEW_FROM_CENTS, SHIPPING_CENTS, TAX_PERCENT, Order, OrderCustomer, OrderItem,
                                 OrderPricing, OrderQuota, OrderStatus, ProductSnapshot, Reservation, ShippingAddress)
from shared.models.product import Product, ProductStatus
from shared.models.promotion import LIVE_STATUSES, Promotion
from shared.models.user import User
from shared.timeutil import as_utc, utc_now

MAX_PAGE_SIZE = 100
NUMBER_ATTEMPTS = 5


def _percent_of(cents: int, percent: int) -> int:
    """``percent`` % of ``cents``, rounded half up, in integer arithmetic."""
    return (cents * percent + 50) // 100


def _totals(items: list[OrderItem]) -> dict:
    subtotal = sum(item.total_cents for item in items)
    tax = _percent_of(subtotal, TAX_PERCENT)
    shipping = 0 if subtotal >= FREE_SHIPPING_FROM_CENTS else SHIPPING_CENTS
    total = subtotal + tax + shipping
    return {"subtotal_cents": subtotal, "tax_cents": tax, "shipping_cents": shipping, "total_cents": total,
            "flagged_for_review": total >= REVIEW_FROM_CENTS}


def _request_hash(items: list[dict], shipping_address: dict) -> str:
    raw = json.dumps({"items": items, "shipping_address": shipping_address}, sort_keys=True)
    return hashlib.sha256(raw.encode()).hexdigest()


def _order_number(now: datetime) -> str:
    return f"ORD-{now:%Y%m%d}-{secrets.token_hex(2).upper()}"


def _encode_cursor(order: Order) -> str:
    raw = json.dumps({"t": as_utc(order.created_at).isoformat(), "id": str(order.id)})
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _decode_cursor(cursor: str) -> tuple[datetime, PydanticObjectId]:
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if not isinstance(data["id"], str) or not PydanticObjectId.is_valid(data["id"]):
            raise ValueError("not an id")
        return as_utc(datetime.fromisoformat(data["t"])), PydanticObjectId(data["id"])
    except (ValueError, TypeError, KeyError, AttributeError):
        raise ValidationError("The cursor is not valid for this listing.", details={"field": "cursor"}) from None


class OrderService:
    def __init__(self, events: EventPublisher):
        self.events = events

    # -- helpers -------------------------------------------------------------------------

    @staticmethod
    def _buyer_only(actor: Actor) -> None:
        if actor.kind is not ActorKind.USER:
            raise AuthorizationError("Only users place and read orders.")

    async def _own(self, actor: Actor, order_id: str) -> Order:
        self._buyer_only(actor)
        order = await Order.get(PydanticObjectId(order_id)) if PydanticObjectId.is_valid(order_id) else None
        if order is None or not order.is_owned_by(actor.id):
            raise NotFoundError(f"No order with id {order_id!r}.")
        return order

    @staticmethod
    async def _refused(order: Order, move: str) -> StateConflictError:
        """The 409 of a conditional update that matched nothing, saying what the order is now."""
        current = await Order.get(order.id)
        return StateConflictError(f"An order that is {current.status.value} cannot be {move}.")

    async def _emit(self, event: EventType, order: Order) -> None:
        await self.events.emit(event, str(order.id), order.event_data())

    @staticmethod
    async def _best_promotion(product_id: PydanticObjectId, now: datetime) -> Promotion | None:
        found = await Promotion.find({"product_ids": product_id, "status": {"$in": list(LIVE_STATUSES)},
                                      "starts_at": {"$lte": now}, "ends_at": {"$gt": now}}
                                     ).sort([("discount_percent", -1), ("created_at", 1), ("_id", 1)]).limit(1).to_list()
        return found[0] if found else None

    # -- 07.1 ----------------------------------------------------------------------------

    async def quote(self, actor: Actor, items: list[dict]) -> OrderPricing:
        self._buyer_only(actor)
        now = utc_now()
        lines: list[OrderItem] = []
        for number, item in enumerate(items, start=1):
            item_id = f"item_{number}"
            product_id = item["product_id"]
            product = await Product.get(PydanticObjectId(product_id)) if PydanticObjectId.is_valid(product_id) else None
            if product is None or product.status != ProductStatus.ACTIVE:
                raise ValidationError(f"Item {number}: no product on sale with id {product_id!r}.",
                                      details={"item_id": item_id, "field": "product_id"})
            variant = product.variants.get(item["variant_key"])
            if variant is None:
                raise ValidationError(f"Item {number}: the product has no variant {item['variant_key']!r}.",
                                      details={"item_id": item_id, "field": "variant_key"})
            promotion = await self._best_promotion(product.id, now)
            percent = promotion.discount_percent if promotion else 0
            final = variant.price_cents - _percent_of(variant.price_cents, percent)
            snapshot = ProductSnapshot(
                product_id=str(product.id), supplier_id=str(product.supplier_id), product_name=product.name,
                supplier_name=product.supplier_info.name, variant_key=item["variant_key"],
                variant_name=variant.variant_name,
                variant_attributes={a.attribute_name: a.attribute_value for a in variant.attributes},
                image_url=variant.image_url or product.primary_image_url)
            lines.append(OrderItem(item_id=item_id, product_snapshot=snapshot, quantity=item["quantity"],
                                   unit_price_cents=variant.price_cents,
                                   promotion_id=str(promotion.id) if promotion else None, discount_percent=percent,
                                   final_price_cents=final, total_cents=final * item["quantity"]))
        drifted = [(item, line) for item, line in zip(items, lines)
                   if abs(item["seen_price_cents"] - line.final_price_cents) * 100
                   > MAX_PRICE_DRIFT_PERCENT * line.final_price_cents]
        if drifted:
            raise StateConflictError(
                "Prices changed since you saw them; here are the current ones.", code="price_changed",
                details={"items": [{"item_id": line.item_id, "seen_price_cents": item["seen_price_cents"],
                                    "current_price_cents": line.final_price_cents}
                                   for item, line in zip(items, lines)]})
        return OrderPricing(items=lines, **_totals(lines))

    # -- 07.2 ----------------------------------------------------------------------------

    @staticmethod
    def _replay(existing: Order, request_hash: str) -> tuple[Order, bool]:
        if existing.request_hash != request_hash:
            raise DuplicateError("This Idempotency-Key was used for another order.", code="idempotency_conflict",
                                 details={"order_number": existing.order_number})
        return existing, False

    @staticmethod
    async def _take_slot(user_id: PydanticObjectId, order_id: PydanticObjectId, now: datetime) -> None:
        quotas = OrderQuota.get_motor_collection()
        try:  # free the slots older than the window (and make the document the first time)
            await quotas.update_one({"_id": user_id}, {"$pull": {"slots": {"at": {"$lte": now - ORDER_WINDOW}}}},
                                    upsert=True)
        except DuplicateKeyError:  # another create made the document at the same moment
            pass
        taken = await quotas.find_one_and_update(
            {"_id": user_id, f"slots.{MAX_ORDERS_PER_DAY - 1}": {"$exists": False}},
            {"$push": {"slots": {"order_id": str(order_id), "at": now}}})
        if taken is None:
            raise RateLimitError(f"At most {MAX_ORDERS_PER_DAY} orders in 24 hours; try again later.",
                                 details={"limit": MAX_ORDERS_PER_DAY})

    @staticmethod
    async def _give_slot_back(user_id: PydanticObjectId, order_id: PydanticObjectId) -> None:
        await OrderQuota.get_motor_collection().update_one({"_id": user_id},
                                                          {"$pull": {"slots": {"order_id": str(order_id)}}})

    async def create_order(self, actor: Actor, idempotency_key: str, items: list[dict],
                           shipping_address: dict) -> tuple[Order, bool]:
        self._buyer_only(actor)
        request_hash = _request_hash(items, shipping_address)
        existing = await Order.find_one({"customer.user_id": actor.id, "idempotency_key": idempotency_key})
        if existing is not None:
            return self._replay(existing, request_hash)
        pricing = await self.quote(actor, items)
        user = await User.get(PydanticObjectId(actor.id))  # the kit's guard let only an active user through
        now = utc_now()
        order = Order(
            id=PydanticObjectId(), order_number=_order_number(now),
            customer=OrderCustomer(user_id=actor.id, display_name=user.profile.display_name,
                                   email=user.contact_info.primary_email, phone=user.contact_info.phone),
            items=pricing.items, shipping_address=ShippingAddress(**shipping_address),
            subtotal_cents=pricing.subtotal_cents, tax_cents=pricing.tax_cents, shipping_cents=pricing.shipping_cents,
            total_cents=pricing.total_cents, flagged_for_review=pricing.flagged_for_review,
            idempotency_key=idempotency_key, request_hash=request_hash, created_at=now, updated_at=now)
        user_id = PydanticObjectId(actor.id)
        await self._take_slot(user_id, order.id, now)
        for _ in range(NUMBER_ATTEMPTS):
            try:
                await order.insert()
                break
            except DuplicateKeyError:
                existing = await Order.find_one({"customer.user_id": actor.id, "idempotency_key": idempotency_key})
                if existing is not None:  # a request at the same moment with this key won
                    await self._give_slot_back(user_id, order.id)
                    return self._replay(existing, request_hash)
                order.order_number = _order_number(now)  # the number was taken: draw again
        else:
            await self._give_slot_back(user_id, order.id)
            raise StateConflictError("Could not give the order a free number; try again.")
        await self._emit(EventType.ORDER_CREATED, order)
        return order, True

    # -- 07.3 ----------------------------------------------------------------------------

    @staticmethod
    async def _give_back(items: list[OrderItem], now: datetime) -> None:
        """Put the items' quantities back on their variants: a failed complete's compensation,
        or a cancel's release."""
        for item in items:
            path = f"variants.{item.product_snapshot.variant_key}.quantity"
            await Product.get_motor_collection().update_one(
                {"_id": PydanticObjectId(item.product_snapshot.product_id)},
                {"$inc": {path: item.quantity}, "$set": {"updated_at": now}})

    async def complete_order(self, actor: Actor, order_id: str) -> Order:
        order = await self._own(actor, order_id)
        orders, products = Order.get_motor_collection(), Product.get_motor_collection()
        now = utc_now()
        claimed = await orders.find_one_and_update(
            {"_id": order.id, "status": OrderStatus.PENDING.value, "reservation": Reservation.NONE.value},
            {"$set": {"reservation": Reservation.RESERVING.value, "updated_at": now}},
            return_document=ReturnDocument.AFTER)
        if claimed is None:  # not pending, or completed by a request at the same moment
            raise await self._refused(order, "completed")
        order = Order.model_validate(claimed)
        taken: list[OrderItem] = []
        for item in order.items:
            path = f"variants.{item.product_snapshot.variant_key}.quantity"
            product_id = PydanticObjectId(item.product_snapshot.product_id)
            reserved = await products.find_one_and_update({"_id": product_id, path: {"$gte": item.quantity}},
                                                          {"$inc": {path: -item.quantity}, "$set": {"updated_at": now}})
            if reserved is None:
                await self._give_back(taken, now)  # compensation: give back what this complete took
                await orders.update_one({"_id": order.id, "reservation": Reservation.RESERVING.value},
                                        {"$set": {"reservation": Reservation.NONE.value, "updated_at": utc_now()}})
                product = await Product.get(product_id)
                variant = product.variants.get(item.product_snapshot.variant_key) if product else None
                raise InsufficientStockError(
                    f"Not enough of {item.product_snapshot.product_name} ({item.product_snapshot.variant_name}) in "
                    "stock.", details={"item_id": item.item_id, "requested": item.quantity,
                                       "available": variant.quantity if variant else 0})
            taken.append(item)
        confirmed = await orders.find_one_and_update(
            {"_id": order.id, "reservation": Reservation.RESERVING.value},
            {"$set": {"status": OrderStatus.CONFIRMED.value, "reservation": Reservation.RESERVED.value,
                      "confirmed_at": now, "updated_at": now}, "$inc": {"version": 1}},
            return_document=ReturnDocument.AFTER)
        order = Order.model_validate(confirmed)
        await self._emit(EventType.ORDER_CONFIRMED, order)
        return order

    # -- 07.4 ----------------------------------------------------------------------------

    async def cancel_order(self, actor: Actor, order_id: str, reason: str | None = None) -> Order:
        order = await self._own(actor, order_id)
        cancellable = [OrderStatus.PENDING.value, OrderStatus.CONFIRMED.value]
        now = utc_now()
        before = await Order.get_motor_collection().find_one_and_update(
            {"_id": order.id, "status": {"$in": cancellable}, "reservation": {"$ne": Reservation.RESERVING.value}},
            {"$set": {"status": OrderStatus.CANCELLED.value, "cancellation_reason": reason, "cancelled_at": now,
                      "updated_at": now}, "$inc": {"version": 1}},
            return_document=ReturnDocument.BEFORE)
        if before is None:  # not cancellable, or cancelled by a request at the same moment
            raise await self._refused(order, "cancelled")
        if before.get("reservation") == Reservation.RESERVED.value:  # only the request that moved it gets here
            await Order.get_motor_collection().update_one({"_id": order.id},
                                                          {"$set": {"reservation": Reservation.RELEASED.value}})
            await self._give_back(order.items, now)
        order = await Order.get(order.id)
        await self.events.emit(EventType.ORDER_CANCELLED, str(order.id),
                               {"id": str(order.id), "order_number": order.order_number, "reason": reason})
        return order

    async def modify_order(self, actor: Actor, order_id: str, items: list[dict] | None = None,
                           shipping_address: dict | None = None) -> Order:
        order = await self._own(actor, order_id)
        if not items and shipping_address is None:  # {}, {"items": []}, {"items": null}: nothing to change
            raise ValidationError("Send items or shipping_address to change.", details={"field": "body"})
        kept = [item.model_copy() for item in order.items]
        if items:
            by_id = {item.item_id: item for item in kept}
            for change in items:  # in the order sent: an item named twice takes its last quantity
                if change["item_id"] not in by_id:
                    raise ValidationError(f"The order has no item {change['item_id']!r}.", details={"field": "items"})
                by_id[change["item_id"]].quantity = change["quantity"]
            kept = [item for item in kept if item.quantity > 0]
            if not kept:
                raise ValidationError("An order keeps at least one item; cancel it instead.",
                                      details={"field": "items"})
            for item in kept:
                item.total_cents = item.final_price_cents * item.quantity
        update = {"items": [item.model_dump() for item in kept], **_totals(kept), "updated_at": utc_now()}
        if shipping_address is not None:
            update["shipping_address"] = ShippingAddress(**shipping_address).model_dump()
        stored = await Order.get_motor_collection().find_one_and_update(
            {"_id": order.id, "status": OrderStatus.PENDING.value, "reservation": Reservation.NONE.value,
             "version": order.version},
            {"$set": update, "$inc": {"version": 1}}, return_document=ReturnDocument.AFTER)
        if stored is None:  # not pending, or completed or changed at the same moment
            raise await self._refused(order, "modified")
        order = Order.model_validate(stored)
        await self._emit(EventType.ORDER_UPDATED, order)
        return order

    # -- 07.5 ----------------------------------------------------------------------------

    async def get_order(self, actor: Actor, order_id: str) -> Order:
        return await self._own(actor, order_id)

    async def get_order_by_number(self, actor: Actor, order_number: str) -> Order:
        self._buyer_only(actor)
        order = await Order.find_one({"order_number": order_number, "customer.user_id": actor.id})
        if order is None:
            raise NotFoundError(f"No order with number {order_number!r}.")
        return order

    async def list_orders(self, actor: Actor, status: str | None = None, limit: int = 20,
                          cursor: str | None = None) -> tuple[list[Order], str | None]:
        self._buyer_only(actor)
        query: dict = {"customer.user_id": actor.id}
        if status is not None:
            wanted = status.strip().lower()
            if wanted not in {s.value for s in OrderStatus}:
                raise ValidationError(f"Unknown order status {status!r}.", details={"field": "status"})
            query["status"] = wanted
        if cursor:
            when, last_id = _decode_cursor(cursor)
            query["$or"] = [{"created_at": {"$lt": when}}, {"created_at": when, "_id": {"$lt": last_id}}]
        limit = max(1, min(limit, MAX_PAGE_SIZE))
        found = await Order.find(query).sort([("created_at", -1), ("_id", -1)]).limit(limit + 1).to_list()
        page = found[:limit]
        return page, (_encode_cursor(page[-1]) if len(found) > limit else None)
