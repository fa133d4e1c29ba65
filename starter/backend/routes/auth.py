"""Registration, login, email verification and password reset."""

from fastapi import APIRouter, Depends, status

from backend.deps import get_auth_service, get_current_user
from backend.schemas.users import (
    LoginRequest,
    MessageResponse,
    PasswordResetRequest,
    RegisterRequest,
    ResetPasswordRequest,
    TokenRequest,
    TokenResponse,
    UserResponse,
)
from shared.models.user import User, UserRole

router = APIRouter(tags=["Authentication"])


async def _register(body: RegisterRequest, role: UserRole, service) -> UserResponse:
    user = await service.register(
        email=body.email,
        password=body.password,
        display_name=body.display_name,
        role=role,
        phone=body.phone,
        bio=body.bio,
    )
    return UserResponse.of(user)


@router.post("/register", status_code=status.HTTP_201_CREATED, response_model=UserResponse)
async def register_consumer(body: RegisterRequest, service=Depends(get_auth_service)):
    return await _register(body, UserRole.CONSUMER, service)


@router.post("/register/leader", status_code=status.HTTP_201_CREATED, response_model=UserResponse)
async def register_leader(body: RegisterRequest, service=Depends(get_auth_service)):
    return await _register(body, UserRole.LEADER, service)


@router.post("/verify-email", response_model=UserResponse)
async def verify_email(body: TokenRequest, service=Depends(get_auth_service)):
    return UserResponse.of(await service.verify_email(body.token))


@router.post("/login", response_model=TokenResponse)
async def login(body: LoginRequest, service=Depends(get_auth_service)):
    token = await service.login(body.email, body.password)
    return TokenResponse(access_token=token, expires_in=service.settings.access_token_minutes * 60)


@router.get("/me", response_model=UserResponse)
async def me(user: User = Depends(get_current_user)):
    return UserResponse.of(user)


RESET_REQUESTED = "If an account exists for that email, we have sent it a reset link."


@router.post("/request-password-reset", status_code=status.HTTP_202_ACCEPTED, response_model=MessageResponse)
async def request_password_reset(body: PasswordResetRequest, service=Depends(get_auth_service)):
    await service.request_password_reset(body.email)
    return MessageResponse(message=RESET_REQUESTED)


@router.post("/reset-password", response_model=MessageResponse)
async def reset_password(body: ResetPasswordRequest, service=Depends(get_auth_service)):
    await service.reset_password(body.token, body.new_password)
    return MessageResponse(message="Your password has been changed. You can log in now.")
