"""MongoDB document models (Beanie). ``ALL_DOCUMENTS`` is what the backend registers at start-up."""

from shared.models.auth import EmailVerificationToken, PasswordResetToken
from shared.models.user import User

ALL_DOCUMENTS = [User, EmailVerificationToken, PasswordResetToken]

__all__ = ["ALL_DOCUMENTS", "User", "EmailVerificationToken", "PasswordResetToken"]
