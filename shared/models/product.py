"""Products (Task 04): the ``products`` collection. Suppliers (Task 02) own them.

A product's variants are a map keyed by the variant key (``"red-m"``), each with its own
attributes, prices in cents, quantity and package dimensions. A map cannot be searched
across its keys, so every product also keeps ``variant_attributes``, the attributes of all
its variants as ``"name:value"`` strings (lower case), which a multikey index serves and
``$all`` filters on. The stock that counts (for publishing, and what stock changes move) is
the variants' ``quantity``; the stock locations are the supplier's record of where goods are.

A supplier's live products are listed in ``Supplier.product_ids``: the id goes in with
``$addToSet`` when the product is created, and comes out with ``$pull`` when it is deleted.
"""

from datetime import datetime
from enum import Enum
from typing import Any

import pymongo
from beanie import Document, PydanticObjectId
from pydantic import BaseModel, Field
from pymongo import IndexModel

from shared.timeutil import utc_now

MAX_PRODUCTS_PER_SUPPLIER = 50  # live (not deleted) products per supplier
VARIANT_KEY_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,39}$"  # safe in a dotted path: no ".", no "$"


class ProductStatus(str, Enum):
    DRAFT = "draft"  # new, or restored: only its supplier sees it
    ACTIVE = "active"  # published: in the public catalogue
    OUT_OF_STOCK = "out_of_stock"
    DISCONTINUED = "discontinued"
    DELETED = "deleted"  # soft-deleted: terminal, a 404 everywhere


class ProductCategory(str, Enum):
    ELECTRONICS = "electronics"
    FASHION = "fashion"
    HOME = "home"
    BEAUTY = "beauty"
    SPORTS = "sports"
    TOYS = "toys"
    BOOKS = "books"
    FOOD = "food"
    HEALTH = "health"
    GARDEN = "garden"
    OTHER = "other"


class UnitType(str, Enum):
    PIECE = "piece"
    PAIR = "pair"
    SET = "set"
    PACK = "pack"
    BOX = "box"
    DOZEN = "dozen"
    KILOGRAM = "kg"
    GRAM = "g"
    LITER = "l"
    MILLILITER = "ml"
    METER = "m"
    SQUARE_METER = "m2"


class SupplierInfo(BaseModel):
    name: str  # the supplier's legal name when the product was created


class ProductMetadata(BaseModel):
    base_sku: str  # trimmed and upper-cased; unique among one supplier's products, deleted ones included
    brand: str | None = None


class TopicDescription(BaseModel):
    topic: str
    description: str
    display_order: int  # the list is kept sorted by it


class StockLocation(BaseModel):
    location_name: str
    street_address: str
    city: str
    state: str | None = None
    zip_code: str
    country: str  # two capital letters
    quantity: int = 0  # the supplier's record; the stock that counts is on the variants


class VariantAttribute(BaseModel):
    attribute_name: str
    attribute_value: str


class PackageDimensions(BaseModel):
    width_cm: float
    height_cm: float
    depth_cm: float


class ProductVariant(BaseModel):
    variant_name: str
    attributes: list[VariantAttribute] = Field(default_factory=list)
    price_cents: int
    cost_cents: int | None = None  # what the supplier pays: never shown in public
    quantity: int = 0  # never below zero
    package_dimensions: PackageDimensions | None = None
    image_url: str | None = None


class ProductStats(BaseModel):
    view_count: int = 0
    favorite_count: int = 0
    purchase_count: int = 0
    total_reviews: int = 0


class Product(Document):
    supplier_id: PydanticObjectId
    supplier_info: SupplierInfo
    name: str
    short_description: str = ""  # publishing needs one
    description: str = ""
    topic_descriptions: list[TopicDescription] = Field(default_factory=list)
    category: ProductCategory
    unit_type: UnitType = UnitType.PIECE
    metadata: ProductMetadata
    base_price_cents: int
    primary_image_url: str | None = None  # publishing needs one
    variants: dict[str, ProductVariant] = Field(default_factory=dict)  # variant key -> variant
    variant_attributes: list[str] = Field(default_factory=list)  # "name:value" of every variant, lower case
    stock_locations: list[StockLocation] = Field(default_factory=list)
    stats: ProductStats = Field(default_factory=ProductStats)
    status: ProductStatus = ProductStatus.DRAFT
    version: int = 1  # optimistic concurrency: +1 on every update (not on stock changes)
    published_at: datetime | None = None
    deleted_at: datetime | None = None
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now)

    class Settings:
        name = "products"
        indexes = [
            IndexModel([("supplier_id", pymongo.ASCENDING), ("metadata.base_sku", pymongo.ASCENDING)], unique=True,
                       name="uniq_supplier_sku"),
            IndexModel([("supplier_id", pymongo.ASCENDING), ("status", pymongo.ASCENDING),
                        ("created_at", pymongo.DESCENDING), ("_id", pymongo.DESCENDING)], name="by_supplier_newest"),
            IndexModel([("status", pymongo.ASCENDING), ("created_at", pymongo.DESCENDING),
                        ("_id", pymongo.DESCENDING)], name="catalogue_newest"),
            # (Not extended with _id: the local stack's server misreads an inclusive upper bound
            # on the middle key of a three-key index, so $lte on the price would drop its end.)
            IndexModel([("status", pymongo.ASCENDING), ("base_price_cents", pymongo.ASCENDING)],
                       name="catalogue_by_price"),
            IndexModel([("status", pymongo.ASCENDING), ("category", pymongo.ASCENDING)], name="catalogue_by_category"),
            IndexModel([("variant_attributes", pymongo.ASCENDING)], name="by_variant_attribute"),
        ]

    def is_deleted(self) -> bool:
        return self.status == ProductStatus.DELETED

    def is_owned_by(self, supplier_id: Any) -> bool:
        return str(self.supplier_id) == str(supplier_id)

    def total_stock(self) -> int:
        """The stock that counts: the sum of the variants' quantities."""
        return sum(variant.quantity for variant in self.variants.values())

    def event_data(self) -> dict[str, Any]:
        """The product as it travels in events: the whole document, with its id. Every field
        of the model is there, defaults included; an optional one may be None (``null``)."""
        data = self.model_dump(mode="json", exclude={"revision_id"})
        data["id"] = str(self.id)
        return data

