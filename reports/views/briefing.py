"""The quarterly briefing (季度通报) as a page, its edits and its Word file.

Who sees which briefing (``BriefingMixin``, on ``ProgressMixin`` and so
``PlanAccessMixin``): county staff and leaders the county's and any
township's; a township official their own township's only (another region is
a 404, the county's sends them to their own); anyone bound to no region,
department liaisons included, is refused like on the overview (403). Staff
(``reports.briefing.edits.EDIT_BRIEFING``) edit the text; each save is a new
version, shown in the page's history and downloadable as it was.

The text comes from ``reports.briefing.compose`` (the engine's numbers); the
page adds the overview's two charts.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from reports.briefing.compose import compose_briefing
from reports.briefing.docx import DOCX_TYPE, briefing_docx
from reports.briefing.edits import (
    EDIT_BRIEFING,
    BriefingEditError,
    BriefingKey,
    may_edit,
    restore_generated,
    save_edit,
    start_token,
    version_briefing,
)
from reports.briefing.text import body_text, fingerprint
from reports.views import charts, plotting
from reports.views.dashboards import overview_charts
from reports.views.forms import BriefingEditForm
from reports.views.mixins import ProgressMixin
from targets.access import keeping_period


class BriefingMixin(ProgressMixin):
    """The briefing of the county (no ``region`` in the URL) or of one township."""

    @cached_property
    def region(self):
        code = self.kwargs.get("region")
        return None if code is None else self.get_region_or_404(code)

    # Where a township official asking for the county's is sent: the same
    # page of their own township's briefing.
    own_url_name = "reports:briefing_region"

    def check_access(self, request):
        if self.region is None and not self.whole_county:
            own = reverse(self.own_url_name, kwargs={"region": self.own_region.code})
            return redirect(keeping_period(own, request))
        return super().check_access(request)

    @property
    def reads_county_rows(self) -> bool:
        return self.region is None

    def data_region_ids(self):
        return None if self.region is None else {self.region.pk}

    def coverage_region_name(self) -> str:
        return "" if self.region is None else self.region.name

    @cached_property
    def key(self) -> BriefingKey:
        return BriefingKey(
            self.plan,
            self.region,
            self.period.year,
            self.period.quarter,
            # The English briefing is edited apart from the Chinese one.
            translation.get_language(),
        )

    @cached_property
    def generated(self):
        return compose_briefing(
            plan=self.plan,
            year=self.period.year,
            quarter=self.period.quarter,
            regions=self.regions,
            region=self.region,
            # A township's rank among the others only where the bureau allows it.
            show_rank=settings.BRIEFING_SHOW_TOWNSHIP_RANK,
            include_submitted=self.include_submitted,
        )

    @cached_property
    def _every_language(self) -> list:
        """This briefing's versions in every language: one query."""
        return list(self.key.every_language().select_related("created_by"))

    @cached_property
    def versions(self) -> list:
        return [v for v in self._every_language if v.language == self.key.language]

    def edited_in_other_languages(self) -> list[tuple[str, str, object]]:
        """(code, name, version) of each other language whose text staff
        edited (its latest version is not a restore): a reader of the
        generated text here is told the official one is there."""
        latest = {}
        for version in self._every_language:  # newest first
            latest.setdefault(version.language, version)
        return [
            (code, translation.get_language_info(code)["name_translated"], version)
            for code, version in latest.items()
            if code != self.key.language and not version.restored
        ]

    @cached_property
    def current(self):
        """The latest edited version, or None when the generated text stands
        (no edit yet, or the latest version restored it)."""
        latest = self.versions[0] if self.versions else None
        return None if latest is None or latest.restored else latest

    def chosen_version(self):
        """``?version=N``: that version of this briefing (404 when it has
        none); else the current one."""
        number = self.request.GET.get("version")
        if not number:
            return self.current
        chosen = next((v for v in self.versions if str(v.number) == number), None)
        if chosen is None:
            raise Http404(_("没有找到该版本的通报。"))
        return chosen

    def shown(self, version):
        return self.generated if version is None else version_briefing(version, self.generated)

    def urls(self) -> dict[str, str]:
        if self.region is None:
            names, kwargs = ("briefing", "briefing_save", "briefing_word"), {}
        else:
            names = ("briefing_region", "briefing_region_save", "briefing_region_word")
            kwargs = {"region": self.region.code}
        page, save, word = (reverse(f"reports:{name}", kwargs=kwargs) for name in names)
        return {"page": page, "save": save, "word": word}


class BriefingView(BriefingMixin, TemplateView):
    template_name = "reports/briefing.html"

    def get_context_data(self, form=None, error=None, **kwargs):
        context = super().get_context_data(**kwargs)
        version = self.chosen_version()
        briefing = self.shown(version)
        generated_hash = fingerprint(self.generated)
        editable = may_edit(self.request.user)
        if editable and form is None:
            start = self.current
            form = BriefingEditForm(
                initial={
                    "title": start.title if start else self.generated.title,
                    "number_line": start.number_line if start else self.generated.number_line,
                    "body": start.body if start else body_text(self.generated),
                    "base": self.versions[0].number if self.versions else 0,
                    # Editing an edited text keeps its basis: the warning
                    # stays until the generated text is restored.
                    "started_from": start_token(
                        self.key, start.generated_hash if start else generated_hash
                    ),
                }
            )
        context.update(
            region=self.region,
            briefing=briefing,
            version=version,
            current=self.current,
            versions=self.versions,
            # The data changed since this edited text was written.
            data_changed=version is not None
            and not version.restored
            and version.generated_hash != generated_hash,
            edited_elsewhere=self.edited_in_other_languages() if version is None else [],
            form=form if editable else None,
            error=error,
            urls=self.urls(),
            charts=self.briefing_charts(),
        )
        return context

    def briefing_charts(self):
        table = self.table
        if self.region is None:
            return overview_charts(self.plan, table, self.period)
        indicators = table.broken_down
        completion = charts.completion_bars(
            [indicator.name for indicator in indicators],
            [table.get(self.region.pk, indicator.id) for indicator in indicators],
            title=_("%(region)s各指标年度完成率") % {"region": self.region.name},
            period=self.period,
        )
        heatmap = charts.progress_heatmap(
            table,
            title=_("%(region)s进度(实际 ÷ 序时进度)") % {"region": self.region.name},
        )
        return [
            ("chart-completion", plotting.figure_json(completion)),
            ("chart-heatmap", plotting.figure_json(heatmap)),
        ]


class BriefingSaveView(BriefingView):
    """POST: save staff's text as a new version, or restore the generated
    text. Back to the page with a message; bad input re-renders the page with
    the text as typed and says why (HTTP 400), saving nothing."""

    required_permission = EDIT_BRIEFING
    warn_on_bad_period = False
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = BriefingEditForm(request.POST)
        # The quarters the page offers (not one not yet begun): any other
        # would fall back to the default quarter and save into its briefing.
        if self.period_form(request.POST).chosen() is None:
            return self.refuse(form, _("提交的季度无效,请刷新页面后重新编辑。"))
        if not form.is_valid():
            return self.refuse(form, _("提交的内容不完整,请刷新页面后重新编辑。"))
        data = form.cleaned_data
        try:
            if data["action"] == "restore":
                restore_generated(
                    request.user,
                    self.key,
                    generated=self.generated,
                    body=body_text(self.generated),
                    base_number=data["base"],
                )
                message = _("已恢复为系统生成的通报文本。")
            else:
                saved = save_edit(
                    request.user,
                    self.key,
                    generated=self.generated,
                    title=data["title"],
                    number_line=data["number_line"],
                    body=data["body"],
                    base_number=data["base"],
                    started_from=data["started_from"] or "",
                )
                message = _("已保存为第 %(number)s 版。") % {"number": saved.number}
        except BriefingEditError as error:
            return self.refuse(form, str(error))
        messages.success(request, message)
        return redirect(f"{self.urls()['page']}?{self.page_query}")

    def refuse(self, form, error: str):
        return self.render_to_response(self.get_context_data(form=form, error=error), status=400)


class BriefingWordView(BriefingMixin, View):
    """GET: the briefing as .docx, generated or a chosen version (``?version=N``)."""

    own_url_name = "reports:briefing_region_word"

    def get(self, request, *args, **kwargs):
        region = self.kwargs.get("region")
        page = (
            reverse("reports:briefing_region", args=[region])
            if region
            else reverse("reports:briefing")
        )
        if refusal := self.refuse_download_of_bad_period(page):
            return refusal
        version = self.chosen_version()
        briefing = self.shown(version)
        content = briefing_docx(briefing)
        name = briefing.title
        if version is not None:
            name += _("(第%(number)s版)") % {"number": version.number}
        response = HttpResponse(content, content_type=DOCX_TYPE)
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=f"{name}.docx"
        )
        return response
