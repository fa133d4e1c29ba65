"""Request and response bodies for orders (Task 07)."""

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shared.models.order import (MAX_ITEMS, MAX_QUANTITY, Order, OrderCustomer, OrderItem, OrderPricing, OrderStatus,
                                 Reservation, ShippingAddress)
from shared.models.product import VARIANT_KEY_PATTERN

VariantKey = Annotated[str, StringConstraints(pattern=VARIANT_KEY_PATTERN)]
MAX_CENTS = 100_000_000  # as for products


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OrderItemIn(_Body):
    product_id: str = Field(min_length=1, max_length=40)
    variant_key: VariantKey
    quantity: int = Field(ge=1, le=MAX_QUANTITY)
    seen_price_cents: int = Field(ge=0, le=MAX_CENTS)  # the unit price the client showed the buyer


class ShippingAddressIn(_Body):
    recipient_name: str = Field(min_length=1, max_length=120)
    phone: str | None = Field(default=None, max_length=40)
    street_address_1: str = Field(min_length=1, max_length=200)
    street_address_2: str | None = Field(default=None, max_length=200)
    city: str = Field(min_length=1, max_length=80)
    state: str | None = Field(default=None, max_length=80)
    zip_code: str = Field(min_length=1, max_length=20)
    country: str = Field(pattern=r"^[A-Z]{2}$")


class QuoteRequest(_Body):
    items: list[OrderItemIn] = Field(min_length=1, max_length=MAX_ITEMS)


class CreateOrderRequest(_Body):
    items: list[OrderItemIn] = Field(min_length=1, max_length=MAX_ITEMS)
    shipping_address: ShippingAddressIn


class ItemChange(_Body):
    item_id: str = Field(min_length=1, max_length=20)
    quantity: int = Field(ge=0, le=MAX_QUANTITY)  # 0 removes the item


class ModifyOrderRequest(_Body):
    items: list[ItemChange] | None = Field(default=None, max_length=MAX_ITEMS)
    shipping_address: ShippingAddressIn | None = None


class CancelOrderRequest(_Body):
    reason: str | None = Field(default=None, max_length=500)


class QuoteResponse(OrderPricing):
    """What the order would cost now (nothing is stored)."""


class OrderResponse(BaseModel):
    id: str
    order_number: str
    customer: OrderCustomer
    items: list[OrderItem]
    shipping_address: ShippingAddress
    subtotal_cents: int
    tax_cents: int
    shipping_cents: int
    total_cents: int
    flagged_for_review: bool
    status: OrderStatus
    reservation: Reservation
    cancellation_reason: str | None
    version: int
    confirmed_at: datetime | None
    cancelled_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, order: Order) -> "OrderResponse":
        data = order.model_dump(exclude={"id", "revision_id", "idempotency_key", "request_hash"})
        return cls(**data, id=str(order.id))


class OrderPage(BaseModel):
    items: list[OrderResponse]
    next_cursor: str | None  # None: this is the last page
