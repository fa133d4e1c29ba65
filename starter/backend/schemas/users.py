"""Request and response bodies for accounts, authentication and users."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from shared.models.user import User, UserRole, UserStatus

# The password policy (8-128 characters, ...) is a service rule; this bound only stops
# absurdly large bodies before they reach bcrypt.
PasswordField = Field(min_length=1, max_length=1024)


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RegisterRequest(_Body):
    email: EmailStr
    password: str = PasswordField
    display_name: str = Field(min_length=1, max_length=100)
    phone: str | None = Field(default=None, max_length=32)
    bio: str | None = Field(default=None, max_length=500)


class LoginRequest(_Body):
    email: EmailStr
    password: str = PasswordField


class TokenRequest(_Body):
    token: str = Field(min_length=1, max_length=512)


class PasswordResetRequest(_Body):
    email: EmailStr


class ResetPasswordRequest(_Body):
    token: str = Field(min_length=1, max_length=512)
    new_password: str = PasswordField


class UpdateUserRequest(_Body):
    display_name: str | None = Field(default=None, min_length=1, max_length=100)
    phone: str | None = Field(default=None, max_length=32)
    bio: str | None = Field(default=None, max_length=500)
    avatar: str | None = Field(default=None, max_length=500)


class MessageResponse(BaseModel):
    message: str


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


class UserResponse(BaseModel):
    id: str
    email: str
    display_name: str
    avatar: str
    bio: str | None
    phone: str | None
    role: UserRole
    status: UserStatus
    email_verified: bool
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, user: User) -> "UserResponse":
        return cls(
            id=str(user.id),
            email=user.contact_info.primary_email,
            display_name=user.profile.display_name,
            avatar=user.profile.avatar,
            bio=user.profile.bio,
            phone=user.contact_info.phone,
            role=user.role,
            status=user.status,
            email_verified=user.email_verified_at is not None,
            created_at=user.created_at,
            updated_at=user.updated_at,
        )
