"""Choices for reported figures and quarter bookkeeping."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    """How a figure was written; kept in its history."""

    FORM = "form", _("表单")
    UPLOAD = "upload", _("Excel 上传")
    COMMAND = "command", _("命令行")
    ADMIN = "admin", _("管理后台")
    API = "api", _("接口")
    DEMO = "demo", _("演示数据")


class QuarterAction(models.TextChoices):
    CLOSE = "close", _("关闭")
    REOPEN = "reopen", _("重新开放")


class Status(models.TextChoices):
    """Progress of a region × indicator against its target and 序时进度."""

    DONE = "done", _("已完成")
    ON_PACE = "on_pace", _("符合序时")
    BEHIND = "behind", _("滞后")
    SERIOUSLY_BEHIND = "seriously_behind", _("严重滞后")
    NO_TARGET = "no_target", _("无目标")
