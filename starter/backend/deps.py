"""FastAPI dependencies: build services from the app's state, and resolve the caller.

The service modules are imported when a request needs them, not when the app starts, so
a mistake in one learner file breaks only the endpoints that use it.
"""

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from shared.errors import AuthenticationError
from shared.models.user import User

_bearer = HTTPBearer(auto_error=False)


def get_auth_service(request: Request):
    from backend.services.auth import AuthService

    state = request.app.state
    return AuthService(settings=state.settings, events=state.events, mailer=state.mailer)


def get_user_service(request: Request):
    from backend.services.users import UserService

    return UserService(events=request.app.state.events)


async def get_current_user(
    credentials: HTTPAuthorizationCredentials | None = Depends(_bearer),
    service=Depends(get_auth_service),
) -> User:
    if credentials is None:
        raise AuthenticationError("Send an access token: 'Authorization: Bearer <token>'.")
    return await service.authenticate(credentials.credentials)
