import pytest

from reports.demo import seed_demo


@pytest.fixture
def demo(plan):
    """The Pingyang plan with demo figures for 2025 Q1 – 2026 Q3."""
    seed_demo(plan, accounts=False)
    plan.refresh_from_db()
    return plan
