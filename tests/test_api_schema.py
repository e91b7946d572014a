"""Property-based tests of the read API against its own OpenAPI schema (schemathesis): for every
operation, hundreds of generated requests (in range, at the edges, odd strings, odd dates) get no
5xx, only documented status codes and content types, and bodies that match the schema.

Runs on SQLite and PostgreSQL (through the reader role), on a small newsroom so that lists and
objects are not empty.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from newsdesk.api import create_app
from tests.api_helpers import reader_for, seed_newsroom

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]


OPERATIONS = ["GET /articles", "GET /articles/{article_id}", "GET /stories", "GET /stories/{story_id}",
              "GET /sources", "GET /runs", "GET /changes"]


@pytest.fixture
def api_schema(engine):
    seed_newsroom(engine)
    with reader_for(engine) as reader:
        yield schemathesis.openapi.from_asgi("/openapi.json", create_app(reader))


# schemathesis's own pytest integration (from_fixture) does not work with pytest 9 yet, so each
# operation's hypothesis strategy is driven here directly: the same generation, the same checks.
@pytest.mark.parametrize("operation", OPERATIONS)
def test_every_operation_keeps_to_its_schema(api_schema, operation):
    operations = {f"{op.method.upper()} {op.path}": op for op in (r.ok() for r in api_schema.get_all_operations())}
    assert sorted(operations) == sorted(OPERATIONS)  # a new endpoint must be added here

    @given(case=operations[operation].as_strategy())
    @settings(max_examples=60, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    def keeps_to_schema(case):
        if case.query and "wait" in case.query:
            case.query["wait"] = 0  # long polling is tested in test_change_feed.py; here it only takes time
        case.call_and_validate(checks=CHECKS)

    keeps_to_schema()
