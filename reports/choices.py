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
    LEDGER = "ledger", _("台账生成")


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
    # The region has not reported the quarter (or its report is not yet
    # approved): its figures are unknown, which is not 0 and not behind.
    NOT_REPORTED = "not_reported", _("未报")


class SubmissionState(models.TextChoices):
    """Where one region's figures of one quarter stand in the reporting flow
    (填报 → 上报 → 审核 / 退回). A region with no submission row has not
    reported at all (未填报, ``NOT_STARTED`` below, never stored)."""

    DRAFT = "draft", _("填报中")
    SUBMITTED = "submitted", _("已上报")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("已审核")


# The state shown for a region × quarter without a submission row.
NOT_STARTED = "not_started"
NOT_STARTED_LABEL = _("未填报")

# States whose figures the dashboards count: approved only (the bureau's own
# entries are approved as they are written). Staff may ask to include those
# submitted and not yet approved, explicitly.
COUNTED_STATES = (SubmissionState.APPROVED,)
COUNTED_STATES_WITH_SUBMITTED = (SubmissionState.APPROVED, SubmissionState.SUBMITTED)


class SubmissionAction(models.TextChoices):
    """Every transition of a submission, kept with who, when and why."""

    SAVE = "save", _("保存草稿")
    SUBMIT = "submit", _("上报")
    RETURN = "return", _("退回")
    APPROVE = "approve", _("审核通过")
    PROXY = "proxy", _("代填")
    MIGRATED = "migrated", _("升级前已有的数据")


class NoticeKind(models.TextChoices):
    DUE_SOON = "due_soon", _("即将到期提醒")
    OVERDUE = "overdue", _("逾期提醒")
    SUBMITTED = "submitted", _("区域已上报")
    RETURNED = "returned", _("数据被退回")
    APPROVED = "approved", _("数据已审核")


class GoalStatus(models.TextChoices):
    """Where a headline goal stands as of a quarter (``reports.progress.goals``)."""

    MET = "met", _("已达成")
    MET_EARLY = "met_early", _("提前达成")
    ON_COURSE = "on_course", _("按当前进度可达成")
    BEHIND = "behind", _("滞后,仍可追回")
    OUT_OF_REACH = "out_of_reach", _("按当前进度难以达成")
    MISSED = "missed", _("未达成")
    NO_DATA = "no_data", _("暂无数据")


class IncubatorStatus(models.TextChoices):
    """Where an incubator stands; counted carriers are those operating (运营,
    or operating under an order to rectify)."""

    BUILDING = "building", _("在建")
    OPERATING = "operating", _("运营")
    RECTIFYING = "rectifying", _("限期整改")
    DELISTED = "delisted", _("摘牌")
    CLOSED = "closed", _("注销")


# Carriers that count as existing in a stock (a rectifying one still operates).
OPERATING_STATUSES = (IncubatorStatus.OPERATING, IncubatorStatus.RECTIFYING)


class EnterpriseStage(models.TextChoices):
    NURSERY = "nursery", _("苗圃")
    INCUBATING = "incubating", _("孵化")
    ACCELERATING = "accelerating", _("加速")


class ExitReason(models.TextChoices):
    GRADUATED = "graduated", _("毕业")
    MOVED = "moved", _("迁出")
    CLOSED = "closed", _("注销")
    OTHER = "other", _("其他")


class EvaluationDecisionKind(models.TextChoices):
    """What the bureau decided for an incubator after a year's evaluation."""

    RECOMMEND = "recommend", _("择优申报")
    KEEP = "keep", _("维持")
    RECTIFY = "rectify", _("限期整改")
    DELIST = "delist", _("摘牌")
