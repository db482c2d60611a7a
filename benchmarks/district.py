"""A district's data, synthetic (区县规模的合成数据): 80 departments of 8 to 40 projects each,
reported every year, about 1,500 project-years a year — the shape of issue 27.

Budgets spread as a district's do (a few large projects, many small ones); execution mostly
near the budget, some far under, a few over, a few reports without 实际执行; a project's budget
moves from year to year. Seeded: the same call writes the same files. Used by
``benchmarks/bench.py --district`` and by the tests of a district-sized year.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import yaml


def _words(text: str) -> list[str]:
    return text.split()


# 区直部门: real kinds of district departments, numbered where a district has more than these.
_DEPARTMENTS = _words(
    "教育局 民政局 司法局 财政局 人力资源和社会保障局 自然资源局 生态环境分局 住房和城乡建设局 "
    "交通运输局 水利局 农业农村局 商务局 文化广播电视和旅游局 卫生健康局 退役军人事务局 "
    "应急管理局 审计局 市场监督管理局 统计局 医疗保障局 信访局 林业局 城市管理局 体育局 "
    "科学技术局 经济信息化局 发展和改革局 机关事务服务中心 档案馆 残疾人联合会 妇女联合会 总工会 "
    "团委 科学技术协会 工商业联合会 红十字会 融媒体中心 疾病预防控制中心 人民医院 中医医院"
)
_WORK = _words(
    "校舍维修 教师培训 学生资助 营养改善 困难群众救助 临时救助 养老服务 法律援助 人民调解 "
    "社区矫正 农村公路养护 城乡公交补贴 河道清淤 高标准农田管护 动物防疫 森林防火 "
    "安全生产检查 应急物资储备 食品安全抽检 疫苗冷链 老年人健康体检 就业培训 "
    "退役军人优抚 信访维稳 档案数字化 普法宣传 垃圾分类收运 危房改造 路灯维护 信息化运维"
)
_TAIL = ("经费", "项目", "专项资金", "补助资金", "工作经费")


def department_names(count: int) -> list[tuple[str, str, str]]:
    """``count`` departments: slug, full name and short name."""
    rows = []
    for number in range(count):
        base = _DEPARTMENTS[number % len(_DEPARTMENTS)]
        suffix = "" if number < len(_DEPARTMENTS) else str(number // len(_DEPARTMENTS) + 1)
        short = f"区{base}{suffix}"
        rows.append((f"bumen-{number:02d}", f"示例市示例区{base}{suffix}", short))
    return rows


def _budget(rng: random.Random) -> int:
    """A 全年预算 in yuan: log-uniform from 20 thousand to 20 million, rounded to hundreds."""
    return int(round(10 ** rng.uniform(4.3, 7.3), -2))


def _executed(rng: random.Random, budget: int) -> int | None:
    roll = rng.random()
    if roll < 0.03:
        return None  # the report leaves 实际执行 empty
    if roll < 0.15:
        share = rng.uniform(0.3, 0.8)  # far under
    elif roll < 0.2:
        share = rng.uniform(1.0, 1.15)  # over the budget
    else:
        share = rng.uniform(0.85, 1.0)
    return int(round(budget * share, -2))


def write_district(
    data: Path,
    departments: int = 80,
    years: tuple[int, ...] = (2019, 2020, 2021, 2022, 2023),
    projects: tuple[int, int] = (8, 40),
    seed: int = 27,
) -> int:
    """Write the registry and one small 自评表-style report per project and year under
    ``data``; returns how many project-years were written."""
    rng = random.Random(seed)
    registry = department_names(departments)
    data.mkdir(parents=True, exist_ok=True)
    (data / "departments.yml").write_text(
        yaml.safe_dump(
            {"departments": [{"slug": s, "name": n, "short_name": h} for s, n, h in registry]},
            allow_unicode=True,
            sort_keys=False,
        ),
        encoding="utf-8",
    )
    written = 0
    for slug, _full, short in registry:
        # Most departments run a handful of projects, a few run many (mean about 19).
        for number in range(round(rng.triangular(projects[0], projects[1], 10))):
            work = _WORK[rng.randrange(len(_WORK))]
            name = f"{short[1:]}{work}{rng.choice(_TAIL)}（{number + 1}）"
            budget = _budget(rng)
            for year in years:
                budget = max(10000, int(round(budget * rng.uniform(0.8, 1.25), -2)))
                line: dict[str, Any] = {"year": year, "initial": budget}
                executed = _executed(rng, budget)
                if executed is not None:
                    line["executed"] = executed
                report = {
                    "name": name,
                    "slug": f"{slug}-xm-{number:02d}",
                    "kind": "自评表",
                    "budget": [line],
                }
                folder = data / str(year) / slug
                folder.mkdir(parents=True, exist_ok=True)
                (folder / f"xm-{number:02d}.yml").write_text(
                    yaml.safe_dump(report, allow_unicode=True, sort_keys=False), encoding="utf-8"
                )
                written += 1
    return written
