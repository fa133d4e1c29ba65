"""Kit code: the guard every protected route uses (not a learner file).

It follows the access-token contract of Task 01 (tasks/01-user.md, 01.4): an HS256 JWT
signed with ``settings.jwt_secret`` whose claims are ``sub`` (the account id), ``role``,
``type`` = "access", ``iat`` and ``exp``. Routes of every task depend on this guard rather
than on the learner's ``AuthService.authenticate``, so a learner still working on Task 01
loses no points in later tasks.
"""

import jwt
from beanie import PydanticObjectId

from shared.errors import AuthenticationError
from shared.identity import SUPPLIER_ROLE, Actor, ActorKind

INVALID = "The access token is not valid."


def access_claims(token: str, secret: str, algorithm: str) -> dict:
    """The claims of a valid access token, or AuthenticationError."""
    try:
        claims = jwt.decode(token, secret, algorithms=[algorithm], options={"require": ["sub", "exp", "iat"]})
    except jwt.ExpiredSignatureError:
        raise AuthenticationError("Your access token has expired; log in again.") from None
    except jwt.InvalidTokenError:
        raise AuthenticationError(INVALID) from None
    if claims.get("type") != "access" or not isinstance(claims.get("role"), str):
        raise AuthenticationError(INVALID)
    if not PydanticObjectId.is_valid(str(claims["sub"])):
        raise AuthenticationError(INVALID)
    return claims


async def actor_from_token(token: str, secret: str, algorithm: str) -> Actor:
    """The live account a token names, as an Actor; AuthenticationError when it is gone,
    deleted or not active (a token outlives neither its account nor a suspension)."""
    claims = access_claims(token, secret, algorithm)
    account_id = PydanticObjectId(str(claims["sub"]))
    if claims["role"] == SUPPLIER_ROLE:
        return await _supplier_actor(account_id)
    from shared.models.user import User, UserStatus

    user = await User.get(account_id)
    if user is None or user.is_deleted() or user.status != UserStatus.ACTIVE:
        raise AuthenticationError(INVALID)
    # The role comes from the account, not the token: a demoted user loses the role at once.
    return Actor(id=str(user.id), kind=ActorKind.USER, role=user.role.value)


async def _supplier_actor(account_id: PydanticObjectId) -> Actor:
    try:
        from shared.models.supplier import Supplier  # arrives with Task 02
    except ImportError:
        raise AuthenticationError(INVALID) from None
    supplier = await Supplier.get(account_id)
    if supplier is None or supplier.is_deleted() or not supplier.can_act():
        raise AuthenticationError(INVALID)
    return Actor(id=str(supplier.id), kind=ActorKind.SUPPLIER, role=SUPPLIER_ROLE)
