"""Schemathesis against /api/v1/openapi.json: every operation, generated requests (valid and
invalid), no 5xx, and every answer matches the schema (status, headers, body, formats)."""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, note, settings

EXAMPLES = int(os.environ.get("PROPERTY_EXAMPLES", "25"))


@pytest.fixture
def schema(app, postings):
    app.config["RATELIMIT_MATCHING"] = "100000 per minute"  # every generated case gets an answer
    postings(title="防災協定の合同訓練", partners=["172049"], categories=["B-5"], fields=["防災"])
    postings(kind="partnership_request", code="042056", title="移住体験の受け入れ先を募集",
             details={"sought": "2泊3日の体験", "wished_regions": ["東北"], "request_status": "open"})
    postings(kind="staff_exchange", title="保健師の派遣", details={"work_field": "保健師業務"})
    postings(title="職員だけの調整", visibility="officials")
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def test_every_operation_is_in_the_document(schema):
    labels = {result.ok().label for result in schema.get_all_operations()}
    assert {"GET /search", "GET /postings", "GET /postings/{id}"} <= labels


def test_api_matches_its_openapi_document(schema):
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
        def check(case):
            note(case.operation.label)
            case.call_and_validate()

        check()
