"""Who may see the Newswire page, and what of it: a logged-in Airflow user whom Airflow's
auth manager allows the page (:func:`page_access`).

Airflow mounts plugin FastAPI apps without authenticating them, and Airflow 3.3.2 gives
plugins no public dependency that does (its own, ``get_user``, is internal to the API
server's core API). So the page asks the configured auth manager, through the auth manager
interface every auth manager implements (``get_user_from_token``), with the credentials
the UI sends: a bearer token, else the session cookie the auth manager sets (``_token``;
the UI's iframe is served from the same origin, so it carries it). An expired token gives
401 and an invalid one 403, as in Airflow's API. This module is the only place that knows
how; replace it when Airflow offers plugins a public way.

Authorization is the auth manager's too, through the same interface: every page asks
``is_authorized_custom_view`` for the plugin's view (``RESOURCE_NAME``, method GET), and
whether the user may read connections (``is_authorized_connection``): the watchlists'
delivery targets (webhook connection ids, e-mail addresses) and delivery errors (a
receiver's answer) are shown only to such a user, as Airflow shows connections.

Airflow is imported on use: the API server has it loaded already, while the other
processes that load plugins (scheduler, workers, every task) never serve the page.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

_bearer = HTTPBearer(auto_error=False)
RESOURCE_NAME = "Newswire"  # the plugin's view, as the auth manager is asked about it


@dataclass(frozen=True)
class PageAccess:
    """What the user of a request may see of the pages."""

    user: object  # the auth manager's user
    sees_connections: bool  # delivery targets and delivery errors


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


async def page_access(user=Depends(airflow_user)) -> PageAccess:
    """The access of the request's user to the pages; 403 when the auth manager does not
    allow them the Newswire view. The one authorization dependency of every page."""
    from airflow.api_fastapi.app import get_auth_manager

    manager = get_auth_manager()
    if not manager.is_authorized_custom_view(method="GET", resource_name=RESOURCE_NAME, user=user):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Not allowed the Newswire view")
    return PageAccess(user, manager.is_authorized_connection(method="GET", user=user))
