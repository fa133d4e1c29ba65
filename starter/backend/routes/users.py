"""Reading and maintaining user accounts."""

from fastapi import APIRouter, Depends, Query, Response, status

from backend.deps import get_actor, get_user_service
from backend.schemas.users import UpdateUserRequest, UserResponse

router = APIRouter(prefix="/users", tags=["Users"])


@router.get("", response_model=list[UserResponse])
async def list_users(
    skip: int = Query(0, ge=0),
    limit: int = Query(20, ge=1),
    service=Depends(get_user_service),
):
    return [UserResponse.of(user) for user in await service.list_users(skip=skip, limit=limit)]


@router.get("/{user_id}", response_model=UserResponse)
async def get_user(user_id: str, service=Depends(get_user_service)):
    return UserResponse.of(await service.get_user(user_id))


@router.patch("/{user_id}", response_model=UserResponse)
async def update_user(user_id: str, body: UpdateUserRequest, actor=Depends(get_actor),
                      service=Depends(get_user_service)):
    return UserResponse.of(await service.update_user(actor, user_id, **body.model_dump(exclude_none=True)))


@router.delete("/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_user(user_id: str, actor=Depends(get_actor), service=Depends(get_user_service)):
    await service.delete_user(actor, user_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
