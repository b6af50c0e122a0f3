"""Who may see the Newswire page: a logged-in Airflow user.

Airflow mounts plugin FastAPI apps without authenticating them, and Airflow 3.3.2 gives
plugins no public dependency that does (its own, ``get_user``, is internal to the API
server's core API). So the page asks the configured auth manager, through the auth manager
interface every auth manager implements (``get_user_from_token``), with the credentials
the UI sends: a bearer token, else the session cookie the auth manager sets (``_token``;
the UI's iframe is served from the same origin, so it carries it). An expired token gives
401 and an invalid one 403, as in Airflow's API. This module is the only place that knows
how; replace it when Airflow offers plugins a public way.

Airflow is imported on use: the API server has it loaded already, while the other
processes that load plugins (scheduler, workers, every task) never serve the page.
"""

from __future__ import annotations

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

_bearer = HTTPBearer(auto_error=False)


async def airflow_user(
    request: Request, bearer: HTTPAuthorizationCredentials | None = Depends(_bearer)
):
    """The logged-in Airflow user of the request; 401 or 403 otherwise."""
    from airflow.api_fastapi.app import get_auth_manager
    from airflow.api_fastapi.auth.managers.base_auth_manager import COOKIE_NAME_JWT_TOKEN
    from jwt import ExpiredSignatureError, InvalidTokenError

    token = bearer.credentials if bearer else request.cookies.get(COOKIE_NAME_JWT_TOKEN)
    if not token:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Not authenticated")
    try:
        return await get_auth_manager().get_user_from_token(token)
    except ExpiredSignatureError:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Token expired") from None
    except InvalidTokenError:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Invalid token") from None
