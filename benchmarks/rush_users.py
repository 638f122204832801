"""The quarter-end rush's simulated users (a locustfile; benchmarks/rush.py
runs it headless against its own gunicorn on 127.0.0.1).

- leaders reading the county's dashboards and the progress API;
- township officials reading their own township and its progress;
- one official per township saving the quarter's grid and handing it in
  (上报), again whenever the bureau returns it, each time with a higher value
  in the checked indicator's cell;
- bureau staff approving what was handed in, and returning approved reports
  after a while so that the townships keep working;
- one upload of a figures workbook a minute (staff: upload, preview, confirm).

Every read of the progress API is logged with its start and end time and the
number it showed for the checked indicator; every approve and return with its
start and end time. rush.py compares them with the database's record of the
approvals afterwards (the stale-read check).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import threading
import time
from html.parser import HTMLParser
from pathlib import Path

from locust import HttpUser, between, constant, events, task

PERIOD = os.environ.get("RUSH_PERIOD", "2026Q4")
INDICATOR = os.environ.get("RUSH_INDICATOR", "")  # code of the checked indicator
INDICATOR_PK = os.environ.get("RUSH_INDICATOR_PK", "")
REGIONS = os.environ.get("RUSH_REGIONS", "").split(",")  # township account codes
PASSWORD = os.environ.get("RUSH_PASSWORD", "")
UPLOADS = sorted(Path(os.environ.get("RUSH_UPLOAD_DIR", ".")).glob("upload-*.xlsx"))
LOG = os.environ.get("RUSH_LOG", "rush-log.json")

READS: list[dict] = []  # progress API reads: start, end, {region code: shown value}
REVIEWS: list[dict] = []  # approve/return posts: action, start, end, region pks
REFUSED: list[str] = []  # writes the app refused with a message (a stale form, a race)
_writers = itertools.count()
_uploads = itertools.count()
_lock = threading.Lock()


@events.test_stop.add_listener
def _write_log(**_kwargs):
    Path(LOG).write_text(json.dumps({"reads": READS, "reviews": REVIEWS, "refused": REFUSED}))


class _Forms(HTMLParser):
    """Every form of a page: action and the fields a browser would send."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action") or "", "fields": []})
        elif not self.forms:
            return
        fields = self.forms[-1]["fields"]
        if tag == "input" and attrs.get("name") and "disabled" not in attrs:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind not in ("submit", "button", "file"):
                fields.append([attrs["name"], attrs.get("value") or ""])
        elif tag == "textarea" and attrs.get("name"):
            fields.append([attrs["name"], ""])
        elif tag == "select" and attrs.get("name"):
            self._select = attrs["name"]
        elif tag == "option" and self._select:
            fields.append([self._select, attrs.get("value") or ""])
            self._select = None  # the first option (or the selected one) is enough here


def forms_of(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def grid_form(html: str) -> dict | None:
    """The entry grid's form, when it has cells to edit."""
    return next(
        (f for f in forms_of(html) if any(re.match(r"c\d+_", name) for name, _ in f["fields"])),
        None,
    )


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return match[1] if match else ""


class _LoggedIn(HttpUser):
    abstract = True
    username = ""

    def on_start(self):
        page = self.client.get("/accounts/login/", name="login page")
        answer = self.client.post(
            "/accounts/login/",
            {
                "username": self.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": csrf_of(page.text),
            },
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="login",
            allow_redirects=False,
        )
        if answer.status_code != 302:
            raise RuntimeError(f"{self.username} could not log in: HTTP {answer.status_code}")

    def read_progress(self, name: str):
        start = time.time()
        response = self.client.get(
            "/api/v1/progress/", params={"period": PERIOD}, name=f"{name}: API progress"
        )
        end = time.time()
        if response.status_code == 200:
            shown = {
                row["region"]: row["quarter_actual"]
                for row in response.json()["rows"]
                if row["indicator"] == INDICATOR and row["region"]
            }
            READS.append({"start": start, "end": end, "shown": shown})


class Leader(_LoggedIn):
    fixed_count = 20
    wait_time = between(1, 4)
    username = "leader"

    @task(3)
    def overview(self):
        self.client.get("/overview/", name="leader: overview")

    @task(2)
    def matrix(self):
        self.client.get("/matrix/", name="leader: matrix")

    @task(1)
    def goals(self):
        self.client.get("/goals/", name="leader: goals")

    @task(3)
    def progress(self):
        self.read_progress("leader")


class TownshipReader(_LoggedIn):
    fixed_count = 15
    wait_time = between(1, 4)

    def on_start(self):
        self.region = random.choice(REGIONS)
        self.username = f"town-{self.region}"
        super().on_start()

    @task(2)
    def township(self):
        self.client.get(f"/townships/{self.region}/", name="township: own page")

    @task(2)
    def progress(self):
        self.read_progress("township")


class TownshipWriter(_LoggedIn):
    """One per township: save the quarter's grid, then hand it in."""

    fixed_count = 9
    wait_time = between(2, 5)

    def on_start(self):
        self.region = REGIONS[next(_writers) % len(REGIONS)]
        self.username = f"town-{self.region}"
        self.value = 100
        super().on_start()

    @task
    def work(self):
        page = self.client.get("/entry/", params={"period": PERIOD}, name="township: entry grid")
        grid = grid_form(page.text)
        if grid is None:
            return  # handed in: nothing to edit until the bureau returns it
        fields = []
        for name, value in grid["fields"]:
            if name.startswith(f"c{INDICATOR_PK}_"):
                self.value += 1
                value = str(self.value)
            elif re.match(r"c\d+_", name) and value == "":
                value = "1"
            fields.append((name, value))
        fields.append(("confirm_warnings", "on"))
        saved = self.client.post("/entry/", fields, name="township: save grid")
        if "alert-danger" in saved.text or "invalid-feedback" in saved.text:
            REFUSED.append("save")
            return
        page = self.client.get("/entry/", params={"period": PERIOD}, name="township: entry grid")
        grid = grid_form(page.text)
        if grid is None:
            return
        handed = self.client.post(
            "/entry/submit/", [*grid["fields"], ("submit_report", "1")], name="township: submit"
        )
        if "alert-danger" in handed.text:
            REFUSED.append("submit")


ROW = re.compile(
    r'<tr class="review-row" data-region="[^"]+">.*?name="version_(\d+)" value="(\d+)".*?'
    r"(?:name=\"regions\" value=\"\d+\".*?)?report-state-(\w+)",
    re.S,
)


class Staff(_LoggedIn):
    """Approves what is handed in; returns a report approved a while ago."""

    fixed_count = 5
    wait_time = between(2, 5)
    username = "staff"
    approved_at: dict[str, float] = {}

    @task
    def review(self):
        page = self.client.get("/review/", params={"period": PERIOD}, name="staff: review")
        rows = ROW.findall(page.text)
        submitted = [(pk, version) for pk, version, state in rows if state == "submitted"]
        old = [
            (pk, version)
            for pk, version, state in rows
            if state == "approved" and time.time() - self.approved_at.get(pk, 0) > 20
        ]
        token = csrf_of(page.text)
        if submitted:
            pk, version = random.choice(submitted)
            self._act("approve", pk, version, token)
        elif old:
            pk, version = random.choice(old)
            self._act("return", pk, version, token)

    def _act(self, action: str, pk: str, version: str, token: str):
        data = {
            "csrfmiddlewaretoken": token,
            "period": PERIOD,
            "regions": pk,
            f"version_{pk}": version,
        }
        if action == "return":
            data["reason"] = "压力测试:请再核对一次"
        start = time.time()
        answer = self.client.post(f"/review/{action}/", data, name=f"staff: {action}")
        end = time.time()
        REVIEWS.append({"action": action, "start": start, "end": end, "region": int(pk)})
        if action == "approve":
            self.approved_at[pk] = end
        if "alert-danger" in answer.text:
            REFUSED.append(action)


class Uploader(_LoggedIn):
    """One figures workbook a minute: upload, preview, confirm."""

    fixed_count = 1
    wait_time = constant(60)
    username = "staff"

    @task
    def upload(self):
        if not UPLOADS:
            return
        path = UPLOADS[next(_uploads) % len(UPLOADS)]
        page = self.client.get("/entry/upload/", name="upload: page")
        # The upload form: the page's form that posts to itself.
        form = [f for f in forms_of(page.text) if f["action"] == ""][-1]
        data = dict(form["fields"])
        with path.open("rb") as file:
            preview = self.client.post(
                "/entry/upload/", data, files={"file": (path.name, file)}, name="upload: file"
            )
        if "/entry/upload/" not in preview.url or preview.url.rstrip("/").endswith("upload"):
            REFUSED.append("upload")
            return
        confirmed = self.client.post(
            preview.url,
            {"csrfmiddlewaretoken": csrf_of(preview.text), "action": "confirm"},
            name="upload: confirm",
        )
        if "alert-danger" in confirmed.text:
            REFUSED.append("upload confirm")
