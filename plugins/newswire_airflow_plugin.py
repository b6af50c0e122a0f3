"""Registers the "Newswire" plugin with Airflow: the warehouse page (``newswire_airflow.ui``) as a
FastAPI app under ``/newswire`` on the API server, and a "Newswire" entry in the UI's
navigation that shows it inside the UI.

Airflow imports every ``.py`` file of the plugins folder as a plugin candidate;
``plugins/.airflowignore`` keeps it out of the ``newswire`` package itself, which is
imported as a package like any other.
"""

from airflow.plugins_manager import AirflowPlugin

from newswire_airflow.ui.app import app


class NewswirePlugin(AirflowPlugin):
    name = "Newswire"
    fastapi_apps = [{"app": app, "url_prefix": "/newswire", "name": "Newswire warehouse"}]
    external_views = [
        {
            "name": "Newswire",
            # Relative to the UI's base URL (no leading slash), so it also works when Airflow
            # is served under a path prefix; url_route shows it in an iframe at /plugin/newswire.
            "href": "newswire/",
            "url_route": "newswire",
            "destination": "nav",
            "nav_top_level": True,
        }
    ]
