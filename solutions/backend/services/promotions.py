"""Promotions: create, read, edit, submit, each scope's decision, the lifecycle moves, delete,
a community's feed of live promotions and a supplier's own list. (Task 06, reference solution.)"""

import base64
import json
from datetime import datetime

from beanie import PydanticObjectId
from pymongo import ReturnDocument

from backend.events import EventPublisher
from shared.errors import AuthorizationError, NotFoundError, StateConflictError, ValidationError, VersionConflictError
from shared.events import EventType
from shared.identity import Actor, ActorKind
from shared.models.community import Community, CommunityStatus, Visibility
from shared.models.product import Product, ProductStatus
from shared.models.promotion import (CAMPAIGN_PRODUCTS, GLOBAL_SCOPE, LIVE_STATUSES, ApprovalStatus, Promotion,
                                     PromotionStatus, PromotionType, ScopeApproval)
from shared.models.supplier import Supplier, SupplierStatus, VerificationStatus
from shared.timeutil import as_utc, utc_now

MAX_PAGE_SIZE = 100
_NOW = object()  # in a move's changes: the time of the move
S = PromotionStatus
# What an edit may change, by the promotion's status (06.2); a status not listed takes no edit.
EDITABLE = {
    S.DRAFT: {"title", "description", "product_ids", "discount_percent", "starts_at", "ends_at", "scopes"},
    S.SCHEDULED: {"title", "description"},
    S.ACTIVE: {"title", "description"},
    S.PAUSED: {"title", "description", "starts_at", "ends_at"},
}


def _invalid(field: str, message: str, **details) -> ValidationError:
    return ValidationError(message, details={"field": field, **details})


def _not_found(promotion_id: str) -> NotFoundError:
    return NotFoundError(f"No promotion with id {promotion_id!r}.")


def _encode_cursor(kind: str, moment: datetime, promotion: Promotion) -> str:
    raw = {"k": kind, "t": as_utc(moment).isoformat(), "id": str(promotion.id)}
    return base64.urlsafe_b64encode(json.dumps(raw).encode()).decode()


def _after_cursor(kind: str, field: str, cursor: str) -> dict:
    """The filter of the items after the cursor: newest first, ties by _id descending."""
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if data["k"] != kind or not isinstance(data["id"], str) or not PydanticObjectId.is_valid(data["id"]):
            raise ValueError("not a cursor of this listing")
        when, last_id = as_utc(datetime.fromisoformat(data["t"])), PydanticObjectId(data["id"])
    except (ValueError, TypeError, KeyError, AttributeError):
        raise _invalid("cursor", "The cursor is not valid for this listing.") from None
    return {"$or": [{field: {"$lt": when}}, {field: when, "_id": {"$lt": last_id}}]}


class PromotionService:
    def __init__(self, events: EventPublisher):
        self.events = events

    # -- helpers -------------------------------------------------------------------------

    @staticmethod
    def _supplier_only(actor: Actor) -> None:
        if actor.kind is not ActorKind.SUPPLIER:
            raise AuthorizationError("Only suppliers have promotions.")

    async def _emit(self, event: EventType, promotion: Promotion) -> Promotion:
        await self.events.emit(event, str(promotion.id), promotion.event_data())
        return promotion

    @staticmethod
    async def _find(promotion_id: str) -> Promotion:
        """The promotion as stored (404 when there is none); nothing activated yet."""
        found = await Promotion.get(PydanticObjectId(promotion_id)) if PydanticObjectId.is_valid(promotion_id) else None
        if found is None:
            raise _not_found(promotion_id)
        return found

    async def _activated(self, found: Promotion) -> Promotion:
        """The promotion, activated when it is scheduled and its start has passed (the clock's move)."""
        if found.status == S.SCHEDULED and as_utc(found.starts_at) <= utc_now():
            now = utc_now()
            stored = await Promotion.get_motor_collection().find_one_and_update(
                {"_id": found.id, "status": S.SCHEDULED.value},
                {"$set": {"status": S.ACTIVE.value, "activated_at": now, "updated_at": now}},
                return_document=ReturnDocument.AFTER)
            if stored is not None:  # this request moved it: it tells the others
                return await self._emit(EventType.PROMOTION_ACTIVATED, Promotion.model_validate(stored))
            current = await Promotion.get(found.id)  # a request at the same moment moved it
            if current is None:
                raise _not_found(str(found.id))
            return current
        return found

    async def _owned(self, actor: Actor, promotion_id: str) -> Promotion:
        """403 for a user, 404 unless the caller owns it; only then is it activated."""
        self._supplier_only(actor)
        promotion = await self._find(promotion_id)
        if str(promotion.supplier_id) != actor.id:
            raise _not_found(promotion_id)
        return await self._activated(promotion)

    async def _check_products(self, supplier_id: PydanticObjectId, promotion_type: PromotionType,
                              product_ids: list[str]) -> list[PydanticObjectId]:
        if promotion_type == PromotionType.SINGLE and len(product_ids) != 1:
            raise _invalid("product_ids", "A single promotion holds exactly one product.")
        low, high = CAMPAIGN_PRODUCTS
        if promotion_type == PromotionType.CAMPAIGN and not low <= len(product_ids) <= high:
            raise _invalid("product_ids", f"A campaign holds {low} to {high} products.")
        if len({product_id.lower() for product_id in product_ids}) != len(product_ids):  # ids, whatever the case
            raise _invalid("product_ids", "A product may appear once in a promotion.")
        ids = []
        for product_id in product_ids:
            product = await Product.get(PydanticObjectId(product_id)) if PydanticObjectId.is_valid(product_id) else None
            if product is None or product.supplier_id != supplier_id or product.status != ProductStatus.ACTIVE:
                raise _invalid("product_ids", f"Product {product_id!r} is not one of your active products.",
                               product_id=product_id)
            ids.append(product.id)
        return ids

    @staticmethod
    def _check_dates(starts_at: datetime, ends_at: datetime) -> tuple[datetime, datetime]:
        starts_at, ends_at = as_utc(starts_at), as_utc(ends_at)
        if starts_at >= ends_at:
            raise _invalid("ends_at", "A promotion ends after it starts.")
        if ends_at <= utc_now():
            raise _invalid("ends_at", "A promotion's end must be in the future.")
        return starts_at, ends_at

    @staticmethod
    async def _check_scopes(scopes: list[str]) -> list[str]:
        if len(set(scopes)) != len(scopes):
            raise _invalid("scopes", "A scope may appear once in a promotion.")
        if GLOBAL_SCOPE in scopes and len(scopes) > 1:
            raise _invalid("scopes", "A global promotion has no other scope.")
        for scope in scopes:
            if scope == GLOBAL_SCOPE:
                continue
            community = await Community.get(PydanticObjectId(scope)) if PydanticObjectId.is_valid(scope) else None
            if community is None or community.is_deleted() or community.status != CommunityStatus.ACTIVE:
                raise _invalid("scopes", f"Scope {scope!r} is not an active community.", scope=scope)
        return list(scopes)

    async def _refused(self, promotion: Promotion, version: int, allowed: list[PromotionStatus], doing: str):
        """Why a conditional update matched nothing: gone, moved meanwhile, or a stale version."""
        current = await Promotion.get(promotion.id)
        if current is None:
            raise _not_found(str(promotion.id))
        if current.status not in allowed:
            raise StateConflictError(f"A promotion that is {current.status.value} cannot {doing}.")
        raise VersionConflictError("The promotion was changed since you read it; reload and try again.",
                                   details={"current_version": current.version})

    async def _move(self, promotion: Promotion, version: int, allowed: list[PromotionStatus], doing: str,
                    changes: dict, event: EventType) -> Promotion:
        """A supplier's move: the status it starts from, then the version, in one update."""
        if promotion.status not in allowed:
            raise StateConflictError(f"A promotion that is {promotion.status.value} cannot {doing}.")
        now = utc_now()
        update = {key: now if value is _NOW else value for key, value in changes.items()}
        stored = await Promotion.get_motor_collection().find_one_and_update(
            {"_id": promotion.id, "version": version, "status": {"$in": [s.value for s in allowed]}},
            {"$set": {**update, "updated_at": now}, "$inc": {"version": 1}}, return_document=ReturnDocument.AFTER)
        if stored is None:
            await self._refused(promotion, version, allowed, doing)
        return await self._emit(event, Promotion.model_validate(stored))

    # -- 06.1 ----------------------------------------------------------------------------

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
        self._supplier_only(actor)
        supplier = await Supplier.get(PydanticObjectId(actor.id))
        if supplier is None or supplier.is_deleted() or supplier.status != SupplierStatus.ACTIVE:
            raise AuthorizationError("Only active suppliers create promotions.")
        if supplier.verification.status != VerificationStatus.VERIFIED:
            raise AuthorizationError("Only verified suppliers create promotions: submit your documents first.")
        kind = PromotionType(promotion_type)
        if kind == PromotionType.DEFAULT:
            raise _invalid("promotion_type", "Default promotions are made by the platform, not through the API.")
        products = await self._check_products(supplier.id, kind, product_ids)
        starts_at, ends_at = self._check_dates(starts_at, ends_at)
        scopes = await self._check_scopes(scopes)
        now = utc_now()
        promotion = Promotion(
            supplier_id=supplier.id, promotion_type=kind, title=title.strip(), description=description,
            product_ids=products, discount_percent=discount_percent, scopes=scopes, starts_at=starts_at,
            ends_at=ends_at, status=S.DRAFT, version=1, created_at=now, updated_at=now,
        )
        await promotion.insert()
        return await self._emit(EventType.PROMOTION_CREATED, promotion)

    # -- 06.2 ----------------------------------------------------------------------------

    async def get_promotion(self, actor: Actor, promotion_id: str) -> Promotion:
        return await self._owned(actor, promotion_id)

    async def update_promotion(self, actor: Actor, promotion_id: str, version: int, **changes) -> Promotion:
        promotion = await self._owned(actor, promotion_id)
        editable = EDITABLE.get(promotion.status)
        if editable is None:
            raise StateConflictError(f"A promotion that is {promotion.status.value} cannot be edited.")
        changes = {k: v for k, v in changes.items() if v is not None and k in EDITABLE[S.DRAFT]}
        refused = sorted(set(changes) - editable)
        if refused:
            raise StateConflictError(f"While {promotion.status.value}, a promotion's {', '.join(refused)} cannot "
                                     "change.", details={"fields": refused})
        update: dict = {}
        if "title" in changes:
            update["title"] = changes["title"].strip()
        for key in ("description", "discount_percent"):
            if key in changes:
                update[key] = changes[key]
        if "product_ids" in changes:
            update["product_ids"] = await self._check_products(promotion.supplier_id, promotion.promotion_type,
                                                               changes["product_ids"])
        if "starts_at" in changes or "ends_at" in changes:
            update["starts_at"], update["ends_at"] = self._check_dates(changes.get("starts_at", promotion.starts_at),
                                                                       changes.get("ends_at", promotion.ends_at))
        if "scopes" in changes:
            update["scopes"] = await self._check_scopes(changes["scopes"])
        update["updated_at"] = utc_now()
        stored = await Promotion.get_motor_collection().find_one_and_update(
            {"_id": promotion.id, "version": version}, {"$set": update, "$inc": {"version": 1}},
            return_document=ReturnDocument.AFTER)
        if stored is None:
            await self._refused(promotion, version, list(EDITABLE), "be edited")
        return await self._emit(EventType.PROMOTION_UPDATED, Promotion.model_validate(stored))

    # -- 06.3 ----------------------------------------------------------------------------

    async def submit(self, actor: Actor, promotion_id: str, version: int) -> Promotion:
        promotion = await self._owned(actor, promotion_id)
        if promotion.status != S.DRAFT:
            raise StateConflictError(f"A promotion that is {promotion.status.value} cannot be submitted.")
        if as_utc(promotion.ends_at) <= utc_now():
            raise StateConflictError("The promotion's end has passed: move ends_at first.")
        fresh = {scope: ScopeApproval().model_dump(mode="json") for scope in promotion.scopes}
        return await self._move(promotion, version, [S.DRAFT], "be submitted",
                                {"status": S.PENDING_APPROVAL.value, "approvals": fresh, "pending_scopes": len(fresh),
                                 "submitted_at": _NOW}, EventType.PROMOTION_SUBMITTED)

    async def _decide(self, actor: Actor, promotion_id: str, scope: str) -> Promotion:
        """404, then the scope (422), then who (403), then (activated if started) the state (409)."""
        if actor.kind is not ActorKind.USER:
            raise AuthorizationError("Only a community's owner or a platform admin decides a scope.")
        promotion = await self._find(promotion_id)
        if scope not in promotion.scopes:
            raise _invalid("scope", f"The promotion has no scope {scope!r}.")
        if scope == GLOBAL_SCOPE:
            allowed = actor.is_admin
        else:
            community = await Community.get(PydanticObjectId(scope))
            allowed = actor.is_admin or (community is not None and community.is_owner(actor.id))
        if not allowed:
            raise AuthorizationError("Only the community's owner (or a platform admin, for the global scope) "
                                     "decides this scope.")
        promotion = await self._activated(promotion)
        if promotion.status != S.PENDING_APPROVAL:
            raise StateConflictError(f"A promotion that is {promotion.status.value} awaits no decision.")
        decision = promotion.approvals.get(scope)
        if decision is None or decision.status != ApprovalStatus.PENDING:
            raise StateConflictError(f"Scope {scope!r} was decided already.")
        return promotion

    async def _decided(self, promotion: Promotion, scope: str, changes: dict) -> Promotion:
        path = f"approvals.{scope}"  # safe: the scope is one of the promotion's own
        stored = await Promotion.get_motor_collection().find_one_and_update(
            {"_id": promotion.id, "status": S.PENDING_APPROVAL.value, f"{path}.status": ApprovalStatus.PENDING.value},
            {"$set": changes, "$inc": {"pending_scopes": -1, "version": 1}}, return_document=ReturnDocument.AFTER)
        if stored is None:  # a decision at the same moment came first
            raise StateConflictError(f"Scope {scope!r} was decided already.")
        return Promotion.model_validate(stored)

    async def approve_scope(self, actor: Actor, promotion_id: str, scope: str) -> Promotion:
        promotion = await self._decide(actor, promotion_id, scope)
        now, path = utc_now(), f"approvals.{scope}"
        promotion = await self._decided(promotion, scope, {
            f"{path}.status": ApprovalStatus.APPROVED.value, f"{path}.decided_by": actor.id,
            f"{path}.decided_at": now, "updated_at": now})
        if promotion.pending_scopes == 0:  # the last approval: schedule it, once
            stored = await Promotion.get_motor_collection().find_one_and_update(
                {"_id": promotion.id, "status": S.PENDING_APPROVAL.value, "pending_scopes": 0},
                {"$set": {"status": S.SCHEDULED.value, "scheduled_at": now, "updated_at": now}},
                return_document=ReturnDocument.AFTER)
            if stored is not None:
                return await self._emit(EventType.PROMOTION_APPROVED, Promotion.model_validate(stored))
        return await self._emit(EventType.PROMOTION_UPDATED, promotion)

    async def reject_scope(self, actor: Actor, promotion_id: str, scope: str, reason: str) -> Promotion:
        promotion = await self._decide(actor, promotion_id, scope)
        now, path = utc_now(), f"approvals.{scope}"
        promotion = await self._decided(promotion, scope, {
            f"{path}.status": ApprovalStatus.REJECTED.value, f"{path}.decided_by": actor.id,
            f"{path}.decided_at": now, f"{path}.reason": reason.strip(), "status": S.DRAFT.value,
            "updated_at": now})
        return await self._emit(EventType.PROMOTION_REJECTED, promotion)

    # -- 06.4 ----------------------------------------------------------------------------

    async def pause(self, actor: Actor, promotion_id: str, version: int) -> Promotion:
        promotion = await self._owned(actor, promotion_id)
        return await self._move(promotion, version, [S.ACTIVE], "be paused",
                                {"status": S.PAUSED.value, "paused_at": _NOW}, EventType.PROMOTION_UPDATED)

    async def resume(self, actor: Actor, promotion_id: str, version: int) -> Promotion:
        promotion = await self._owned(actor, promotion_id)
        if promotion.status != S.PAUSED:
            raise StateConflictError(f"A promotion that is {promotion.status.value} cannot be resumed.")
        if as_utc(promotion.ends_at) <= utc_now():
            raise StateConflictError("The promotion's end has passed: move ends_at, or cancel it.")
        started = as_utc(promotion.starts_at) <= utc_now()
        to = S.ACTIVE if started else S.SCHEDULED
        return await self._move(promotion, version, [S.PAUSED], "be resumed", {"status": to.value},
                                EventType.PROMOTION_UPDATED)

    async def end(self, actor: Actor, promotion_id: str, version: int) -> Promotion:
        promotion = await self._owned(actor, promotion_id)
        return await self._move(promotion, version, [S.ACTIVE], "be ended",
                                {"status": S.ENDED.value, "ended_at": _NOW}, EventType.PROMOTION_ENDED)

    async def cancel(self, actor: Actor, promotion_id: str, version: int) -> Promotion:
        promotion = await self._owned(actor, promotion_id)
        return await self._move(promotion, version, [S.DRAFT, S.PENDING_APPROVAL, S.SCHEDULED, S.PAUSED],
                                "be cancelled", {"status": S.CANCELLED.value, "cancelled_at": _NOW},
                                EventType.PROMOTION_CANCELLED)

    async def delete_promotion(self, actor: Actor, promotion_id: str) -> None:
        promotion = await self._owned(actor, promotion_id)
        if promotion.status != S.DRAFT:
            raise StateConflictError(f"A promotion that is {promotion.status.value} cannot be deleted; cancel it.")
        result = await Promotion.get_motor_collection().delete_one({"_id": promotion.id, "status": S.DRAFT.value})
        if result.deleted_count == 0:
            current = await Promotion.get(promotion.id)
            if current is None:
                raise _not_found(promotion_id)
            raise StateConflictError(f"A promotion that is {current.status.value} cannot be deleted; cancel it.")
        await self.events.emit(EventType.PROMOTION_DELETED, str(promotion.id), {"id": str(promotion.id)})

    # -- 06.5 ----------------------------------------------------------------------------

    async def _page(self, kind: str, field: str, query: dict, limit: int, cursor: str | None):
        limit = max(1, min(limit, MAX_PAGE_SIZE))
        if cursor:
            query = {"$and": [query, _after_cursor(kind, field, cursor)]}
        found = await Promotion.find(query).sort([(field, -1), ("_id", -1)]).limit(limit + 1).to_list()
        page = found[:limit]
        return page, (_encode_cursor(kind, getattr(page[-1], field), page[-1]) if len(found) > limit else None)

    async def community_feed(self, community_id: str, actor: Actor | None = None, limit: int = 20,
                             cursor: str | None = None) -> tuple[list[Promotion], str | None]:
        community = await Community.get(PydanticObjectId(community_id)) if PydanticObjectId.is_valid(community_id) \
            else None
        visible = community is not None and not community.is_deleted() and (
            community.visibility != Visibility.PRIVATE
            or (actor is not None and (actor.is_admin or (actor.kind is ActorKind.USER
                                                          and community.is_member(actor.id)))))
        if not visible:
            raise NotFoundError(f"No community with id {community_id!r}.")
        now = utc_now()
        query = {"scopes": {"$in": [str(community.id), GLOBAL_SCOPE]}, "status": {"$in": list(LIVE_STATUSES)},
                 "starts_at": {"$lte": now}, "ends_at": {"$gt": now}}
        return await self._page("feed", "starts_at", query, limit, cursor)

    async def list_mine(self, actor: Actor, statuses: list[str] | None = None, limit: int = 20,
                        cursor: str | None = None) -> tuple[list[Promotion], str | None]:
        self._supplier_only(actor)
        wanted = [s.strip().lower() for s in statuses or []]
        known = {s.value for s in PromotionStatus}
        if any(s not in known for s in wanted):
            raise _invalid("status", f"status must be among {sorted(known)}.")
        query: dict = {"supplier_id": PydanticObjectId(actor.id)}
        if wanted:
            query["status"] = {"$in": wanted}
        return await self._page("mine", "created_at", query, limit, cursor)
