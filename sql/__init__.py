"""The warehouse's numbered migrations and report views, installed as the package data
``newswire.sql`` (see ``pyproject.toml``) and read by ``newswire.warehouse.migrations``."""
