"""Creating, reading, listing, updating and selling products.

TASK 04 - you implement every method below. Read tasks/04-product.md first.
Useful: shared.models.product (Product, ProductStatus, ProductVariant, ProductMetadata,
SupplierInfo, TopicDescription, StockLocation, MAX_PRODUCTS_PER_SUPPLIER),
shared.models.supplier (Supplier, SupplierStatus, VerificationStatus), shared.errors,
shared.identity (Actor, ActorKind), shared.events.EventType, shared.timeutil.utc_now,
beanie.PydanticObjectId, pymongo.ReturnDocument, pymongo.errors.DuplicateKeyError.
"""

from backend.events import EventPublisher
from shared.identity import Actor
from shared.models.product import Product

MAX_PAGE_SIZE = 100


class ProductService:
    def __init__(self, events: EventPublisher):
        self.events = events

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
        """Exercise 04.1. Only a supplier (``AuthorizationError`` for users) whose documents are
        verified (``AuthorizationError`` too) creates products. The SKU is trimmed and
        upper-cased; a SKU the supplier already used (deleted products included) raises
        ``DuplicateError``, also when two creates race (the unique index's
        ``DuplicateKeyError``). A supplier holds at most ``MAX_PRODUCTS_PER_SUPPLIER`` live
        products (``StateConflictError``), also under concurrent creates: claim the place and
        record the id with one conditional ``$addToSet`` on the supplier's ``product_ids``.
        A new product is a draft with version 1, ``supplier_info.name`` the supplier's legal
        name, topic descriptions sorted by ``display_order`` and ``variant_attributes``
        derived from the variants. Emit ``product.created`` with ``product.event_data()``."""
        raise NotImplementedError("ProductService.create_product")

    async def get_own_product(self, actor: Actor, product_id: str) -> Product:
        """Exercise 04.2. The caller's own product, in any status but deleted. Users raise
        ``AuthorizationError``; an id that is not an ObjectId, an unknown or deleted product,
        and another supplier's product raise ``NotFoundError`` alike."""
        raise NotImplementedError("ProductService.get_own_product")

    async def get_public_product(self, product_id: str) -> Product:
        """Exercise 04.2. An active product, for anyone. Every other case (a draft, out of
        stock, discontinued, deleted, unknown, not an ObjectId) raises ``NotFoundError``."""
        raise NotImplementedError("ProductService.get_public_product")

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
        """Exercise 04.3. The caller's products (users: ``AuthorizationError``), never deleted
        ones; ``statuses`` keeps those in the given statuses (``$in``). Filters, search, sorts
        and the cursor as in ``list_catalogue``. An unknown status raises ``ValidationError``."""
        raise NotImplementedError("ProductService.list_own_products")

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
        """Exercise 04.3. Active products only. ``categories`` (``$in``), a price range on
        ``base_price_cents`` (``$gte``/``$lte``), ``attributes`` as "name:value" that must all
        be among ``variant_attributes`` (``$all``), and ``q``, a case-insensitive search of
        the escaped text in name and description. ``sort``: ``newest``, ``price_asc``,
        ``price_desc`` or ``name``, ties broken by ``_id`` in the same direction, also across
        pages. One page of at most ``limit`` (capped at ``MAX_PAGE_SIZE``) and the next
        cursor, or None. A bad sort, cursor, category or attribute raises ``ValidationError``."""
        raise NotImplementedError("ProductService.list_catalogue")

    async def update_product(self, actor: Actor, product_id: str, version: int, **changes) -> Product:
        """Exercise 04.4. Only the owner (``NotFoundError`` for other suppliers, as in
        ``get_own_product``). A discontinued product cannot be edited (``StateConflictError``).
        Apply the given ``changes`` only if the stored ``version`` is still ``version``, in one
        atomic update that adds 1 to it and refreshes ``updated_at``; otherwise raise
        ``VersionConflictError`` (details ``current_version``) and change nothing. Emit
        ``product.updated`` with ``product.event_data()``."""
        raise NotImplementedError("ProductService.update_product")

    async def publish(self, actor: Actor, product_id: str) -> Product:
        """Exercise 04.5. The owner publishes a draft (``StateConflictError`` otherwise) that
        has a primary image, stock above zero and a short description (``StateConflictError``
        naming what is missing). Sets ``active`` and ``published_at``; emits
        ``product.published``. Happens once, also when sent several times at once."""
        raise NotImplementedError("ProductService.publish")

    async def mark_out_of_stock(self, actor: Actor, product_id: str) -> Product:
        """Exercise 04.5. active -> out_of_stock (``StateConflictError`` from any other
        status); emits ``product.out_of_stock``. Happens once."""
        raise NotImplementedError("ProductService.mark_out_of_stock")

    async def discontinue(self, actor: Actor, product_id: str) -> Product:
        """Exercise 04.5. active or out_of_stock -> discontinued (``StateConflictError``
        otherwise); emits ``product.discontinued``. Happens once."""
        raise NotImplementedError("ProductService.discontinue")

    async def restore(self, actor: Actor, product_id: str) -> Product:
        """Exercise 04.5. out_of_stock or discontinued -> draft (``StateConflictError``
        otherwise), to be published again; emits ``product.restored``. Happens once."""
        raise NotImplementedError("ProductService.restore")

    async def delete_product(self, actor: Actor, product_id: str) -> None:
        """Exercise 04.5. Soft delete by the owner, from any status: status ``deleted`` and
        ``deleted_at``; ``$pull`` the id from the supplier's ``product_ids``. Emit
        ``product.deleted`` whose data is only ``{"id": <product id>}``."""
        raise NotImplementedError("ProductService.delete_product")

    async def change_stock(self, actor: Actor, product_id: str, variant_key: str, change: int) -> Product:
        """Exercise 04.6. Add ``change`` (negative: take away) to one variant's quantity. Only
        the owner (``NotFoundError``, as in ``get_own_product``); an unknown variant key raises
        ``NotFoundError``, a change of 0 ``ValidationError``. Stock never goes below zero, also
        under concurrent changes: one conditional ``$inc`` whose filter asks for enough stock;
        otherwise ``InsufficientStockError`` (details ``available``). Does not change
        ``version``; refreshes ``updated_at``; emits ``product.updated``."""
        raise NotImplementedError("ProductService.change_stock")
