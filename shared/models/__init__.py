"""MongoDB document models (Beanie). ``ALL_DOCUMENTS`` is what the backend registers at start-up."""

from shared.models.auth import EmailVerificationToken, PasswordResetToken
from shared.models.community import Community, JoinRequest, ModerationLogEntry
from shared.models.order import Order, OrderQuota
from shared.models.post import Post
from shared.models.product import Product
from shared.models.promotion import Promotion
from shared.models.supplier import Supplier, SupplierEmailToken, SupplierRefreshToken
from shared.models.user import User

ALL_DOCUMENTS = [User, EmailVerificationToken, PasswordResetToken, Supplier, SupplierEmailToken, SupplierRefreshToken,
                 Community, JoinRequest, ModerationLogEntry, Product, Post, Promotion, Order, OrderQuota]

__all__ = ["ALL_DOCUMENTS", "User", "EmailVerificationToken", "PasswordResetToken", "Supplier",
           "SupplierEmailToken", "SupplierRefreshToken", "Community", "JoinRequest", "ModerationLogEntry",
           "Product", "Post", "Promotion", "Order", "OrderQuota"]
