"""The access matrix: every URL of the project × every persona × GET and POST.

The URL patterns are discovered from the URLconf (``get_resolver()``, walked
recursively), so a new page cannot escape: a URL name missing from ``EXPECTED``
fails ``test_every_url_has_a_row_in_the_table`` and its own matrix test.

Adding a page: add a row to ``EXPECTED`` under its URL name, one outcome per
persona column for GET and for POST (see "Outcomes"). If the URL takes a
keyword argument the test does not know yet, teach ``kwarg_value`` to fill it.

Besides the status, every response is checked for:
- **no other township**: a township official's response (and an anonymous one)
  must not contain the name of any region that is not theirs (all 8 others of
  the Pingyang plan; "全县" is fine). xlsx exports are unzipped first.
- **CSP and CSRF hygiene** on every HTML page: no inline script, event handler
  or style attribute (the CSP is ``script-src 'self'; style-src 'self'``), and
  a CSRF token in every POST form.

Excluded, with reasons:
- ``admin:*`` — Django's admin has its own permission system (``is_staff`` and
  model permissions); ``test_only_the_administrator_gets_into_the_admin`` below
  checks who gets in.
- static files — served by WhiteNoise before URL routing (``STATIC_URL``); they
  are no URL pattern, and a ``static()`` pattern, being unnamed, would fail the
  "every URL has a name" check and have to be listed here on purpose.
"""

from __future__ import annotations

import dataclasses
import datetime
import html
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from html.parser import HTMLParser
from io import BytesIO
from typing import NamedTuple
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from regions.models import Region
from reports.choices import Source
from reports.excel.figures_format import ValueMode
from reports.figures.changes import FigureChange
from reports.figures.imports import template_for
from reports.figures.quarters import close_quarter
from reports.figures.services import record_figures
from reports.figures.submissions import approve, return_submission, submit
from reports.models import ClosedQuarter, Figure, PendingImport, Submission, SubmissionEvent
from reports.progress import Period
from tests.reports.figures_files import edit
from tests.signing_in import sign_in

# --- Outcomes ---------------------------------------------------------------------


@dataclass(frozen=True)
class Redirect:
    """A 302 to ``to``: a URL name, or one of the two special targets below."""

    to: str

    def __str__(self) -> str:
        return f"→{self.to}"


LOGIN = Redirect("login")  # anonymous: to the login page (?next=…)
OWN = Redirect("own township")  # official on a county-wide page: to their own township
NA = "n/a"  # the "other region" column of a URL with no region in it

# The Pingyang plan's regions; region A is the official's, region B the other.
REGION_A, REGION_B = "昆阳", "鳌江"
PINGYANG_REGIONS = ["昆阳", "鳌江", "水头", "萧江", "万全", "腾蛟", "麻步", "海西", "经开区"]
# Keyword arguments that pick one region's data: the "other region" probe
# substitutes region B's (or an object of region B) for them.
REGION_SCOPED_KWARGS = {"region", "pk", "id", "incubator", "enterprise"}


class Row(NamedTuple):
    """Expected outcome per persona.

    anonymous: not logged in. official: township official of region A, asking
    for region A. other_region: the same official, with region B (or an object
    of region B) in the URL; ``NA`` for URLs without a region. leader, staff:
    county roles. unbound: a township official bound to no region. liaison: a
    department liaison; None (the default) means "as unbound".
    """

    anonymous: object
    official: object
    other_region: object
    leader: object
    staff: object
    unbound: object
    # A department liaison (部门联络员, bound to 县投资促进服务中心, no region): on
    # every page but the measures' and home it is refused like the unbound official.
    liaison: object = None


class Expect(NamedTuple):
    get: Row
    post: Row


def everyone(outcome) -> Row:
    return Row(outcome, outcome, NA, outcome, outcome, outcome)


# Common shapes, named for what the page is. Not a rule: a page whose outcome
# differs writes its own Row.
GET_ONLY = Row(LOGIN, 405, NA, 405, 405, 403)  # a page that only answers GET
REGION_GET_ONLY = Row(LOGIN, 405, 405, 405, 405, 403)
# Whole-county pages: an official is sent to their own township, whatever the method.
COUNTY_WIDE = Row(LOGIN, OWN, NA, 200, 200, 403)
COUNTY_WIDE_GET_ONLY = Row(LOGIN, OWN, NA, 405, 405, 403)
# County staff's pages (ENTER_FIGURES / MANAGE_QUARTERS): 403 for everyone else.
STAFF_ONLY = Row(LOGIN, 403, NA, 403, 200, 403)
STAFF_ONLY_GET_ONLY = Row(LOGIN, 403, NA, 403, 405, 403)
# Figure entry pages: staff for every region, an official for their own.
ENTRY_PAGE = Row(LOGIN, 200, NA, 403, 200, 403)
ENTRY_PAGE_GET_ONLY = Row(LOGIN, 405, NA, 403, 405, 403)
# Any signed-in user, whatever their role or region (account pages).
SIGNED_IN = Row(LOGIN, 200, NA, 200, 200, 200)
SIGNED_IN_GET_ONLY = Row(LOGIN, 405, NA, 405, 405, 405)
# The JSON API: 401 for anonymous, no redirect to a login page.
API_READ = Row(401, 200, NA, 200, 200, 403)
API_GET_ONLY = Row(401, 405, NA, 405, 405, 405)
TO_OVERVIEW = Redirect("reports:overview")
TO_HOME = Redirect("home")
TO_MEASURES = Redirect("reports:measures")
TO_DEPARTMENT = Redirect("reports:department")
TO_MEASURE_REPORT = Redirect("reports:measure_report")
OWN_BRIEFING = Redirect("reports:briefing_region")  # an official: their own township's briefing
OWN_BRIEFING_WORD = Redirect("reports:briefing_region_word")  # … and its Word file
# The ledger: read by every county user and an official (their region's).
LEDGER_READ = Row(LOGIN, 200, NA, 200, 200, 403)
LEDGER_READ_GET_ONLY = Row(LOGIN, 405, NA, 405, 405, 403)
LEDGER_POST_ONLY = Row(LOGIN, 405, 405, 403, 405, 403)
TO_INCUBATOR = Redirect("reports:ledger_incubator")
TO_ENTERPRISE = Redirect("reports:ledger_enterprise_edit")

# --- The table ----------------------------------------------------------------------
#                                  anonymous official other_region leader staff unbound
EXPECTED: dict[str, Expect] = {
    # Home: county users to the overview, an official straight to their township
    # (an unbound official to the overview, which explains the missing region).
    "home": Expect(
        get=Row(LOGIN, OWN, NA, TO_OVERVIEW, TO_OVERVIEW, TO_OVERVIEW, TO_MEASURES),
        post=Row(LOGIN, OWN, NA, TO_OVERVIEW, TO_OVERVIEW, TO_OVERVIEW, TO_MEASURES),
    ),
    # Measures: leaders and staff read every one; an official those involving the
    # townships (read-only); a liaison is sent to their own department's page.
    "reports:measures": Expect(
        get=Row(LOGIN, 200, NA, 200, 200, 403, TO_DEPARTMENT),
        post=Row(LOGIN, 405, NA, 405, 405, 403, 405),
    ),
    # The matrix asks for the liaison's own department (县投资促进服务中心), whose
    # measures involve the townships: an official reads it too.
    "reports:department": Expect(
        get=Row(LOGIN, 200, NA, 200, 200, 403, 200),
        post=Row(LOGIN, 405, NA, 405, 405, 403, 405),
    ),
    # Reporting on a measure the liaison's department leads (三(五)): the liaison
    # and staff; an empty POST is a form error (400). Leaders and officials: 403.
    # Work items of that measure: staff add one (an empty POST is a form error,
    # back to the measure); staff or the liaison mark one done.
    "reports:work_item_add": Expect(
        get=Row(LOGIN, 403, NA, 403, 405, 403, 403),
        post=Row(LOGIN, 403, NA, 403, TO_MEASURE_REPORT, 403, 403),
    ),
    "reports:work_item_done": Expect(
        get=Row(LOGIN, 403, NA, 403, 405, 403, 405),
        post=Row(LOGIN, 403, NA, 403, TO_MEASURE_REPORT, 403, TO_MEASURE_REPORT),
    ),
    # An attachment of that report: whoever may see the measure downloads it.
    "reports:measure_attachment": Expect(
        get=Row(LOGIN, 200, NA, 200, 200, 403, 200),
        post=Row(LOGIN, 405, NA, 405, 405, 403, 405),
    ),
    "reports:measure_report": Expect(
        get=Row(LOGIN, 403, NA, 403, 200, 403, 200),
        post=Row(LOGIN, 403, NA, 403, 400, 403, 400),
    ),
    # The plan's targets: an official sees only their own row.
    "targets:plan": Expect(get=Row(LOGIN, 200, NA, 200, 200, 403), post=GET_ONLY),
    # Dashboards: county-wide pages and their exports; one township's page.
    "reports:overview": Expect(get=COUNTY_WIDE, post=COUNTY_WIDE_GET_ONLY),
    "reports:goals": Expect(get=COUNTY_WIDE, post=COUNTY_WIDE_GET_ONLY),
    "reports:matrix": Expect(get=COUNTY_WIDE, post=COUNTY_WIDE_GET_ONLY),
    "reports:matrix?_export=xlsx": Expect(get=COUNTY_WIDE, post=COUNTY_WIDE_GET_ONLY),
    "reports:matrix?_export=csv": Expect(get=COUNTY_WIDE, post=COUNTY_WIDE_GET_ONLY),
    "reports:indicator": Expect(get=COUNTY_WIDE, post=COUNTY_WIDE_GET_ONLY),
    # The ledger beside the figures: county users every region, an official
    # their own region's rows (and records) only; exports alike.
    "reports:ledger_reconcile": Expect(get=Row(LOGIN, 200, NA, 200, 200, 403), post=GET_ONLY),
    "reports:ledger_reconcile?_export=xlsx": Expect(
        get=Row(LOGIN, 200, NA, 200, 200, 403), post=GET_ONLY
    ),
    "reports:ledger_reconcile?_export=csv": Expect(
        get=Row(LOGIN, 200, NA, 200, 200, 403), post=GET_ONLY
    ),
    "reports:township": Expect(get=Row(LOGIN, 200, 404, 200, 200, 403), post=REGION_GET_ONLY),
    # The quarterly briefing: county users read the county's and any township's;
    # an official is sent from the county's to their own (another region: 404);
    # a liaison, bound to no region, is refused as on the overview. Only staff
    # (manage_quarters) save an edit: an empty POST is malformed (400).
    "reports:briefing": Expect(
        get=Row(LOGIN, OWN_BRIEFING, NA, 200, 200, 403),
        post=Row(LOGIN, OWN_BRIEFING, NA, 405, 405, 403),
    ),
    "reports:briefing_word": Expect(
        get=Row(LOGIN, OWN_BRIEFING_WORD, NA, 200, 200, 403),
        post=Row(LOGIN, OWN_BRIEFING_WORD, NA, 405, 405, 403),
    ),
    "reports:briefing_save": Expect(
        get=Row(LOGIN, 403, NA, 403, 405, 403), post=Row(LOGIN, 403, NA, 403, 400, 403)
    ),
    "reports:briefing_region": Expect(
        get=Row(LOGIN, 200, 404, 200, 200, 403), post=Row(LOGIN, 405, 404, 405, 405, 403)
    ),
    "reports:briefing_region_word": Expect(
        get=Row(LOGIN, 200, 404, 200, 200, 403), post=Row(LOGIN, 405, 404, 405, 405, 403)
    ),
    "reports:briefing_region_save": Expect(
        get=Row(LOGIN, 403, 403, 403, 405, 403), post=Row(LOGIN, 403, 403, 403, 400, 403)
    ),
    # Figure entry: staff for every region, a township official for their own
    # (the page shows their row alone). An empty POST is a malformed grid
    # (400), or a quarter action without a quarter (back to the quarters page).
    "reports:entry": Expect(get=ENTRY_PAGE, post=Row(LOGIN, 400, NA, 403, 400, 403)),
    # A township's 上报: only its own region (from the account, never the URL);
    # an empty POST has no quarter and goes back to the grid. Staff do not
    # submit, they review.
    "reports:entry_submit": Expect(
        get=Row(LOGIN, 405, NA, 403, 403, 403),
        post=Row(LOGIN, Redirect("reports:entry"), NA, 403, 403, 403),
    ),
    # The bureau's review and its actions (an empty POST: back to the page).
    "reports:review": Expect(get=STAFF_ONLY, post=STAFF_ONLY_GET_ONLY),
    "reports:review_approve": Expect(
        get=STAFF_ONLY_GET_ONLY,
        post=Row(LOGIN, 403, NA, 403, Redirect("reports:review"), 403),
    ),
    "reports:review_return": Expect(
        get=STAFF_ONLY_GET_ONLY,
        post=Row(LOGIN, 403, NA, 403, Redirect("reports:review"), 403),
    ),
    "reports:quarters": Expect(get=STAFF_ONLY, post=STAFF_ONLY_GET_ONLY),
    # The goals' own series (staff); an empty POST saves nothing and comes back.
    # The incubators' yearly evaluation: everyone with a scope reads (an official
    # their own region's incubators); only staff record a decision (an empty
    # POST is a form without a choice: 400).
    "reports:ledger_evaluation": Expect(
        get=Row(LOGIN, 200, NA, 200, 200, 403),
        post=Row(LOGIN, 403, NA, 403, 400, 403),
    ),
    "reports:ledger_evaluation?_export=xlsx": Expect(
        get=Row(LOGIN, 200, NA, 200, 200, 403), post=Row(LOGIN, 403, NA, 403, 400, 403)
    ),
    # Staff's bare POST is a form without its inputs: refused (400), nothing cleared.
    "reports:goal_entry": Expect(get=STAFF_ONLY, post=Row(LOGIN, 403, NA, 403, 400, 403)),
    "reports:quarter_close": Expect(
        get=STAFF_ONLY_GET_ONLY,
        post=Row(LOGIN, 403, NA, 403, Redirect("reports:quarters"), 403),
    ),
    "reports:quarter_reopen": Expect(
        get=STAFF_ONLY_GET_ONLY,
        post=Row(LOGIN, 403, NA, 403, Redirect("reports:quarters"), 403),
    ),
    # A quarter's due date (MANAGE_QUARTERS); an empty POST is a form error,
    # back to the quarters page.
    "reports:quarter_due": Expect(
        get=STAFF_ONLY_GET_ONLY,
        post=Row(LOGIN, 403, NA, 403, Redirect("reports:quarters"), 403),
    ),
    # Each user's own notices. Marking one read names it by id: the matrix
    # fills ``pk`` with a figure's id, never a notice of the user's own, so 404
    # for everyone (tests/reports/test_notices_ui.py marks real ones).
    "reports:notices": Expect(get=SIGNED_IN, post=SIGNED_IN_GET_ONLY),
    "reports:notice_read": Expect(
        get=Row(LOGIN, 405, 405, 405, 405, 405), post=Row(LOGIN, 404, 404, 404, 404, 404)
    ),
    "reports:report": Expect(get=COUNTY_WIDE, post=COUNTY_WIDE_GET_ONLY),
    # Excel template and upload (staff; an official for their own region: the
    # template holds their row alone). An empty upload POST is a form error
    # (400); a preview id that is not the user's own pending upload is a 404
    # (the matrix fills ``pk`` with a figure's id, never a pending upload's).
    "reports:entry_template": Expect(get=ENTRY_PAGE, post=ENTRY_PAGE_GET_ONLY),
    "reports:upload": Expect(get=ENTRY_PAGE, post=Row(LOGIN, 400, NA, 403, 400, 403)),
    "reports:upload_preview": Expect(
        get=Row(LOGIN, 404, 404, 403, 404, 403), post=Row(LOGIN, 404, 404, 403, 404, 403)
    ),
    # The incubators' quarterly operating data (孵化载体台账): entered like the
    # figures — staff for any region (``?region=``), an official for their own;
    # an empty POST has no quarter (400). The template and the ledger upload
    # likewise (an empty upload is a form error); a preview id that is not the
    # user's own staged ledger upload is a 404. The ledger export is read
    # access: whoever sees regions, scoped to them (leaders included).
    "reports:ledger_operating": Expect(get=ENTRY_PAGE, post=Row(LOGIN, 400, NA, 403, 400, 403)),
    "reports:ledger_operating_template": Expect(get=ENTRY_PAGE, post=ENTRY_PAGE_GET_ONLY),
    "reports:ledger_upload": Expect(get=ENTRY_PAGE, post=Row(LOGIN, 400, NA, 403, 400, 403)),
    "reports:ledger_upload_preview": Expect(
        get=Row(LOGIN, 404, 404, 403, 404, 403), post=Row(LOGIN, 404, 404, 403, 404, 403)
    ),
    "reports:ledger_export": Expect(
        get=Row(LOGIN, 200, NA, 200, 200, 403), post=Row(LOGIN, 405, NA, 405, 405, 403)
    ),
    # Change history: read access, scoped like the township page. The county's
    # own history (county-only indicators) is out of an official's scope: 404.
    "reports:history_county": Expect(get=Row(LOGIN, 404, NA, 200, 200, 403), post=GET_ONLY),
    "reports:history": Expect(get=Row(LOGIN, 200, 404, 200, 200, 403), post=REGION_GET_ONLY),
    # Accounts. The login page and the language switch work before login; a
    # signed-in user asking for the login page goes home.
    "login": Expect(
        get=Row(200, TO_HOME, NA, TO_HOME, TO_HOME, TO_HOME),
        post=Row(200, TO_HOME, NA, TO_HOME, TO_HOME, TO_HOME),  # anonymous: form errors
    ),
    "logout": Expect(get=Row(LOGIN, 405, NA, 405, 405, 405), post=everyone(LOGIN)),
    "password_change": Expect(get=SIGNED_IN, post=SIGNED_IN),  # empty POST: form errors
    "password_change_done": Expect(get=SIGNED_IN, post=SIGNED_IN_GET_ONLY),
    "set_language": Expect(get=everyone(TO_HOME), post=everyone(TO_HOME)),
    # Read-only JSON API: DRF answers anonymous calls with 401 (no login page for
    # a script), scopes like the pages, and refuses the unbound official.
    "api:plan": Expect(get=API_READ, post=API_GET_ONLY),
    "api:progress": Expect(get=API_READ, post=API_GET_ONLY),
    # The goals are the county's numbers: county-wide users only.
    "api:goals": Expect(get=Row(401, 403, NA, 200, 200, 403), post=API_GET_ONLY),
    # The measures, scoped like their pages: a liaison their department's.
    "api:measures": Expect(
        get=Row(401, 200, NA, 200, 200, 403, 200), post=Row(401, 405, NA, 405, 405, 405, 405)
    ),
    # The ledger (孵化载体台账): leaders and staff read every region's records, an
    # official their own (another region's record: 404); staff and the official
    # write (an empty form: 400; an empty recognition or title: back to the record
    # with a message), leaders read only. The duplicates page is the bureau's.
    "reports:ledger_incubators": Expect(get=LEDGER_READ, post=LEDGER_READ_GET_ONLY),
    "reports:ledger_incubators?_export=xlsx": Expect(get=LEDGER_READ, post=LEDGER_READ_GET_ONLY),
    "reports:ledger_incubators?_export=csv": Expect(get=LEDGER_READ, post=LEDGER_READ_GET_ONLY),
    "reports:ledger_enterprises": Expect(get=LEDGER_READ, post=LEDGER_READ_GET_ONLY),
    "reports:ledger_enterprises?_export=xlsx": Expect(get=LEDGER_READ, post=LEDGER_READ_GET_ONLY),
    "reports:ledger_enterprises?_export=csv": Expect(get=LEDGER_READ, post=LEDGER_READ_GET_ONLY),
    "reports:ledger_incubator": Expect(
        get=Row(LOGIN, 200, 404, 200, 200, 403), post=REGION_GET_ONLY
    ),
    "reports:ledger_incubator_create": Expect(
        get=ENTRY_PAGE, post=Row(LOGIN, 400, NA, 403, 400, 403)
    ),
    "reports:ledger_enterprise_create": Expect(
        get=ENTRY_PAGE, post=Row(LOGIN, 400, NA, 403, 400, 403)
    ),
    "reports:ledger_incubator_edit": Expect(
        get=Row(LOGIN, 200, 404, 403, 200, 403), post=Row(LOGIN, 400, 404, 403, 400, 403)
    ),
    "reports:ledger_enterprise_edit": Expect(
        get=Row(LOGIN, 200, 404, 403, 200, 403), post=Row(LOGIN, 400, 404, 403, 400, 403)
    ),
    "reports:ledger_recognition_add": Expect(
        get=LEDGER_POST_ONLY, post=Row(LOGIN, TO_INCUBATOR, 404, 403, TO_INCUBATOR, 403)
    ),
    "reports:ledger_incubator_flag": Expect(
        get=LEDGER_POST_ONLY, post=Row(LOGIN, TO_INCUBATOR, 404, 403, TO_INCUBATOR, 403)
    ),
    "reports:ledger_enterprise_flag": Expect(
        get=LEDGER_POST_ONLY, post=Row(LOGIN, TO_ENTERPRISE, 404, 403, TO_ENTERPRISE, 403)
    ),
    "reports:ledger_duplicates": Expect(
        get=STAFF_ONLY, post=Row(LOGIN, 403, NA, 403, Redirect("reports:ledger_duplicates"), 403)
    ),
    "api:schema": Expect(get=everyone(200), post=everyone(405)),  # structure only, no data
    "api:token": Expect(get=everyone(405), post=everyone(400)),  # empty credentials
}

# URL namespaces left out of the matrix, with the reason (see module docstring).
EXCLUDED_NAMESPACES = {"admin": "Django admin: own permissions, tested below"}

# --- Discovering every URL ----------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"; the route string when the pattern has no name
    kwargs: tuple[str, ...]
    query: str = ""

    @property
    def key(self) -> str:
        return f"{self.name}?{self.query}" if self.query else self.name

    @property
    def region_scoped(self) -> bool:
        return bool(REGION_SCOPED_KWARGS & set(self.kwargs))


def pattern_kwargs(pattern) -> tuple[str, ...]:
    if hasattr(pattern, "converters"):  # path()
        return tuple(pattern.converters)
    return tuple(pattern.regex.groupindex)  # re_path()


def walk(patterns, namespace: str = "", prefix: str = "", kwargs=()) -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            if entry.namespace in EXCLUDED_NAMESPACES and not namespace:
                continue
            yield from walk(
                entry.url_patterns,
                inner,
                prefix + str(entry.pattern),
                kwargs + pattern_kwargs(entry.pattern),
            )
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else prefix + str(entry.pattern)
            yield Route(name, kwargs + pattern_kwargs(entry.pattern))


def discover_routes() -> list[Route]:
    """Every URL pattern of the project (outside EXCLUDED_NAMESPACES), plus the
    query-string variants the table lists (exports)."""
    routes = {route.name: route for route in walk(get_resolver().url_patterns)}
    variants = [
        Route(routes[name].name, routes[name].kwargs, query)
        for name, _, query in (key.partition("?") for key in EXPECTED if "?" in key)
        if name in routes
    ]
    return sorted([*routes.values(), *variants], key=lambda route: route.key)


ROUTES = discover_routes()


def test_every_url_has_a_row_in_the_table():
    discovered = {route.key for route in ROUTES}
    missing = sorted(discovered - EXPECTED.keys())
    stale = sorted(EXPECTED.keys() - discovered)
    assert not missing, f"URLs without a row in EXPECTED (add one): {missing}"
    assert not stale, f"rows in EXPECTED for URLs that no longer exist: {stale}"


def test_the_table_says_na_exactly_for_urls_without_a_region():
    for route in ROUTES:
        expect = EXPECTED.get(route.key)
        if expect is None:
            continue
        for method, row in expect._asdict().items():
            assert (row.other_region == NA) != route.region_scoped, (route.key, method)


# --- Requesting ---------------------------------------------------------------------


@dataclass
class World:
    """The data the matrix runs against: the plan with demo figures, and one
    user per persona."""

    plan: object
    region_a: Region
    region_b: Region
    users: dict[str, object]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Personas are created for every route; the production hasher (1M PBKDF2
    rounds) is not under test here and would triple the matrix's run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(demo, official, leader, staff, unbound, liaison) -> World:
    return World(
        plan=demo,
        region_a=demo.regions.get(name=REGION_A),
        region_b=demo.regions.get(name=REGION_B),
        users={
            "anonymous": None,
            "official": official,
            "other_region": official,
            "leader": leader,
            "staff": staff,
            "unbound": unbound,
            "liaison": liaison,
        },
    )


def kwarg_value(name: str, region: Region):
    """A value for a URL keyword argument, taken from ``region`` where the
    argument picks a region's data."""
    if name == "region":
        return region.code
    if name in {"pk", "id"}:
        return Figure.objects.filter(region=region).values_list("pk", flat=True).first()
    if name == "indicator":
        return region.plan.indicators.filter(by_region=True).first().code
    if name == "year":
        return region.plan.first_year
    if name == "quarter":
        return 1
    if name == "department":
        return "touzicujin"
    if name == "measure":
        return region.plan.measures.get(section="三", number=5).pk
    if name == "item":
        measure = region.plan.measures.get(section="三", number=5)
        item = measure.work_items.first() or measure.work_items.create(
            year=2026, title="场景发布会", due_date=datetime.date(2026, 6, 30)
        )
        return item.pk
    if name == "attachment":
        return measure_attachment(region.plan).pk
    if name == "incubator":
        return ledger_incubator(region).pk
    if name == "enterprise":
        return ledger_enterprise(region).pk
    raise AssertionError(f"tests/test_access_matrix.py: teach kwarg_value to fill {name!r}")


def measure_attachment(plan):
    """An attachment to 县投资促进服务中心's report on 三(五) (a measure that
    involves the townships), made on first use."""
    from django.core.files.base import ContentFile

    from reports.measure_models import MeasureAttachment, MeasureReport

    existing = MeasureAttachment.objects.first()
    if existing is not None:
        return existing
    report = MeasureReport.objects.create(
        measure=plan.measures.get(section="三", number=5),
        department=plan.departments.get(code="touzicujin"),
        year=2026,
        quarter=2,
        status="in_progress",
    )
    attachment = MeasureAttachment(
        report=report, name="a.pdf", content_type="application/pdf", size=9
    )
    attachment.file.save("a.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    return attachment


def ledger_incubator(region: Region):
    """An incubator of ``region``, made on first use."""
    from reports.models import Incubator

    return Incubator.objects.get_or_create(
        region=region,
        name=f"{region.name}科创园",
        defaults={
            "kind": "incubator",
            "floor_area": Decimal("1.00"),
            "status": "operating",
            "status_since": datetime.date(2025, 1, 1),
            "operating_since": datetime.date(2025, 1, 1),
        },
    )[0]


def ledger_enterprise(region: Region):
    """An enterprise in ``region``'s incubator, made on first use."""
    from reports.models import Enterprise

    incubator = ledger_incubator(region)
    return Enterprise.objects.get_or_create(
        plan=region.plan,
        incubator=incubator,
        name=f"{region.name}某科技有限公司",
        defaults={"entered_on": datetime.date(2025, 2, 1), "stage": "incubating"},
    )[0]


def url_for(route: Route, region: Region) -> str:
    url = reverse(route.name, kwargs={name: kwarg_value(name, region) for name in route.kwargs})
    return f"{url}?{route.query}" if route.query else url


JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


def body_text(response) -> str:
    """What a user could read: the page, the cells of an xlsx export, and the
    text inside JSON, which chart data and APIs may escape (``\\u9ccc``)."""
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    if raw.startswith(b"PK"):
        with zipfile.ZipFile(BytesIO(raw)) as archive:
            raw = b"".join(archive.read(name) for name in archive.namelist())
    text = raw.decode("utf-8", errors="replace")
    return html.unescape(JSON_ESCAPE.sub(lambda match: chr(int(match[1], 16)), text))


def outcome_of(response, world: World) -> object:
    if response.status_code != 302:
        return response.status_code
    path = urlsplit(response.url).path
    if path == reverse("login"):
        return LOGIN
    own = reverse("reports:township", kwargs={"region": world.region_a.code})
    if path == own:
        return OWN
    return Redirect(resolve(path).view_name)


class PageHygiene(HTMLParser):
    """Collects what a strict CSP would block and POST forms without a CSRF token."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self._form_depth = 0
        self._form_has_token = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"inline event handler <{tag} {name}>")
            if name == "style":
                self.problems.append(f"inline style attribute <{tag} style={value!r}>")
            if name in {"href", "src", "action"} and (value or "").lower().startswith(
                "javascript:"
            ):
                self.problems.append(f"javascript: URL in <{tag}>")
        inline_script = tag == "script" and "src" not in attributes
        if inline_script and attributes.get("type") != "application/json":
            self.problems.append("inline <script>")
        if tag == "style":
            self.problems.append("inline <style>")
        if tag == "form" and (attributes.get("method") or "get").lower() == "post":
            self._form_depth += 1
            self._form_has_token = False
        if tag == "input" and attributes.get("name") == "csrfmiddlewaretoken":
            self._form_has_token = True

    def handle_endtag(self, tag):
        if tag == "form" and self._form_depth:
            self._form_depth -= 1
            if not self._form_has_token:
                self.problems.append("POST form without csrf token")


def hygiene_problems(response) -> list[str]:
    if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
        return []
    parser = PageHygiene()
    parser.feed(response.content.decode())
    return parser.problems


def forbidden_names(persona: str) -> list[str]:
    if persona in {"official", "other_region"}:
        return [name for name in PINGYANG_REGIONS if name != REGION_A]
    if persona == "anonymous":
        return PINGYANG_REGIONS
    return []


def check_route(route: Route, world: World) -> list[str]:
    """Request ``route`` as every persona with GET and POST; return every
    difference from EXPECTED and every leak or hygiene problem found."""
    expect = EXPECTED.get(route.key)
    if expect is None:
        return [f"{route.key}: no row in EXPECTED; add one"]
    problems = []
    for method in ("get", "post"):
        row: Row = getattr(expect, method)
        for persona, expected in row._asdict().items():
            if persona == "liaison" and expected is None:
                expected = row.unbound
            if expected == NA:
                continue
            region = world.region_b if persona == "other_region" else world.region_a
            url = url_for(route, region)
            client = Client()
            user = world.users[persona]
            if user is not None:
                sign_in(client, user)
            response = getattr(client, method)(url)
            actual = outcome_of(response, world)
            where = f"{method.upper()} {url} as {persona}"
            if actual != expected:
                problems.append(f"{where}: expected {expected}, got {actual}")
            text = body_text(response)
            leaked = [name for name in forbidden_names(persona) if name in text]
            if leaked:
                problems.append(f"{where}: shows other regions {leaked}")
            problems += [f"{where}: {problem}" for problem in hygiene_problems(response)]
    return problems


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.key)
def test_access_matrix(route, world):
    problems = check_route(route, world)
    assert not problems, "\n".join(problems)


# --- The matrix catches a view that forgets the choke point ------------------------


def test_matrix_catches_a_view_that_skips_the_scoping(world, monkeypatch):
    """A scope that reads regions without ``Region.objects.visible_to`` (here:
    every page's ``Scope.regions`` replaced by all the plan's regions) lets the
    official open region B and shows other townships: the matrix must say so."""
    from targets import access

    scope_for = access.scope_for

    def leaky_scope(user, plan):
        scope = scope_for(user, plan)
        return dataclasses.replace(scope, regions=Region.objects.filter(plan=plan))

    monkeypatch.setattr(access, "scope_for", leaky_scope)
    routes = {route.key: route for route in ROUTES}
    township = "\n".join(check_route(routes["reports:township"], world))
    assert "GET /townships/aojiang/ as other_region: expected 404, got 200" in township
    assert "GET /townships/aojiang/ as other_region: shows other regions ['鳌江']" in township
    plan_page = "\n".join(check_route(routes["targets:plan"], world))
    assert re.search(r"GET /plan/ as official: shows other regions \['鳌江', '水头'", plan_page)


def test_matrix_catches_a_write_page_that_forgets_its_permission(world, monkeypatch):
    # (The entry pages would still refuse a leader: ``EntryAccessMixin`` asks
    # for a region besides the permission. The quarters page has only this.)
    from reports.views.entry import QuartersView

    monkeypatch.setattr(QuartersView, "required_permission", None)
    quarters = next(route for route in ROUTES if route.name == "reports:quarters")
    problems = "\n".join(check_route(quarters, world))
    assert "GET /quarters/ as leader: expected 403, got 200" in problems
    assert "POST /quarters/ as leader: expected 403" in problems


# --- Writes by role and report state ------------------------------------------------
#
# What each write does for a township official (region A) and a leader, in
# every state of region A's 2026 Q4 report: "written" changes the database,
# "refused" leaves every figure, report, step and staged upload as it was.
# The official may change their own region while it is 未填报, 填报中 or
# 已退回 in an open quarter, hand it in from 填报中 or 已退回, and nothing
# else; a leader writes nothing.

WRITE_STATES = ["not_started", "draft", "submitted", "returned", "approved", "closed"]
W, R = "written", "refused"
OFFICIAL_WRITES: dict[str, dict[str, str]] = {
    #                 not_started draft submitted returned approved closed
    "grid": dict(zip(WRITE_STATES, [W, W, R, W, R, R], strict=True)),
    "upload": dict(zip(WRITE_STATES, [W, W, R, W, R, R], strict=True)),
    "submit": dict(zip(WRITE_STATES, [R, W, R, W, R, R], strict=True)),
    "grid_other_region": dict.fromkeys(WRITE_STATES, R),
    "grid_county": dict.fromkeys(WRITE_STATES, R),
    "upload_other_region": dict.fromkeys(WRITE_STATES, R),
    "approve": dict.fromkeys(WRITE_STATES, R),
    "return": dict.fromkeys(WRITE_STATES, R),
    "close": dict.fromkeys(WRITE_STATES, R),
}
WRITE_PERIOD = "2026Q4"


def write_snapshot() -> tuple:
    return (
        sorted(Figure.objects.values_list("indicator_id", "region_id", "year", "quarter", "value")),
        sorted(Submission.objects.values_list("region_id", "year", "quarter", "state", "version")),
        SubmissionEvent.objects.count(),
        PendingImport.objects.count(),
        sorted(ClosedQuarter.objects.values_list("year", "quarter")),
    )


def put_in_state(plan, state: str, official, staff, region) -> None:
    """Region ``region``'s 2026 Q4 report, complete, in ``state``."""
    if state == "not_started":
        return
    changes = [
        FigureChange(indicator.pk, region.pk, 2026, 4, Decimal(1))
        for indicator in plan.indicators.filter(by_region=True)
    ]
    record_figures(plan, official, changes, source=Source.FORM)
    if state in {"submitted", "returned", "approved"}:
        submit(plan, official, region, 2026, 4)
    if state == "returned":
        return_submission(plan, staff, region, 2026, 4, "请核实")
    if state == "approved":
        approve(plan, staff, region, 2026, 4)
    if state == "closed":
        close_quarter(plan, staff, 2026, 4, reason="年终结账", override=True)


def attempt(action: str, client, plan, region_a, region_b):
    """One write as the signed-in user of ``client``, as a browser would post it."""
    space = plan.indicators.get(code="space")
    carriers = plan.indicators.get(code="carriers")

    def grid_post(indicator, region_key, value="2"):
        cell = f"{indicator.pk}_{region_key}"
        seen = Figure.objects.filter(indicator=indicator, region=region_a, year=2026, quarter=4)
        data = {
            "period": WRITE_PERIOD,
            f"c{cell}": value,
            f"v{cell}": str(seen.values_list("version", flat=True).first() or 0),
            "confirm_warnings": "on",
        }
        # The rest of the official's own row, posted untouched.
        for figure in Figure.objects.filter(region=region_a, year=2026, quarter=4):
            key = f"{figure.indicator_id}_{region_a.pk}"
            data.setdefault(f"c{key}", str(figure.value))
            data.setdefault(f"v{key}", str(figure.version))
        for indicator in plan.indicators.filter(by_region=True):
            data.setdefault(f"c{indicator.pk}_{region_a.pk}", "")  # a browser posts them all
            data.setdefault(f"v{indicator.pk}_{region_a.pk}", "0")
        return client.post(reverse("reports:entry"), data)

    def version(region):
        row = Submission.objects.filter(region=region, year=2026, quarter=4).first()
        return row.version if row else 0

    def upload(cells, region=None):
        period = Period.from_code(WRITE_PERIOD)
        data = edit(template_for(plan, period, ValueMode.QUARTER, region=region), cells)
        file = SimpleUploadedFile("填报.xlsx", data)
        response = client.post(reverse("reports:upload"), {"file": file})
        if response.status_code == 302 and "/entry/upload/" in response["Location"]:
            response = client.post(response["Location"], {"action": "confirm"})
        return response

    if action == "grid":
        return grid_post(space, region_a.pk)
    if action == "grid_other_region":
        return grid_post(space, region_b.pk)
    if action == "grid_county":
        return grid_post(carriers, "county")
    if action == "upload":
        return upload({"B4": 2}, region_a)  # their own template: 昆阳's space
    if action == "upload_other_region":
        return upload({"B4": 2, "B5": 2})  # the county's template: 昆阳's and 鳌江's
    if action == "submit":
        return client.post(
            reverse("reports:entry_submit"), {"period": WRITE_PERIOD, "version": version(region_a)}
        )
    if action in {"approve", "return"}:
        return client.post(
            reverse(f"reports:review_{action}"),
            {
                "period": WRITE_PERIOD,
                "regions": [region_a.pk],
                f"version_{region_a.pk}": version(region_a),
                "reason": "请核实",
            },
        )
    if action == "close":
        data = {"period": WRITE_PERIOD, "override": "1", "reason": "x"}
        return client.post(reverse("reports:quarter_close"), data)
    raise AssertionError(action)


@pytest.mark.parametrize("state", WRITE_STATES)
@pytest.mark.parametrize("action", OFFICIAL_WRITES)
def test_what_a_township_official_may_write(
    action, state, plan, official, staff, region_a, region_b, client
):
    put_in_state(plan, state, official, staff, region_a)
    before = write_snapshot()
    sign_in(client, official)
    response = attempt(action, client, plan, region_a, region_b)
    assert response.status_code < 500
    outcome = W if write_snapshot() != before else R
    assert outcome == OFFICIAL_WRITES[action][state], response.status_code
    if action in {"approve", "return", "close"}:
        assert response.status_code == 403


@pytest.mark.parametrize("state", ["draft", "submitted"])
@pytest.mark.parametrize("action", OFFICIAL_WRITES)
def test_a_leader_writes_nothing(
    action, state, plan, official, staff, leader, region_a, region_b, client
):
    put_in_state(plan, state, official, staff, region_a)
    before = write_snapshot()
    sign_in(client, leader)
    response = attempt(action, client, plan, region_a, region_b)
    assert response.status_code == 403
    assert write_snapshot() == before


# --- The admin ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("admin_user", 200),
        ("staff", 302),
        ("leader", 302),
        ("official", 302),
        ("unbound", 302),
        (None, 302),
    ],
)
def test_only_the_administrator_gets_into_the_admin(request, client, plan, persona, status):
    if persona is not None:
        sign_in(client, request.getfixturevalue(persona))
    response = client.get(reverse("admin:index"))
    assert response.status_code == status
    if status == 302:
        assert urlsplit(response.url).path == reverse("admin:login")


# --- The checks themselves ---------------------------------------------------------


def test_hygiene_check_finds_what_the_csp_would_block():
    parser = PageHygiene()
    parser.feed(
        '<div style="color:red" onclick="go()"><script>alert(1)</script>'
        '<script type="application/json">{}</script><script src="/static/a.js"></script>'
        '<a href="javascript:go()">x</a><form method="post"><input name="q"></form>'
        '<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="t"></form>'
        '<form method="get"></form>'
    )
    assert sorted(parser.problems) == sorted(
        [
            "inline style attribute <div style='color:red'>",
            "inline event handler <div onclick>",
            "inline <script>",
            "javascript: URL in <a>",
            "POST form without csrf token",
        ]
    )


def test_leak_check_reads_escaped_json_and_xlsx_cells(world, client_for):
    class Escaped:
        streaming = False
        content = b'{"name": "\\u9ccc\\u6c5f"} &#26118;&#38451;'

    assert "鳌江" in body_text(Escaped()) and "昆阳" in body_text(Escaped())
    export = client_for(world.users["staff"]).get(reverse("reports:matrix"), {"_export": "xlsx"})
    assert export.content.startswith(b"PK")
    assert all(name in body_text(export) for name in PINGYANG_REGIONS)
