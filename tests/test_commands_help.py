"""Every management command of the project prints its help (a lazy string in
a help text once broke argparse)."""

import pytest
from django.core.management import get_commands, load_command_class

OURS = sorted(
    (app, name) for name, app in get_commands().items() if app in {"regions", "targets", "reports"}
)


def test_the_project_has_its_commands():
    names = {name for _app, name in OURS}
    assert {"import_plan", "export_plan", "check_plan", "seed_demo", "import_figures"} <= names


@pytest.mark.parametrize(("app", "name"), OURS, ids=[name for _app, name in OURS])
def test_command_help_renders(app, name):
    parser = load_command_class(app, name).create_parser("manage.py", name)
    assert name in parser.format_help()
