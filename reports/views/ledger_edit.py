"""The ledger's write pages: create and edit an incubator or an enterprise,
add a recognition or a title. County staff write every region, a township
official their own (a record of another region is a 404), leaders nothing
(403). The forms check fields, ``reports.ledger.services`` checks and writes
the record; what it refuses is shown on the form (HTTP 400), nothing written.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from regions.roles import ENTER_FIGURES, REPORT_OWN_FIGURES
from reports.ledger import listing, services
from reports.ledger.errors import LedgerError
from reports.models import Incubator
from reports.views.ledger import LedgerMixin, history_table
from reports.views.ledger_forms import (
    EnterpriseForm,
    FlagGrantForm,
    IncubatorForm,
    RecognitionForm,
)
from targets.ledger import LedgerFlag
from targets.parsing import ascii_whole

WRITERS = (ENTER_FIGURES, REPORT_OWN_FIGURES)


class LedgerWriteMixin(LedgerMixin):
    required_permission = WRITERS

    def writable_regions(self):
        return services.writable_regions(self.plan, self.request.user).filter(
            pk__in=self.regions.values("pk")
        )


class RecordFormView(LedgerWriteMixin, TemplateView):
    """Create (no ``pk`` kwarg) or edit one record through a service."""

    template_name = "reports/ledger/form.html"
    title: str

    def record(self):
        return None

    def make_form(self, data=None):
        raise NotImplementedError

    def write(self, values: dict, seen: str | None):
        """Save through the service; ``seen``: the form's stamp of the record."""
        raise NotImplementedError

    def done_url(self, record) -> str:
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", self.make_form())
        context.update(title=self.title, record=self.record())
        return context

    def post(self, request, *args, **kwargs):
        form = self.make_form(request.POST)
        if form.is_valid():
            try:
                record = self.write(form.values(), form.seen_stamp())
            except LedgerError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("已保存“%(name)s”。") % {"name": record.name})
                return redirect(self.done_url(record))
        return self.render_to_response(self.get_context_data(form=form), status=400)


class IncubatorFormMixin:
    def make_form(self, data=None):
        return IncubatorForm(
            data,
            instance=self.record(),
            regions=self.writable_regions(),
            industries=listing.plan_industries(self.plan),
        )

    def done_url(self, record) -> str:
        return reverse("reports:ledger_incubator", args=[record.pk])


class IncubatorCreateView(IncubatorFormMixin, RecordFormView):
    title = gettext_lazy("新增孵化载体")

    def write(self, values, seen):
        return services.create_incubator(self.request.user, **values)


class IncubatorEditView(IncubatorFormMixin, RecordFormView):
    title = gettext_lazy("修改孵化载体")

    def record(self):
        if not hasattr(self, "_record"):
            self._record = self.incubator_or_404(self.kwargs["incubator"])
        return self._record

    def write(self, values, seen):
        return services.update_incubator(self.request.user, self.record(), seen=seen, **values)


class EnterpriseFormMixin:
    def make_form(self, data=None):
        incubators = Incubator.objects.filter(region__in=self.writable_regions()).select_related(
            "region"
        )
        return EnterpriseForm(
            data,
            instance=self.record(),
            incubators=incubators.order_by("region__order", "name"),
            industries=listing.plan_industries(self.plan),
        )

    def done_url(self, record) -> str:
        return reverse("reports:ledger_enterprises")


class EnterpriseCreateView(EnterpriseFormMixin, RecordFormView):
    title = gettext_lazy("新增在孵企业")

    def get_context_data(self, **kwargs):
        # ?incubator=<id> from an incubator's page preselects it.
        if "form" not in kwargs:
            form = self.make_form()
            chosen = ascii_whole(self.request.GET.get("incubator", ""), low=1)
            if chosen is not None:
                form.initial["incubator"] = chosen
            kwargs["form"] = form
        return super().get_context_data(**kwargs)

    def write(self, values, seen):
        return services.create_enterprise(self.request.user, **values)


class EnterpriseEditView(EnterpriseFormMixin, RecordFormView):
    title = gettext_lazy("修改在孵企业")

    def record(self):
        if not hasattr(self, "_record"):
            self._record = self.enterprise_or_404(self.kwargs["enterprise"])
        return self._record

    def write(self, values, seen):
        return services.update_enterprise(self.request.user, self.record(), seen=seen, **values)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        enterprise = self.record()
        flags = LedgerFlag.objects.filter(plan=self.plan, applies_to=LedgerFlag.Applies.ENTERPRISE)
        context.update(
            flag_grants=list(enterprise.flag_grants.select_related("flag")),
            flag_form=FlagGrantForm(flags=flags),
            flag_url=reverse("reports:ledger_enterprise_flag", args=[enterprise.pk]),
            history=history_table(self.request, enterprise),
        )
        return context


class AddToRecordView(LedgerWriteMixin, View):
    """A recognition or a title posted from a record's page; back to it with
    a message either way."""

    http_method_names = ["post"]

    def record(self):
        raise NotImplementedError

    def make_form(self, data):
        raise NotImplementedError

    def write(self, record, values):
        raise NotImplementedError

    def back(self, record) -> str:
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        record = self.record()
        form = self.make_form(request.POST)
        if not form.is_valid():
            # Shown above the whole page, away from the form: each names its
            # field ("字段:问题"), as the services' and the workbook's do.
            for name, errors in form.errors.items():
                field = form.fields.get(name)
                for error in errors:
                    messages.error(request, f"{field.label}:{error}" if field else error)
            return redirect(self.back(record))
        try:
            self.write(record, form.cleaned_data)
        except LedgerError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("已保存。"))
        return redirect(self.back(record))


class RecognitionAddView(AddToRecordView):
    def record(self):
        return self.incubator_or_404(self.kwargs["incubator"])

    def make_form(self, data):
        return RecognitionForm(data)

    def write(self, record, values):
        services.add_recognition(self.request.user, record, **values)

    def back(self, record) -> str:
        return reverse("reports:ledger_incubator", args=[record.pk])


class IncubatorFlagAddView(RecognitionAddView):
    def make_form(self, data):
        flags = LedgerFlag.objects.filter(plan=self.plan, applies_to=LedgerFlag.Applies.INCUBATOR)
        return FlagGrantForm(data, flags=flags)

    def write(self, record, values):
        services.grant_incubator_flag(self.request.user, record, **values)


class EnterpriseFlagAddView(AddToRecordView):
    def record(self):
        return self.enterprise_or_404(self.kwargs["enterprise"])

    def make_form(self, data):
        flags = LedgerFlag.objects.filter(plan=self.plan, applies_to=LedgerFlag.Applies.ENTERPRISE)
        return FlagGrantForm(data, flags=flags)

    def write(self, record, values):
        services.grant_enterprise_flag(self.request.user, record, **values)

    def back(self, record) -> str:
        return reverse("reports:ledger_enterprise_edit", args=[record.pk])
