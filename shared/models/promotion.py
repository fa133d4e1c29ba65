"""Promotions (Task 06): the ``promotions`` collection. Suppliers (Task 02) create them for
their own products (Task 04); they are shown in communities (Task 03) and lower the price of
an order's items (Task 07).

A promotion targets one or more *scopes*: a community id, or ``GLOBAL_SCOPE`` for the whole
platform. Each scope decides on its own (the community's owner, or a platform admin for the
global scope); the decisions live in ``approvals``, a map keyed by the scope, so one
decision is one update of one dotted path (``approvals.<scope>.status``) and two owners
deciding at the same moment never overwrite each other. ``pending_scopes`` counts the scopes
still undecided: the approval that takes it to zero is the one that schedules the promotion.

When a promotion applies (the one rule Tasks 06 and 07 share): it is *live* while its status
is ``scheduled`` or ``active`` and ``starts_at <= now < ends_at`` (UTC). A live promotion
lowers the price of each product in ``product_ids`` by ``discount_percent``.
"""

from datetime import datetime
from enum import Enum
from typing import Any

import pymongo
from beanie import Document, PydanticObjectId
from pydantic import BaseModel, Field
from pymongo import IndexModel

from shared.timeutil import utc_now

GLOBAL_SCOPE = "global"  # the scope key of a platform-wide promotion; a platform admin decides it
CAMPAIGN_PRODUCTS = (2, 3)  # a campaign holds at least 2 and at most 3 products
MIN_DISCOUNT_PERCENT, MAX_DISCOUNT_PERCENT = 1, 90
LIVE_STATUSES = ("scheduled", "active")  # with starts_at <= now < ends_at: the promotion applies


class PromotionType(str, Enum):
    CAMPAIGN = "campaign"  # 2-3 products
    SINGLE = "single"  # exactly one product
    DEFAULT = "default"  # created by the platform itself, never through the API


class PromotionStatus(str, Enum):
    DRAFT = "draft"  # being written; only its supplier sees it
    PENDING_APPROVAL = "pending_approval"  # submitted: waiting for every scope's decision
    SCHEDULED = "scheduled"  # every scope approved; runs from starts_at to ends_at
    ACTIVE = "active"  # running
    PAUSED = "paused"  # stopped for a while by its supplier
    ENDED = "ended"  # finished: terminal
    CANCELLED = "cancelled"  # withdrawn by its supplier: terminal (a rejected one goes back to draft)


class ApprovalStatus(str, Enum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class ScopeApproval(BaseModel):
    """One scope's decision."""

    status: ApprovalStatus = ApprovalStatus.PENDING
    decided_by: str | None = None  # the user id of the owner or admin who decided
    decided_at: datetime | None = None
    reason: str | None = None  # required when rejecting


class Promotion(Document):
    supplier_id: PydanticObjectId
    promotion_type: PromotionType
    title: str
    description: str = ""
    product_ids: list[PydanticObjectId]  # the supplier's own products
    discount_percent: int  # MIN_DISCOUNT_PERCENT..MAX_DISCOUNT_PERCENT
    scopes: list[str]  # community ids (hex strings) and/or GLOBAL_SCOPE, no repeats
    approvals: dict[str, ScopeApproval] = Field(default_factory=dict)  # scope -> decision
    pending_scopes: int = 0  # scopes without a decision yet
    status: PromotionStatus = PromotionStatus.DRAFT
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC, after starts_at
    version: int = 1  # optimistic concurrency: +1 on every change people make; the clock's activation leaves it
    submitted_at: datetime | None = None
    scheduled_at: datetime | None = None
    activated_at: datetime | None = None
    paused_at: datetime | None = None
    ended_at: datetime | None = None
    cancelled_at: datetime | None = None
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now)

    class Settings:
        name = "promotions"
        indexes = [
            IndexModel([("supplier_id", pymongo.ASCENDING), ("created_at", pymongo.DESCENDING),
                        ("_id", pymongo.DESCENDING)], name="by_supplier_newest"),
            IndexModel([("scopes", pymongo.ASCENDING), ("status", pymongo.ASCENDING),
                        ("starts_at", pymongo.DESCENDING), ("_id", pymongo.DESCENDING)], name="feed_by_scope"),
            IndexModel([("product_ids", pymongo.ASCENDING), ("status", pymongo.ASCENDING)], name="by_product"),
        ]

    def event_data(self) -> dict[str, Any]:
        """The promotion as it travels in events: the whole document, with its id."""
        data = self.model_dump(mode="json", exclude={"revision_id"})
        data["id"] = str(self.id)
        return data
