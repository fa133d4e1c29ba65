"""FastAPI dependencies: build services from the app's state, and resolve the caller.

The service modules are imported when a request needs them, not when the app starts, so
a mistake in one learner file breaks only the endpoints that use it. The dependencies are
``async``: FastAPI runs a plain ``def`` dependency in a thread pool, which would let the
requests of a race reach the services in a different order each time (the tests send
requests at the same moment and expect each race to show the same way on every run).
"""

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from backend.identity import actor_from_token
from shared.errors import AuthenticationError
from shared.identity import Actor
from shared.models.user import User

_bearer = HTTPBearer(auto_error=False)


async def get_auth_service(request: Request):
    from backend.services.auth import AuthService

    state = request.app.state
    return AuthService(settings=state.settings, events=state.events, mailer=state.mailer)


async def get_user_service(request: Request):
    from backend.services.users import UserService

    return UserService(events=request.app.state.events)


async def get_supplier_service(request: Request):
    from backend.services.suppliers import SupplierService

    state = request.app.state
    return SupplierService(settings=state.settings, events=state.events, mailer=state.mailer)


async def get_community_service(request: Request):
    from backend.services.communities import CommunityService

    return CommunityService(events=request.app.state.events)


async def get_membership_service(request: Request):
    from backend.services.memberships import MembershipService

    return MembershipService(events=request.app.state.events)


async def get_product_service(request: Request):
    from backend.services.products import ProductService

    return ProductService(events=request.app.state.events)


async def get_post_service(request: Request):
    from backend.services.posts import PostService

    return PostService(events=request.app.state.events)


async def get_promotion_service(request: Request):
    from backend.services.promotions import PromotionService

    return PromotionService(events=request.app.state.events)


async def get_order_service(request: Request):
    from backend.services.orders import OrderService

    return OrderService(events=request.app.state.events)


async def get_analytics_service(request: Request):
    from backend.services.analytics import AnalyticsService

    return AnalyticsService()


async def get_actor(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)
) -> Actor:
    """The acting identity of a protected route, checked by kit code (backend/identity.py)."""
    if credentials is None:
        raise AuthenticationError("Send an access token: 'Authorization: Bearer <token>'.")
    settings = request.app.state.settings
    return await actor_from_token(credentials.credentials, settings.jwt_secret, settings.jwt_algorithm)


async def get_optional_actor(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)
) -> Actor | None:
    """For reads open to everyone: the caller when a token is sent (a bad one is still a
    401), None for an anonymous caller."""
    if credentials is None:
        return None
    return await get_actor(request, credentials)


async def get_current_user(  # GET /me only: exercise 01.5 is the learner's authenticate
    credentials: HTTPAuthorizationCredentials | None = Depends(_bearer),
    service=Depends(get_auth_service),
) -> User:
    if credentials is None:
        raise AuthenticationError("Send an access token: 'Authorization: Bearer <token>'.")
    return await service.authenticate(credentials.credentials)
