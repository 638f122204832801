from django import forms
from django.utils.translation import gettext_lazy as _

from reports.progress import Period, plan_periods


class PeriodForm(forms.Form):
    """The "as of" selector every dashboard page carries (``?period=2025Q3``)."""

    period = forms.ChoiceField(label=_("截至"), required=False)

    def __init__(self, *args, plan_years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [
            (period.code, period.label) for period in reversed(plan_periods(plan_years))
        ]
        self.fields["period"].widget.attrs.update(
            {"class": "form-select form-select-sm", "data-autosubmit": ""}
        )

    def chosen(self) -> Period | None:
        """The valid period asked for, or None (then the page shows its default)."""
        if not self.is_valid() or not self.cleaned_data["period"]:
            return None
        return Period.from_code(self.cleaned_data["period"])
