"""Communities: create, read, discover, update, archive, delete, membership and moderation."""

from fastapi import APIRouter, Depends, Query, Response, status

from backend.deps import get_actor, get_community_service, get_membership_service, get_optional_actor
from backend.schemas.communities import (CommunityPage, CommunityResponse, CreateCommunityRequest, JoinRequestBody,
                                         JoinRequestResponse, MemberPage, MemberResponse, ModerationLogResponse,
                                         SuspendRequest, UpdateCommunityRequest)

router = APIRouter(prefix="/communities", tags=["Communities"])


@router.post("", response_model=CommunityResponse, status_code=status.HTTP_201_CREATED)
async def create_community(body: CreateCommunityRequest, actor=Depends(get_actor),
                           service=Depends(get_community_service)):
    return CommunityResponse.of(await service.create_community(actor, **body.model_dump()))


@router.get("/discover", response_model=CommunityPage)
async def discover(
    category: list[str] | None = Query(None),
    tag: list[str] | None = Query(None),
    featured: bool | None = None,
    sort: str = "newest",
    limit: int = Query(20, ge=1),
    cursor: str | None = None,
    service=Depends(get_community_service),
):
    items, next_cursor = await service.discover(categories=category, tags=tag, featured=featured, sort=sort,
                                                limit=limit, cursor=cursor)
    return CommunityPage(items=[CommunityResponse.of(c) for c in items], next_cursor=next_cursor)


@router.get("/slug/{slug}", response_model=CommunityResponse)
async def get_by_slug(slug: str, actor=Depends(get_optional_actor), service=Depends(get_community_service)):
    return CommunityResponse.of(await service.get_by_slug(slug, actor))


@router.get("/{community_id}", response_model=CommunityResponse)
async def get_community(community_id: str, actor=Depends(get_optional_actor), service=Depends(get_community_service)):
    return CommunityResponse.of(await service.get_community(community_id, actor))


@router.patch("/{community_id}", response_model=CommunityResponse)
async def update_community(community_id: str, body: UpdateCommunityRequest, actor=Depends(get_actor),
                           service=Depends(get_community_service)):
    changes = body.model_dump(exclude_none=True)
    version = changes.pop("version")
    return CommunityResponse.of(await service.update_community(actor, community_id, version, **changes))


@router.delete("/{community_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_community(community_id: str, actor=Depends(get_actor), service=Depends(get_community_service)):
    await service.delete_community(actor, community_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{community_id}/archive", response_model=CommunityResponse)
async def archive(community_id: str, actor=Depends(get_actor), service=Depends(get_community_service)):
    return CommunityResponse.of(await service.archive(actor, community_id))


@router.post("/{community_id}/unarchive", response_model=CommunityResponse)
async def unarchive(community_id: str, actor=Depends(get_actor), service=Depends(get_community_service)):
    return CommunityResponse.of(await service.unarchive(actor, community_id))


@router.post("/{community_id}/suspend", response_model=CommunityResponse)
async def suspend(community_id: str, body: SuspendRequest, actor=Depends(get_actor),
                  service=Depends(get_community_service)):
    return CommunityResponse.of(await service.suspend(actor, community_id, body.reason))


@router.post("/{community_id}/reinstate", response_model=CommunityResponse)
async def reinstate(community_id: str, actor=Depends(get_actor), service=Depends(get_community_service)):
    return CommunityResponse.of(await service.reinstate(actor, community_id))


@router.post("/{community_id}/feature", response_model=CommunityResponse)
async def feature(community_id: str, actor=Depends(get_actor), service=Depends(get_community_service)):
    return CommunityResponse.of(await service.feature(actor, community_id))


@router.get("/{community_id}/moderation-log", response_model=list[ModerationLogResponse])
async def moderation_log(community_id: str, actor=Depends(get_actor), service=Depends(get_community_service)):
    return [ModerationLogResponse.of(e) for e in await service.moderation_log(actor, community_id)]


@router.post("/{community_id}/join", response_model=CommunityResponse)
async def join(community_id: str, actor=Depends(get_actor), service=Depends(get_membership_service)):
    return CommunityResponse.of(await service.join(actor, community_id))


@router.post("/{community_id}/leave", response_model=CommunityResponse)
async def leave(community_id: str, actor=Depends(get_actor), service=Depends(get_membership_service)):
    return CommunityResponse.of(await service.leave(actor, community_id))


@router.get("/{community_id}/members", response_model=MemberPage)
async def list_members(community_id: str, limit: int = Query(20, ge=1), cursor: str | None = None,
                       actor=Depends(get_optional_actor), service=Depends(get_membership_service)):
    items, next_cursor = await service.list_members(actor, community_id, limit=limit, cursor=cursor)
    return MemberPage(items=[MemberResponse(user_id=u, role=r) for u, r in items], next_cursor=next_cursor)


@router.post("/{community_id}/join-requests", response_model=JoinRequestResponse,
             status_code=status.HTTP_201_CREATED)
async def request_to_join(community_id: str, body: JoinRequestBody | None = None, actor=Depends(get_actor),
                          service=Depends(get_membership_service)):
    message = body.message if body else None
    return JoinRequestResponse.of(await service.request_to_join(actor, community_id, message))


@router.get("/{community_id}/join-requests", response_model=list[JoinRequestResponse])
async def list_join_requests(community_id: str, actor=Depends(get_actor), service=Depends(get_membership_service)):
    return [JoinRequestResponse.of(r) for r in await service.list_join_requests(actor, community_id)]


@router.post("/{community_id}/join-requests/{request_id}/approve", response_model=JoinRequestResponse)
async def approve_request(community_id: str, request_id: str, actor=Depends(get_actor),
                          service=Depends(get_membership_service)):
    return JoinRequestResponse.of(await service.approve_request(actor, community_id, request_id))


@router.post("/{community_id}/join-requests/{request_id}/reject", response_model=JoinRequestResponse)
async def reject_request(community_id: str, request_id: str, actor=Depends(get_actor),
                         service=Depends(get_membership_service)):
    return JoinRequestResponse.of(await service.reject_request(actor, community_id, request_id))
