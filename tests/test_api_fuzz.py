"""Schemathesis against /api/v1/openapi.json: generated input never causes a 5xx, and every
response matches the schema it promises."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from config.wsgi import application
from digihub.accounts.models import ApiToken

# Loading the schema touches no database: it is generated from the route declarations.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(autouse=True)
def keep_test_connection() -> Any:
    """Calling the WSGI app directly fires request_finished, which would close the test's
    database connection (and its transaction) on PostgreSQL; the test client avoids this too."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def coordinator_token(people: Any) -> str:
    _token, raw = ApiToken.issue(people.coordinator, "fuzz")
    return raw


@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@pytest.mark.django_db
def test_api_never_fails(case: Any, coordinator_token: str) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Bearer {coordinator_token}"},
        checks=[not_a_server_error, response_schema_conformance],
    )
