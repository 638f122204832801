"""Request parsers of the API: DRF's, with messages in the caller's language.

DRF words a body it cannot read as "JSON parse error - " followed by Python's
own English description, in every language; a caller of the token endpoint
reads where the body went wrong in words of its own language instead.
"""

from __future__ import annotations

import json

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except ParseError as error:
            cause = error.__context__
            if isinstance(cause, json.JSONDecodeError):
                message = _("请求内容不是有效的 JSON:第%(line)s行第%(column)s列有误。") % {
                    "line": cause.lineno,
                    "column": cause.colno,
                }
            elif isinstance(cause, UnicodeDecodeError):
                message = _("请求内容不是 UTF-8 编码的文本,无法读取为 JSON。")
            else:  # NaN or Infinity, which strict JSON does not allow
                message = _("请求内容不是有效的 JSON。")
            raise ParseError(message) from cause
