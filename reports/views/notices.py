"""A user's own notices: the list, and marking one read. Nobody reaches
another user's notice: it answers 404 like one that does not exist."""

from __future__ import annotations

from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from reports.figures.notices import mark_read
from reports.models import Notice

# The notices page lists this many, newest first.
LISTED = 200


class NoticeListView(TemplateView):
    template_name = "reports/notices.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["notices"] = list(Notice.objects.filter(user=self.request.user)[:LISTED])
        return context


class NoticeReadView(View):
    """POST only: mark the user's own notice read, then back to ``next``."""

    def post(self, request, pk: int, *args, **kwargs):
        try:
            mark_read(request.user, pk)
        except Notice.DoesNotExist:
            raise Http404(_("没有找到该通知。")) from None
        target = request.POST.get("next", "")
        # A path of this site only. A bare word ("abc") passes the host check
        # but is no path: redirect() would take it for a view's name.
        safe = target.startswith("/") and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        return HttpResponseRedirect(target if safe else reverse("reports:notices"))
