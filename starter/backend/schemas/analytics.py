"""Response bodies of the analytics reports (Task 08). Money is integer cents; a day is a
UTC day written ``YYYY-MM-DD``."""

from datetime import datetime

from pydantic import BaseModel


class SupplierRevenue(BaseModel):
    supplier_id: str
    supplier_name: str
    total_revenue_cents: int
    total_items_sold: int
    order_count: int
    avg_item_value_cents: int


class TopProduct(BaseModel):
    product_id: str
    product_name: str
    supplier_id: str
    order_count: int
    units_sold: int
    revenue_cents: int


class ProductDetails(BaseModel):
    name: str
    category: str
    status: str


class SupplierOrderItem(BaseModel):
    item_id: str
    product_id: str
    product_name: str
    quantity: int
    total_cents: int
    product: ProductDetails | None  # the product as it is now; null when it is gone


class SupplierOrder(BaseModel):
    order_id: str
    order_number: str
    status: str
    created_at: datetime
    items: list[SupplierOrderItem]


class CommunityEngagement(BaseModel):
    community_id: str
    post_count: int
    view_count: int
    like_count: int
    comment_count: int
    share_count: int
    interactions: int


class PriceBucket(BaseModel):
    min_cents: int
    max_cents: int | None  # exclusive; null for the last bucket
    product_count: int
    avg_price_cents: int


class DayRevenue(BaseModel):
    date: str
    revenue_cents: int
    order_count: int


class CategoryCount(BaseModel):
    category: str
    product_count: int
    supplier_count: int


class Dashboard(BaseModel):
    order_count: int
    orders_by_status: dict[str, int]
    counted_order_count: int
    revenue_cents: int
    avg_order_value_cents: int
