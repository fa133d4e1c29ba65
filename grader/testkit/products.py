"""Products for the tests of Task 04, put straight into the database (no learner code), and
the suppliers that own them (``seller``: verified and active, as Task 02 would leave one after
an admin accepted its documents). Act as a supplier with ``suppliers.as_supplier``."""

import copy
from datetime import datetime, timedelta

from grader.testkit import suppliers
from shared.timeutil import utc_now

VARIANTS = {
    "red-m": {"variant_name": "Red, M", "attributes": [{"attribute_name": "Color", "attribute_value": "Red"},
                                                       {"attribute_name": "Size", "attribute_value": "M"}],
              "price_cents": 2500, "cost_cents": 900, "quantity": 10,
              "package_dimensions": {"width_cm": 30.0, "height_cm": 5.0, "depth_cm": 20.0}, "image_url": None},
    "blue-l": {"variant_name": "Blue, L", "attributes": [{"attribute_name": "Color", "attribute_value": "Blue"},
                                                         {"attribute_name": "Size", "attribute_value": "L"}],
               "price_cents": 2700, "cost_cents": 950, "quantity": 4, "package_dimensions": None, "image_url": None},
}
LOCATION = {"location_name": "Main warehouse", "street_address": "Hafenstrasse 12", "city": "Hamburg", "state": "HH",
            "zip_code": "20457", "country": "DE", "quantity": 14}


def create_body(sku: str = "tee-001", name: str = "Harbour Tee", **overrides) -> dict:
    """A valid POST /products body; ``overrides`` replace top-level keys."""
    body = {
        "name": name, "sku": sku, "category": "fashion", "base_price_cents": 2500,
        "short_description": "A soft cotton tee.", "description": "Organic cotton, printed in Hamburg.",
        "brand": "Acme", "unit_type": "piece", "primary_image_url": "https://img.example/tee.jpg",
        "topic_descriptions": [{"topic": "Care", "description": "Wash cold.", "display_order": 2},
                               {"topic": "Material", "description": "100% cotton.", "display_order": 1}],
        "stock_locations": [dict(LOCATION)],
        "variants": copy.deepcopy(VARIANTS),
    }
    body.update(copy.deepcopy(overrides))
    return body


async def seller(email: str = "sales@acme.example", legal_name: str = "Acme Trading GmbH", **options):
    """A verified, active supplier, straight into the database."""
    return await suppliers.seed_supplier(email, legal_name, verification="verified", **options)


def _variants(variants: dict | None, quantity: int | None):
    from shared.models.product import ProductVariant

    chosen = copy.deepcopy(VARIANTS if variants is None else variants)
    if quantity is not None:
        for variant in chosen.values():
            variant["quantity"] = quantity
    return {key: ProductVariant(**variant) for key, variant in chosen.items()}


async def seed_product(supplier, name: str = "Harbour Tee", *, sku: str | None = None, status: str = "draft",
                       category: str = "fashion", price: int = 2500, description: str = "Organic cotton.",
                       short_description: str = "A soft cotton tee.", image: str | None = "https://img.example/a.jpg",
                       variants: dict | None = None, quantity: int | None = None, version: int = 1,
                       created_at: datetime | None = None, id=None, link: bool = True):
    """Insert a product of ``supplier`` (a Supplier document) and return it. ``status``:
    draft, active, out_of_stock, discontinued or deleted; ``quantity`` sets every variant's
    quantity; ``id``: its _id. ``link`` adds the id to the supplier's product_ids (not for a
    deleted product), as a create would."""
    from beanie import PydanticObjectId

    from shared.models.product import (Product, ProductMetadata, ProductStatus, StockLocation, SupplierInfo)
    from shared.models.supplier import Supplier

    now = utc_now()
    when = created_at or now
    built = _variants(variants, quantity)
    attributes = sorted({f"{a.attribute_name.lower()}:{a.attribute_value.lower()}"
                         for v in built.values() for a in v.attributes})
    product = Product(
        id=id or PydanticObjectId(), supplier_id=supplier.id,
        supplier_info=SupplierInfo(name=supplier.company_info.legal_name), name=name,
        short_description=short_description, description=description, category=category,
        metadata=ProductMetadata(base_sku=sku or f"SKU-{PydanticObjectId()}", brand="Acme"),
        base_price_cents=price, primary_image_url=image, variants=built, variant_attributes=attributes,
        stock_locations=[StockLocation(**LOCATION)], status=ProductStatus(status), version=version,
        published_at=when if status in ("active", "out_of_stock", "discontinued") else None,
        deleted_at=now if status == "deleted" else None, created_at=when, updated_at=when,
    )
    await product.insert()
    if link and status != "deleted":
        await Supplier.get_motor_collection().update_one({"_id": supplier.id},
                                                         {"$addToSet": {"product_ids": product.id}})
    return product


async def seed_products(supplier, count: int, *, start: datetime | None = None, prefix: str = "Item",
                        **options) -> list:
    """``count`` products created one minute apart, oldest first, named "<prefix> 00"..."""
    start = start or utc_now() - timedelta(days=1)
    return [await seed_product(supplier, f"{prefix} {i:02d}", created_at=start + timedelta(minutes=i), **options)
            for i in range(count)]


async def fill_up(supplier, count: int) -> None:
    """Give ``supplier`` ``count`` more live products at once (insert_many), for the product cap."""
    from beanie import PydanticObjectId

    from shared.models.product import Product
    from shared.models.supplier import Supplier

    now = utc_now()
    ids = [PydanticObjectId() for _ in range(count)]
    documents = [{"_id": pid, "supplier_id": supplier.id, "supplier_info": {"name": "Filler"},
                  "name": f"Filler {n}", "short_description": "", "description": "", "topic_descriptions": [],
                  "category": "other", "unit_type": "piece", "metadata": {"base_sku": f"FILL-{n}", "brand": None},
                  "base_price_cents": 100, "primary_image_url": None, "variants": {}, "variant_attributes": [],
                  "stock_locations": [], "stats": {"view_count": 0, "favorite_count": 0, "purchase_count": 0,
                                                    "total_reviews": 0},
                  "status": "draft", "version": 1, "published_at": None, "deleted_at": None,
                  "created_at": now, "updated_at": now} for n, pid in enumerate(ids)]
    await Product.get_motor_collection().insert_many(documents)
    await Supplier.get_motor_collection().update_one({"_id": supplier.id},
                                                     {"$addToSet": {"product_ids": {"$each": ids}}})


async def stored(product):
    """The current state of a product in the database."""
    from shared.models.product import Product

    return await Product.get(product.id)


async def stored_by_id(product_id):
    from beanie import PydanticObjectId

    from shared.models.product import Product

    return await Product.get(PydanticObjectId(str(product_id)))


async def count_products(supplier=None) -> int:
    from shared.models.product import Product

    return await Product.find({} if supplier is None else {"supplier_id": supplier.id}).count()


async def product_ids_of(supplier) -> list[str]:
    """The supplier's product_ids as stored, as strings."""
    found = await suppliers.stored(supplier)
    return [str(pid) for pid in (found.product_ids if found else [])]
