"""The ledger pages' forms: the list filters (a bad value is ignored with a
message, never an error page) and the record forms, whose choices are only
what the user may write (their region's, the plan's industries and titles).
The forms check fields; the services (``reports.ledger.services``) check the
record and write it."""

from __future__ import annotations

from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from reports.choices import EnterpriseStage, IncubatorStatus
from reports.ledger.listing import NO_LEVEL, EnterpriseFilter, IncubatorFilter
from reports.ledger.services import ENTERPRISE_FIELDS, INCUBATOR_FIELDS, record_stamp
from reports.ledger_models import past_ledger_date
from reports.models import Enterprise, Incubator
from reports.views.forms import plain_number_fields, record_id_field
from targets.choices import IncubatorKind, IncubatorLevel
from targets.ledger import LedgerFlag

SELECT = {"class": "form-select form-select-sm"}
DATE = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")


def _any(choices) -> list[tuple[str, str]]:
    return [("", _("全部")), *[(str(value), label) for value, label in choices]]


class _FilterForm(forms.Form):
    query = forms.CharField(label=_("搜索"), required=False, max_length=100)

    def __init__(self, data, *, regions, industries, region_term: str):
        super().__init__(data)
        self.fields["region"] = forms.ChoiceField(
            label=region_term, required=False, choices=_any((r.pk, r.name) for r in regions)
        )
        self.fields["industry"] = forms.ChoiceField(
            label=_("产业"), required=False, choices=_any((i.pk, i.name) for i in industries)
        )
        self.order_fields(["region", "kind", "level", "industry"])
        for field in self.fields.values():
            field.widget.attrs.update(SELECT if isinstance(field, forms.ChoiceField) else {})
        self.fields["query"].widget.attrs.update({"class": "form-control form-control-sm"})

    def common(self) -> dict:
        self.is_valid()  # a bad value is dropped, the others still apply
        data = self.cleaned_data
        level = data.get("level")
        return {
            "region_id": int(data["region"]) if data.get("region") else None,
            "kind": data.get("kind") or None,
            "level": int(level) if level not in (None, "") else None,
            "industry_id": int(data["industry"]) if data.get("industry") else None,
            "query": (data.get("query") or "").strip(),
        }


LEVEL_CHOICES = [*_any(IncubatorLevel.choices), (str(NO_LEVEL), _("未认定"))]


class IncubatorFilterForm(_FilterForm):
    kind = forms.ChoiceField(
        label=_("载体类型"), required=False, choices=_any(IncubatorKind.choices)
    )
    level = forms.ChoiceField(label=_("最高认定级别"), required=False, choices=LEVEL_CHOICES)
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=_any(IncubatorStatus.choices)
    )

    def chosen(self) -> IncubatorFilter:
        self.is_valid()
        data = self.cleaned_data
        return IncubatorFilter(**self.common(), status=data.get("status") or None)


class EnterpriseFilterForm(_FilterForm):
    kind = forms.ChoiceField(
        label=_("载体类型"), required=False, choices=_any(IncubatorKind.choices)
    )
    level = forms.ChoiceField(label=_("载体最高认定级别"), required=False, choices=LEVEL_CHOICES)
    stage = forms.ChoiceField(
        label=_("阶段"), required=False, choices=_any(EnterpriseStage.choices)
    )
    without_code = forms.BooleanField(label=_("仅无信用代码"), required=False)
    current_only = forms.BooleanField(label=_("仅在孵"), required=False)

    def chosen(self) -> EnterpriseFilter:
        self.is_valid()
        data = self.cleaned_data
        return EnterpriseFilter(
            **self.common(),
            stage=data.get("stage") or None,
            without_code=bool(data.get("without_code")),
            current_only=bool(data.get("current_only")),
        )


class _RecordForm(forms.ModelForm):
    """Uniqueness and the record's rules are the service's to check (with its
    own messages); the form checks each field, numbers as the grid reads them
    (each Meta's ``formfield_callback``). Editing, the form carries the
    record as it showed it (``seen``): the service refuses the save if the
    record changed since."""

    seen = forms.CharField(required=False, widget=forms.HiddenInput, max_length=80)

    def validate_unique(self):
        pass

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["seen"].initial = record_stamp(self.instance)
        for field in self.visible_fields():
            widget = field.field.widget
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs.setdefault("class", css)

    def clean(self):
        # A hidden field has no place on the page to show its error.
        if self.instance.pk and not self.cleaned_data.get("seen"):
            raise forms.ValidationError(_("表单已过期或被篡改,请重新打开本页。"))
        return super().clean()

    def seen_stamp(self) -> str | None:
        """The stamp to check the save against (None: a new record)."""
        return self.cleaned_data["seen"] if self.instance.pk else None

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class IncubatorForm(_RecordForm):
    class Meta:
        model = Incubator
        fields = list(INCUBATOR_FIELDS)
        formfield_callback = plain_number_fields
        widgets = {"status_since": DATE, "operating_since": DATE}

    def __init__(self, *args, regions, industries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["lead_industry"].queryset = industries
        self.fields["second_industry"].queryset = industries
        # min_value only builds its validator in the field's constructor
        self.fields["floor_area"].validators.append(MinValueValidator(0))
        self.fields["floor_area"].widget.attrs.update({"min": "0", "step": "0.01"})


class IncubatorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.region.name} · {obj.name}"


class EnterpriseForm(_RecordForm):
    # Longer than a code: spaces and full-width characters are cleaned by the
    # service, which then says what is wrong with what is left.
    credit_code = forms.CharField(
        label=_("统一社会信用代码"),
        required=False,
        max_length=40,
        help_text=_("18位;暂无可留空(列表中标记为“无信用代码”)。"),
    )

    class Meta:
        model = Enterprise
        fields = list(ENTERPRISE_FIELDS)
        formfield_callback = plain_number_fields
        widgets = {"entered_on": DATE, "left_on": DATE}
        field_classes = {"incubator": IncubatorChoiceField}

    def __init__(self, *args, incubators, industries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["incubator"].queryset = incubators
        self.fields["industry"].queryset = industries


class RecognitionForm(forms.Form):
    level = forms.TypedChoiceField(label=_("认定级别"), coerce=int, choices=IncubatorLevel.choices)
    recognised_on = forms.DateField(label=_("认定日期"), widget=DATE, validators=[past_ledger_date])


class FlagGrantForm(forms.Form):
    flag = forms.ModelChoiceField(label=_("标识"), queryset=LedgerFlag.objects.none())
    granted_on = forms.DateField(label=_("获得日期"), widget=DATE, validators=[past_ledger_date])

    def __init__(self, *args, flags, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["flag"].queryset = flags


class DuplicateForm(forms.Form):
    """Settle one suspect pair: ``merge`` keeps ``keep`` (one of the two), or
    ``distinct``."""

    action = forms.ChoiceField(choices=[("merge", _("合并")), ("distinct", _("不是同一企业"))])
    first = record_id_field()
    second = record_id_field()
    keep = record_id_field(required=False)
    reason = forms.CharField(label=_("理由"), max_length=500)

    def clean(self):
        data = super().clean()
        if data.get("action") == "merge" and data.get("keep") not in {
            data.get("first"),
            data.get("second"),
        }:
            raise forms.ValidationError(_("合并时请选择保留哪一条记录。"))
        return data
