"""Products: create, read, list and search, update, lifecycle and stock. (Task 04, reference solution.)"""

import base64
import json
import re
from datetime import datetime

from beanie import PydanticObjectId
from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from backend.events import EventPublisher
from shared.errors import (AuthorizationError, DuplicateError, InsufficientStockError, NotFoundError,
                           StateConflictError, ValidationError, VersionConflictError)
from shared.events import EventType
from shared.identity import Actor, ActorKind
from shared.models.product import (MAX_PRODUCTS_PER_SUPPLIER, Product, ProductCategory, ProductMetadata,
                                   ProductStatus, ProductVariant, StockLocation, SupplierInfo, TopicDescription)
from shared.models.supplier import Supplier, SupplierStatus, VerificationStatus
from shared.timeutil import utc_now

MAX_PAGE_SIZE = 100
SORTS = {"newest": ("created_at", -1), "price_asc": ("base_price_cents", 1), "price_desc": ("base_price_cents", -1),
         "name": ("name", 1)}
LISTED = [ProductStatus.DRAFT, ProductStatus.ACTIVE, ProductStatus.OUT_OF_STOCK, ProductStatus.DISCONTINUED]


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError(message, details={"field": field})


def _attribute_keys(variants: dict[str, ProductVariant]) -> list[str]:
    return sorted({f"{a.attribute_name.strip().lower()}:{a.attribute_value.strip().lower()}"
                   for variant in variants.values() for a in variant.attributes})


def _topics(topics: list[dict]) -> list[TopicDescription]:
    return sorted((TopicDescription(**t) for t in topics), key=lambda t: t.display_order)


def _encode_cursor(sort: str, product: Product) -> str:
    value = getattr(product, SORTS[sort][0])
    if isinstance(value, datetime):
        value = value.isoformat()
    raw = json.dumps({"s": sort, "v": value, "id": str(product.id)})
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _decode_cursor(cursor: str, sort: str) -> tuple:
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if not isinstance(data["id"], str) or not PydanticObjectId.is_valid(data["id"]):
            raise ValueError("not an id")
        value, last_id = data["v"], PydanticObjectId(data["id"])
        if data["s"] != sort:
            raise ValueError("another sort")
        field = SORTS[sort][0]
        if field == "created_at":
            value = datetime.fromisoformat(value)
        elif field == "base_price_cents" and (not isinstance(value, int) or isinstance(value, bool)):
            raise ValueError("not a price")
        elif field == "name" and not isinstance(value, str):
            raise ValueError("not a name")
    except (ValueError, TypeError, KeyError, AttributeError):
        raise _invalid("cursor", "The cursor is not valid for this listing.") from None
    return value, last_id


class ProductService:
    def __init__(self, events: EventPublisher):
        self.events = events

    # -- helpers -------------------------------------------------------------------------

    @staticmethod
    def _supplier_only(actor: Actor) -> None:
        if actor.kind is not ActorKind.SUPPLIER:
            raise AuthorizationError("Only suppliers have products.")

    async def _owned(self, actor: Actor, product_id: str) -> Product:
        self._supplier_only(actor)
        product = await Product.get(PydanticObjectId(product_id)) if PydanticObjectId.is_valid(product_id) else None
        if product is None or product.is_deleted() or not product.is_owned_by(actor.id):
            raise NotFoundError(f"No product with id {product_id!r}.")
        return product

    async def _emit(self, event: EventType, product: Product) -> None:
        await self.events.emit(event, str(product.id), product.event_data())

    # -- 04.1 ----------------------------------------------------------------------------

    async def create_product(
        self,
        actor: Actor,
        name: str,
        sku: str,
        category: str,
        base_price_cents: int,
        variants: dict[str, dict],
        short_description: str = "",
        description: str = "",
        brand: str | None = None,
        unit_type: str = "piece",
        primary_image_url: str | None = None,
        topic_descriptions: list[dict] | None = None,
        stock_locations: list[dict] | None = None,
    ) -> Product:
        self._supplier_only(actor)
        supplier = await Supplier.get(PydanticObjectId(actor.id))
        if supplier is None or supplier.is_deleted() or supplier.status != SupplierStatus.ACTIVE:
            raise AuthorizationError("Only active suppliers create products.")
        if supplier.verification.status != VerificationStatus.VERIFIED:
            raise AuthorizationError("Only verified suppliers create products: submit your documents first.")
        base_sku = sku.strip().upper()
        if await Product.find_one({"supplier_id": supplier.id, "metadata.base_sku": base_sku}):
            raise DuplicateError(f"You already have a product with SKU {base_sku!r}.", details={"field": "sku"})
        built = {key: ProductVariant(**variant) for key, variant in variants.items()}
        product = Product(
            id=PydanticObjectId(), supplier_id=supplier.id, supplier_info=SupplierInfo(name=supplier.company_info.legal_name),
            name=name.strip(), short_description=short_description.strip(), description=description,
            topic_descriptions=_topics(topic_descriptions or []), category=ProductCategory(category),
            unit_type=unit_type, metadata=ProductMetadata(base_sku=base_sku, brand=brand),
            base_price_cents=base_price_cents, primary_image_url=primary_image_url, variants=built,
            variant_attributes=_attribute_keys(built),
            stock_locations=[StockLocation(**location) for location in stock_locations or []],
        )
        # Claim a place under the cap and record the id in one step: of creates at the same
        # moment, only as many as there are places left still match the filter.
        claimed = await Supplier.get_motor_collection().find_one_and_update(
            {"_id": supplier.id, "deleted_at": None, "status": SupplierStatus.ACTIVE.value,
             f"product_ids.{MAX_PRODUCTS_PER_SUPPLIER - 1}": {"$exists": False}},
            {"$addToSet": {"product_ids": product.id}})
        if claimed is None:
            raise StateConflictError(f"A supplier may have at most {MAX_PRODUCTS_PER_SUPPLIER} products; delete one "
                                     "first.", details={"limit": MAX_PRODUCTS_PER_SUPPLIER})
        try:
            await product.insert()
        except DuplicateKeyError:  # a create at the same moment took the SKU
            await Supplier.get_motor_collection().update_one({"_id": supplier.id},
                                                             {"$pull": {"product_ids": product.id}})
            raise DuplicateError(f"You already have a product with SKU {base_sku!r}.",
                                 details={"field": "sku"}) from None
        await self._emit(EventType.PRODUCT_CREATED, product)
        return product

    # -- 04.2 ----------------------------------------------------------------------------

    async def get_own_product(self, actor: Actor, product_id: str) -> Product:
        return await self._owned(actor, product_id)

    async def get_public_product(self, product_id: str) -> Product:
        product = await Product.get(PydanticObjectId(product_id)) if PydanticObjectId.is_valid(product_id) else None
        if product is None or product.status != ProductStatus.ACTIVE:
            raise NotFoundError(f"No product with id {product_id!r}.")
        return product

    # -- 04.3 ----------------------------------------------------------------------------

    async def _page(self, query: dict, categories, min_price, max_price, attributes, q, sort, limit, cursor):
        if sort not in SORTS:
            raise _invalid("sort", f"sort must be one of {sorted(SORTS)}.")
        limit = max(1, min(limit, MAX_PAGE_SIZE))
        field, direction = SORTS[sort]
        if categories:
            wanted = [c.strip().lower() for c in categories]
            if any(c not in {x.value for x in ProductCategory} for c in wanted):
                raise _invalid("category", "Unknown category.")
            query["category"] = {"$in": wanted}
        if min_price is not None and max_price is not None and min_price > max_price:
            raise _invalid("min_price", "min_price is above max_price.")
        price = {**({"$gte": min_price} if min_price is not None else {}),
                 **({"$lte": max_price} if max_price is not None else {})}
        if price:
            query["base_price_cents"] = price
        if attributes:
            wanted = []
            for attribute in attributes:
                name, sep, value = attribute.partition(":")
                if not sep or not name.strip() or not value.strip():
                    raise _invalid("attr", "An attribute filter is name:value, such as color:red.")
                wanted.append(f"{name.strip().lower()}:{value.strip().lower()}")
            query["variant_attributes"] = {"$all": wanted}
        clauses = []
        if q and q.strip():
            pattern = {"$regex": re.escape(q.strip()), "$options": "i"}
            clauses.append({"$or": [{"name": pattern}, {"description": pattern}]})
        if cursor:
            value, last_id = _decode_cursor(cursor, sort)
            op = "$lt" if direction < 0 else "$gt"
            clauses.append({"$or": [{field: {op: value}}, {field: value, "_id": {op: last_id}}]})
        if clauses:
            query["$and"] = clauses
        found = await Product.find(query).sort([(field, direction), ("_id", direction)]).limit(limit + 1).to_list()
        page = found[:limit]
        return page, (_encode_cursor(sort, page[-1]) if len(found) > limit else None)

    async def list_own_products(
        self,
        actor: Actor,
        statuses: list[str] | None = None,
        categories: list[str] | None = None,
        min_price: int | None = None,
        max_price: int | None = None,
        attributes: list[str] | None = None,
        q: str | None = None,
        sort: str = "newest",
        limit: int = 20,
        cursor: str | None = None,
    ) -> tuple[list[Product], str | None]:
        self._supplier_only(actor)
        allowed = {s.value for s in LISTED}
        wanted = [s.strip().lower() for s in statuses or []]
        if any(s not in allowed for s in wanted):
            raise _invalid("status", f"status must be among {sorted(allowed)}.")
        query: dict = {"supplier_id": PydanticObjectId(actor.id),
                       "status": {"$in": wanted or sorted(allowed)}}
        return await self._page(query, categories, min_price, max_price, attributes, q, sort, limit, cursor)

    async def list_catalogue(
        self,
        categories: list[str] | None = None,
        min_price: int | None = None,
        max_price: int | None = None,
        attributes: list[str] | None = None,
        q: str | None = None,
        sort: str = "newest",
        limit: int = 20,
        cursor: str | None = None,
    ) -> tuple[list[Product], str | None]:
        query: dict = {"status": ProductStatus.ACTIVE.value}
        return await self._page(query, categories, min_price, max_price, attributes, q, sort, limit, cursor)

    # -- 04.4 ----------------------------------------------------------------------------

    async def update_product(self, actor: Actor, product_id: str, version: int, **changes) -> Product:
        product = await self._owned(actor, product_id)
        if product.status == ProductStatus.DISCONTINUED:
            raise StateConflictError("A discontinued product cannot be edited; restore it first.")
        changes = {k: v for k, v in changes.items() if v is not None}
        update: dict = {}
        for key in ("name", "short_description"):
            if key in changes:
                update[key] = changes[key].strip()
        for key in ("description", "base_price_cents", "primary_image_url"):
            if key in changes:
                update[key] = changes[key]
        if "category" in changes:
            update["category"] = ProductCategory(changes["category"]).value
        if "brand" in changes:
            update["metadata.brand"] = changes["brand"]
        if "topic_descriptions" in changes:
            update["topic_descriptions"] = [t.model_dump() for t in _topics(changes["topic_descriptions"])]
        if "stock_locations" in changes:
            update["stock_locations"] = [StockLocation(**s).model_dump() for s in changes["stock_locations"]]
        update["updated_at"] = utc_now()
        stored = await Product.get_motor_collection().find_one_and_update(
            {"_id": product.id, "version": version, "status": product.status.value},
            {"$set": update, "$inc": {"version": 1}}, return_document=ReturnDocument.AFTER)
        if stored is None:
            current = await Product.get(product.id)
            if current is None or current.is_deleted():
                raise NotFoundError(f"No product with id {product_id!r}.")
            if current.version == version:  # the status moved meanwhile
                raise StateConflictError("The product changed its status meanwhile; reload and try again.")
            raise VersionConflictError("The product was changed since you read it; reload and try again.",
                                       details={"current_version": current.version})
        product = Product.model_validate(stored)
        await self._emit(EventType.PRODUCT_UPDATED, product)
        return product

    # -- 04.5 ----------------------------------------------------------------------------

    async def _move(self, product: Product, allowed_from: list[ProductStatus], to: ProductStatus, event: EventType,
                    extra: dict | None = None) -> Product:
        if product.status not in allowed_from:
            raise StateConflictError(f"A product that is {product.status.value} cannot become {to.value}.")
        stored = await Product.get_motor_collection().find_one_and_update(
            {"_id": product.id, "status": {"$in": [s.value for s in allowed_from]}},
            {"$set": {"status": to.value, "updated_at": utc_now(), **(extra or {})}},
            return_document=ReturnDocument.AFTER)
        if stored is None:  # moved by a request at the same moment
            current = await Product.get(product.id)
            status = current.status.value if current else "gone"
            raise StateConflictError(f"A product that is {status} cannot become {to.value}.")
        product = Product.model_validate(stored)
        await self._emit(event, product)
        return product

    async def publish(self, actor: Actor, product_id: str) -> Product:
        product = await self._owned(actor, product_id)
        if product.status != ProductStatus.DRAFT:
            raise StateConflictError(f"Only a draft can be published; this product is {product.status.value}.")
        missing = [name for name, ok in (("primary_image_url", bool((product.primary_image_url or "").strip())),
                                         ("stock", product.total_stock() > 0),
                                         ("short_description", bool(product.short_description.strip())))
                   if not ok]
        if missing:
            raise StateConflictError("The product is not ready to publish: it needs " + ", ".join(missing) + ".",
                                     details={"missing": missing})
        return await self._move(product, [ProductStatus.DRAFT], ProductStatus.ACTIVE, EventType.PRODUCT_PUBLISHED,
                                {"published_at": utc_now()})

    async def mark_out_of_stock(self, actor: Actor, product_id: str) -> Product:
        product = await self._owned(actor, product_id)
        return await self._move(product, [ProductStatus.ACTIVE], ProductStatus.OUT_OF_STOCK,
                                EventType.PRODUCT_OUT_OF_STOCK)

    async def discontinue(self, actor: Actor, product_id: str) -> Product:
        product = await self._owned(actor, product_id)
        return await self._move(product, [ProductStatus.ACTIVE, ProductStatus.OUT_OF_STOCK],
                                ProductStatus.DISCONTINUED, EventType.PRODUCT_DISCONTINUED)

    async def restore(self, actor: Actor, product_id: str) -> Product:
        product = await self._owned(actor, product_id)
        return await self._move(product, [ProductStatus.OUT_OF_STOCK, ProductStatus.DISCONTINUED],
                                ProductStatus.DRAFT, EventType.PRODUCT_RESTORED)

    async def delete_product(self, actor: Actor, product_id: str) -> None:
        product = await self._owned(actor, product_id)
        now = utc_now()
        stored = await Product.get_motor_collection().find_one_and_update(
            {"_id": product.id, "status": {"$ne": ProductStatus.DELETED.value}},
            {"$set": {"status": ProductStatus.DELETED.value, "deleted_at": now, "updated_at": now}})
        if stored is None:  # deleted by a request at the same moment
            raise NotFoundError(f"No product with id {product_id!r}.")
        await Supplier.get_motor_collection().update_one({"_id": product.supplier_id},
                                                         {"$pull": {"product_ids": product.id}})
        await self.events.emit(EventType.PRODUCT_DELETED, str(product.id), {"id": str(product.id)})

    # -- 04.6 ----------------------------------------------------------------------------

    async def change_stock(self, actor: Actor, product_id: str, variant_key: str, change: int) -> Product:
        product = await self._owned(actor, product_id)
        if variant_key not in product.variants:
            raise NotFoundError(f"The product has no variant {variant_key!r}.")
        if change == 0:
            raise _invalid("change", "A stock change of 0 changes nothing.")
        path = f"variants.{variant_key}.quantity"
        query: dict = {"_id": product.id, "status": {"$ne": ProductStatus.DELETED.value}}
        if change < 0:
            query[path] = {"$gte": -change}  # only while there is enough: never below zero
        stored = await Product.get_motor_collection().find_one_and_update(
            query, {"$inc": {path: change}, "$set": {"updated_at": utc_now()}}, return_document=ReturnDocument.AFTER)
        if stored is None:
            current = await Product.get(product.id)
            if current is None or current.is_deleted():
                raise NotFoundError(f"No product with id {product_id!r}.")
            available = current.variants[variant_key].quantity
            raise InsufficientStockError(f"Only {available} in stock; cannot take {-change}.",
                                         details={"available": available})
        product = Product.model_validate(stored)
        await self._emit(EventType.PRODUCT_UPDATED, product)
        return product
