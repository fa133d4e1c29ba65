"""Promotions: create, read, edit, submit, each scope's decision, the lifecycle moves, delete,
a community's feed of live promotions and a supplier's own list.

TASK 06 - you implement every method below. Read tasks/06-promotion.md first.
Useful: shared.models.promotion (Promotion, PromotionStatus, PromotionType, ApprovalStatus,
ScopeApproval, GLOBAL_SCOPE, CAMPAIGN_PRODUCTS, LIVE_STATUSES), shared.models.product (Product,
ProductStatus), shared.models.community (Community, CommunityStatus, Visibility),
shared.models.supplier (Supplier, SupplierStatus, VerificationStatus), shared.errors,
shared.identity (Actor, ActorKind), shared.events.EventType, shared.timeutil (utc_now, as_utc),
beanie.PydanticObjectId, pymongo.ReturnDocument.
"""

from datetime import datetime

from backend.events import EventPublisher
from shared.identity import Actor
from shared.models.promotion import Promotion

MAX_PAGE_SIZE = 100


class PromotionService:
    def __init__(self, events: EventPublisher):
        self.events = events

    async def create_promotion(
        self,
        actor: Actor,
        promotion_type: str,
        title: str,
        product_ids: list[str],
        discount_percent: int,
        starts_at: datetime,
        ends_at: datetime,
        scopes: list[str],
        description: str = "",
    ) -> Promotion:
        """Exercise 06.1. Checks, in this order: the caller is a supplier
        (``AuthorizationError`` for users), active and verified (``AuthorizationError``); then
        the body, each failure a ``ValidationError`` with ``details["field"]``: the type
        (``default`` is refused: ``promotion_type``), the products (``product_ids``: single
        holds exactly 1, campaign 2 to 3, no repeats (ids compared whatever the case of their hex
        letters), then each in the order sent must be an
        ObjectId of one of the caller's own *active* products, else details also name it as
        ``product_id``), the dates (``ends_at``: after ``starts_at``, and in the future), the
        scopes (``scopes``: no repeats, ``"global"`` alone or community ids only, each an active,
        not deleted community, else details also name it as ``scope``). Stores a draft with
        version 1, the title trimmed, the dates in UTC; emits ``promotion.created``."""
        raise NotImplementedError("PromotionService.create_promotion")

    async def get_promotion(self, actor: Actor, promotion_id: str) -> Promotion:
        """Exercise 06.2. The caller's own promotion, in any status. Users raise
        ``AuthorizationError``; an id that is not an ObjectId, an unknown promotion and another
        supplier's promotion raise ``NotFoundError`` alike. Once the caller is known to own it, a
        scheduled promotion whose start has passed is activated (see ``pause``, exercise 06.4):
        another supplier's request never activates it."""
        raise NotImplementedError("PromotionService.get_promotion")

    async def update_promotion(self, actor: Actor, promotion_id: str, version: int, **changes) -> Promotion:
        """Exercise 06.2. Checks, in this order: 403/404 as in ``get_promotion``
        (``AuthorizationError``, ``NotFoundError``); the status (``StateConflictError``: pending
        approval, ended and cancelled take no edit at all; otherwise a field the status does not
        allow gives details ``{"fields": [...]}``, sorted: draft allows every field, scheduled
        and active only title and description, paused title, description, starts_at and
        ends_at); the content of the fields sent (``ValidationError``, the rules of
        ``create_promotion``; products are counted against the stored type); last the version,
        in the one atomic update (filter ``{"_id": ..., "version": version}``) that applies the
        change, adds 1 to ``version`` and refreshes ``updated_at`` (when it matches nothing,
        read it again: gone ``NotFoundError``, a status that takes no edit
        ``StateConflictError``, else ``VersionConflictError`` with details ``current_version``; nothing
        changes). Emits ``promotion.updated``."""
        raise NotImplementedError("PromotionService.update_promotion")

    async def submit(self, actor: Actor, promotion_id: str, version: int) -> Promotion:
        """Exercise 06.3. Checks, in this order: 403/404 as in ``get_promotion``; a draft
        (``StateConflictError`` otherwise), whose ``ends_at`` is still in the future
        (``StateConflictError``: the supplier moves its end with an edit first); the version, in the
        update (``VersionConflictError``). The products and communities are not checked again.
        Moves
        draft -> pending_approval: ``approvals`` gets a fresh pending decision for every scope
        (older decisions go), ``pending_scopes`` the number of scopes, ``submitted_at`` now,
        ``version`` + 1. Emits ``promotion.submitted``."""
        raise NotImplementedError("PromotionService.submit")

    async def approve_scope(self, actor: Actor, promotion_id: str, scope: str) -> Promotion:
        """Exercise 06.3. Checks, in this order: a user (``AuthorizationError`` for suppliers);
        the promotion (``NotFoundError``); the scope is one of its scopes (``ValidationError``,
        details ``{"field": "scope"}``); the caller decides it (``AuthorizationError``: the
        community's owner, whatever became of the community since, or an admin for a community
        id, an admin for ``"global"``); then, activated when scheduled and started; the
        promotion is pending approval and the scope's decision pending
        (``StateConflictError``). One conditional update on the dotted path
        ``approvals.<scope>.status`` records the approval (``decided_by``, ``decided_at``),
        takes 1 from ``pending_scopes`` and adds 1 to ``version``; the approval that takes
        ``pending_scopes`` to 0 schedules the promotion with a second conditional update and
        emits ``promotion.approved``; any other emits ``promotion.updated``."""
        raise NotImplementedError("PromotionService.approve_scope")

    async def reject_scope(self, actor: Actor, promotion_id: str, scope: str, reason: str) -> Promotion:
        """Exercise 06.3. The checks of ``approve_scope``, in its order. One conditional update
        records the rejection on ``approvals.<scope>`` (status, ``decided_by``, ``decided_at``,
        ``reason`` trimmed), takes 1 from ``pending_scopes``, adds 1 to ``version`` and sends
        the promotion back to draft; the other scopes' decisions stay as they are until the
        next submit. Emits ``promotion.rejected``."""
        raise NotImplementedError("PromotionService.reject_scope")

    async def pause(self, actor: Actor, promotion_id: str, version: int) -> Promotion:
        """Exercise 06.4. active -> paused (``paused_at``). Every move of the supplier checks,
        in this order: 403/404 as in ``get_promotion`` (``AuthorizationError``,
        ``NotFoundError``), the status it starts from (``StateConflictError``), then the
        version (``VersionConflictError``), the last two in one conditional update that also
        adds 1 to ``version``. Once the caller is known to own it, loading a promotion activates
        it when it is scheduled and its start has passed (a conditional update scheduled ->
        active, ``activated_at`` and ``updated_at`` now, ``version`` unchanged; the request that
        made it emits ``promotion.activated``, even if it is then refused). Emits
        ``promotion.updated``."""
        raise NotImplementedError("PromotionService.pause")

    async def resume(self, actor: Actor, promotion_id: str, version: int) -> Promotion:
        """Exercise 06.4. paused -> active when ``starts_at`` has passed, scheduled when it has
        not; ``StateConflictError`` when the promotion is not paused, or its ``ends_at`` has
        passed. The checks and the update of ``pause``. Emits ``promotion.updated``."""
        raise NotImplementedError("PromotionService.resume")

    async def end(self, actor: Actor, promotion_id: str, version: int) -> Promotion:
        """Exercise 06.4. active -> ended (``ended_at``); only an active promotion can be ended
        (``StateConflictError``). The checks and the update of ``pause``. Emits
        ``promotion.ended``."""
        raise NotImplementedError("PromotionService.end")

    async def cancel(self, actor: Actor, promotion_id: str, version: int) -> Promotion:
        """Exercise 06.4. draft, pending_approval, scheduled or paused -> cancelled
        (``cancelled_at``); ``StateConflictError`` from active, ended or cancelled. The checks and
        the update of ``pause``. Emits ``promotion.cancelled``."""
        raise NotImplementedError("PromotionService.cancel")

    async def delete_promotion(self, actor: Actor, promotion_id: str) -> None:
        """Exercise 06.4. 403/404 as in ``get_promotion`` (``AuthorizationError``,
        ``NotFoundError``); only a draft can be deleted (``StateConflictError``): the document
        is removed, in one conditional delete whose filter holds the draft status. Emits
        ``promotion.deleted`` whose data is only ``{"id": <promotion id>}``."""
        raise NotImplementedError("PromotionService.delete_promotion")

    async def community_feed(self, community_id: str, actor: Actor | None = None, limit: int = 20,
                             cursor: str | None = None) -> tuple[list[Promotion], str | None]:
        """Exercise 06.5. The live promotions of a community: status scheduled or active and
        ``starts_at <= now < ends_at``, whose scopes hold the community's id or ``"global"``;
        newest ``starts_at`` first, ties by ``_id`` descending. ``NotFoundError`` (one message)
        when the id is not an ObjectId, no community has it, it is deleted, or it is private and
        the caller is neither a member nor an admin (``actor`` None: anonymous). One page of at
        most ``limit`` (capped at ``MAX_PAGE_SIZE``) and the next cursor (None on the last); a
        cursor that cannot be read, or made for the other listing, raises ``ValidationError``
        (details ``{"field": "cursor"}``)."""
        raise NotImplementedError("PromotionService.community_feed")

    async def list_mine(self, actor: Actor, statuses: list[str] | None = None, limit: int = 20,
                        cursor: str | None = None) -> tuple[list[Promotion], str | None]:
        """Exercise 06.5. The caller's own promotions in any status (users:
        ``AuthorizationError``); ``statuses`` (trimmed, lower-cased) keeps those in any of them,
        an unknown one (an empty or blank one included) raises ``ValidationError`` (details ``{"field": "status"}``). Newest
        ``created_at`` first, ties by ``_id`` descending; paged as ``community_feed``."""
        raise NotImplementedError("PromotionService.list_mine")
