"""Request and response bodies for products (Task 04)."""

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shared.models.product import (VARIANT_KEY_PATTERN, PackageDimensions, Product, ProductCategory, ProductStatus,
                                   StockLocation, TopicDescription, UnitType, VariantAttribute)

VariantKey = Annotated[str, StringConstraints(pattern=VARIANT_KEY_PATTERN)]
MAX_CENTS = 100_000_000  # a million in the currency's main unit
MAX_STOCK_CHANGE = 1_000_000


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class VariantAttributeIn(_Body):
    attribute_name: str = Field(min_length=1, max_length=40)
    attribute_value: str = Field(min_length=1, max_length=80)


class PackageDimensionsIn(_Body):
    width_cm: float = Field(gt=0, le=1000)
    height_cm: float = Field(gt=0, le=1000)
    depth_cm: float = Field(gt=0, le=1000)


class VariantIn(_Body):
    variant_name: str = Field(min_length=1, max_length=80)
    attributes: list[VariantAttributeIn] = Field(default_factory=list, max_length=10)
    price_cents: int = Field(ge=0, le=MAX_CENTS)
    cost_cents: int | None = Field(default=None, ge=0, le=MAX_CENTS)
    quantity: int = Field(default=0, ge=0, le=MAX_STOCK_CHANGE)
    package_dimensions: PackageDimensionsIn | None = None
    image_url: str | None = Field(default=None, max_length=500)


class TopicDescriptionIn(_Body):
    topic: str = Field(min_length=1, max_length=80)
    description: str = Field(min_length=1, max_length=2000)
    display_order: int = Field(ge=0, le=1000)


class StockLocationIn(_Body):
    location_name: str = Field(min_length=1, max_length=80)
    street_address: str = Field(min_length=1, max_length=200)
    city: str = Field(min_length=1, max_length=80)
    state: str | None = Field(default=None, max_length=80)
    zip_code: str = Field(min_length=1, max_length=20)
    country: str = Field(pattern=r"^[A-Z]{2}$")
    quantity: int = Field(default=0, ge=0, le=MAX_STOCK_CHANGE)


class CreateProductRequest(_Body):
    name: str = Field(min_length=3, max_length=120)
    sku: str = Field(min_length=1, max_length=40, pattern=r"^\s*[A-Za-z0-9][A-Za-z0-9_-]*\s*$")
    category: ProductCategory
    base_price_cents: int = Field(ge=0, le=MAX_CENTS)
    short_description: str = Field(default="", max_length=300)
    description: str = Field(default="", max_length=5000)
    brand: str | None = Field(default=None, max_length=80)
    unit_type: UnitType = UnitType.PIECE
    primary_image_url: str | None = Field(default=None, max_length=500)
    topic_descriptions: list[TopicDescriptionIn] = Field(default_factory=list, max_length=20)
    stock_locations: list[StockLocationIn] = Field(default_factory=list, max_length=20)
    variants: dict[VariantKey, VariantIn] = Field(min_length=1, max_length=20)


class UpdateProductRequest(_Body):
    version: int = Field(ge=1)  # the version the caller last read
    name: str | None = Field(default=None, min_length=3, max_length=120)
    short_description: str | None = Field(default=None, min_length=1, max_length=300)
    description: str | None = Field(default=None, max_length=5000)
    category: ProductCategory | None = None
    base_price_cents: int | None = Field(default=None, ge=0, le=MAX_CENTS)
    brand: str | None = Field(default=None, max_length=80)
    primary_image_url: str | None = Field(default=None, min_length=1, max_length=500)
    topic_descriptions: list[TopicDescriptionIn] | None = Field(default=None, max_length=20)
    stock_locations: list[StockLocationIn] | None = Field(default=None, max_length=20)


class StockChangeRequest(_Body):
    change: int = Field(ge=-MAX_STOCK_CHANGE, le=MAX_STOCK_CHANGE)  # + received, - sold or written off; not 0


class VariantResponse(BaseModel):
    variant_name: str
    attributes: list[VariantAttribute]
    price_cents: int
    cost_cents: int | None
    quantity: int
    package_dimensions: PackageDimensions | None
    image_url: str | None


class PublicVariantResponse(BaseModel):
    """A variant as anyone sees it: without what the supplier pays for it."""

    variant_name: str
    attributes: list[VariantAttribute]
    price_cents: int
    quantity: int
    package_dimensions: PackageDimensions | None
    image_url: str | None


class _ProductFields(BaseModel):
    id: str
    supplier_id: str
    supplier_name: str
    name: str
    short_description: str
    description: str
    topic_descriptions: list[TopicDescription]
    category: ProductCategory
    unit_type: UnitType
    sku: str
    brand: str | None
    base_price_cents: int
    primary_image_url: str | None
    variant_attributes: list[str]
    status: ProductStatus
    published_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def _common(product: Product) -> dict:
        data = product.model_dump(include={"name", "short_description", "description", "topic_descriptions",
                                           "category", "unit_type", "base_price_cents", "primary_image_url",
                                           "variant_attributes", "status", "published_at", "created_at",
                                           "updated_at"})
        return {**data, "id": str(product.id), "supplier_id": str(product.supplier_id),
                "supplier_name": product.supplier_info.name, "sku": product.metadata.base_sku,
                "brand": product.metadata.brand}


class ProductResponse(_ProductFields):
    """A product as its supplier sees it."""

    variants: dict[str, VariantResponse]
    stock_locations: list[StockLocation]
    version: int

    @classmethod
    def of(cls, product: Product) -> "ProductResponse":
        return cls(**cls._common(product), variants={k: v.model_dump() for k, v in product.variants.items()},
                   stock_locations=product.stock_locations, version=product.version)


class PublicProductResponse(_ProductFields):
    """A product as anyone sees it: no costs, no stock locations, no version."""

    variants: dict[str, PublicVariantResponse]

    @classmethod
    def of(cls, product: Product) -> "PublicProductResponse":
        return cls(**cls._common(product), variants={k: v.model_dump(exclude={"cost_cents"})
                                                     for k, v in product.variants.items()})


class ProductPage(BaseModel):
    items: list[ProductResponse]
    next_cursor: str | None  # None: this is the last page


class PublicProductPage(BaseModel):
    items: list[PublicProductResponse]
    next_cursor: str | None
