"""Order events for the tests of the MySQL track's orders (Task M07): order documents exactly
as the app's events carry them (``Order.event_data()`` of a real ``Order``), the ``orders``
and ``order_items`` rows the task doc says each one becomes, waits on the analytics service,
and the data team's reports run on rows the kit loads itself.

    sent = service.produce(event(CREATED, oid, 0))[0]
    row = Watch(service).order(oid, "after order.created ...")
"""

import copy
from collections.abc import Callable
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from beanie import PydanticObjectId

from grader.testkit import pipeline
from grader.testkit import product_events as pe
from grader.testkit import supplier_events as se
from grader.testkit.supplier_events import EPOCH, at, differences, utc  # noqa: F401 (the tests' helpers)
from shared.models.order import Order, OrderCustomer, OrderItem, ProductSnapshot, ShippingAddress

CREATED, CONFIRMED, UPDATED, CANCELLED = "order.created", "order.confirmed", "order.updated", "order.cancelled"
CUSTOMER_ID = "6650b0b0a3b4c5d6e7f80c01"
PRODUCT_A, PRODUCT_B = "6650d4e5a3b4c5d6e7f80b07", "6650d4e5a3b4c5d6e7f80b08"
SUPPLIER = "6650c1f2a3b4c5d6e7f80a01"

ORDER_COLUMNS: dict[str, tuple[str, bool]] = {
    "order_id": ("varchar(24)", False),
    "order_number": ("varchar(20)", False),
    "customer_user_id": ("varchar(24)", False),
    "customer_display_name": ("varchar(100)", False),
    "customer_email": ("varchar(255)", False),
    "customer_phone": ("varchar(40)", True),
    "shipping_recipient_name": ("varchar(120)", False),
    "shipping_phone": ("varchar(40)", True),
    "shipping_street_address_1": ("varchar(200)", False),
    "shipping_street_address_2": ("varchar(200)", True),
    "shipping_city": ("varchar(80)", False),
    "shipping_state": ("varchar(80)", True),
    "shipping_zip_code": ("varchar(20)", False),
    "shipping_country": ("char(2)", False),
    "subtotal_cents": ("bigint", False),
    "tax_cents": ("bigint", False),
    "shipping_cents": ("bigint", False),
    "total_cents": ("bigint", False),
    "flagged_for_review": ("tinyint", False),
    "status": ("varchar(20)", False),
    "cancellation_reason": ("varchar(500)", True),
    "confirmed_at": ("datetime(6)", True),
    "cancelled_at": ("datetime(6)", True),
    "created_at": ("datetime(6)", False),
    "updated_at": ("datetime(6)", False),
    "event_id": ("varchar(36)", False),
    "event_timestamp": ("datetime(6)", False),
}
ITEM_COLUMNS: dict[str, tuple[str, bool]] = {
    "id": ("bigint", False),
    "order_id": ("varchar(24)", False),
    "item_id": ("varchar(20)", False),
    "product_id": ("varchar(24)", False),
    "supplier_id": ("varchar(24)", False),
    "product_name": ("varchar(120)", False),
    "supplier_name": ("varchar(255)", False),
    "variant_key": ("varchar(40)", False),
    "variant_name": ("varchar(80)", False),
    "variant_attributes": ("json", False),
    "image_url": ("varchar(500)", True),
    "quantity": ("int", False),
    "unit_price_cents": ("int", False),
    "promotion_id": ("varchar(24)", True),
    "discount_percent": ("int", False),
    "final_price_cents": ("int", False),
    "total_cents": ("bigint", False),
}
SOURCE = {
    "order_number": "order_number", "customer_user_id": "customer.user_id",
    "customer_display_name": "customer.display_name", "customer_email": "customer.email",
    "customer_phone": "customer.phone", "shipping_recipient_name": "shipping_address.recipient_name",
    "shipping_phone": "shipping_address.phone", "shipping_street_address_1": "shipping_address.street_address_1",
    "shipping_street_address_2": "shipping_address.street_address_2", "shipping_city": "shipping_address.city",
    "shipping_state": "shipping_address.state", "shipping_zip_code": "shipping_address.zip_code",
    "shipping_country": "shipping_address.country", "subtotal_cents": "subtotal_cents", "tax_cents": "tax_cents",
    "shipping_cents": "shipping_cents", "total_cents": "total_cents", "flagged_for_review": "flagged_for_review",
    "status": "status", "cancellation_reason": "cancellation_reason", "confirmed_at": "confirmed_at",
    "cancelled_at": "cancelled_at", "created_at": "created_at", "updated_at": "updated_at",
}
TIMES = ("confirmed_at", "cancelled_at", "created_at", "updated_at")
column_types, check_columns = pe.column_types, pe.check_columns
auto_increment = pe.auto_increment
foreign_keys = pe.foreign_keys


def number_of(order_id: str) -> str:
    """An order number of the app's pattern, unique per order id."""
    return f"ORD-20250524-{order_id[-4:].upper()}"


def item(item_id: str, product_id: str, key: str, quantity: int, price: int, discount: int = 0,
         promotion_id: str | None = None, attributes: dict[str, str] | None = None,
         image: str | None = "https://img.acme.example/item.jpg") -> dict[str, Any]:
    """One item as an event carries it."""
    final = price * (100 - discount) // 100
    return OrderItem(
        item_id=item_id, quantity=quantity, unit_price_cents=price, promotion_id=promotion_id,
        discount_percent=discount, final_price_cents=final, total_cents=final * quantity,
        product_snapshot=ProductSnapshot(product_id=product_id, supplier_id=SUPPLIER,
                                         product_name=f"Product {key}", supplier_name="Acme Trading GmbH",
                                         variant_key=key, variant_name=key.replace("-", ", ").title(),
                                         variant_attributes=attributes if attributes is not None
                                         else {"color": "Red", "size": "M"}, image_url=image),
    ).model_dump(mode="json")


ITEMS = [item("item_1", PRODUCT_A, "red-m", 2, 8999, 10, "6650e0e0a3b4c5d6e7f80d01"),
         item("item_2", PRODUCT_B, "std", 1, 2500, attributes={}, image=None)]


def _totals(items: list[dict]) -> dict[str, Any]:
    subtotal = sum(i["total_cents"] for i in items)
    tax = (subtotal * 8 + 50) // 100
    shipping = 0 if subtotal >= 5000 else 599
    return {"subtotal_cents": subtotal, "tax_cents": tax, "shipping_cents": shipping,
            "total_cents": subtotal + tax + shipping, "flagged_for_review": subtotal + tax + shipping >= 100000}


def full_order(order_id: str) -> Order:
    return Order.model_construct(
        id=PydanticObjectId(order_id), order_number=number_of(order_id),
        customer=OrderCustomer(user_id=CUSTOMER_ID, display_name="Mia Keller", email="mia@example.com",
                               phone="+49 30 555 0142"),
        items=[OrderItem.model_validate(i) for i in ITEMS],
        shipping_address=ShippingAddress(recipient_name="Mia Keller", phone="+49 30 555 0142",
                                         street_address_1="Torstrasse 5", street_address_2="Hinterhaus",
                                         city="Berlin", state="BE", zip_code="10119", country="DE"),
        **_totals(ITEMS), status="pending", reservation="none", idempotency_key="k-1", request_hash="h" * 64,
        cancellation_reason=None, version=1, confirmed_at=None, cancelled_at=None,
        created_at=EPOCH, updated_at=EPOCH)


def document(order_id: str, changes: dict[str, Any] | None = None) -> dict[str, Any]:
    """``full_order(order_id).event_data()`` with ``changes`` (dotted path -> value); a change
    of ``items`` also sets the order's money from the new items."""
    data = full_order(order_id).event_data()
    for path, value in (changes or {}).items():
        *parents, last = path.split(".")
        node = data
        for key in parents:
            node = node[key]
        node[last] = copy.deepcopy(value)
    if changes and "items" in changes:
        data.update(_totals(data["items"]))
    return data


def confirmed(minutes: float) -> dict[str, Any]:
    return {"status": "confirmed", "reservation": "reserved", "version": 2,
            "confirmed_at": pipeline.iso(at(minutes)), "updated_at": pipeline.iso(at(minutes))}


def event(event_type: str, order_id: str, minutes: float, changes: dict[str, Any] | None = None,
          reason: str | None = "changed my mind") -> dict[str, Any]:
    """An envelope of ``event_type`` for the order, stamped ``at(minutes)``: a cancel carries
    the id, the number and the reason, the others ``document(order_id, changes)``."""
    if event_type == CANCELLED:
        body = {"id": order_id, "order_number": number_of(order_id), "reason": reason}
    else:
        body = document(order_id, changes)
    return pipeline.envelope(event_type, order_id, body, timestamp=at(minutes))


def _at_path(data: dict, path: str) -> Any:
    node: Any = data
    for key in path.split("."):
        node = node.get(key) if isinstance(node, dict) else None
    return node


def expected_row(envelope: dict[str, Any]) -> dict[str, Any]:
    data = envelope["data"]
    row: dict[str, Any] = {"order_id": envelope["entity_id"]}
    for column, path in SOURCE.items():
        value = _at_path(data, path)
        row[column] = utc(value) if column in TIMES else value
    row["flagged_for_review"] = int(bool(row["flagged_for_review"]))
    row["event_id"] = envelope["event_id"]
    row["event_timestamp"] = utc(envelope["timestamp"])
    return row


def expected_items(envelope: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for entry in envelope["data"]["items"]:
        snap = entry["product_snapshot"]
        rows.append({"order_id": envelope["entity_id"], "item_id": entry["item_id"],
                     "product_id": snap["product_id"], "supplier_id": snap["supplier_id"],
                     "product_name": snap["product_name"], "supplier_name": snap["supplier_name"],
                     "variant_key": snap["variant_key"], "variant_name": snap["variant_name"],
                     "variant_attributes": snap.get("variant_attributes") or {}, "image_url": snap.get("image_url"),
                     "quantity": entry["quantity"], "unit_price_cents": entry["unit_price_cents"],
                     "promotion_id": entry.get("promotion_id"), "discount_percent": entry.get("discount_percent", 0),
                     "final_price_cents": entry["final_price_cents"], "total_cents": entry["total_cents"]})
    return sorted(rows, key=lambda r: r["item_id"])


def readable(rows: list[dict]) -> list[dict]:
    """The item rows as the tests compare them (``supplier_events.child_rows``)."""
    return se.child_rows(rows, "item_id", "variant_attributes")


def item_differences(actual: list[dict], expected: list[dict]) -> str:
    """What differs between two lists of item rows (by item_id), briefly."""
    return se.child_differences(actual, expected, "item_id", "variant_attributes", "item")


class Watch(se.Watch):
    """``supplier_events.Watch`` for order events."""

    HANDLER = "an order handler"
    EVENT = "order event"
    EVENT_TYPES = "order.created, order.confirmed, order.updated and order.cancelled"
    STUCK_TOPIC_EVENT = CREATED

    def order(self, order_id: str, doing: str, until: Callable[[dict | None], bool] = lambda row: row is not None
              ) -> dict | None:
        rows = self.rows("SELECT * FROM orders WHERE order_id = %s", (order_id,),
                         lambda found: until(found[0] if found else None), doing)
        return rows[0] if rows else None

    def items(self, order_id: str, doing: str, until: Callable[[list[dict]], bool] = bool) -> list[dict]:
        return self.rows("SELECT * FROM order_items WHERE order_id = %s ORDER BY item_id", (order_id,), until, doing)

    def marker(self, doing: str) -> str:
        marker_id = pipeline.new_id()
        self.service.produce(event(CREATED, marker_id, 0))
        if self.order(marker_id, doing) is None:
            raise AssertionError(f"{doing}: the row of a later order.created (a new order {marker_id}, sent to "
                                 f"show that the events before it were handled) did not come {self.waited()}")
        return marker_id


def snapshot(mysql: pipeline.MySQL, order_ids: list[str]) -> dict[str, list[dict]]:
    marks = ", ".join(["%s"] * len(order_ids))
    return {table: mysql.query(f"SELECT * FROM {table} WHERE order_id IN ({marks}) ORDER BY {order}",
                               tuple(order_ids))
            for table, order in (("orders", "order_id"), ("order_items", "order_id, item_id"))}


# -- the data team's reports ------------------------------------------------------------

REPORT_TABLES = [
    "CREATE TABLE orders (order_id VARCHAR(24) NOT NULL, order_number VARCHAR(20) NOT NULL, "
    "customer_user_id VARCHAR(24) NOT NULL, customer_display_name VARCHAR(100) NOT NULL, "
    "customer_email VARCHAR(255) NOT NULL, customer_phone VARCHAR(40) NULL, "
    "shipping_recipient_name VARCHAR(120) NOT NULL, shipping_phone VARCHAR(40) NULL, "
    "shipping_street_address_1 VARCHAR(200) NOT NULL, shipping_street_address_2 VARCHAR(200) NULL, "
    "shipping_city VARCHAR(80) NOT NULL, shipping_state VARCHAR(80) NULL, shipping_zip_code VARCHAR(20) NOT NULL, "
    "shipping_country CHAR(2) NOT NULL, subtotal_cents BIGINT NOT NULL, tax_cents BIGINT NOT NULL, "
    "shipping_cents BIGINT NOT NULL, total_cents BIGINT NOT NULL, flagged_for_review BOOLEAN NOT NULL, "
    "status VARCHAR(20) NOT NULL, cancellation_reason VARCHAR(500) NULL, confirmed_at DATETIME(6) NULL, "
    "cancelled_at DATETIME(6) NULL, created_at DATETIME(6) NOT NULL, updated_at DATETIME(6) NOT NULL, "
    "event_id VARCHAR(36) NOT NULL, event_timestamp DATETIME(6) NOT NULL, PRIMARY KEY (order_id), "
    "UNIQUE (order_number), INDEX (customer_user_id, created_at), INDEX (status, created_at), "
    "INDEX (shipping_country, status)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
    "CREATE TABLE order_items (id BIGINT NOT NULL AUTO_INCREMENT, order_id VARCHAR(24) NOT NULL, "
    "item_id VARCHAR(20) NOT NULL, product_id VARCHAR(24) NOT NULL, supplier_id VARCHAR(24) NOT NULL, "
    "product_name VARCHAR(120) NOT NULL, supplier_name VARCHAR(255) NOT NULL, variant_key VARCHAR(40) NOT NULL, "
    "variant_name VARCHAR(80) NOT NULL, variant_attributes JSON NOT NULL, image_url VARCHAR(500) NULL, "
    "quantity INT NOT NULL, unit_price_cents INT NOT NULL, promotion_id VARCHAR(24) NULL, "
    "discount_percent INT NOT NULL, final_price_cents INT NOT NULL, total_cents BIGINT NOT NULL, "
    "PRIMARY KEY (id), UNIQUE (order_id, item_id), INDEX (product_id), INDEX (supplier_id), "
    "FOREIGN KEY (order_id) REFERENCES orders (order_id) ON DELETE CASCADE) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
]


def _rid(prefix: str, n: int) -> str:
    return f"{prefix}{n:0{24 - len(prefix)}x}"


R_CUSTOMERS = [_rid("7c", n) for n in (3, 1, 2)]
R_PRODUCTS = [_rid("8d", n) for n in (5, 2, 9, 4)]
# (customer, country, minutes after EPOCH, status, [(product index, quantity, unit price)])
_R_ORDERS = [
    (0, "DE", 0, "confirmed", [(0, 2, 1000), (1, 1, 500)]),
    (0, "DE", 30, "pending", [(1, 3, 500)]),
    (0, "FR", 10, "cancelled", [(0, 5, 1000)]),
    (1, "FR", 5, "confirmed", [(2, 1, 7000)]),
    (1, "DE", 5, "pending", [(3, 4, 250), (0, 1, 1000)]),  # the same minute as the order before: ties on the time
    (2, "US", 20, "confirmed", [(1, 1, 501)]),
    (2, "US", 25, "delivered", [(3, 1, 250)]),
    (1, "IT", 40, "cancelled", [(2, 2, 7000)]),
]


def report_rows() -> tuple[list[dict], list[dict]]:
    """(orders rows, order_items rows) of the reports' data set: money is what the items add up
    to (no tax or shipping, so the sums are easy to check by hand)."""
    orders, items = [], []
    for n, (customer, country, minutes, status, lines) in enumerate(_R_ORDERS):
        order_id = _rid("9e", 0x40 - n)
        total = sum(quantity * price for _, quantity, price in lines)
        moment = (EPOCH + timedelta(minutes=minutes)).replace(tzinfo=None)
        orders.append({
            "order_id": order_id, "order_number": number_of(order_id), "customer_user_id": R_CUSTOMERS[customer],
            "customer_display_name": "Customer", "customer_email": "c@example.com", "customer_phone": None,
            "shipping_recipient_name": "Customer", "shipping_phone": None, "shipping_street_address_1": "Street 1",
            "shipping_street_address_2": None, "shipping_city": "City", "shipping_state": None,
            "shipping_zip_code": "00000", "shipping_country": country, "subtotal_cents": total, "tax_cents": 0,
            "shipping_cents": 0, "total_cents": total, "flagged_for_review": False, "status": status,
            "cancellation_reason": None, "confirmed_at": None, "cancelled_at": None, "created_at": moment,
            "updated_at": moment, "event_id": "00000000-0000-4000-8000-000000000000", "event_timestamp": moment})
        for k, (product, quantity, price) in enumerate(lines, start=1):
            items.append({
                "order_id": order_id, "item_id": f"item_{k}", "product_id": R_PRODUCTS[product],
                "supplier_id": SUPPLIER, "product_name": "Product", "supplier_name": "Supplier", "variant_key": "std",
                "variant_name": "Standard", "variant_attributes": "{}", "image_url": None, "quantity": quantity,
                "unit_price_cents": price, "promotion_id": None, "discount_percent": 0, "final_price_cents": price,
                "total_cents": quantity * price})
    return orders, items


def load_report_rows(db: pe.ReportDatabase) -> None:
    orders, items = report_rows()
    db.insert("orders", orders)
    db.insert("order_items", items)


def expected_order_value_by_country(orders: list[dict]) -> list[dict]:
    found: dict[str, dict] = {}
    for o in orders:
        if o["status"] == "cancelled":
            continue
        entry = found.setdefault(o["shipping_country"], {"shipping_country": o["shipping_country"], "orders": 0,
                                                         "revenue_cents": 0})
        entry["orders"] += 1
        entry["revenue_cents"] += o["total_cents"]
    for entry in found.values():
        average = (Decimal(entry["revenue_cents"]) / entry["orders"]).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        entry["average_order_cents"] = int(average)
    return sorted(found.values(), key=lambda e: (-e["revenue_cents"], e["shipping_country"]))


def expected_top_products_by_units(orders: list[dict], items: list[dict], limit: int) -> list[dict]:
    live = {o["order_id"] for o in orders if o["status"] != "cancelled"}
    found: dict[str, dict] = {}
    for i in items:
        if i["order_id"] not in live:
            continue
        entry = found.setdefault(i["product_id"], {"product_id": i["product_id"], "units": 0, "revenue_cents": 0,
                                                   "orders": set()})
        entry["units"] += i["quantity"]
        entry["revenue_cents"] += i["total_cents"]
        entry["orders"].add(i["order_id"])
    rows = [dict(e, orders=len(e["orders"])) for e in found.values()]
    return sorted(rows, key=lambda e: (-e["units"], e["product_id"]))[:limit]


def expected_customer_running_totals(orders: list[dict]) -> list[dict]:
    rows = []
    for customer in sorted({o["customer_user_id"] for o in orders}):
        mine = sorted((o for o in orders if o["customer_user_id"] == customer and o["status"] != "cancelled"),
                      key=lambda o: (o["created_at"], o["order_id"]))
        running = 0
        for n, o in enumerate(mine, start=1):
            running += o["total_cents"]
            rows.append({"customer_user_id": customer, "order_number": o["order_number"], "nth_order": n,
                         "running_total_cents": running})
    return rows
