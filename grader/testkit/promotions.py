"""Promotions for the tests of Task 06 (and of Task 07, whose orders apply them), put straight
into the database (no learner code). Suppliers and their products come from
``grader.testkit.products`` (``seller``, ``seed_product``), communities from
``grader.testkit.communities``; act as a supplier with ``suppliers.as_supplier`` and as a user
with ``tokens.as_user``.

The clock is controlled through the data only: a promotion that started an hour ago is seeded
with ``starts_at`` an hour in the past, never waited for."""

from datetime import datetime, timedelta

from shared.timeutil import utc_now

# The status a seeded promotion's scopes have decided, by the promotion's status.
_DECIDED = {"draft": None, "pending_approval": "pending", "scheduled": "approved", "active": "approved",
            "paused": "approved", "ended": "approved", "cancelled": None}


def scope_of(scope) -> str:
    """A scope key: "global", a community id as a string, or a Community document's id."""
    return scope if isinstance(scope, str) else str(scope.id)


def body(products, *, scopes=("global",), promotion_type: str | None = None, title: str = "Spring deal",
         discount: int = 20, starts_in: timedelta = timedelta(days=1), lasts: timedelta = timedelta(days=7),
         **overrides) -> dict:
    """A valid POST /promotions body for ``products`` (Product documents or ids): single for one
    product, campaign for more; starting ``starts_in`` from now and lasting ``lasts``."""
    ids = [str(getattr(p, "id", p)) for p in products]
    starts = utc_now() + starts_in
    sent = {"promotion_type": promotion_type or ("single" if len(ids) == 1 else "campaign"), "title": title,
            "description": "Twenty percent off for spring.", "product_ids": ids, "discount_percent": discount,
            "starts_at": starts.isoformat(), "ends_at": (starts + lasts).isoformat(),
            "scopes": [scope_of(s) for s in scopes]}
    sent.update(overrides)
    return sent


async def seed_promotion(supplier, products, *, status: str = "draft", scopes=("global",),
                         promotion_type: str | None = None, title: str = "Spring deal", description: str = "",
                         discount: int = 20, starts_at: datetime | None = None, ends_at: datetime | None = None,
                         approvals: dict | None = None, version: int = 1, created_at: datetime | None = None,
                         id=None):
    """Insert a promotion of ``supplier`` (a Supplier document) for ``products`` (Product
    documents or ids) and return it.

    ``status``: draft, pending_approval, scheduled, active, paused, ended or cancelled.
    ``scopes``: "global" and/or Community documents (or their ids as strings).
    ``starts_at`` defaults to one hour ago and ``ends_at`` to seven days after ``starts_at``,
    so a scheduled or active promotion is live unless told otherwise.
    ``approvals``: scope -> "pending", "approved" or "rejected"; by default every scope is
    pending (pending_approval), approved (scheduled and later) or absent (draft, cancelled).
    ``pending_scopes`` is the number of pending ones. ``id``: its _id (by default a new one)."""
    from beanie import PydanticObjectId

    from shared.models.promotion import (ApprovalStatus, Promotion, PromotionStatus, PromotionType,
                                         ScopeApproval)

    now = utc_now()
    product_ids = [PydanticObjectId(str(getattr(p, "id", p))) for p in products]
    keys = [scope_of(s) for s in scopes]
    decided = _DECIDED[status]
    wanted = approvals if approvals is not None else ({key: decided for key in keys} if decided else {})
    built = {key: ScopeApproval(status=ApprovalStatus(state),
                                decided_by=None if state == "pending" else "seeded",
                                decided_at=None if state == "pending" else now)
             for key, state in wanted.items()}
    starts = starts_at or now - timedelta(hours=1)
    when = created_at or now
    promotion = Promotion(
        supplier_id=supplier.id,
        promotion_type=PromotionType(promotion_type or ("single" if len(product_ids) == 1 else "campaign")),
        title=title, description=description, product_ids=product_ids, discount_percent=discount, scopes=keys,
        approvals=built, pending_scopes=sum(1 for state in wanted.values() if state == "pending"),
        status=PromotionStatus(status), starts_at=starts, ends_at=ends_at or starts + timedelta(days=7),
        version=version,
        submitted_at=None if status == "draft" else when,
        scheduled_at=when if status in ("scheduled", "active", "paused", "ended") else None,
        activated_at=when if status in ("active", "paused", "ended") else None,
        paused_at=when if status == "paused" else None,
        ended_at=when if status == "ended" else None,
        cancelled_at=when if status == "cancelled" else None,
        created_at=when, updated_at=when,
        **({"id": id} if id is not None else {}),
    )
    await promotion.insert()
    return promotion


async def stored(promotion):
    """The current state of a promotion in the database (None once deleted)."""
    from shared.models.promotion import Promotion

    return await Promotion.get(promotion.id)


async def stored_id(promotion_id):
    """The promotion stored under ``promotion_id`` (a string from a response), or None."""
    from bson import ObjectId

    from shared.models.promotion import Promotion

    return await Promotion.get(ObjectId(promotion_id)) if ObjectId.is_valid(str(promotion_id)) else None


async def count_promotions(query: dict | None = None) -> int:
    from shared.models.promotion import Promotion

    return await Promotion.find(query or {}).count()


def moment(value) -> datetime:
    """An ISO 8601 text (as a body carries it) as an aware datetime."""
    return datetime.fromisoformat(value)
