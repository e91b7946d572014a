"""`newsdesk serve`: the read API, the change feed and the operator page, in a process of its own.

It reads through the read-only contract only (newsdesk/api/database.py): a reader role on
PostgreSQL, a read-only connection on SQLite. Starting a crawl from the operator page goes through
newsdesk/runner.py like every other crawl; the API's own connection never writes.
"""

from newsdesk.api.app import create_app

__all__ = ["create_app"]
