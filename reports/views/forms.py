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


class QuarterActionForm(forms.Form):
    """Close or reopen a quarter; a reopen must say why (it is recorded)."""

    period = forms.CharField(max_length=10)
    reason = forms.CharField(
        label=_("原因"), required=False, max_length=500, widget=forms.TextInput
    )

    def __init__(self, *args, plan_years, require_reason: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan_years = list(plan_years)
        self.fields["reason"].required = require_reason

    def clean_period(self):
        try:
            period = Period.from_code(self.cleaned_data["period"])
        except ValueError:
            raise forms.ValidationError(_("无效的季度。")) from None
        if period.year not in self.plan_years:
            raise forms.ValidationError(_("该季度不在计划期内。"))
        self.cleaned_data["period_value"] = period
        return self.cleaned_data["period"]


class DueDateForm(QuarterActionForm):
    """Set a quarter's due date, or clear it (back to the default) with ``clear``."""

    due = forms.DateField(
        label=_("截止日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )
    clear = forms.BooleanField(required=False)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("clear") and not cleaned.get("due") and "due" not in self.errors:
            self.add_error("due", _("请填写截止日期。"))
        return cleaned
