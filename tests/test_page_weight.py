"""Pages travel compressed: a repeat visit re-fetches only the HTML (static
files are cached for a year), so the HTML's size on the wire is the repeat
visit's weight (benchmarks/README.md measures both visits)."""

from __future__ import annotations

import gzip

from django.urls import reverse


def test_a_dashboard_is_sent_gzipped_to_a_browser_that_accepts_it(client_for, staff, demo):
    client = client_for(staff)
    plain = client.get(reverse("reports:overview"))
    packed = client.get(reverse("reports:overview"), HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    html = gzip.decompress(packed.content)
    assert abs(len(html) - len(plain.content)) < len(plain.content) // 20  # the same page
    assert len(packed.content) * 3 < len(plain.content)
