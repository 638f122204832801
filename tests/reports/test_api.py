"""The read-only API: same numbers as the pages, same scope, session or token."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.demo.scale import generate_plan

PROGRESS = reverse("api:progress")
PLAN = reverse("api:plan")
OTHER_REGIONS = ["鳌江", "水头", "萧江", "万全", "腾蛟", "麻步", "海西", "经开区"]


def rows_by_key(payload):
    return {(row["region"], row["indicator"]): row for row in payload["rows"]}


def test_anonymous_gets_401_not_a_login_page(client, demo):
    for url in [PROGRESS, PLAN]:
        response = client.get(url)
        assert response.status_code == 401
        assert response["Content-Type"] == "application/json"


def test_script_gets_a_token_and_reads_progress_with_it(client, staff, demo):
    response = client.post(
        reverse("api:token"), {"username": "staff", "password": "correct-horse-battery-9"}
    )
    assert response.status_code == 200
    token = response.json()["token"]
    response = client.get(PROGRESS, headers={"Authorization": f"Token {token}"})
    assert response.status_code == 200
    # The demo's latest complete quarter (its 2026 Q3 is half reported).
    assert response.json()["period"] == "2026Q2"


def test_wrong_token_is_refused(client, demo):
    response = client.get(PROGRESS, headers={"Authorization": "Token nope"})
    assert response.status_code == 401


def test_api_numbers_agree_with_overview_matrix_and_seed(client_for, leader, demo):
    client = client_for(leader)
    api = rows_by_key(client.get(PROGRESS).json())
    overview = client.get(reverse("reports:overview")).context
    county = {row["label"]: row["progress"] for row in overview["indicator_table"].data.data}
    space = api[(None, "space")]
    assert Decimal(space["target"]) == 22 == county["新增孵化空间面积(万平方米)"].annual_target
    assert Decimal(space["actual"]) == county["新增孵化空间面积(万平方米)"].ytd_actual
    assert Decimal(space["completion"]) == county["新增孵化空间面积(万平方米)"].completion.quantize(
        Decimal("0.000001")
    )
    assert Decimal(space["stretch_target"]) == 80
    assert Decimal(api[(None, "carriers")]["target"]) == 7
    matrix = client.get(reverse("reports:matrix")).context["matrix"].data.data
    talents = demo.indicators.get(code="talents")
    for row in matrix[:-1]:
        region = demo.regions.get(name=row["region"])
        assert Decimal(api[(region.code, "talents")]["actual"]) == row[f"i{talents.pk}"].ytd_actual
        assert api[(region.code, "talents")]["status"] == row[f"i{talents.pk}"].status
    assert Decimal(api[("kunyang", "talents")]["target"]) == 400  # annex 2, 2026


def test_plan_endpoint_lists_the_seed_targets(client_for, staff, demo):
    payload = client_for(staff).get(PLAN).json()
    assert payload["document_number"] == "平政办〔2025〕49号"
    assert (payload["county_name"], payload["region_term"]) == ("全县", "乡镇")
    targets = {(t["indicator"], t["region"], t["year"]): t for t in payload["targets"]}
    assert Decimal(targets[("space", None, None)]["value"]) == 70
    assert Decimal(targets[("space", None, None)]["stretch_value"]) == 80
    assert Decimal(targets[("tech-enterprises", "xiaojiang", 2027)]["value"]) == 5
    assert len(payload["targets"]) == 159
    pacing = {i["code"]: i["pacing"] for i in payload["indicators"]}
    assert (pacing["space"], pacing["incubators-20"]) == ("spread", "year_end")


def test_township_official_gets_only_their_own_rows(client_for, official, demo):
    client = client_for(official)
    for url in [PROGRESS, PLAN]:
        response = client.get(url)
        assert response.status_code == 200
        body = response.content.decode()
        for name in OTHER_REGIONS:
            assert name not in body
    rows = client.get(PROGRESS).json()["rows"]
    assert {row["region"] for row in rows} == {"kunyang"}
    targets = client.get(PLAN).json()["targets"]
    assert {t["region"] for t in targets} == {"kunyang"}


def test_unbound_official_is_refused(client_for, unbound, demo):
    assert client_for(unbound).get(PROGRESS).status_code == 403


@pytest.mark.parametrize("period", ["x", "2026Q5", "2040Q1", "'; drop table"])
def test_bad_period_gets_400_with_a_message(client_for, staff, demo, period):
    response = client_for(staff).get(PROGRESS, {"period": period})
    assert response.status_code == 400
    assert "period" in response.json()


def test_a_quarter_not_begun_gets_400_with_a_message(client_for, staff, demo):
    for url in (PROGRESS, reverse("api:goals")):
        response = client_for(staff).get(url, {"period": "2027Q1"})
        assert response.status_code == 400
        assert response.json()["period"] == "该季度尚未开始。"


def test_each_row_gives_its_plan_status(client_for, staff, demo):
    """The plan-period judgement the pages show in 计划期状态 (and the only
    one of an indicator whose plan gives a total alone)."""
    payload = client_for(staff).get(PROGRESS, {"period": "2026Q2"}).json()
    for row in payload["rows"]:
        if not row["reported"]:
            assert row["plan_status"] == "not_reported"
            continue
        actual, target = Decimal(row["plan_actual"]), Decimal(row["plan_target"])
        due = Decimal(row["plan_expected"])
        pace = actual / due if due else Decimal(1)  # nothing due yet: on pace
        expected = (
            "done"
            if actual >= target
            else "on_pace"
            if pace >= Decimal("1")
            else "behind"
            if pace >= Decimal("0.8")
            else "seriously_behind"
        )
        assert row["plan_status"] == expected, row


def test_chosen_period(client_for, staff, demo):
    payload = client_for(staff).get(PROGRESS, {"period": "2025Q4"}).json()
    assert payload["period"] == "2025Q4"
    assert Decimal(rows_by_key(payload)[(None, "space")]["expected"]) == 16


def test_writes_are_not_allowed(client_for, staff, demo):
    assert client_for(staff).post(PROGRESS, {}).status_code == 405


@pytest.mark.parametrize("url", [PROGRESS, PLAN])
def test_api_query_count_does_not_grow_with_the_plan(client_for, staff, demo, url):
    client = client_for(staff)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    generate_plan(regions=90, indicators=6, years=3, seed=3)
    with CaptureQueriesContext(connection) as big:
        assert client.get(url).status_code == 200
    # Progress reads the plan's data version, the regions, their submissions
    # the closed quarters and the county-only indicators the bureau entered
    # (what counts, the coverage, the default quarter),
    # then indicators, targets and figures; the plan reads no figures at all.
    expected = {PROGRESS: 13, PLAN: 9}[url]
    assert len(small) == len(big) == expected
    # Asked again at the same data version: only the version is read, the
    # rest is reused (reports/progress/reuse.py).
    with CaptureQueriesContext(connection) as again:
        assert client.get(url).status_code == 200
    assert len(again) == {PROGRESS: 6, PLAN: 6}[url]


def test_openapi_schema_is_valid(client_for, staff, tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml"))
    response = client_for(staff).get(reverse("api:schema"))
    assert response.status_code == 200
    assert b"/api/v1/progress/" in response.content


def generated_schema() -> dict:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def test_schema_documents_the_period_format():
    schema = generated_schema()
    parameters = schema["paths"]["/api/v1/progress/"]["get"]["parameters"]
    period = next(p for p in parameters if p["name"] == "period")
    assert period["in"] == "query" and not period.get("required", False)
    pattern = period["schema"]["pattern"]
    assert re.fullmatch(pattern, "2026Q3")
    for bad in ["2026Q5", "2026-3", "26Q3", "2026Q3x"]:
        assert not re.fullmatch(pattern, bad), bad
    assert "2026Q3" in period["description"]


@pytest.mark.parametrize(
    ("path", "method", "field"),
    [
        ("/api/v1/progress/", "get", "period"),
        ("/api/v1/token/", "post", "non_field_errors"),
    ],
)
def test_schema_documents_400_with_an_error_body(path, method, field):
    schema = generated_schema()
    responses = schema["paths"][path][method]["responses"]
    assert "400" in responses, sorted(responses)
    body = resolve(schema, responses["400"]["content"]["application/json"]["schema"])
    assert field in body["properties"]


def test_schema_error_body_matches_what_a_bad_period_answers(client_for, staff, demo):
    schema = generated_schema()
    responses = schema["paths"]["/api/v1/progress/"]["get"]["responses"]
    body = resolve(schema, responses["400"]["content"]["application/json"]["schema"])
    answered = client_for(staff).get(PROGRESS, {"period": "2026Q5"}).json()
    assert set(answered) <= set(body["properties"])
    json_types = {str: "string", list: "array"}
    assert body["properties"]["period"]["type"] == json_types[type(answered["period"])]


def test_schema_documents_the_token_lockout_and_expiry():
    schema = generated_schema()
    token = schema["paths"]["/api/v1/token/"]["post"]["responses"]
    assert "429" in token
    assert (
        "expires"
        in resolve(schema, token["200"]["content"]["application/json"]["schema"])["properties"]
    )
    assert "401" in schema["paths"]["/api/v1/progress/"]["get"]["responses"]


def test_progress_rows_read_as_the_serializer_writes_them(client_for, staff, demo):
    """The rows are represented field by field (for speed); the result is the
    one ``ProgressRowSerializer`` gives for the same rows, roundings included."""
    from reports.api.serializers import ProgressRowSerializer

    payload = client_for(staff).get(PROGRESS, {"period": "2026Q3"}).json()
    tricky = [Decimal(7) / Decimal(9), Decimal("0.0000125"), Decimal("2.5"), Decimal(-1) / 3]
    rows = [
        {**row, **{name: tricky[(i + n) % len(tricky)] for n, name in enumerate(DECIMALS)}}
        for i, row in enumerate(payload["rows"][:8])
    ] + [{**row, **dict.fromkeys(DECIMALS)} for row in payload["rows"][:2]]
    fast = json.loads(json.dumps(ProgressRowSerializer.represent_many(rows)))
    assert fast == json.loads(json.dumps(ProgressRowSerializer(rows, many=True).data))
    assert any(row["reported"] is False for row in payload["rows"])


DECIMALS = [
    "target",
    "actual",
    "quarter_actual",
    "completion",
    "expected",
    "expected_share",
    "needed_per_quarter",
    "plan_actual",
    "plan_target",
    "plan_expected",
    "plan_completion",
    "stretch_target",
    "annual_stretch_target",
    "annual_stretch_completion",
]
