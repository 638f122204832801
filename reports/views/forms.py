from decimal import Decimal

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from regions.text import visible_or_empty
from reports.figures.entry import parse_number
from reports.progress import Period, plan_periods
from targets.parsing import LARGEST_ID, ascii_whole

# The largest id a row can have (a 64-bit integer). A posted id beyond it is
# refused by its form, never sent to the database: SQLite cannot even bind it
# in an ``IN (...)`` list, and would answer a server error.


def record_id_field(**kwargs) -> forms.IntegerField:
    """A posted row id: a whole number from 1 to ``LARGEST_ID``."""
    return forms.IntegerField(min_value=1, max_value=LARGEST_ID, **kwargs)


class RecordsField(forms.ModelMultipleChoiceField):
    """Ticked rows by id, each checked to be a possible id before the query
    (Django's own field sends ``IN (...)`` whatever was posted)."""

    def _check_values(self, value):
        for pk in value:
            if ascii_whole(str(pk), low=1) is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


class PeriodForm(forms.Form):
    """The "as of" selector every dashboard page carries (``?period=2025Q3``):
    the plan's quarters, through ``through`` when given."""

    period = forms.ChoiceField(label=_("截至"), required=False)

    def __init__(self, *args, plan_years, through: Period | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [
            (period.code, period.label)
            for period in reversed(plan_periods(plan_years))
            if through is None or period <= through
        ]
        self.fields["period"].widget.attrs.update(
            {"class": "form-select form-select-sm", "data-autosubmit": ""}
        )

    def chosen(self) -> Period | None:
        """The valid period asked for, or None (then the page shows its default)."""
        if not self.is_valid() or not self.cleaned_data["period"]:
            return None
        return Period.from_code(self.cleaned_data["period"])


class FigureNumberField(forms.DecimalField):
    """A number as the entry grid reads it (``parse_number``): full-width
    digits and thousands separators folded, but not 1e3, 1_000 nor other
    scripts' digits, which Python's Decimal would take."""

    def to_python(self, value):
        return typed_number(value)


def typed_number(value) -> Decimal | None:
    """``value`` read as the entry grid reads a number (None when empty)."""
    if value in forms.Field.empty_values:
        return None
    try:
        return parse_number(str(value))
    except ValueError:
        # As the grid says it: the value typed, then why.
        message = _("“%(text)s”不是数字。") % {"text": str(value)[:30]}
        raise forms.ValidationError(message, code="invalid") from None


class PlainIntegerField(forms.IntegerField):
    """A whole number as the grid reads one: not 1_000 nor other scripts'
    digits (٣), which Python's int() would take as 1000 and 3."""

    def to_python(self, value):
        number = typed_number(value)
        if number is None:
            return None
        if number != number.to_integral_value():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return int(number)


def plain_number_fields(model_field, **kwargs):
    """A ModelForm's ``formfield_callback``: its number fields read as the grid does."""
    if isinstance(model_field, models.DecimalField):
        kwargs.setdefault("form_class", FigureNumberField)
    elif (
        isinstance(model_field, models.IntegerField)
        and not model_field.choices
        and not isinstance(model_field, models.AutoField)
    ):
        kwargs.setdefault("form_class", PlainIntegerField)
    return model_field.formfield(**kwargs)


class QuarterForm(forms.Form):
    """A posted quarter (``2026Q3``) of the plan; ``period_value`` is its Period."""

    period = forms.CharField(
        max_length=10,
        widget=forms.HiddenInput,
        error_messages={"required": _("请选择季度。"), "max_length": _("无效的季度。")},
    )

    def __init__(self, *args, plan_years, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan_years = list(plan_years)

    def clean_period(self):
        try:
            period = Period.from_code(self.cleaned_data["period"])
        except ValueError:
            raise forms.ValidationError(_("无效的季度。")) from None
        if period.year not in self.plan_years:
            raise forms.ValidationError(_("该季度不在计划期内。"))
        self.cleaned_data["period_value"] = period
        return self.cleaned_data["period"]


class QuarterActionForm(QuarterForm):
    """Close or reopen a quarter; a reopen must say why (it is recorded), and
    so must closing with regions not yet approved (``override``)."""

    reason = forms.CharField(
        label=_("原因"),
        required=False,
        max_length=500,
        widget=forms.TextInput,
        error_messages={"required": _("重新开放必须填写原因(将被记录)。")},
    )
    override = forms.BooleanField(required=False)

    def __init__(self, *args, require_reason: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = require_reason


class SubmitForm(QuarterForm):
    """A township's 上报 of a quarter, with the report's version as shown."""

    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class ReviewActionForm(QuarterForm):
    """Approve or return the ticked regions of a quarter; each region's
    report version as the reviewer saw it comes as ``version_<region id>``."""

    regions = RecordsField(queryset=None)
    reason = forms.CharField(required=False, max_length=2000)

    def __init__(self, *args, plan, require_reason: bool = False, **kwargs):
        super().__init__(*args, plan_years=plan.years, **kwargs)
        self.fields["regions"].queryset = plan.regions.all()
        self.fields["reason"].required = require_reason

    def clean_reason(self) -> str:
        # A reason of only zero-width or other invisible characters is none.
        reason = visible_or_empty(self.cleaned_data["reason"])
        if self.fields["reason"].required and not reason:
            raise forms.ValidationError(self.fields["reason"].error_messages["required"])
        return reason

    def versions(self) -> dict[int, int]:
        """Region id → its report's version as the reviewer saw it (every
        ticked region has one: a form without is refused as stale)."""
        return self.cleaned_data["versions"]

    def clean(self):
        cleaned = super().clean()
        versions = {}
        for region in cleaned.get("regions") or []:
            raw = self.data.get(f"version_{region.pk}", "")
            version = ascii_whole(raw)
            if version is None:
                raise forms.ValidationError(_("表单已过期或被篡改,请重新打开本页。"))
            versions[region.pk] = version
        cleaned["versions"] = versions
        return cleaned


class DueDateForm(QuarterForm):
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


class BriefingEditForm(forms.Form):
    """Staff's edit of a quarter's briefing (``save``) or going back to the
    generated text (``restore``). The texts' own rules (not empty, not too
    long) are ``reports.briefing.edits``'s, which says what is wrong."""

    action = forms.ChoiceField(choices=[("save", "save"), ("restore", "restore")])
    title = forms.CharField(label=_("标题"), required=False, strip=False)
    number_line = forms.CharField(label=_("文号"), required=False, strip=False)
    body = forms.CharField(label=_("正文"), required=False, strip=False, widget=forms.Textarea)
    # The version the edit replaces (0: the generated text) and the
    # fingerprint of the generated text it started from.
    base = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    # A fingerprint signed for the briefing (reports.briefing.edits.start_token).
    started_from = forms.CharField(max_length=200, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].widget.attrs.update({"class": "form-control", "maxlength": 200})
        self.fields["number_line"].widget.attrs.update({"class": "form-control", "maxlength": 200})
        self.fields["body"].widget.attrs.update({"class": "form-control briefing-body", "rows": 18})
