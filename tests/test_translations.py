"""The English catalogue is complete, compiled, current, and used.

The UI's source strings are Chinese; English (locale/en) must translate every
one of them. These tests read the .po with a small parser of their own (no
polib), so they run wherever the project's own dependencies are installed.

To refresh the catalogue after adding or changing strings:

    .venv/bin/python manage.py makemessages -l en --no-obsolete \\
        --ignore=.venv --ignore=node_modules --ignore=staticfiles \\
        --ignore=artifacts --ignore="tests/*"
    # translate every entry with an empty msgstr or a "#, fuzzy" flag
    # (and drop the flag), then:
    .venv/bin/python manage.py compilemessages --ignore=.venv
    git add locale/en/LC_MESSAGES/django.po locale/en/LC_MESSAGES/django.mo
"""

from __future__ import annotations

import ast
import gettext
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from reports.models import Enterprise, Incubator
from targets.models import Indicator

ROOT = Path(settings.BASE_DIR)
PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")

# The command that refreshes the catalogue; test (d) runs the same one.
MAKEMESSAGES_IGNORES = [".venv", "node_modules", "staticfiles", "artifacts", "tests/*"]
REFRESH = (
    ".venv/bin/python manage.py makemessages -l en --no-obsolete "
    + " ".join(f"--ignore={p!r}" if "*" in p else f"--ignore={p}" for p in MAKEMESSAGES_IGNORES)
    + ", translate the new entries, then .venv/bin/python manage.py compilemessages"
    " --ignore=.venv (see tests/test_translations.py)"
)

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")


# --- a small .po reader -------------------------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> str:
        return self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"


def read_po(path: Path) -> list[Entry]:
    """The live entries of a .po file (obsolete ``#~`` entries are skipped), header included."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int] | None = None
    pending_flags: set[str] = set()
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#,"):
            pending_flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        if line.startswith("#"):
            continue
        match = re.fullmatch(r'(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")', line)
        if match:
            keyword, index, value = match.group(1), match.group(2), ast.literal_eval(match.group(3))
            if keyword in ("msgctxt", "msgid") and (entry is None or entry.msgstr):
                entry = Entry(flags=pending_flags, line=number)
                pending_flags = set()
                entries.append(entry)
            assert entry is not None, f"{path}:{number}: {keyword} outside an entry"
            if keyword == "msgctxt":
                entry.msgctxt, target = value, ("msgctxt", 0)
            elif keyword == "msgid":
                entry.msgid, target = value, ("msgid", 0)
            elif keyword == "msgid_plural":
                entry.msgid_plural, target = value, ("msgid_plural", 0)
            else:
                slot = int(index) if index is not None else 0
                entry.msgstr[slot], target = value, ("msgstr", slot)
        elif line.startswith('"'):
            assert entry is not None and target is not None, f"{path}:{number}: stray string"
            value = ast.literal_eval(line)
            name, slot = target
            if name == "msgstr":
                entry.msgstr[slot] += value
            else:
                setattr(entry, name, (getattr(entry, name) or "") + value)
        else:
            raise AssertionError(f"{path}:{number}: unreadable line {raw!r}")
    return entries


def messages(path: Path) -> list[Entry]:
    return [entry for entry in read_po(path) if entry.msgid]


def describe(entry: Entry) -> str:
    return f"django.po:{entry.line}: {entry.msgid!r}"


PLACEHOLDER = re.compile(r"%\(\w+\)[sdfr]|%[sdfr]")


# --- (a) complete ----------------------------------------------------------------------


def test_english_catalogue_has_no_untranslated_or_fuzzy_entries():
    entries = messages(PO)
    assert len(entries) > 400  # the parser read the real catalogue
    untranslated = [describe(e) for e in entries if not e.msgstr or not all(e.msgstr.values())]
    fuzzy = [describe(e) for e in entries if "fuzzy" in e.flags]
    assert not untranslated, f"untranslated entries (refresh: {REFRESH}):\n" + "\n".join(
        untranslated
    )
    assert not fuzzy, "fuzzy entries: check each, fix it and drop the flag:\n" + "\n".join(fuzzy)


def test_english_translations_keep_placeholders_and_leave_chinese_behind():
    problems = []
    for entry in messages(PO):
        for slot, text in entry.msgstr.items():
            source = entry.msgid if slot == 0 or entry.msgid_plural is None else entry.msgid_plural
            if sorted(set(PLACEHOLDER.findall(source))) != sorted(set(PLACEHOLDER.findall(text))):
                problems.append(f"{describe(entry)}: placeholders differ in {text!r}")
            if CJK.search(source) and text == source:
                problems.append(f"{describe(entry)}: msgstr is the Chinese source")
            # Chinese may stay only inside quotes: sheet names and words of a file format.
            outside_quotes = re.sub(r"“(?:[^“”]|“[^“”]*”)*”|\([^)]*\)", "", text)
            if CJK.search(outside_quotes):
                problems.append(f"{describe(entry)}: Chinese outside quotes in {text!r}")
    assert not problems, "\n".join(problems)


# --- (b) compiled -----------------------------------------------------------------------


# locale/zh_Hans corrects a few of Django's own Chinese messages by hand.
CATALOGUES = [PO, ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"]


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda path: path.parent.parent.name)
def test_compiled_catalogue_matches_the_po(po):
    with po.with_suffix(".mo").open("rb") as handle:
        compiled = dict(gettext.GNUTranslations(handle)._catalog)
    compiled.pop("", None)  # the header
    expected: dict[object, str] = {}
    for entry in messages(po):
        if "fuzzy" in entry.flags:
            continue  # msgfmt leaves fuzzy entries out
        if entry.msgid_plural is None:
            expected[entry.key] = entry.msgstr.get(0, "")
        else:
            for slot, text in entry.msgstr.items():
                expected[(entry.key, slot)] = text
    expected = {key: text for key, text in expected.items() if text}  # msgfmt skips empty ones
    stale = sorted(str(k) for k in expected.keys() ^ compiled.keys())
    both = expected.keys() & compiled.keys()
    changed = sorted(str(k) for k in both if expected[k] != compiled[k])
    assert not stale and not changed, (
        f"{po.with_suffix('.mo').relative_to(ROOT)} is out of date; run "
        ".venv/bin/python manage.py compilemessages --ignore=.venv and commit the .mo\n"
        f"only in one of .po/.mo: {stale[:10]}\ndifferent: {changed[:10]}"
    )


# --- (c) used ---------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def back_to_default_language():
    yield
    translation.deactivate()


def data_words(plan) -> set[str]:
    """The Chinese that is data, not UI: names from the plan in the database."""
    texts = [plan.name, plan.document_number, plan.county_name, plan.region_term, "简体中文"]
    texts += [region.name for region in plan.regions.all()]
    for indicator in Indicator.objects.filter(plan=plan):
        texts += [indicator.name, indicator.alt_name, indicator.unit]
    for goal in plan.goals.all():  # the headline goals, in the plan's own words
        texts += [goal.text, goal.section, goal.unit]
    # The measures and departments, named as the plan names them (the briefing
    # lists the measures without progress and who leads them).
    texts += [f"{measure.label}{measure.title}" for measure in plan.measures.all()]
    texts += [department.name for department in plan.departments.all()]
    # The incubator ledger's records and the plan's ledger words (the demo's
    # names carry their "（演示）" mark).
    texts += [industry.name for industry in plan.industries.all()]
    texts += [flag.name for flag in plan.ledger_flags.all()]
    texts += [c.name for c in plan.evaluation_criteria.all()]
    for name, operator in Incubator.objects.filter(region__plan=plan).values_list(
        "name", "operator"
    ):
        texts += [name, operator]
    texts += list(Enterprise.objects.filter(plan=plan).values_list("name", flat=True))
    return {run for text in texts if text for run in CJK.findall(text)}


def visible_text(html: str) -> str:
    """The page without its <script> blocks (chart data is checked by its titles)."""
    return re.sub(r"<script\b.*?</script>", " ", html, flags=re.S)


def test_leader_overview_in_english(client_for, leader, demo):
    client = client_for(leader)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("reports:overview"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    # The plan's own words (全县, 乡镇) are data: English sentences carry them.
    for english in (
        "全县 overview",
        "乡镇 matrix",
        "Progress by indicator",
        "Most lagging regions (乡镇)",
        "Download official report (Excel)",
        "Completion rate",
        "Log out",
    ):
        assert english in html, english
    chrome = (
        "全县总览",
        "乡镇矩阵",
        "各项指标完成情况",
        "进度最滞后的乡镇",
        "完成率",
        "退出",
        "序时",
    )
    for chinese in chrome:
        assert chinese not in html, chinese
    # Every Chinese word left on the page (charts included) is data: a name from the plan.
    leftover = set(CJK.findall(html)) - data_words(demo)
    assert not leftover, f"untranslated Chinese on the English overview: {sorted(leftover)}"


def test_leader_overview_defaults_to_chinese(client_for, leader, demo):
    response = client_for(leader).get(reverse("reports:overview"))
    html = visible_text(response.content.decode())
    assert response.status_code == 200
    assert "全县总览" in html and "各项指标完成情况" in html
    assert "全县 overview" not in html and "Progress by indicator" not in html


# --- (d) current ------------------------------------------------------------------------

CHECK_SETTINGS = """\
from incubator_plan.settings import *  # noqa: F403
from pathlib import Path
LOCALE_PATHS = [Path(__file__).resolve().parent / "locale"]
"""


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext (xgettext) not installed")
def test_every_marked_string_has_a_catalogue_entry(tmp_path):
    """Runs makemessages over the source (symlinked into a scratch folder, so the
    committed catalogue is never touched) and compares the message ids. Entries
    no longer in the source are harmless and left for the next refresh."""
    skip = {".git", "locale", ".venv", "node_modules", "staticfiles", "artifacts", "tests"}
    for child in ROOT.iterdir():
        if child.name not in skip and not child.name.startswith("."):
            (tmp_path / child.name).symlink_to(child)
    (tmp_path / "locale" / "en" / "LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "i18n_check_settings.py").write_text(CHECK_SETTINGS)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "i18n_check_settings",
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)]),
    }
    command = [sys.executable, "-m", "django", "makemessages", "-l", "en", "--symlinks"]
    command += [f"--ignore={pattern}" for pattern in [*MAKEMESSAGES_IGNORES, "i18n_check_*"]]
    result = subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    fresh = {entry.key for entry in messages(tmp_path / "locale/en/LC_MESSAGES/django.po")}
    committed = {entry.key for entry in messages(PO)}
    assert len(fresh) > 400
    missing = sorted(fresh - committed)
    assert not missing, (
        f"strings marked for translation but not in the English catalogue (refresh: {REFRESH}):\n"
        + "\n".join(missing)
    )


PAGES = [
    ("reports:overview", []),
    ("reports:goals", []),
    ("reports:goal_entry", []),
    ("reports:matrix", []),
    ("reports:township", ["kunyang"]),
    ("reports:indicator", ["space"]),
    ("reports:entry", []),
    ("reports:quarters", []),
    ("reports:upload", []),
    ("reports:history_county", []),
    ("reports:history", ["kunyang"]),
    ("targets:plan", []),
    ("reports:briefing", []),
    ("reports:briefing_region", ["kunyang"]),
    ("reports:ledger_incubators", []),
    ("reports:ledger_enterprises", []),
    ("reports:ledger_incubator_create", []),
    ("reports:ledger_enterprise_create", []),
    ("reports:ledger_duplicates", []),
    ("reports:ledger_reconcile", []),
    ("reports:ledger_evaluation", []),
]


@pytest.mark.parametrize(("name", "args"), PAGES, ids=[name for name, _ in PAGES])
def test_pages_in_english_show_no_chinese_but_data(client_for, admin_user, demo, name, args):
    client = client_for(admin_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    leftover = set(CJK.findall(response.content.decode())) - data_words(demo)
    assert not leftover, f"untranslated Chinese on {name} in English: {sorted(leftover)}"


# Sheet names of the figures file: a file format, quoted as they are in English messages.
FILE_WORDS = {"填报", "数据", "说明"}


def test_upload_preview_and_errors_in_english(client_for, staff, demo):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from reports.models import Figure
    from tests.reports.figures_files import cell, edit, template

    client = client_for(staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    allowed = data_words(demo) | FILE_WORDS

    figure = Figure.objects.get(
        indicator__code="talents", region__name="鳌江", year=2026, quarter=3
    )
    data = edit(
        template(demo, "2026Q3"),
        {cell("昆阳", "talents"): 777, cell("鳌江", "talents"): 888, cell("鳌江", "space"): None},
    )
    figure.value += 1  # changed after the template was made: a warning
    figure.save()
    response = client.post(
        reverse("reports:upload"),
        {"file": SimpleUploadedFile("figures.xlsx", data), "period": "2026Q2"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(response["Location"]).content.decode()
    assert "Check the import" in page and "Confirm import" in page
    assert "2026 Q3" in page and "(cleared)" in page and "Since the template was made" in page
    leftover = set(CJK.findall(page)) - allowed
    assert not leftover, f"untranslated Chinese on the upload preview: {sorted(leftover)}"

    bad = edit(template(demo, "2026Q3"), {cell("昆阳", "talents"): "many"})
    page = client.post(
        reverse("reports:upload"), {"file": SimpleUploadedFile("bad.xlsx", bad)}
    ).content.decode()
    assert "The file was not imported" in page
    leftover = set(CJK.findall(page)) - allowed
    assert not leftover, f"untranslated Chinese on the upload error page: {sorted(leftover)}"
