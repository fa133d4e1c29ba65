"""Posts: create, read, the community feed and an author's posts, update, publish, delete,
moderation (pin, unpin, hide) and global distribution (Task 05)."""

from fastapi import APIRouter, Depends, Query, Response, status

from backend.deps import get_actor, get_optional_actor, get_post_service
from backend.schemas.posts import CreatePostRequest, PostPage, PostResponse, ReasonBody, UpdatePostRequest

router = APIRouter(prefix="/posts", tags=["Posts"])


@router.post("", response_model=PostResponse, status_code=status.HTTP_201_CREATED)
async def create_post(body: CreatePostRequest, actor=Depends(get_actor), service=Depends(get_post_service)):
    return PostResponse.of(await service.create_post(actor, **body.model_dump()))


@router.get("/community/{community_id}", response_model=PostPage)
async def community_feed(community_id: str, limit: int = Query(20, ge=1), cursor: str | None = None,
                         actor=Depends(get_optional_actor), service=Depends(get_post_service)):
    items, next_cursor = await service.community_feed(community_id, actor, limit=limit, cursor=cursor)
    return PostPage(items=[PostResponse.of(p) for p in items], next_cursor=next_cursor)


@router.get("/author/{user_id}", response_model=PostPage)
async def author_posts(user_id: str, limit: int = Query(20, ge=1), cursor: str | None = None,
                       actor=Depends(get_optional_actor), service=Depends(get_post_service)):
    items, next_cursor = await service.author_posts(user_id, actor, limit=limit, cursor=cursor)
    return PostPage(items=[PostResponse.of(p) for p in items], next_cursor=next_cursor)


@router.get("/{post_id}", response_model=PostResponse)
async def get_post(post_id: str, actor=Depends(get_optional_actor), service=Depends(get_post_service)):
    return PostResponse.of(await service.get_post(post_id, actor))


@router.patch("/{post_id}", response_model=PostResponse)
async def update_post(post_id: str, body: UpdatePostRequest, actor=Depends(get_actor),
                      service=Depends(get_post_service)):
    return PostResponse.of(await service.update_post(actor, post_id, **body.model_dump(exclude_unset=True)))


@router.delete("/{post_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_post(post_id: str, actor=Depends(get_actor), service=Depends(get_post_service)):
    await service.delete_post(actor, post_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{post_id}/publish", response_model=PostResponse)
async def publish_post(post_id: str, actor=Depends(get_actor), service=Depends(get_post_service)):
    return PostResponse.of(await service.publish_post(actor, post_id))


@router.post("/{post_id}/pin", response_model=PostResponse)
async def pin_post(post_id: str, actor=Depends(get_actor), service=Depends(get_post_service)):
    return PostResponse.of(await service.pin_post(actor, post_id))


@router.post("/{post_id}/unpin", response_model=PostResponse)
async def unpin_post(post_id: str, actor=Depends(get_actor), service=Depends(get_post_service)):
    return PostResponse.of(await service.unpin_post(actor, post_id))


@router.post("/{post_id}/hide", response_model=PostResponse)
async def hide_post(post_id: str, body: ReasonBody | None = None, actor=Depends(get_actor),
                    service=Depends(get_post_service)):
    return PostResponse.of(await service.hide_post(actor, post_id, body.reason if body else None))


@router.post("/{post_id}/distribution/request", response_model=PostResponse)
async def request_distribution(post_id: str, actor=Depends(get_actor), service=Depends(get_post_service)):
    return PostResponse.of(await service.request_distribution(actor, post_id))


@router.post("/{post_id}/distribution/approve", response_model=PostResponse)
async def approve_distribution(post_id: str, actor=Depends(get_actor), service=Depends(get_post_service)):
    return PostResponse.of(await service.approve_distribution(actor, post_id))


@router.post("/{post_id}/distribution/reject", response_model=PostResponse)
async def reject_distribution(post_id: str, body: ReasonBody | None = None, actor=Depends(get_actor),
                              service=Depends(get_post_service)):
    return PostResponse.of(await service.reject_distribution(actor, post_id, body.reason if body else None))


@router.post("/{post_id}/distribution/revoke", response_model=PostResponse)
async def revoke_distribution(post_id: str, body: ReasonBody | None = None, actor=Depends(get_actor),
                              service=Depends(get_post_service)):
    return PostResponse.of(await service.revoke_distribution(actor, post_id, body.reason if body else None))
