"""Promotions: create, read, edit, submit for approval, each scope's decision, the lifecycle
moves, delete, a community's feed of live promotions and a supplier's own list (Task 06)."""

from fastapi import APIRouter, Depends, Query, Response, status

from backend.deps import get_actor, get_optional_actor, get_promotion_service
from backend.schemas.promotions import (ApproveBody, CreatePromotionRequest, PromotionPage, PromotionResponse,
                                        PublicPromotionPage, PublicPromotionResponse, RejectBody,
                                        UpdatePromotionRequest, VersionBody)

router = APIRouter(prefix="/promotions", tags=["Promotions"])


@router.post("", response_model=PromotionResponse, status_code=status.HTTP_201_CREATED)
async def create_promotion(body: CreatePromotionRequest, actor=Depends(get_actor),
                           service=Depends(get_promotion_service)):
    return PromotionResponse.of(await service.create_promotion(actor, **body.model_dump()))


@router.get("/mine", response_model=PromotionPage)
async def list_mine(status_: list[str] | None = Query(None, alias="status"), limit: int = Query(20, ge=1),
                    cursor: str | None = None, actor=Depends(get_actor), service=Depends(get_promotion_service)):
    items, next_cursor = await service.list_mine(actor, statuses=status_, limit=limit, cursor=cursor)
    return PromotionPage(items=[PromotionResponse.of(p) for p in items], next_cursor=next_cursor)


@router.get("/community/{community_id}", response_model=PublicPromotionPage)
async def community_feed(community_id: str, limit: int = Query(20, ge=1), cursor: str | None = None,
                         actor=Depends(get_optional_actor), service=Depends(get_promotion_service)):
    items, next_cursor = await service.community_feed(community_id, actor, limit=limit, cursor=cursor)
    return PublicPromotionPage(items=[PublicPromotionResponse.of(p) for p in items], next_cursor=next_cursor)


@router.get("/{promotion_id}", response_model=PromotionResponse)
async def get_promotion(promotion_id: str, actor=Depends(get_actor), service=Depends(get_promotion_service)):
    return PromotionResponse.of(await service.get_promotion(actor, promotion_id))


@router.patch("/{promotion_id}", response_model=PromotionResponse)
async def update_promotion(promotion_id: str, body: UpdatePromotionRequest, actor=Depends(get_actor),
                           service=Depends(get_promotion_service)):
    changes = body.model_dump(exclude_none=True)
    version = changes.pop("version")
    return PromotionResponse.of(await service.update_promotion(actor, promotion_id, version, **changes))


@router.delete("/{promotion_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_promotion(promotion_id: str, actor=Depends(get_actor), service=Depends(get_promotion_service)):
    await service.delete_promotion(actor, promotion_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{promotion_id}/submit", response_model=PromotionResponse)
async def submit(promotion_id: str, body: VersionBody, actor=Depends(get_actor),
                 service=Depends(get_promotion_service)):
    return PromotionResponse.of(await service.submit(actor, promotion_id, body.version))


@router.post("/{promotion_id}/approve", response_model=PromotionResponse)
async def approve_scope(promotion_id: str, body: ApproveBody, actor=Depends(get_actor),
                        service=Depends(get_promotion_service)):
    return PromotionResponse.of(await service.approve_scope(actor, promotion_id, body.scope))


@router.post("/{promotion_id}/reject", response_model=PromotionResponse)
async def reject_scope(promotion_id: str, body: RejectBody, actor=Depends(get_actor),
                       service=Depends(get_promotion_service)):
    return PromotionResponse.of(await service.reject_scope(actor, promotion_id, body.scope, body.reason))


@router.post("/{promotion_id}/pause", response_model=PromotionResponse)
async def pause(promotion_id: str, body: VersionBody, actor=Depends(get_actor),
                service=Depends(get_promotion_service)):
    return PromotionResponse.of(await service.pause(actor, promotion_id, body.version))


@router.post("/{promotion_id}/resume", response_model=PromotionResponse)
async def resume(promotion_id: str, body: VersionBody, actor=Depends(get_actor),
                 service=Depends(get_promotion_service)):
    return PromotionResponse.of(await service.resume(actor, promotion_id, body.version))


@router.post("/{promotion_id}/end", response_model=PromotionResponse)
async def end(promotion_id: str, body: VersionBody, actor=Depends(get_actor),
              service=Depends(get_promotion_service)):
    return PromotionResponse.of(await service.end(actor, promotion_id, body.version))


@router.post("/{promotion_id}/cancel", response_model=PromotionResponse)
async def cancel(promotion_id: str, body: VersionBody, actor=Depends(get_actor),
                 service=Depends(get_promotion_service)):
    return PromotionResponse.of(await service.cancel(actor, promotion_id, body.version))
