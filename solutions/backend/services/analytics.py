"""Analytics reports: aggregation pipelines over orders, products and posts (Task 08).

Every report belongs to platform staff: a caller who is not an admin raises
``AuthorizationError`` first. Revenue and sales count only the orders whose status is in
``REVENUE_STATUSES`` (confirmed, processing, shipped, delivered). Money is integer cents; an
average is rounded half up to whole cents after the pipeline. Days are UTC days.
"""

from datetime import datetime, timedelta

from beanie import PydanticObjectId

from shared.errors import AuthorizationError, NotFoundError, ValidationError
from shared.identity import Actor
from shared.models.order import REVENUE_STATUSES, Order, OrderStatus
from shared.models.post import Post
from shared.models.product import Product
from shared.models.supplier import Supplier
from shared.timeutil import as_utc, utc_now

PRICE_BOUNDARIES = [0, 1000, 2500, 5000, 10000, 25000]  # cents: the lower end of each price bucket


def half_up(total: int, count: int) -> int:
    """``total / count`` rounded half up to a whole number (0 when ``count`` is 0)."""
    return (2 * total + count) // (2 * count) if count else 0


def _counted() -> dict:
    return {"status": {"$in": list(REVENUE_STATUSES)}}


class AnalyticsService:
    def _require_admin(self, actor: Actor) -> None:
        if not actor.is_admin:
            raise AuthorizationError("Only platform admins may read analytics reports.")

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
        self._require_admin(actor)
        if start is not None and end is not None and as_utc(start) >= as_utc(end):
            raise ValidationError("start must be before end.", details={"field": "end"})
        match = _counted()
        window = {}
        if start is not None:
            window["$gte"] = as_utc(start)
        if end is not None:
            window["$lt"] = as_utc(end)
        if window:
            match["created_at"] = window
        pipeline = [
            {"$match": match},
            {"$unwind": "$items"},
            # One row per (order, supplier) first, so the second $group counts distinct orders
            # with a $sum (an $addToSet of order ids grows with the history).
            {"$group": {"_id": {"order": "$_id", "supplier": "$items.product_snapshot.supplier_id"},
                        "supplier_name": {"$first": "$items.product_snapshot.supplier_name"},
                        "revenue": {"$sum": "$items.total_cents"}, "items": {"$sum": "$items.quantity"}}},
            {"$group": {"_id": "$_id.supplier", "supplier_name": {"$first": "$supplier_name"},
                        "total_revenue_cents": {"$sum": "$revenue"}, "total_items_sold": {"$sum": "$items"},
                        "order_count": {"$sum": 1}}},
            {"$sort": {"total_revenue_cents": -1, "supplier_name": 1, "_id": 1}},
        ]
        rows = await Order.get_motor_collection().aggregate(pipeline).to_list(None)
        return [{"supplier_id": row["_id"], "supplier_name": row["supplier_name"],
                 "total_revenue_cents": row["total_revenue_cents"], "total_items_sold": row["total_items_sold"],
                 "order_count": row["order_count"],
                 "avg_item_value_cents": half_up(row["total_revenue_cents"], row["total_items_sold"])}
                for row in rows]

    async def top_products(self, actor: Actor, limit: int = 10) -> list[dict]:
        """Exercise 08.2. The products in the most counted orders: ``product_id``,
        ``product_name``, ``supplier_id`` (from the snapshots), ``order_count`` (distinct orders
        holding the product), ``units_sold``, ``revenue_cents``. Sorted by ``order_count``
        descending, then ``units_sold`` descending, then ``product_id`` ascending; at most
        ``limit`` rows. Checks: not an admin (``AuthorizationError``)."""
        self._require_admin(actor)
        pipeline = [
            {"$match": _counted()},
            {"$unwind": "$items"},
            {"$group": {"_id": {"order": "$_id", "product": "$items.product_snapshot.product_id"},
                        "product_name": {"$first": "$items.product_snapshot.product_name"},
                        "supplier_id": {"$first": "$items.product_snapshot.supplier_id"},
                        "units": {"$sum": "$items.quantity"}, "revenue": {"$sum": "$items.total_cents"}}},
            {"$group": {"_id": "$_id.product", "product_name": {"$first": "$product_name"},
                        "supplier_id": {"$first": "$supplier_id"}, "order_count": {"$sum": 1},
                        "units_sold": {"$sum": "$units"}, "revenue_cents": {"$sum": "$revenue"}}},
            {"$sort": {"order_count": -1, "units_sold": -1, "_id": 1}},
            {"$limit": limit},
        ]
        rows = await Order.get_motor_collection().aggregate(pipeline).to_list(None)
        return [{"product_id": row["_id"], "product_name": row["product_name"], "supplier_id": row["supplier_id"],
                 "order_count": row["order_count"], "units_sold": row["units_sold"],
                 "revenue_cents": row["revenue_cents"]} for row in rows]

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
        self._require_admin(actor)
        if not PydanticObjectId.is_valid(supplier_id):
            raise ValidationError("That is not a supplier id.", details={"field": "supplier_id"})
        if await Supplier.get_motor_collection().find_one({"_id": PydanticObjectId(supplier_id)}, {"_id": 1}) is None:
            raise NotFoundError("No such supplier.")
        sid = str(PydanticObjectId(supplier_id))
        pipeline = [
            {"$match": {"items.product_snapshot.supplier_id": sid}},
            {"$match": _counted()},
            {"$sort": {"created_at": -1, "_id": -1}},
            {"$limit": limit},
            {"$project": {"order_number": 1, "status": 1, "created_at": 1, "items": 1}},
        ]
        orders = await Order.get_motor_collection().aggregate(pipeline).to_list(None)
        # The product details: on a real MongoDB one $lookup (let/pipeline with $toObjectId) does
        # this inside the pipeline; the portable form is one bounded query by the ids found.
        ids = {PydanticObjectId(item["product_snapshot"]["product_id"])
               for order in orders for item in order["items"] if item["product_snapshot"]["supplier_id"] == sid}
        found = await Product.get_motor_collection().find(
            {"_id": {"$in": list(ids)}}, {"name": 1, "category": 1, "status": 1}).to_list(None)
        details = {str(p["_id"]): {"name": p["name"], "category": p["category"], "status": p["status"]}
                   for p in found}
        return [{"order_id": str(order["_id"]), "order_number": order["order_number"], "status": order["status"],
                 "created_at": as_utc(order["created_at"]),
                 "items": [{"item_id": item["item_id"], "product_id": item["product_snapshot"]["product_id"],
                            "product_name": item["product_snapshot"]["product_name"], "quantity": item["quantity"],
                            "total_cents": item["total_cents"],
                            "product": details.get(item["product_snapshot"]["product_id"])}
                           for item in order["items"] if item["product_snapshot"]["supplier_id"] == sid]}
                for order in orders]

    async def post_engagement(self, actor: Actor) -> list[dict]:
        """Exercise 08.4. Per community, over its published posts not deleted:
        ``community_id``, ``post_count``, ``view_count``, ``like_count``, ``comment_count``,
        ``share_count`` (sums of the posts' stats) and ``interactions`` (likes + comments +
        shares). Sorted by ``interactions`` descending, then ``post_count`` ascending, then
        ``community_id`` ascending. Checks: not an admin (``AuthorizationError``)."""
        self._require_admin(actor)
        pipeline = [
            {"$match": {"status": "published", "deleted_at": None}},
            {"$group": {"_id": "$community_id", "post_count": {"$sum": 1},
                        "view_count": {"$sum": "$stats.view_count"}, "like_count": {"$sum": "$stats.like_count"},
                        "comment_count": {"$sum": "$stats.comment_count"},
                        "share_count": {"$sum": "$stats.share_count"}}},
        ]
        rows = await Post.get_motor_collection().aggregate(pipeline).to_list(None)
        report = [{"community_id": row["_id"], "post_count": row["post_count"], "view_count": row["view_count"],
                   "like_count": row["like_count"], "comment_count": row["comment_count"],
                   "share_count": row["share_count"],
                   "interactions": row["like_count"] + row["comment_count"] + row["share_count"]} for row in rows]
        report.sort(key=lambda row: (-row["interactions"], row["post_count"], row["community_id"]))
        return report

    async def price_distribution(self, actor: Actor) -> list[dict]:
        """Exercise 08.5. Active products by ``base_price_cents`` in the buckets of
        ``PRICE_BOUNDARIES``: one row per bucket, every bucket present, lowest first:
        ``min_cents``, ``max_cents`` (the next boundary, exclusive; None for the last),
        ``product_count``, ``avg_price_cents`` (half up; 0 for an empty bucket). Checks: not an
        admin (``AuthorizationError``)."""
        self._require_admin(actor)
        last = PRICE_BOUNDARIES[-1]
        pipeline = [
            {"$match": {"status": "active"}},
            {"$bucket": {"groupBy": "$base_price_cents", "boundaries": PRICE_BOUNDARIES + [2 ** 62],
                         "default": "other",
                         "output": {"count": {"$sum": 1}, "total": {"$sum": "$base_price_cents"}}}},
        ]
        rows = {row["_id"]: row for row in await Product.get_motor_collection().aggregate(pipeline).to_list(None)}
        report = []
        for n, low in enumerate(PRICE_BOUNDARIES):
            row = rows.get(low, {"count": 0, "total": 0})
            report.append({"min_cents": low, "max_cents": PRICE_BOUNDARIES[n + 1] if low != last else None,
                           "product_count": row["count"], "avg_price_cents": half_up(row["total"], row["count"])})
        return report

    async def daily_revenue(self, actor: Actor, days: int = 30) -> list[dict]:
        """Exercise 08.6. One row per UTC day of the last ``days`` days, today included, oldest
        first, days without orders present with zeros: ``date`` (``YYYY-MM-DD``),
        ``revenue_cents`` (sum of the counted orders' ``subtotal_cents``), ``order_count``.
        Checks: not an admin (``AuthorizationError``)."""
        self._require_admin(actor)
        today = utc_now().date()
        first = today - timedelta(days=days - 1)
        since = datetime(first.year, first.month, first.day, tzinfo=utc_now().tzinfo)
        pipeline = [
            {"$match": {**_counted(), "created_at": {"$gte": since}}},
            {"$group": {"_id": {"$dateToString": {"format": "%Y-%m-%d", "date": "$created_at"}},
                        "revenue_cents": {"$sum": "$subtotal_cents"}, "order_count": {"$sum": 1}}},
        ]
        rows = {row["_id"]: row for row in await Order.get_motor_collection().aggregate(pipeline).to_list(None)}
        report = []
        for n in range(days):
            day = (first + timedelta(days=n)).isoformat()
            row = rows.get(day, {"revenue_cents": 0, "order_count": 0})
            report.append({"date": day, "revenue_cents": row["revenue_cents"], "order_count": row["order_count"]})
        return report

    async def top_categories(self, actor: Actor, limit: int = 10) -> list[dict]:
        """Exercise 08.7. Active products per category: ``category``, ``product_count``,
        ``supplier_count`` (distinct suppliers of those products). Sorted by ``product_count``
        descending, then ``supplier_count`` descending, then ``category`` ascending; at most
        ``limit`` rows. Checks: not an admin (``AuthorizationError``)."""
        self._require_admin(actor)
        pipeline = [
            {"$match": {"status": "active"}},
            {"$group": {"_id": {"category": "$category", "supplier": "$supplier_id"}, "count": {"$sum": 1}}},
            {"$group": {"_id": "$_id.category", "count": {"$sum": "$count"}, "suppliers": {"$sum": 1}}},
            {"$sort": {"count": -1, "suppliers": -1, "_id": 1}},
            {"$limit": limit},
        ]
        rows = await Product.get_motor_collection().aggregate(pipeline).to_list(None)
        return [{"category": row["_id"], "product_count": row["count"], "supplier_count": row["suppliers"]}
                for row in rows]

    async def dashboard(self, actor: Actor) -> dict:
        """Exercise 08.8. One ``$facet`` over orders: ``order_count`` (all orders),
        ``orders_by_status`` (every ``OrderStatus`` value, 0 when none), ``counted_order_count``,
        ``revenue_cents`` (their ``subtotal_cents``), ``avg_order_value_cents`` (half up; 0 when
        none). Checks: not an admin (``AuthorizationError``)."""
        self._require_admin(actor)
        pipeline = [{"$facet": {
            "by_status": [{"$group": {"_id": "$status", "count": {"$sum": 1}}}],
            "counted": [{"$match": _counted()},
                        {"$group": {"_id": None, "count": {"$sum": 1}, "revenue": {"$sum": "$subtotal_cents"}}}],
        }}]
        facets = (await Order.get_motor_collection().aggregate(pipeline).to_list(None))[0]
        by_status = {status.value: 0 for status in OrderStatus}
        for row in facets["by_status"]:
            by_status[row["_id"]] = row["count"]
        counted = facets["counted"][0] if facets["counted"] else {"count": 0, "revenue": 0}
        return {"order_count": sum(by_status.values()), "orders_by_status": by_status,
                "counted_order_count": counted["count"], "revenue_cents": counted["revenue"],
                "avg_order_value_cents": half_up(counted["revenue"], counted["count"])}
