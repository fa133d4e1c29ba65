"""Analytics reports: aggregation pipelines over orders, products and posts.

TASK 08 - you implement every method below. Read tasks/08-analytics.md first.
Useful: shared.models.order (Order, OrderStatus, REVENUE_STATUSES), shared.models.product
(Product), shared.models.post (Post), shared.models.supplier (Supplier), shared.errors,
shared.identity.Actor, shared.timeutil (utc_now, as_utc), beanie.PydanticObjectId.
Run a pipeline with ``await Order.get_motor_collection().aggregate(pipeline).to_list(None)``.

Every method: a caller who is not an admin (``actor.is_admin`` is false: consumers, leaders,
suppliers) raises ``AuthorizationError`` first, before anything else. Revenue and sales count
only orders whose status is in ``REVENUE_STATUSES``. Money is integer cents; an average is
rounded half up to whole cents (``half_up`` below). Days are UTC days (``YYYY-MM-DD``).

Exercise 08.9. Do the work in the database: a report that reads whole collections into
Python, or a range report whose pipeline does not start with a ``$match`` on ``created_at``,
fails 08.9 (graded on the local stack).
"""

from datetime import datetime

from shared.identity import Actor

PRICE_BOUNDARIES = [0, 1000, 2500, 5000, 10000, 25000]  # cents: the lower end of each price bucket


def half_up(total: int, count: int) -> int:
    """``total / count`` rounded half up to a whole number (0 when ``count`` is 0)."""
    return (2 * total + count) // (2 * count) if count else 0


class AnalyticsService:
    async def revenue_by_supplier(self, actor: Actor, start: datetime | None = None,
                                  end: datetime | None = None) -> list[dict]:
        """Exercise 08.1. Revenue per supplier of the counted orders created in
        ``start <= created_at < end`` (either end may be None: unbounded). Checks, in this order:
        not an admin (``AuthorizationError``); both given and ``start >= end``
        (``ValidationError``, details ``{"field": "end"}``). One row per supplier with items
        sold: ``supplier_id``, ``supplier_name`` (from the items' snapshots),
        ``total_revenue_cents`` (sum of the items' ``total_cents``), ``total_items_sold`` (sum of
        quantities), ``order_count`` (distinct orders), ``avg_item_value_cents`` (revenue / items,
        half up). Sorted by revenue descending, then ``supplier_name`` ascending, then
        ``supplier_id`` ascending."""
        raise NotImplementedError("Exercise 08.1: revenue_by_supplier")

    async def top_products(self, actor: Actor, limit: int = 10) -> list[dict]:
        """Exercise 08.2. The products in the most counted orders: ``product_id``,
        ``product_name``, ``supplier_id`` (from the snapshots), ``order_count`` (distinct orders
        holding the product), ``units_sold``, ``revenue_cents``. Sorted by ``order_count``
        descending, then ``units_sold`` descending, then ``product_id`` ascending; at most
        ``limit`` rows. Checks: not an admin (``AuthorizationError``)."""
        raise NotImplementedError("Exercise 08.2: top_products")

    async def supplier_orders(self, actor: Actor, supplier_id: str, limit: int = 20) -> list[dict]:
        """Exercise 08.3. The newest counted orders holding items of one supplier, with the
        details of each product as it is now. Checks, in this order: not an admin
        (``AuthorizationError``); ``supplier_id`` not an ObjectId (``ValidationError``, details
        ``{"field": "supplier_id"}``); no such supplier (``NotFoundError``). Rows, newest first
        (``created_at`` descending, then ``_id`` descending), at most ``limit``: ``order_id``,
        ``order_number``, ``status``, ``created_at``, ``items`` (only this supplier's, in the
        order's order: ``item_id``, ``product_id``, ``product_name``, ``quantity``,
        ``total_cents``, ``product``: ``{name, category, status}`` of the product now, or None
        when it is gone)."""
        raise NotImplementedError("Exercise 08.3: supplier_orders")

    async def post_engagement(self, actor: Actor) -> list[dict]:
        """Exercise 08.4. Per community, over its published posts not deleted:
        ``community_id``, ``post_count``, ``view_count``, ``like_count``, ``comment_count``,
        ``share_count`` (sums of the posts' stats) and ``interactions`` (likes + comments +
        shares). Sorted by ``interactions`` descending, then ``post_count`` ascending, then
        ``community_id`` ascending. Checks: not an admin (``AuthorizationError``)."""
        raise NotImplementedError("Exercise 08.4: post_engagement")

    async def price_distribution(self, actor: Actor) -> list[dict]:
        """Exercise 08.5. Active products by ``base_price_cents`` in the buckets of
        ``PRICE_BOUNDARIES``: one row per bucket, every bucket present, lowest first:
        ``min_cents``, ``max_cents`` (the next boundary, exclusive; None for the last),
        ``product_count``, ``avg_price_cents`` (half up; 0 for an empty bucket). Checks: not an
        admin (``AuthorizationError``)."""
        raise NotImplementedError("Exercise 08.5: price_distribution")

    async def daily_revenue(self, actor: Actor, days: int = 30) -> list[dict]:
        """Exercise 08.6. One row per UTC day of the last ``days`` days, today included, oldest
        first, days without orders present with zeros: ``date`` (``YYYY-MM-DD``),
        ``revenue_cents`` (sum of the counted orders' ``subtotal_cents``), ``order_count``.
        Checks: not an admin (``AuthorizationError``)."""
        raise NotImplementedError("Exercise 08.6: daily_revenue")

    async def top_categories(self, actor: Actor, limit: int = 10) -> list[dict]:
        """Exercise 08.7. Active products per category: ``category``, ``product_count``,
        ``supplier_count`` (distinct suppliers of those products). Sorted by ``product_count``
        descending, then ``supplier_count`` descending, then ``category`` ascending; at most
        ``limit`` rows. Checks: not an admin (``AuthorizationError``)."""
        raise NotImplementedError("Exercise 08.7: top_categories")

    async def dashboard(self, actor: Actor) -> dict:
        """Exercise 08.8. One ``$facet`` over orders: ``order_count`` (all orders),
        ``orders_by_status`` (every ``OrderStatus`` value, 0 when none), ``counted_order_count``,
        ``revenue_cents`` (their ``subtotal_cents``), ``avg_order_value_cents`` (half up; 0 when
        none). Checks: not an admin (``AuthorizationError``)."""
        raise NotImplementedError("Exercise 08.8: dashboard")
