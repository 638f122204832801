"""The layering in pyproject.toml ([tool.importlinter]) holds, and a lower layer
importing a higher one makes this test fail (each contract is shown to break)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("regions", "targets", "reports")


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    """import-linter over the packages below ``root``, in a fresh interpreter
    whose import path starts at ``root`` (so a copy is read, not the project)."""
    code = (
        "import sys; from importlinter.cli import lint_imports; "
        "sys.exit(lint_imports(config_filename='pyproject.toml', no_cache=True))"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=root, env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_the_import_contracts_hold():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout
    assert "Contracts: 7 kept, 0 broken." in result.stdout


@pytest.fixture(scope="module")
def copy_of_the_project(tmp_path_factory) -> Path:
    """The three apps' Python files and the contracts, in a scratch folder."""
    root = tmp_path_factory.mktemp("layering")
    shutil.copy(ROOT / "pyproject.toml", root)
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package,
            root / package,
            ignore=shutil.ignore_patterns("__pycache__", "migrations", "*.pyc"),
        )
    clean = lint_imports(root)
    assert clean.returncode == 0, "the copy must start clean:\n" + clean.stdout
    return root


# (module that gains the import, the import, the contract that must break)
VIOLATIONS = [
    ("regions/models.py", "import targets.models", "Apps: reports above targets"),
    ("targets/models.py", "import reports.models", "Apps: reports above targets"),
    ("reports/progress/queries.py", "import reports.figures.services", "reports: pages, API"),
    ("reports/excel/report.py", "import reports.figures.services", "reports: pages, API"),
    ("reports/api/views.py", "import reports.views.dashboards", "reports: pages, API"),
    # The ledger calls the figures' checks; the figures never call the ledger.
    ("reports/figures/services.py", "import reports.ledger.operating", "reports: pages, API"),
    ("reports/models.py", "import reports.views.dashboards", "Nothing imports the pages"),
    ("reports/progress/engine.py", "import reports.models", "The engine computes over"),
    ("reports/briefing/gather.py", "import reports.views.dashboards", "reports: pages, API"),
    ("reports/figures/services.py", "import reports.briefing.compose", "reports: pages, API"),
    ("reports/briefing/phrasing.py", "import targets.models", "The briefing's words"),
    (
        "reports/progress/ledger_counts.py",
        "import reports.figures.services",
        "The ledger's counts import",
    ),
    ("reports/progress/ledger_rules.py", "import reports.models", "The ledger's rules count"),
]


@pytest.mark.parametrize(("module", "line", "contract"), VIOLATIONS)
def test_a_lower_layer_importing_a_higher_one_breaks_a_contract(
    copy_of_the_project, module, line, contract
):
    path = copy_of_the_project / module
    original = path.read_text()
    path.write_text(f"{original}\n{line}  # the violation\n")
    try:
        result = lint_imports(copy_of_the_project)
    finally:
        path.write_text(original)
    assert result.returncode == 1, result.stdout + result.stderr
    broken = [row for row in result.stdout.splitlines() if " BROKEN" in row]
    assert [row for row in broken if row.startswith(contract)], result.stdout


def test_every_check_constraint_says_what_is_wrong_in_words():
    """A form (the ledger's, the admin's) shows a broken CheckConstraint as
    its violation message: without one of its own that is Django's
    "约束 “incubator_area_gte_0” 是无效的", a database name, not a reason."""
    from django.apps import apps
    from django.db.models import CheckConstraint

    ours = [a for a in apps.get_app_configs() if a.name in ("regions", "targets", "reports")]
    constraints = [
        (model.__name__, constraint)
        for app in ours
        for model in app.get_models()
        for constraint in model._meta.constraints
        if isinstance(constraint, CheckConstraint)
    ]
    assert len(constraints) > 30
    default = CheckConstraint.default_violation_error_message
    wordless = [
        f"{model}.{constraint.name}"
        for model, constraint in constraints
        if constraint.violation_error_message in (None, default)
    ]
    assert wordless == []
