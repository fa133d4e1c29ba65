"""Request and response bodies for promotions (Task 06)."""

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.models.promotion import (MAX_DISCOUNT_PERCENT, MIN_DISCOUNT_PERCENT, Promotion, PromotionStatus,
                                     PromotionType, ScopeApproval)

MAX_SCOPES = 20
ObjectIdText = Field(min_length=1, max_length=64)


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CreatePromotionRequest(_Body):
    promotion_type: PromotionType  # "default" passes here and is refused by the service
    title: str = Field(min_length=3, max_length=120)
    description: str = Field(default="", max_length=2000)
    product_ids: list[str] = Field(min_length=1, max_length=10)
    discount_percent: int = Field(ge=MIN_DISCOUNT_PERCENT, le=MAX_DISCOUNT_PERCENT)
    starts_at: AwareDatetime  # with a time zone (UTC, or an offset the service turns into UTC)
    ends_at: AwareDatetime
    scopes: list[str] = Field(min_length=1, max_length=MAX_SCOPES)  # community ids, or ["global"]


class UpdatePromotionRequest(_Body):
    """``version`` and any of the other fields; only the fields sent change."""

    version: int = Field(ge=1)  # the version the caller last read
    title: str | None = Field(default=None, min_length=3, max_length=120)
    description: str | None = Field(default=None, max_length=2000)
    product_ids: list[str] | None = Field(default=None, min_length=1, max_length=10)
    discount_percent: int | None = Field(default=None, ge=MIN_DISCOUNT_PERCENT, le=MAX_DISCOUNT_PERCENT)
    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = None
    scopes: list[str] | None = Field(default=None, min_length=1, max_length=MAX_SCOPES)


class VersionBody(_Body):
    version: int = Field(ge=1)  # the version the caller last read


class ApproveBody(_Body):
    scope: str = Field(min_length=1, max_length=64)  # a community id, or "global"


class RejectBody(_Body):
    scope: str = Field(min_length=1, max_length=64)
    reason: str = Field(min_length=1, max_length=500, pattern=r"\S")  # not blank


class PromotionResponse(BaseModel):
    """A promotion as its supplier (and the scopes' deciders) see it."""

    id: str
    supplier_id: str
    promotion_type: PromotionType
    title: str
    description: str
    product_ids: list[str]
    discount_percent: int
    scopes: list[str]
    approvals: dict[str, ScopeApproval]
    pending_scopes: int
    status: PromotionStatus
    starts_at: datetime
    ends_at: datetime
    version: int
    submitted_at: datetime | None
    scheduled_at: datetime | None
    activated_at: datetime | None
    paused_at: datetime | None
    ended_at: datetime | None
    cancelled_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, promotion: Promotion) -> "PromotionResponse":
        data = promotion.model_dump(exclude={"id", "revision_id", "supplier_id", "product_ids"})
        return cls(**data, id=str(promotion.id), supplier_id=str(promotion.supplier_id),
                   product_ids=[str(p) for p in promotion.product_ids])


class PublicPromotionResponse(BaseModel):
    """A live promotion as a community's feed shows it: the deal, not its bookkeeping."""

    id: str
    supplier_id: str
    promotion_type: PromotionType
    title: str
    description: str
    product_ids: list[str]
    discount_percent: int
    starts_at: datetime
    ends_at: datetime

    @classmethod
    def of(cls, promotion: Promotion) -> "PublicPromotionResponse":
        return cls(id=str(promotion.id), supplier_id=str(promotion.supplier_id),
                   promotion_type=promotion.promotion_type, title=promotion.title,
                   description=promotion.description, product_ids=[str(p) for p in promotion.product_ids],
                   discount_percent=promotion.discount_percent, starts_at=promotion.starts_at,
                   ends_at=promotion.ends_at)


class PromotionPage(BaseModel):
    items: list[PromotionResponse]
    next_cursor: str | None  # None: this is the last page


class PublicPromotionPage(BaseModel):
    items: list[PublicPromotionResponse]
    next_cursor: str | None
