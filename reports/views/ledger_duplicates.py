"""The bureau's page for enterprises that may be one firm reported twice
(``reports.ledger.duplicates``): each suspect pair side by side, to merge
(keeping one) or to record as two firms, with a reason; and the decisions
made so far. County staff only (``enter_figures``): the pairs cross regions."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from regions.roles import ENTER_FIGURES
from reports.ledger.duplicates import mark_distinct, merge_enterprises, suspect_pairs
from reports.ledger.errors import LedgerError
from reports.models import DuplicateDecision
from reports.views.ledger import LedgerMixin
from reports.views.ledger_forms import DuplicateForm
from reports.views.ledger_tables import DuplicateDecisionTable
from targets.parsing import ascii_whole

RECENT_DECISIONS = 20
# Suspect pairs shown a page at a time: n records sharing one name make
# n(n-1)/2 pairs, each with its own form.
PAIRS_PER_PAGE = 20


class DuplicatesView(LedgerMixin, TemplateView):
    template_name = "reports/ledger/duplicates.html"
    required_permission = ENTER_FIGURES

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        decisions = DuplicateDecision.objects.filter(plan=self.plan).select_related("decided_by")
        pairs = Paginator(suspect_pairs(self.plan), PAIRS_PER_PAGE)
        context.update(
            pairs=pairs.get_page(self.request.GET.get("page")),
            decisions=DuplicateDecisionTable(decisions[:RECENT_DECISIONS]),
        )
        return context

    def post(self, request, *args, **kwargs):
        form = DuplicateForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return self.back()
        data = form.cleaned_data
        try:
            if data["action"] == "merge":
                drop = data["second"] if data["keep"] == data["first"] else data["first"]
                merge_enterprises(
                    self.plan,
                    request.user,
                    keep_id=data["keep"],
                    drop_id=drop,
                    reason=data["reason"],
                )
                messages.success(request, _("已合并为一条记录。"))
            else:
                mark_distinct(
                    self.plan,
                    request.user,
                    first_id=data["first"],
                    second_id=data["second"],
                    reason=data["reason"],
                )
                messages.success(request, _("已记录为不同企业。"))
        except LedgerError as error:
            for message in error.messages:
                messages.error(request, message)
        return self.back()

    def back(self):
        """To the page of pairs the form was on (its last pair may have gone,
        ``get_page`` then shows the last page)."""
        page = ascii_whole(self.request.POST.get("page", ""), low=1)
        url = reverse("reports:ledger_duplicates")
        return redirect(url if page is None else f"{url}?page={page}")
