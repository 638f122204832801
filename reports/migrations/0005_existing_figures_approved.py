"""Figures entered before township reporting existed were the bureau's own
entries: each region × quarter that holds figures becomes an approved
submission, so every number on the dashboards stays exactly as it was."""

from django.db import migrations


def approve_existing(apps, schema_editor):
    Figure = apps.get_model("reports", "Figure")
    Submission = apps.get_model("reports", "Submission")
    SubmissionEvent = apps.get_model("reports", "SubmissionEvent")
    reported = (
        Figure.objects.filter(region__isnull=False)
        .values_list("indicator__plan_id", "region_id", "year", "quarter")
        .distinct()
        .order_by()
    )
    submissions = Submission.objects.bulk_create(
        Submission(plan_id=plan_id, region_id=region_id, year=year, quarter=quarter, state="approved")
        for plan_id, region_id, year, quarter in reported
    )
    SubmissionEvent.objects.bulk_create(
        SubmissionEvent(
            submission=submission,
            action="migrated",
            state="approved",
            reason="启用乡镇填报前由县科技局录入,视为已审核",
        )
        for submission in submissions
    )


class Migration(migrations.Migration):
    dependencies = [("reports", "0004_submissions")]

    operations = [migrations.RunPython(approve_existing, migrations.RunPython.noop)]
