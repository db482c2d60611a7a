"""The data model: what one YAML file holds.

One file is one :class:`Report` — a budget project's performance self-evaluation for one budget
year (项目支出绩效自评报告 with its 绩效目标表). Departments (部门) are listed once in
``data/departments.yml``. Every field but the project name is optional, because real reports
leave things out; what is missing is shown as missing, never invented.
"""

from __future__ import annotations

import re
from decimal import Decimal
from enum import StrEnum
from functools import cached_property
from typing import Annotated, Any, NamedTuple

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from gongkai.model.dates import DateError, PartialDate
from gongkai.model.money import MoneyError, parse_amount

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
_UNSAFE_LABEL = re.compile(r"[<>]|&(#\d+|#x[0-9a-f]+|[a-z]+);", re.IGNORECASE)


def _amount(value: object) -> Decimal:
    try:
        return parse_amount(value)
    except MoneyError as error:
        raise PydanticCustomError("amount", str(error)) from None


def _date(value: object) -> PartialDate:
    try:
        return PartialDate.parse(value)
    except DateError as error:
        raise PydanticCustomError("date", str(error)) from None


def _decimal(value: object) -> Decimal:
    """A weight or score (权重, 得分): a plain number, kept exact."""
    if isinstance(value, bool):
        raise PydanticCustomError("number", "应为数字")
    if isinstance(value, int | Decimal):
        number = Decimal(value)
    elif isinstance(value, str) and re.fullmatch(r"\d+(\.\d+)?", value.strip()):
        number = Decimal(value.strip())
    else:
        raise PydanticCustomError("number", "应为数字，如 10 或 7.5")
    if number < 0 or number > 1000:
        raise PydanticCustomError("number", "应为 0 到 1000 之间的数字")
    return number


# Invisible characters that have no place in a report: C0/C1 controls (but tab and line
# break) and the bidirectional overrides that can make text read differently than it is.
_INVISIBLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
MAX_TEXT = 20000  # characters in one field: a whole report is rarely a tenth of it


def _text(value: object) -> str:
    """Text as typed; numbers written without quotes (80000) are kept as their digits."""
    if isinstance(value, bool) or value is None:
        raise PydanticCustomError("text", "应为文字")
    if isinstance(value, int | Decimal):
        return str(value)
    if not isinstance(value, str):
        raise PydanticCustomError("text", "应为文字")
    invisible = _INVISIBLE.search(value)
    if invisible:
        raise PydanticCustomError(
            "text",
            "含有不可见的控制字符（U+{code}），请删去",
            {"code": f"{ord(invisible.group(0)):04X}"},
        )
    if len(value) > MAX_TEXT:
        raise PydanticCustomError(
            "text", "文字过长（超过 {limit} 字），请检查是否粘贴了多余内容", {"limit": MAX_TEXT}
        )
    return value


Amount = Annotated[
    Decimal,
    BeforeValidator(_amount),
    PlainSerializer(lambda v: int(v) if v == v.to_integral_value() else str(v), when_used="json"),
    WithJsonSchema(
        {
            "description": "金额（元），阿拉伯数字，最多两位小数，如 80000",
            "anyOf": [
                {"type": "integer", "minimum": 0},
                {"type": "number", "minimum": 0, "multipleOf": 0.01},
                {"type": "string", "pattern": r"^\d+(\.\d{1,2})?$"},
            ],
        }
    ),
]
DateValue = Annotated[
    PartialDate,
    BeforeValidator(_date),
    PlainSerializer(lambda v: v.iso()),
    WithJsonSchema(
        {
            "description": "日期：2023-02-15；只知月份时写 2023-02",
            "type": "string",
            "pattern": r"^\d{4}-\d{1,2}(-\d{1,2})?$",
        }
    ),
]
Number = Annotated[
    Decimal,
    BeforeValidator(_decimal),
    PlainSerializer(lambda v: int(v) if v == v.to_integral_value() else str(v), when_used="json"),
    WithJsonSchema({"description": "数字，如 10 或 7.5", "type": ["number", "string"]}),
]
Text = Annotated[str, BeforeValidator(_text), WithJsonSchema({"type": "string"})]
Year = Annotated[int, Field(ge=1990, le=2100, description="年度，如 2023")]


class Strict(BaseModel):
    """Base: unknown keys are errors (a misspelt key would otherwise silently lose data); a key
    left empty (``initial:``) counts as not given, so a half-filled skeleton stays valid."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="before")
    @classmethod
    def _drop_empty(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if v is not None}
        return data


def _check_label(value: str) -> str:
    """Names appear in page titles and navigation, where the theme does not escape them."""
    value = value.strip()
    if not value:
        raise PydanticCustomError("label", "不能为空")
    if "\n" in value:
        raise PydanticCustomError("label", "名称只能写一行")
    if _UNSAFE_LABEL.search(value):
        raise PydanticCustomError("label", "名称不能包含尖括号 < > 或 HTML 实体（如 &lt;）")
    if len(value) > 100:
        raise PydanticCustomError("label", "名称过长（超过 100 字），请写简称")
    return value


class Department(Strict):
    """部门：a budget unit that publishes through the portal."""

    slug: str = Field(
        pattern=SLUG_PATTERN,
        description="部门代号（英文小写、数字和连字符），即数据目录名，如 xiqu-xinfangju",
    )
    name: Text = Field(description="部门全称，如 攀枝花市西区信访局")
    short_name: Text | None = Field(None, description="简称")
    code: Text | None = Field(None, description="组织机构代码或统一社会信用代码，用于索引号")
    credit_code: str | None = Field(
        None,
        pattern=r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$",
        description="统一社会信用代码（18 位），索引号格式可用 {credit_code}",
    )
    region: Text | None = Field(None, description="所属地区，如 攀枝花市西区")
    description: Text | None = Field(None, description="部门简介")

    @field_validator("name", "short_name")
    @classmethod
    def _safe_label(cls, value: str | None) -> str | None:
        return None if value is None else _check_label(value)


class DepartmentList(Strict):
    """The content of ``data/departments.yml`` (部门名录)."""

    departments: list[Department] = Field(min_length=1, description="部门列表")


class FundingSource(Strict):
    """资金来源: one row of the form's budget block (财政资金, 财政专户管理资金, 单位资金, 其他资金)."""

    source: Text = Field(description="资金来源，如 财政资金")
    initial: Amount | None = Field(None, description="年初预算（元）")
    adjusted: Amount | None = Field(None, description="全年预算（调整后预算，元）")
    executed: Amount | None = Field(None, description="实际执行（元）")


class BudgetYear(Strict):
    """预算安排: one year's budget and execution of the project, exact in yuan.

    全年预算 (adjusted budget) = 年初预算 + 追加 − 调减; it is computed, never typed.
    """

    year: Year
    initial: Amount | None = Field(None, description="年初预算（元）")
    supplementary: Amount | None = Field(None, description="追加（元）")
    reduction: Amount | None = Field(None, description="调减（元）")
    executed: Amount | None = Field(None, description="实际执行（元）")
    stated_change: Text | None = Field(
        None, description="报告文字中写的较上年变化，原样照录，如 较上年增长66%（网站另行计算）"
    )
    change_reason: Text | None = Field(None, description="增减原因，原样照录")
    execution_reason: Text | None = Field(None, description="执行率偏低（低于90%）的原因")
    stated_adjusted: Amount | None = Field(
        None, description="报告表中所列全年预算数（元），原样照录；网站另行计算"
    )
    stated_rate: Text | None = Field(None, description="报告表中所列执行率，原样照录，如 100%")
    sources: list[FundingSource] = Field(
        default_factory=list,
        description="按资金来源分列（财政资金、单位资金等），各项之和应等于本年合计",
    )

    @model_validator(mode="after")
    def _not_negative(self) -> BudgetYear:
        adjusted = self.adjusted
        if adjusted is not None and adjusted < 0:
            raise PydanticCustomError(
                "budget_negative",
                "{year}年全年预算为负数（年初预算 {initial} + 追加 {supp} − 调减 {red} = {adjusted} 元）；"
                "调减不能大于年初预算与追加之和，请核对",
                {
                    "year": self.year,
                    "initial": self.initial,
                    "supp": self.supplementary or 0,
                    "red": self.reduction or 0,
                    "adjusted": adjusted,
                },
            )
        return self

    @property
    def adjusted(self) -> Decimal | None:
        """全年预算 = 年初预算 + 追加 − 调减 (``None`` without 年初预算)."""
        if self.initial is None:
            return None
        return self.initial + (self.supplementary or 0) - (self.reduction or 0)

    @property
    def rate(self) -> Decimal | None:
        """执行率 = 实际执行 ÷ 全年预算 (``None`` where either is missing or the budget is 0)."""
        adjusted = self.adjusted
        if self.executed is None or not adjusted:
            return None
        return self.executed / adjusted


class DisclosureEvent(Strict):
    """公开事项: one disclosure that the 20-day rule applies to — its approval and publication.

    The publication date is a record: ``gongkai publish`` writes it once; changing it later needs
    a correction entry (更正记录).
    """

    approved: DateValue | None = Field(None, description="批复日期（财政部门批复）")
    published: DateValue | None = Field(None, description="公开日期（由 gongkai publish 记录）")

    @model_validator(mode="after")
    def _published_after_approval(self) -> DisclosureEvent:
        if self.approved and self.published and self.published.certainly_before(self.approved):
            raise PydanticCustomError(
                "event_order",
                "公开日期 {published} 早于批复日期 {approved}",
                {"published": self.published.iso(), "approved": self.approved.iso()},
            )
        return self


class Disclosure(Strict):
    """信息公开: declaration, the two disclosure events, and the page's metadata."""

    declared: DateValue | None = Field(None, description="申报日期")
    targets: DisclosureEvent = Field(
        default_factory=DisclosureEvent, description="绩效目标（随部门预算公开）：批复与公开日期"
    )
    self_evaluation: DisclosureEvent = Field(
        default_factory=DisclosureEvent, description="自评报告（随部门决算公开）：批复与公开日期"
    )
    index_number: Text | None = Field(
        None, description="索引号（由 gongkai publish 编排，编定后不再改变）"
    )
    channel: Text | None = Field(None, description="公开方式或平台，如 政府信息公开网")
    document_number: Text | None = Field(None, description="文号")
    publisher: Text | None = Field(None, description="发布机构（网页原文所载）")
    topic: Text | None = Field(
        None, description="主题分类（未填时用 mkdocs.yml 中的 topic，默认 财政、金融、审计）"
    )


class Correction(Strict):
    """更正记录: a visible change to a published record — when, what, from what to what, why."""

    date: DateValue = Field(description="更正日期")
    field: Text = Field(
        description="更正的字段，如 disclosure.targets.published 或 budget[1].executed"
    )
    old: Text | None = Field(None, description="原值")
    new: Text | None = Field(None, description="新值")
    reason: Text = Field(description="更正原因")

    @field_validator("date")
    @classmethod
    def _exact(cls, value: PartialDate) -> PartialDate:
        if not value.is_exact:
            raise PydanticCustomError("date", "更正日期要写到日，如 2024-03-05")
        return value


class Overview(Strict):
    """一、项目概况."""

    basic_info: list[Text] = Field(default_factory=list, description="（一）项目基本情况，每段一项")
    content: Text | None = Field(None, description="（二）1. 项目主要内容")
    expected_effect: Text | None = Field(None, description="（二）2. 预期效果")
    basis: Text | None = Field(None, description="（二）3. 政策依据")
    procedure: Text | None = Field(None, description="（三）1. 评估程序")
    method: Text | None = Field(None, description="（三）2. 评估方法")


class Funds(Strict):
    """二、项目资金申报及使用情况."""

    application: Text | None = Field(None, description="（一）资金申报及批复情况")
    usage: Text | None = Field(None, description="（二）资金计划、到位及使用情况")
    financial_management: Text | None = Field(None, description="（三）项目财务管理情况")


class Implementation(Strict):
    """三、项目实施及管理情况."""

    organisation: Text | None = Field(None, description="（一）项目组织架构及实施流程")
    management: Text | None = Field(None, description="（二）项目管理情况")
    supervision: Text | None = Field(None, description="（三）项目监管情况")


class Nature(StrEnum):
    """指标性质: how the completed value is compared with the target."""

    EQUAL = "="
    AT_LEAST = "≥"
    AT_MOST = "≤"
    QUALITATIVE = "定性"


_NATURE_ALIASES = {">=": "≥", "<=": "≤", "＝": "=", "等于": "=", "大于等于": "≥", "小于等于": "≤"}


class Indicator(Strict):
    """绩效指标: one row of the three-level indicator table (三级指标).

    Real forms put a value ("全年", "80000", "满意") where the 三级 name belongs, so a row holds a
    name and a target value, either of which may be absent.
    """

    level1: Text | None = Field(None, description="一级指标，如 产出指标（旧表为 完成指标）")
    level2: Text | None = Field(None, description="二级指标，如 数量指标")
    name: Text | None = Field(None, description="三级指标名称")
    nature: Nature | None = Field(None, description="指标性质：=、≥、≤ 或 定性")
    target: Text | None = Field(None, description="指标值（年度目标值），原样照录")
    unit: Text | None = Field(None, description="度量单位，如 元、%、人次")
    actual: Text | None = Field(None, description="完成值（实际完成值），原样照录")
    weight: Number | None = Field(None, description="权重（分值）")
    score: Number | None = Field(None, description="得分（报告所填）")
    reason: Text | None = Field(None, description="未完成原因分析（偏差原因分析及改进措施）")

    @field_validator("nature", mode="before")
    @classmethod
    def _nature_alias(cls, value: Any) -> Any:
        return _NATURE_ALIASES.get(value, value) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _not_empty(self) -> Indicator:
        if self.name is None and self.target is None:
            raise PydanticCustomError("indicator", "指标至少要有名称（name）或指标值（target）")
        return self


class Performance(Strict):
    """四、项目绩效情况: the indicator table (绩效目标表 / 自评表)."""

    table_title: Text | None = Field(
        None, description="表名，如 攀枝花市西区区级保安费用绩效目标表"
    )
    indicators: list[Indicator] = Field(
        default_factory=list, description="指标，每行一项，按表中顺序"
    )
    note: Text | None = Field(None, description="表下说明")


class Evaluation(Strict):
    """五、评价结论及建议."""

    conclusion: Text | None = Field(None, description="（一）评价结论")
    recommended_budget: Amount | None = Field(None, description="结论中建议的下年预算申报数（元）")
    problems: Text | None = Field(None, description="（二）存在的问题")
    suggestions: Text | None = Field(None, description="（三）相关建议")
    execution_weight: Number | None = Field(
        None, description="报告所列预算执行率的分值（权重）；不写时按网站设置（默认 10 分）"
    )
    execution_score: Number | None = Field(None, description="报告所填预算执行得分")
    total_score: Number | None = Field(None, description="报告所填自评总分")
    grade: Text | None = Field(None, description="报告所填评价等级：优、良、中、差")


class Attachment(Strict):
    """原文附件: the document as it was published (the signed PDF, the Word file), kept beside
    the data file and copied into the site with its checksum."""

    file: Text = Field(
        description="文件路径，相对于本数据文件所在目录，如 原文/保安费用自评报告.pdf"
    )
    title: Text | None = Field(None, description="附件名称，未填时用文件名")


class DocumentKind(StrEnum):
    """公开文件的种类: what a department publishes in its disclosure column."""

    REPORT = "自评报告"  # 项目支出绩效自评报告: the narrative report (the sample)
    FORM = "自评表"  # 项目支出绩效自评表: the form (财预〔2020〕10号, provincial variants)
    TARGETS = "绩效目标表"  # published with the budget, before any money is spent
    DEPARTMENT = "部门整体"  # 部门（单位）整体支出绩效自评报告 / 评价表

    @property
    def event(self) -> str:
        """The disclosure event whose 20-day deadline this document meets: targets run from the
        budget's approval, self-evaluations from the final accounts' approval."""
        return "targets" if self is DocumentKind.TARGETS else "self_evaluation"


def is_total_label(label: str) -> bool:
    """A money row's name that makes it a total (年度资金总额, 合计, 总计; not "其中：…").

    >>> is_total_label("年度资金总额"), is_total_label("其中：本年财政拨款")
    (True, False)
    """
    return any(word in label for word in ("总额", "合计", "总计")) and not label.startswith("其中")


class FundRow(Strict):
    """资金情况: one row of a form's money block exactly as the form states it (年度资金总额,
    其中：本年财政拨款, 上年结转资金, 其他资金); a total row is checked against its parts."""

    label: Text = Field(description="行名，如 年度资金总额、其中：本年财政拨款")
    initial: Amount | None = Field(None, description="年初预算数（元）")
    adjusted: Amount | None = Field(None, description="全年预算数（元）")
    executed: Amount | None = Field(None, description="全年执行数（元）")
    weight: Number | None = Field(None, description="分值")
    rate: Text | None = Field(None, description="执行率，原样照录")
    score: Number | None = Field(None, description="得分")
    reason: Text | None = Field(None, description="执行率偏低等的原因，原样照录")

    @property
    def is_total(self) -> bool:
        """年度资金总额 / 合计 / 总计: the row its parts must add up to."""
        return is_total_label(self.label)


class FundColumn(StrEnum):
    """A column of a form's money block (资金情况表的列)."""

    INITIAL = "initial"
    ADJUSTED = "adjusted"
    EXECUTED = "executed"
    WEIGHT = "weight"
    RATE = "rate"
    SCORE = "score"
    REASON = "reason"


class Goal(Strict):
    """年度总体目标: one row of the form's 预期目标 | 实际完成情况."""

    expected: Text | None = Field(None, description="预期目标")
    actual: Text | None = Field(None, description="实际完成情况")


class Form(Strict):
    """The blocks of a form (自评表, 绩效目标表, 部门整体评价表) that the narrative report has not:
    its header, its money block and its overall goals, as stated."""

    project_code: Text | None = Field(None, description="项目代码，如 51000021R000000019951")
    supervisor: Text | None = Field(None, description="主管部门")
    supervisor_code: Text | None = Field(None, description="主管部门代码，如 219")
    implementer: Text | None = Field(None, description="实施单位")
    implementer_code: Text | None = Field(None, description="实施单位代码")
    unit_of_money: Text | None = Field(None, description="表中金额单位，原样照录，如 万元")
    fund_columns: list[FundColumn] = Field(
        default_factory=list,
        description="原表资金情况有哪些列（initial、adjusted、executed、weight、rate、score、reason），"
        "没有写时按全国表式显示",
    )
    funds: list[FundRow] = Field(default_factory=list, description="资金情况各行，按表中顺序")
    goals: list[Goal] = Field(default_factory=list, description="年度总体目标")
    total_weight: Number | None = Field(None, description="总分一行所填的分值合计")


class OcrField(Strict):
    """One value read from a scan by OCR (文字识别), with the confidence of the words it came
    from, in percent (100 = certain); a value the import derived (a sum, a year) has none."""

    field: str = Field(description="字段，如 budget[0].executed")
    text: Text = Field(description="识别出的原文")
    confidence: Number | None = Field(None, description="识别置信度（百分数，100 为完全确定）")


class OcrReading(Strict):
    """文字识别: the file was read from a scan or photo. Not published until a person has
    compared every value with the paper and set ``checked: true``."""

    source: Text = Field(description="扫描件或照片的文件名")
    checked: bool = Field(False, description="已由经办人员对照原件逐项核对（核对后改为 true）")
    fields: list[OcrField] = Field(default_factory=list, description="各字段的识别原文与置信度")


class Report(Strict):
    """项目支出绩效自评报告 (or another kind of disclosure document, see ``kind``): one project,
    or one department's whole spending, in one budget year; one YAML file under
    ``data/<年度>/<部门代号>/``."""

    name: Text = Field(description="项目名称，如 保安费用")
    slug: str | None = Field(
        None,
        pattern=SLUG_PATTERN,
        description="网址名（拼音，小写，连字符分隔）；不写则由项目名称自动生成",
    )
    title: Text = Field("项目支出绩效自评报告", description="报告标题")
    kind: DocumentKind = Field(
        DocumentKind.REPORT,
        description="文件种类：自评报告（默认）、自评表、绩效目标表、部门整体（部门整体支出自评）",
    )
    incomplete: bool = Field(
        False, description="导入的片段，尚待补全（gongkai check --strict 不让它公开）"
    )
    ocr: OcrReading | None = Field(
        None, description="由扫描件文字识别导入：各字段的置信度，以及是否已对照原件核对"
    )
    form: Form = Field(default_factory=Form, description="表格的表头、资金情况和年度总体目标")
    budget: list[BudgetYear] = Field(default_factory=list, description="历年预算安排与执行（元）")
    disclosure: Disclosure = Field(
        default_factory=Disclosure, description="资金申报、批复与公开日期"
    )
    overview: Overview = Field(default_factory=Overview, description="一、项目概况")
    funds: Funds = Field(default_factory=Funds, description="二、项目资金申报及使用情况")
    implementation: Implementation = Field(
        default_factory=Implementation, description="三、项目实施及管理情况"
    )
    performance: Performance = Field(default_factory=Performance, description="四、项目绩效情况")
    evaluation: Evaluation = Field(default_factory=Evaluation, description="五、评价结论及建议")
    corrections: list[Correction] = Field(
        default_factory=list, description="更正记录：已公开内容的每次更改，按日期先后"
    )
    attachments: list[Attachment] = Field(
        default_factory=list, description="原文附件：签章的 PDF 或 Word 原件，放在数据文件旁"
    )
    unplaced: list[Text] = Field(
        default_factory=list, description="导入时未能归类的原文；请移到合适的字段后删去"
    )

    @field_validator("name")
    @classmethod
    def _safe_label(cls, value: str) -> str:
        return _check_label(value)

    @field_validator("budget")
    @classmethod
    def _years_unique(cls, budget: list[BudgetYear]) -> list[BudgetYear]:
        years = [b.year for b in budget]
        duplicates = sorted({y for y in years if years.count(y) > 1})
        if duplicates:
            raise PydanticCustomError(
                "budget_years",
                "年度 {years} 重复出现，每年只写一次",
                {"years": "、".join(map(str, duplicates))},
            )
        return sorted(budget, key=lambda b: b.year)

    @cached_property
    def stated_dates(self) -> tuple[StatedDate, ...]:
        """Every date the report states (申报、批复、公开、更正日期), with where it stands and
        its name. Worked out once for a report: a report never changes (a serve session keeps
        the report of a file that did not change, and asks again at every build)."""
        found: list[StatedDate] = []
        for loc, label in _DATE_FIELDS:
            value: object = self
            for part in loc:
                value = getattr(value, str(part))
            if isinstance(value, PartialDate):
                found.append(StatedDate(loc, label, value))
        for index, correction in enumerate(self.corrections):
            found.append(StatedDate(("corrections", index, "date"), "更正日期", correction.date))
        return tuple(found)

    @cached_property
    def made_public(self) -> tuple[PartialDate, ...]:
        """The days the report's content was made public: its publications and corrections."""
        return tuple(d.value for d in self.stated_dates if d.label in _PUBLIC_LABELS)


class StatedDate(NamedTuple):
    """A date a report states: where it stands in the file, its name, its value."""

    loc: tuple[str | int, ...]
    label: str
    value: PartialDate


_DATE_FIELDS = (
    (("disclosure", "declared"), "申报日期"),
    (("disclosure", "targets", "approved"), "绩效目标批复日期"),
    (("disclosure", "targets", "published"), "绩效目标公开日期"),
    (("disclosure", "self_evaluation", "approved"), "自评报告批复日期"),
    (("disclosure", "self_evaluation", "published"), "自评报告公开日期"),
)
_PUBLIC_LABELS = frozenset({"绩效目标公开日期", "自评报告公开日期", "更正日期"})


_FIELD_STEP = re.compile(r"([A-Za-z_]+)|\[(\d+)\]")
_SECTIONS = (
    "budget",
    "disclosure",
    "performance",
    "evaluation",
    "overview",
    "funds",
    "implementation",
)


def field_label(report: Report, path: str) -> str:
    """A field path of a correction (``budget[1].executed``) in the words of the form, for
    the public page: the labels of the fields' descriptions, a budget line by its year.

    >>> r = Report.model_validate({"name": "x", "budget": [{"year": 2022}, {"year": 2023}]})
    >>> field_label(r, "budget[1].executed"), field_label(r, "disclosure.targets.published")
    ('2023年 实际执行', '绩效目标 公开日期')
    """
    words: list[str] = []
    model: Any = type(report)
    value: Any = report
    for name, index in _FIELD_STEP.findall(path):
        if index:
            items = value if isinstance(value, list) else []
            value = items[int(index)] if int(index) < len(items) else None
            year = getattr(value, "year", None)
            words.append(f"{year}年" if year else f"第{int(index) + 1}项")
            continue
        fields = getattr(model, "model_fields", {})
        if name not in fields:
            return path  # not a field of the form: shown as written
        field = fields[name]
        if len(words) or name not in _SECTIONS:  # "历年预算安排与执行" says nothing here
            text = re.sub(r"^[（(][一二三四五六七八九十\d]+[）)]", "", field.description or name)
            words.append(re.split(r"[（(：:，,]", text)[0])
        value = getattr(value, name, None)
        annotation = field.annotation
        inner = getattr(annotation, "__args__", None)
        model = inner[0] if inner else annotation
        if hasattr(model, "__args__"):
            model = model.__args__[0]
    return " ".join(words)
