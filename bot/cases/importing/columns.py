"""The backlog spreadsheet's columns: one table of what each column holds and what its header may
be called (a centre's own sheet in Chinese, or English). README lists the same table."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    required: bool = False
    # Other headers a centre's sheet may use for the same column.
    aliases: tuple[str, ...] = ()

    @property
    def headers(self) -> tuple[str, ...]:
        return (self.zh, self.en, self.key, *self.aliases)


COLUMNS: tuple[Column, ...] = (
    Column(
        "reference", "原编号", "Original number", True, ("原案件编号", "原登记编号", "案件编号", "reference")
    ),
    Column("kind", "类型", "Kind", True, ("事项类型", "案件类型")),
    Column("category", "类别", "Category", False, ("纠纷类别", "问题类别", "事项类别")),
    Column("source", "来源", "Source", True, ("来源渠道", "登记方式", "受理方式")),
    Column("township", "乡镇（街道）", "Township", True, ("乡镇(街道)", "镇（街道）", "乡镇", "所属乡镇")),
    Column("village", "村（社区）", "Village", False, ("村(社区)", "村居", "村（居）", "所属村居")),
    Column("title", "标题", "Title", False, ("事项名称", "案由")),
    Column("description", "事项描述", "Description", True, ("基本情况", "主要内容", "反映内容", "简要案情")),
    Column("other_party", "对方当事人", "Other party", False, ("被反映人", "对方")),
    Column("request", "诉求", "Request", False, ("当事人诉求", "主要诉求")),
    Column("name", "当事人姓名", "Name", False, ("姓名", "当事人", "反映人", "来访人")),
    Column("contact_phone", "联系电话", "Phone", False, ("电话", "手机号码", "联系方式")),
    Column("id_number", "身份证号", "ID number", False, ("身份证号码", "公民身份号码")),
    Column("urgent", "紧急", "Urgent", False),
    Column("elderly", "涉老", "Older resident", False),
    Column("status", "状态", "Status", True, ("办理状态", "当前状态")),
    Column("received", "登记时间", "Received", True, ("登记日期", "来访日期", "收件日期")),
    Column("accepted", "受理时间", "Accepted", False, ("受理日期",)),
    Column("resolved", "办结时间", "Resolved", False, ("办结日期",)),
    Column("closed", "结案时间", "Closed", False, ("结案日期", "归档日期", "归档时间")),
    Column("resolution", "处理情况", "Resolution", False, ("办理情况", "处理结果", "答复意见", "理由")),
    Column("outcome", "办理结果", "Outcome", False, ("化解情况", "调处结果", "调解结果")),
    Column("rating", "满意度", "Satisfaction", False, ("回访满意度", "回访结果")),
    Column("solved", "是否解决", "Solved", False, ("问题是否解决",)),
    Column("surveyed", "回访时间", "Surveyed", False, ("回访日期",)),
    Column("survey_comment", "回访意见", "Survey comment", False, ("回访评价",)),
)

BY_KEY: dict[str, Column] = {column.key: column for column in COLUMNS}


def _normal(header: str) -> str:
    """Headers compared without spaces, case or the difference of full-width brackets."""
    return "".join(header.split()).replace("（", "(").replace("）", ")").casefold()


_BY_HEADER: dict[str, Column] = {_normal(header): column for column in COLUMNS for header in column.headers}


def column_for(header: str) -> Column | None:
    """The column a header names, or None."""
    return _BY_HEADER.get(_normal(header))
