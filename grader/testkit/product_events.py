"""Product events for the tests of the MySQL track's products (Task M04): product documents
exactly as the app's events carry them (``Product.event_data()`` of a real ``Product``), the
``products`` and ``product_variants`` rows the task doc says each one becomes, waits on the
analytics service that say why a row did not come, and the data team's reports run on rows
the kit loads itself.

    data = document(pid, {"metadata.brand": None})        # changes by dotted path
    sent = service.produce(event(UPDATED, pid, 10, {"variants": {...}}))[0]
    row = Watch(service).product(pid, "after product.updated ...")
"""

import copy
import json
import os
import re
import secrets
import subprocess
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from beanie import PydanticObjectId

from grader.stacks import app as app_process
from grader.testkit import expect, pipeline
from grader.testkit import supplier_events as se
from grader.testkit.supplier_events import EPOCH, at, differences, utc  # noqa: F401 (the tests' helpers)
from shared.models.product import (
    PackageDimensions,
    Product,
    ProductMetadata,
    ProductStats,
    ProductVariant,
    StockLocation,
    SupplierInfo,
    TopicDescription,
    VariantAttribute,
)

CREATED, UPDATED, DELETED = "product.created", "product.updated", "product.deleted"
PUBLISHED, DISCONTINUED, OUT_OF_STOCK, RESTORED = ("product.published", "product.discontinued",
                                                   "product.out_of_stock", "product.restored")
SUPPLIER_ID = "6650c1f2a3b4c5d6e7f80a01"

# The tables of the task doc: column -> (type, nullable). Integer types without a display
# width (MariaDB shows int(11), MySQL 8 int); a JSON column is checked on its own (``is_json``).
PRODUCT_COLUMNS: dict[str, tuple[str, bool]] = {
    "product_id": ("varchar(24)", False),
    "supplier_id": ("varchar(24)", False),
    "supplier_name": ("varchar(255)", False),
    "name": ("varchar(120)", False),
    "short_description": ("varchar(300)", False),
    "category": ("varchar(20)", False),
    "unit_type": ("varchar(10)", False),
    "base_sku": ("varchar(40)", False),
    "brand": ("varchar(80)", True),
    "base_price_cents": ("int", False),
    "primary_image_url": ("varchar(500)", True),
    "status": ("varchar(20)", False),
    "view_count": ("int", False),
    "favorite_count": ("int", False),
    "purchase_count": ("int", False),
    "total_reviews": ("int", False),
    "published_at": ("datetime(6)", True),
    "created_at": ("datetime(6)", False),
    "updated_at": ("datetime(6)", False),
    "event_id": ("varchar(36)", False),
    "event_timestamp": ("datetime(6)", False),
}
VARIANT_COLUMNS: dict[str, tuple[str, bool]] = {
    "id": ("bigint", False),
    "product_id": ("varchar(24)", False),
    "variant_key": ("varchar(40)", False),
    "variant_name": ("varchar(80)", False),
    "attributes": ("json", False),
    "price_cents": ("int", False),
    "cost_cents": ("int", True),
    "quantity": ("int", False),
    "width_cm": ("double", True),
    "height_cm": ("double", True),
    "depth_cm": ("double", True),
    "image_url": ("varchar(500)", True),
}
DELETION_COLUMNS: dict[str, tuple[str, bool]] = {
    "product_id": ("varchar(24)", False),
    "deleted_at": ("datetime(6)", False),
    "event_id": ("varchar(36)", False),
}
# Where each products column comes from in the document (product_id and the event's two
# columns come from the envelope).
SOURCE = {
    "supplier_id": "supplier_id", "supplier_name": "supplier_info.name", "name": "name",
    "short_description": "short_description", "category": "category", "unit_type": "unit_type",
    "base_sku": "metadata.base_sku", "brand": "metadata.brand", "base_price_cents": "base_price_cents",
    "primary_image_url": "primary_image_url", "status": "status", "view_count": "stats.view_count",
    "favorite_count": "stats.favorite_count", "purchase_count": "stats.purchase_count",
    "total_reviews": "stats.total_reviews", "published_at": "published_at", "created_at": "created_at",
    "updated_at": "updated_at",
}
TIMES = ("published_at", "created_at", "updated_at")
_WIDTH = re.compile(r"^(tinyint|smallint|mediumint|int|bigint)\(\d+\)")


def column_types(mysql: pipeline.MySQL, table: str) -> dict[str, tuple[str, bool]]:
    """column -> (type, nullable) as the doc writes them: integers without a display width,
    and "json" for a JSON column (MariaDB stores it as LONGTEXT with a json_valid check)."""
    found = mysql.columns(table)
    checked = json_columns(mysql, table)
    return {name: ("json" if name in checked else _WIDTH.sub(r"\1", column["type"]), column["nullable"])
            for name, column in found.items()}


def shown_columns(columns: dict[str, tuple[str, bool]]) -> str:
    """A doc's table of columns in one line: ``name type [NOT NULL], ...``."""
    return ", ".join(f"{name} {kind}{'' if nullable else ' NOT NULL'}" for name, (kind, nullable) in columns.items())


def check_columns(mysql: pipeline.MySQL, table: str, wanted: dict[str, tuple[str, bool]], note: str = "") -> None:
    """The table has exactly the doc's columns, each of the doc's type and nullability; the
    failure names what is missing, extra or of another type (``note`` follows the table's name)."""
    found = column_types(mysql, table)
    expect.true(found, f"after the analytics service started, there is no table {table!r}")
    missing = [name for name in wanted if name not in found]
    extra = [name for name in found if name not in wanted]
    expect.true(not missing and not extra, f"the columns of {table}: missing {missing or 'none'}, not in the doc's "
                                           f"table {extra or 'none'} (the doc's table: {shown_columns(wanted)})")
    wrong = [f"{name} is {found[name][0]}{'' if found[name][1] else ' NOT NULL'}, expected "
             f"{kind}{'' if nullable else ' NOT NULL'}"
             for name, (kind, nullable) in wanted.items() if found[name] != (kind, nullable)]
    expect.true(not wrong, f"the columns of {table}{note}: {'; '.join(wrong)}")


def json_columns(mysql: pipeline.MySQL, table: str) -> set[str]:
    """The columns of ``table`` declared JSON: MySQL's type json, or MariaDB's LONGTEXT with
    the CHECK (json_valid(...)) that its JSON alias adds."""
    found = {name for name, column in mysql.columns(table).items() if column["type"] == "json"}
    try:
        rows = mysql.query("SELECT CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS "
                           "WHERE CONSTRAINT_SCHEMA = %s AND TABLE_NAME = %s", (mysql.database, table))
    except Exception:  # noqa: BLE001 (MySQL 8: no TABLE_NAME there, and its JSON type shows as json)
        rows = []
    for row in rows:
        match = re.search(r"json_valid\(`?(\w+)`?\)", str(row["CHECK_CLAUSE"]), re.IGNORECASE)
        if match:
            found.add(match.group(1))
    return found


def auto_increment(mysql: pipeline.MySQL, table: str, column: str) -> bool:
    rows = mysql.query("SELECT EXTRA FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = %s AND TABLE_NAME = %s "
                       "AND COLUMN_NAME = %s", (mysql.database, table, column))
    return bool(rows) and "auto_increment" in str(rows[0]["EXTRA"]).lower()


def foreign_keys(mysql: pipeline.MySQL, table: str) -> list[dict]:
    """Each foreign key of ``table``: {columns, table, referenced, on_delete}."""
    rules = {r["CONSTRAINT_NAME"]: r for r in mysql.query(
        "SELECT CONSTRAINT_NAME, REFERENCED_TABLE_NAME, DELETE_RULE FROM information_schema.REFERENTIAL_CONSTRAINTS "
        "WHERE CONSTRAINT_SCHEMA = %s AND TABLE_NAME = %s", (mysql.database, table))}
    keys: dict[str, dict] = {}
    for r in mysql.query("SELECT CONSTRAINT_NAME, COLUMN_NAME, REFERENCED_COLUMN_NAME FROM "
                         "information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = %s AND TABLE_NAME = %s AND "
                         "REFERENCED_TABLE_NAME IS NOT NULL ORDER BY CONSTRAINT_NAME, ORDINAL_POSITION",
                         (mysql.database, table)):
        rule = rules.get(r["CONSTRAINT_NAME"], {})
        entry = keys.setdefault(r["CONSTRAINT_NAME"], {"columns": [], "table": rule.get("REFERENCED_TABLE_NAME"),
                                                       "referenced": [], "on_delete": rule.get("DELETE_RULE")})
        entry["columns"].append(r["COLUMN_NAME"])
        entry["referenced"].append(r["REFERENCED_COLUMN_NAME"])
    return list(keys.values())


# -- documents and events ---------------------------------------------------------------

def _variant(name: str, attributes: dict[str, str], price: int, quantity: int, cost: int | None = None,
             dimensions: tuple[float, float, float] | None = None, image: str | None = None) -> ProductVariant:
    return ProductVariant(
        variant_name=name, price_cents=price, cost_cents=cost, quantity=quantity, image_url=image,
        attributes=[VariantAttribute(attribute_name=k, attribute_value=v) for k, v in attributes.items()],
        package_dimensions=PackageDimensions(width_cm=dimensions[0], height_cm=dimensions[1], depth_cm=dimensions[2])
        if dimensions else None)


def full_product(product_id: str) -> Product:
    """An active product with every optional part filled in and three variants."""
    return Product.model_construct(
        id=PydanticObjectId(product_id),
        supplier_id=PydanticObjectId(SUPPLIER_ID),
        supplier_info=SupplierInfo(name="Acme Trading GmbH"),
        name="Trail Runner Jacket",
        short_description="A light rain jacket for running",
        description="Seam-sealed, packs into its own pocket.",
        topic_descriptions=[TopicDescription(topic="Care", description="Wash at 30 degrees", display_order=1)],
        category="sports",
        unit_type="piece",
        metadata=ProductMetadata(base_sku="TRJ-100", brand="Acme Outdoor"),
        base_price_cents=8999,
        primary_image_url="https://img.acme.example/trj-100.jpg",
        variants={
            "red-m": _variant("Red, M", {"color": "Red", "size": "M"}, 8999, 12, 4100, (30.5, 4.25, 22.0),
                              "https://img.acme.example/trj-100-red.jpg"),
            "red-l": _variant("Red, L", {"color": "Red", "size": "L"}, 9499, 0, 4300, (32.0, 4.5, 23.5)),
            "blue-m": _variant("Blue, M", {"color": "Blue", "size": "M"}, 8999, 7, 4100, (30.5, 4.25, 22.0)),
        },
        variant_attributes=["color:blue", "color:red", "size:l", "size:m"],
        stock_locations=[StockLocation(location_name="Hamburg", street_address="Lagerweg 3", city="Hamburg",
                                       zip_code="21079", country="DE", quantity=19)],
        stats=ProductStats(view_count=1520, favorite_count=48, purchase_count=31, total_reviews=9),
        status="active",
        version=3,
        published_at=EPOCH + timedelta(hours=1),
        deleted_at=None,
        created_at=EPOCH,
        updated_at=EPOCH + timedelta(hours=2),
    )


def variant(name: str, attributes: dict[str, str], price: int, quantity: int, cost: int | None = None,
            dimensions: tuple[float, float, float] | None = None, image: str | None = None) -> dict[str, Any]:
    """One variant as an event carries it (for ``{"variants": {key: variant(...)}}``)."""
    return _variant(name, attributes, price, quantity, cost, dimensions, image).model_dump(mode="json")


def document(product_id: str, changes: dict[str, Any] | None = None) -> dict[str, Any]:
    """``full_product(product_id).event_data()`` with ``changes`` applied: dotted path -> new
    value (``{"metadata.brand": None}``; ``{"variants": {...}}`` replaces the whole map)."""
    data = full_product(product_id).event_data()
    for path, value in (changes or {}).items():
        *parents, last = path.split(".")
        node = data
        for key in parents:
            node = node[key]
        node[last] = copy.deepcopy(value)
    return data


# A product with every optional field empty: no brand, no image, a draft never published, and
# one variant without cost, dimensions, image or attributes.
NOTHING_OPTIONAL = {
    "metadata.brand": None, "primary_image_url": None, "short_description": "", "status": "draft",
    "published_at": None, "stats": {"view_count": 0, "favorite_count": 0, "purchase_count": 0, "total_reviews": 0},
    "variants": {"std": {"variant_name": "Standard", "attributes": [], "price_cents": 500, "cost_cents": None,
                         "quantity": 0, "package_dimensions": None, "image_url": None}},
}


def event(event_type: str, product_id: str, minutes: float, changes: dict[str, Any] | None = None) -> dict[str, Any]:
    """An envelope of ``event_type`` for the product, stamped ``at(minutes)``: a delete
    carries only the id, the others ``document(product_id, changes)``."""
    body = {"id": product_id} if event_type == DELETED else document(product_id, changes)
    return pipeline.envelope(event_type, product_id, body, timestamp=at(minutes))


def _at_path(data: dict, path: str) -> Any:
    node: Any = data
    for key in path.split("."):
        node = node.get(key) if isinstance(node, dict) else None
    return node


def expected_row(envelope: dict[str, Any]) -> dict[str, Any]:
    """The ``products`` row the doc says a product event becomes."""
    data = envelope["data"]
    row: dict[str, Any] = {"product_id": envelope["entity_id"]}
    for column, path in SOURCE.items():
        value = _at_path(data, path)
        row[column] = utc(value) if column in TIMES else value
    row["event_id"] = envelope["event_id"]
    row["event_timestamp"] = utc(envelope["timestamp"])
    return row


def expected_variants(envelope: dict[str, Any]) -> list[dict[str, Any]]:
    """The ``product_variants`` rows (without ``id``) of a product event, by variant_key."""
    rows = []
    for key, item in envelope["data"]["variants"].items():
        dimensions = item.get("package_dimensions") or {}
        rows.append({"product_id": envelope["entity_id"], "variant_key": key, "variant_name": item["variant_name"],
                     "attributes": item.get("attributes") or [], "price_cents": item["price_cents"],
                     "cost_cents": item.get("cost_cents"), "quantity": item.get("quantity", 0),
                     "width_cm": dimensions.get("width_cm"), "height_cm": dimensions.get("height_cm"),
                     "depth_cm": dimensions.get("depth_cm"), "image_url": item.get("image_url")})
    return sorted(rows, key=lambda r: r["variant_key"])


def readable(rows: list[dict]) -> list[dict]:
    """The variant rows as the tests compare them (``supplier_events.child_rows``)."""
    return se.child_rows(rows, "variant_key", "attributes")


def variant_differences(actual: list[dict], expected: list[dict]) -> str:
    """What differs between two lists of variant rows (by variant_key), briefly."""
    return se.child_differences(actual, expected, "variant_key", "attributes", "variant")


class Watch(se.Watch):
    """``supplier_events.Watch`` for product events: the same waits, with product rows."""

    HANDLER = "a product handler"
    EVENT = "product event"
    EVENT_TYPES = "the seven product events"
    STUCK_TOPIC_EVENT = CREATED

    def product(self, product_id: str, doing: str,
                until: Callable[[dict | None], bool] = lambda row: row is not None) -> dict | None:
        rows = self.rows("SELECT * FROM products WHERE product_id = %s", (product_id,),
                         lambda found: until(found[0] if found else None), doing)
        return rows[0] if rows else None

    def variants(self, product_id: str, doing: str, until: Callable[[list[dict]], bool] = bool) -> list[dict]:
        return self.rows("SELECT * FROM product_variants WHERE product_id = %s ORDER BY variant_key", (product_id,),
                         until, doing)

    def deletion(self, product_id: str, doing: str) -> dict | None:
        rows = self.rows("SELECT * FROM product_deletions WHERE product_id = %s", (product_id,), bool, doing)
        return rows[0] if rows else None

    def marker(self, doing: str) -> str:
        """Produce ``product.created`` for a new product and wait for its row: every product
        event produced before it has then been handled (one partition: in order)."""
        marker_id = pipeline.new_id()
        self.service.produce(event(CREATED, marker_id, 0))
        if self.product(marker_id, doing) is None:
            raise AssertionError(f"{doing}: the row of a later product.created (a new product {marker_id}, sent to "
                                 f"show that the events before it were handled) did not come {self.waited()}")
        return marker_id


def snapshot(mysql: pipeline.MySQL, product_ids: list[str]) -> dict[str, list[dict]]:
    """Every row the three tables hold for these products (variant ids included), in a fixed order."""
    marks = ", ".join(["%s"] * len(product_ids))
    return {table: mysql.query(f"SELECT * FROM {table} WHERE product_id IN ({marks}) ORDER BY {order}",
                               tuple(product_ids))
            for table, order in (("products", "product_id"), ("product_variants", "product_id, variant_key"),
                                 ("product_deletions", "product_id"))}


# -- the data team's reports ------------------------------------------------------------

class ReportDatabase:
    """A database of its own with the doc's tables made by the kit (not by the learner's
    ``tables()``), rows the kit loads, and the learner's report queries run as a MySQL user
    that may use only this database."""

    def __init__(self, statements: list[str]):
        tag = secrets.token_hex(4)
        self.name, self.user, self.password = pipeline._own_database(f"r_{tag}", f"r_{tag}", secrets.token_hex(8))
        self.mysql = pipeline.MySQL(self.name)
        for statement in statements:
            self.mysql.execute(statement)

    def insert(self, table: str, rows: list[dict]) -> None:
        for row in rows:
            columns = list(row)
            self.mysql.execute(f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
                               f"({', '.join(['%s'] * len(columns))})", tuple(row[c] for c in columns))

    def run(self, sql: str, params: dict) -> list[dict]:
        import pymysql

        conn = pymysql.connect(host=os.environ.get("MYSQL_HOST", "localhost"),
                               port=int(os.environ.get("MYSQL_PORT", 3306)), user=self.user, password=self.password,
                               database=self.name, autocommit=True, connect_timeout=5, read_timeout=15,
                               cursorclass=pymysql.cursors.DictCursor)
        try:
            with conn.cursor() as cur:
                cur.execute(sql, params)
                return [dict(r) for r in cur.fetchall()]
        finally:
            conn.close()

    def close(self) -> None:
        pipeline.drop_database(self.name, self.user)


REPORTS_MARK = "kit-reports: "


def learner_reports(module: str) -> dict[str, str] | str:
    """``analytics.<module>.reports()`` of the learner's file, run in the sandbox the service
    runs in (learner code never runs in the tests' process): the dict, or why there is none."""
    box = app_process.Sandbox.for_app(Path(os.environ["GRADER_IMPL_ROOT"]), {})
    code = (f"import json\nfrom analytics import {module} as m\n"
            f"print({REPORTS_MARK!r} + json.dumps(m.reports()))\n")
    try:
        done = subprocess.run(box.command("-c", code), env=box.process_env(), cwd=box.app_root,
                              stdin=subprocess.DEVNULL, capture_output=True, timeout=30)
    except subprocess.TimeoutExpired:
        return "reports() did not return within 30 s"
    finally:
        box.remove()
    out = done.stdout.decode("utf-8", "replace")
    for line in reversed(out.splitlines()):
        if line.startswith(REPORTS_MARK):
            try:
                found = json.loads(line[len(REPORTS_MARK):])
            except ValueError:
                break
            if isinstance(found, dict):
                return found
            return f"reports() returned {type(found).__name__}, not a dict of name -> SQL"
    err = [line for line in done.stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    return f"calling analytics/{module}.py's reports() failed: {err[-1][:300] if err else 'no output'}"


# The doc's three tables, as the kit makes them for the reports' own database (the reports
# are graded on these, whatever the learner's tables() says).
REPORT_TABLES = [
    "CREATE TABLE products (product_id VARCHAR(24) NOT NULL, supplier_id VARCHAR(24) NOT NULL, "
    "supplier_name VARCHAR(255) NOT NULL, name VARCHAR(120) NOT NULL, short_description VARCHAR(300) NOT NULL, "
    "category VARCHAR(20) NOT NULL, unit_type VARCHAR(10) NOT NULL, base_sku VARCHAR(40) NOT NULL, "
    "brand VARCHAR(80) NULL, base_price_cents INT NOT NULL, primary_image_url VARCHAR(500) NULL, "
    "status VARCHAR(20) NOT NULL, view_count INT NOT NULL, favorite_count INT NOT NULL, "
    "purchase_count INT NOT NULL, total_reviews INT NOT NULL, published_at DATETIME(6) NULL, "
    "created_at DATETIME(6) NOT NULL, updated_at DATETIME(6) NOT NULL, event_id VARCHAR(36) NOT NULL, "
    "event_timestamp DATETIME(6) NOT NULL, PRIMARY KEY (product_id), INDEX (supplier_id, status), "
    "INDEX (category, base_price_cents)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
    "CREATE TABLE product_variants (id BIGINT NOT NULL AUTO_INCREMENT, product_id VARCHAR(24) NOT NULL, "
    "variant_key VARCHAR(40) NOT NULL, variant_name VARCHAR(80) NOT NULL, attributes JSON NOT NULL, "
    "price_cents INT NOT NULL, cost_cents INT NULL, quantity INT NOT NULL, width_cm DOUBLE NULL, "
    "height_cm DOUBLE NULL, depth_cm DOUBLE NULL, image_url VARCHAR(500) NULL, PRIMARY KEY (id), "
    "UNIQUE (product_id, variant_key), FOREIGN KEY (product_id) REFERENCES products (product_id) "
    "ON DELETE CASCADE) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
    "CREATE TABLE product_deletions (product_id VARCHAR(24) NOT NULL, deleted_at DATETIME(6) NOT NULL, "
    "event_id VARCHAR(36) NOT NULL, PRIMARY KEY (product_id)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
]


def report_product(product_id: str, supplier_id: str, category: str, price: int, status: str) -> dict[str, Any]:
    """A products row for the reports' database."""
    return {"product_id": product_id, "supplier_id": supplier_id, "supplier_name": f"Supplier {supplier_id[-4:]}",
            "name": f"Product {product_id[-4:]}", "short_description": "", "category": category,
            "unit_type": "piece", "base_sku": f"SKU-{product_id[-6:]}", "brand": None, "base_price_cents": price,
            "primary_image_url": None, "status": status, "view_count": 0, "favorite_count": 0, "purchase_count": 0,
            "total_reviews": 0, "published_at": None, "created_at": EPOCH.replace(tzinfo=None),
            "updated_at": EPOCH.replace(tzinfo=None), "event_id": "00000000-0000-4000-8000-000000000000",
            "event_timestamp": EPOCH.replace(tzinfo=None)}


def report_variant(product_id: str, key: str, price: int, quantity: int) -> dict[str, Any]:
    return {"product_id": product_id, "variant_key": key, "variant_name": key, "attributes": "[]",
            "price_cents": price, "cost_cents": None, "quantity": quantity, "width_cm": None, "height_cm": None,
            "depth_cm": None, "image_url": None}


def plain(rows: list[dict]) -> list[dict]:
    """Rows with their numbers compared by value, as the docs say: a whole DECIMAL (SUM and
    ROUND(AVG(...)) give DECIMAL) as an int, any other DECIMAL as a float (like a DOUBLE)."""
    from decimal import Decimal

    def number(v):
        if not isinstance(v, Decimal):
            return v
        return int(v) if v == v.to_integral_value() else float(v)

    return [{k: number(v) for k, v in r.items()} for r in rows]


def _id(prefix: str, n: int) -> str:
    return f"{prefix}{n:0{24 - len(prefix)}x}"


# The reports' data set: four suppliers (two tie on three products), products in three
# categories and every status, two prices tied in one category, an active product without variants.
R_SUPPLIERS = [_id("5a", n) for n in (4, 2, 3, 1)]  # not in id order on purpose
_R_PRODUCTS = [  # (supplier index, category, price, status, [(variant key, price, quantity)])
    (0, "sports", 8999, "active", [("m", 8999, 10), ("l", 9499, 2)]),
    (0, "sports", 5000, "active", [("std", 5000, 4)]),
    (0, "home", 1500, "draft", [("std", 1500, 100)]),
    (1, "sports", 8999, "active", [("std", 8999, 1)]),
    (1, "home", 2500, "discontinued", [("std", 2500, 9)]),
    (1, "books", 1200, "out_of_stock", [("std", 1200, 0)]),
    (2, "books", 1999, "active", [("hard", 1999, 3), ("soft", 999, 5)]),
    (3, "sports", 3000, "active", [("std", 3000, 6)]),
    (3, "home", 4500, "active", []),
    (3, "books", 2999, "active", [("std", 2999, 0)]),
    (3, "sports", 12000, "draft", [("std", 12000, 1)]),
]


def report_rows() -> tuple[list[dict], list[dict]]:
    """(products rows, product_variants rows) of the reports' data set."""
    products, variants = [], []
    for n, (supplier, category, price, status, items) in enumerate(_R_PRODUCTS):
        product_id = _id("6b", 0x20 - n)  # ids in the reverse of the list's order
        products.append(report_product(product_id, R_SUPPLIERS[supplier], category, price, status))
        variants += [report_variant(product_id, key, cents, quantity) for key, cents, quantity in items]
    return products, variants


def expected_suppliers_with_most_products(products: list[dict], limit: int) -> list[dict]:
    found: dict[str, dict] = {}
    for p in products:
        entry = found.setdefault(p["supplier_id"], {"supplier_id": p["supplier_id"], "products": 0,
                                                    "active_products": 0})
        entry["products"] += 1
        entry["active_products"] += p["status"] == "active"
    return sorted(found.values(), key=lambda e: (-e["products"], e["supplier_id"]))[:limit]


def expected_stock_by_category(products: list[dict], variants: list[dict]) -> list[dict]:
    found: dict[str, dict] = {}
    for p in products:
        if p["status"] != "active":
            continue
        entry = found.setdefault(p["category"], {"category": p["category"], "products": 0, "units": 0,
                                                 "stock_value_cents": 0})
        entry["products"] += 1
        for v in variants:
            if v["product_id"] == p["product_id"]:
                entry["units"] += v["quantity"]
                entry["stock_value_cents"] += v["quantity"] * v["price_cents"]
    return [found[c] for c in sorted(found)]


def expected_price_rank_in_category(products: list[dict], top: int) -> list[dict]:
    rows = []
    active = [p for p in products if p["status"] == "active"]
    for category in sorted({p["category"] for p in active}):
        mine = [p for p in active if p["category"] == category]
        for p in mine:
            rank = 1 + sum(other["base_price_cents"] > p["base_price_cents"] for other in mine)
            if rank <= top:
                rows.append({"category": category, "product_id": p["product_id"], "name": p["name"],
                             "base_price_cents": p["base_price_cents"], "price_rank": rank})
    return sorted(rows, key=lambda r: (r["category"], r["price_rank"], r["product_id"]))


class Reports:
    """The learner's report queries over the kit's reports' data set (one database per test module)."""

    def __init__(self, module: str, statements: list[str], load: Callable[["ReportDatabase"], None]):
        self.module, self.statements, self.load = module, statements, load
        self.db: ReportDatabase | None = None
        self.found: dict[str, str] | str | None = None

    def sql(self, name: str) -> str:
        if self.found is None:
            self.found = learner_reports(self.module)
        if isinstance(self.found, str):
            raise AssertionError(self.found)
        sql = self.found.get(name)
        expect_text = f"analytics/{self.module}.py's reports() has the keys {sorted(self.found)}; expected {name!r}"
        if not isinstance(sql, str) or not sql.strip():
            raise AssertionError(f"{expect_text} with the SQL of that report as a string")
        return sql

    def run(self, name: str, params: dict, doing: str) -> list[dict]:
        sql = self.sql(name)
        if self.db is None:
            self.db = ReportDatabase(self.statements)
            self.load(self.db)
        try:
            return plain(self.db.run(sql, params))
        except Exception as exc:  # noqa: BLE001 (the learner's SQL: say what MySQL answered)
            raise AssertionError(f"{doing}: running the SQL of reports()[{name!r}] with the parameters {params} "
                                 f"failed: {type(exc).__name__}: {exc}") from None

    def close(self) -> None:
        if self.db is not None:
            self.db.close()


def load_report_rows(db: ReportDatabase) -> None:
    products, variants = report_rows()
    db.insert("products", products)
    db.insert("product_variants", variants)
