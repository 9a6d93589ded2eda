"""The course: the order to take the method notebooks, prerequisites, time and what each teaches, and
``crm course DIR`` — learner copies of every notebook in one language (lesson mode; ``student=True``
removes solutions and answers and keeps the self-checks).

The course map lives in :data:`COURSE` only; adding a notebook (11 CLV, 12 sales pipeline, ...) is one
``Lesson(...)`` line. The README's course map and the first part of a lesson build's
``reports/index.html`` are generated from it (``course_map_markdown``, ``course_map_html``).
"""
from __future__ import annotations

import html
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from crmcore.errors import ParameterError


@dataclass(frozen=True)
class Lesson:
    """One notebook of the course: its stem, prerequisites (stems), minutes, and what it teaches."""

    stem: str
    requires: tuple[str, ...]
    minutes: int
    en: str
    zh: str


COURSE: tuple[Lesson, ...] = (
    Lesson("00_data_overview", (), 45,
           "Check, clean and describe a transactions file; comparison analysis against time, space, plan and standard",
           "检查、清洗并描述交易数据；对比分析：与时间、空间、计划和标准对比"),
    Lesson("01_5w2h", ("00_data_overview",), 45,
           "Answer 5W2H (who, what, when, where, why, how, how much) from transactions; people–goods–place",
           "用交易数据回答 5W2H（何人、何事、何时、何地、为何、如何、多少）；人货场分析"),
    Lesson("02_swot", (), 60,
           "Quantified SWOT: IFE and EFE matrices, the IE grid, strategic position and TOWS strategies",
           "量化 SWOT：内部因素评价矩阵（IFE）、外部因素评价矩阵（EFE）、内外部矩阵、战略方位与 TOWS 策略"),
    Lesson("03_porter", (), 45,
           "Score Porter's five forces from weighted drivers; compare scenarios; test the weights' sensitivity",
           "用加权驱动因素为波特五力打分；对比不同情景；检验权重的敏感性"),
    Lesson("04_dupont", (), 60,
           "DuPont analysis in 3 and 5 steps; attribute a change in ROE by chain substitution, Shapley and LMDI",
           "杜邦分析（三因素与五因素）；用连环替代法、Shapley 值和 LMDI 分解净资产收益率的变化"),
    Lesson("05_rfm", ("00_data_overview",), 90,
           "RFM scores, the 8-class and 11-segment schemes, ABC/Pareto, dormancy and segment migration",
           "RFM 评分（最近一次消费、消费频率、消费金额）、八类与十一类客户分群、ABC 帕累托分析、沉睡客户与客户迁移"),
    Lesson("06_ahp", ("05_rfm",), 90,
           "AHP: priorities, consistency ratio and repair, group judgements; customer-value and key-account scores",
           "层次分析法：权重计算、一致性比率与判断矩阵修正、群组决策；客户价值与大客户评分"),
    Lesson("07_clustering", ("05_rfm",), 75,
           "Customer clustering: choosing k, comparing models, checking stability and naming the clusters",
           "客户聚类：选择聚类数 k、比较模型、检验稳定性并为各类客户命名"),
    Lesson("08_bcg", ("00_data_overview",), 45,
           "The BCG growth-share matrix from market data and from a transaction proxy",
           "波士顿矩阵（增长率—市场份额矩阵）：基于市场数据与交易数据代理指标"),
    Lesson("09_sales_targets", ("00_data_overview",), 75,
           "Weight-index sales targets (黄成明《数据化管理》): daily targets, forecasts and tracking",
           "权重指数法制定销售目标（黄成明《数据化管理》）：日目标分解、预测与跟踪"),
    Lesson("10_lifecycle_churn", ("05_rfm",), 90,
           "Customer lifecycle stages, churn warning (error and miss rate), win-back lists and credit grades",
           "客户生命周期阶段、流失预警（错误率与遗漏率）、客户挽回名单与信用等级"),
    Lesson("11_clv", ("05_rfm", "10_lifecycle_churn"), 90,
           "Customer lifetime value: BG/NBD, Pareto/NBD, Gamma-Gamma and sBG models, holdout checks, value segments",
           "客户终身价值：BG/NBD、Pareto/NBD、Gamma-Gamma 与 sBG 模型，验证期检验，按价值分群并制定措施"),
    Lesson("12_sales_pipeline", ("00_data_overview",), 75,
           "The sales pipeline: is the win rate really moving, stalled deals, opportunity grades, rolling plan, cost ratio",
           "销售漏斗管理：赢单率变化是否显著、停滞商机、商机分级、滚动计划与费效比"),
    Lesson("13_key_accounts", ("05_rfm", "06_ahp"), 75,
           "Key accounts: the comprehensive score, importance-gap-closeness tracking, acquire/grow/retain/win back, "
           "decision makers",
           "大客户管理：综合积分法、重要性—差距—关系紧密度跟踪、获取/提升/维系/挽回策略、客户内部决策人"),
    # next: one Lesson(stem, prerequisites, minutes, "en", "zh") line per new notebook
    Lesson("14_weighting_methods", ("05_rfm", "06_ahp"), 75,
           "Weighting methods compared: AHP, fuzzy AHP, Delphi, entropy and CRITIC weights; fuzzy satisfaction scoring",
           "权重确定方法比较：层次分析法、模糊层次分析法、德尔菲法、熵权法与 CRITIC 法；模糊综合评价客户满意度"),
)

_TEXT = {
    "en": {"title": "Course map", "order": "Order", "nb": "Notebook", "req": "Prerequisites", "time": "Time",
           "teaches": "What it teaches", "none": "—", "min": "min",
           "intro": "Take the notebooks in this order; each runs top to bottom on the demo data. "
                    "Total time about {h:.1f} hours."},
    "zh": {"title": "课程地图", "order": "顺序", "nb": "笔记本", "req": "先修", "time": "时长",
           "teaches": "学习内容", "none": "—", "min": "分钟",
           "intro": "请按此顺序学习；每个笔记本都可以在演示数据上从头到尾运行。总计约 {h:.1f} 小时。"},
}


def lessons(available: bool = True) -> list[Lesson]:
    """The course in order (only notebooks that exist in ``notebooks/`` when ``available``)."""
    from crmcore.runner.notebooks import NOTEBOOKS

    return [x for x in COURSE if not available or (NOTEBOOKS / f"{x.stem}.ipynb").exists()]


def _rows(lang: str):
    t = _TEXT[lang]
    items = lessons()
    index = {x.stem: i + 1 for i, x in enumerate(items)}
    for i, x in enumerate(items, start=1):
        req = ", ".join(f"{index.get(r, '?')} {r}" for r in x.requires) or t["none"]
        yield i, x, req


def course_map_markdown(lang: str = "en") -> str:
    """The course map as a Markdown table (README, ``DIR/README.md``)."""
    t = _TEXT[lang]
    lines = [f"| {t['order']} | {t['nb']} | {t['req']} | {t['time']} | {t['teaches']} |", "|---|---|---|---|---|"]
    for i, x, req in _rows(lang):
        lines.append(f"| {i} | `{x.stem}` | {req} | {x.minutes} {t['min']} | {getattr(x, lang)} |")
    return "\n".join(lines)


def course_map_html(lang: str = "en") -> str:
    """The course map as an HTML section (escaped), the first part of a lesson build's index."""
    from crmcore.runner.notebooks import HTML_LANG

    t = _TEXT[lang]
    hours = sum(x.minutes for x in lessons()) / 60
    rows = "".join(f"<tr><td>{i}</td><td><code>{html.escape(x.stem)}</code></td><td>{html.escape(req)}</td>"
                   f"<td>{x.minutes} {t['min']}</td><td>{html.escape(getattr(x, lang))}</td></tr>"
                   for i, x, req in _rows(lang))
    return (f'<section class="crm-course" lang="{HTML_LANG[lang]}"><h1>{t["title"]}</h1>'
            f"<p>{html.escape(t['intro'].format(h=hours))}</p><table><tr><th>{t['order']}</th><th>{t['nb']}</th>"
            f"<th>{t['req']}</th><th>{t['time']}</th><th>{t['teaches']}</th></tr>{rows}</table></section>\n")


def _readme(lang: str, student: bool) -> str:
    hours = sum(x.minutes for x in lessons()) / 60
    if lang == "zh":
        head = ("# 数据化客户管理课程（学员版）\n\n" if student else "# 数据化客户管理课程\n\n") + \
               ("用 JupyterLab 打开本文件夹（`jupyter lab`），按下表顺序打开各笔记本，从上到下运行每个单元格。"
                "修改标记为 `parameters` 的单元格（自定义区域）即可换数据或换设置。练习单元格下方给出了自我检查的调用方法"
                "（`ex.check_1(...)`）。\n\n")
    else:
        head = ("# Data-driven customer management: the course (student edition)\n\n" if student else
                "# Data-driven customer management: the course\n\n") + \
               ("Open this folder in JupyterLab (`jupyter lab`), take the notebooks in the order below and run each "
                "top to bottom. Change the cell tagged `parameters` (自定义区域) to try other data or settings. Each "
                "exercise shows how to call its self-check (`ex.check_1(...)`).\n\n")
    return head + _TEXT[lang]["intro"].format(h=hours) + "\n\n" + course_map_markdown(lang) + "\n"


_DATA_REF = re.compile(r"""(["'])\.\./data/""")
_OUTPUT_REF = re.compile(r"""(["'])\.\./reports/output(["'])""")


def _set_lang_default(source: str, lang: str) -> str:
    return re.sub(r'^(lang\s*:\s*str\s*=\s*)(["\'])\w+\2', rf'\1"{lang}"', source, count=1, flags=re.M)


def learner_copy(nb, *, lang: str, student: bool = False):
    """One notebook as a learner gets it: one language, lesson mode (``student``: no solutions or answers),
    outputs cleared (they were made in English), ``lang`` defaulting to ``lang``, data read from ``data/``."""
    from crmcore.runner.notebooks import LESSON_DROP, STUDENT_DROP, select_cells

    out = select_cells(nb, lang=lang, drop=STUDENT_DROP if student else LESSON_DROP)
    for cell in out.cells:
        if cell.cell_type != "code":
            continue
        cell.outputs = []
        cell.execution_count = None
        src = _DATA_REF.sub(r"\1data/", cell.source)
        src = _OUTPUT_REF.sub(r"\1output\2", src)
        if "parameters" in cell.metadata.get("tags", []):
            src = _set_lang_default(src, lang)
        cell.source = src
    return out


def write_course(out_dir: str | Path, *, lang: str = "en", student: bool = False) -> list[Path]:
    """Write learner copies of every course notebook, the data files they read and ``README.md`` (the
    course map) into ``out_dir``; returns the notebooks written. They run top to bottom from ``out_dir``."""
    import nbformat

    from crmcore.runner.files import check_out_dir
    from crmcore.runner.notebooks import NOTEBOOKS, ROOT, ReportError

    if lang not in ("en", "zh"):
        raise ParameterError(f"--lang {lang!r}: use en or zh.")
    out = check_out_dir(out_dir)
    written = []
    for x in lessons():
        nb = nbformat.read(str(NOTEBOOKS / f"{x.stem}.ipynb"), as_version=4)
        copy = learner_copy(nb, lang=lang, student=student)
        for cell in copy.cells:
            for ref in re.findall(r"""["']data/([\w./-]+)["']""", cell.source if cell.cell_type == "code" else ""):
                src = ROOT / "data" / ref
                if not src.is_file():
                    raise ReportError(f"{x.stem} reads data/{ref}, which is not in {ROOT / 'data'}.")
                (out / "data").mkdir(exist_ok=True)
                shutil.copy2(src, out / "data" / ref)
        target = out / f"{x.stem}.ipynb"
        nbformat.write(copy, str(target))
        written.append(target)
    # the exercise self-checks import crmcore (installed); nothing else is needed beside the notebooks
    (out / "README.md").write_text(_readme(lang, student), encoding="utf-8")
    return written


if __name__ == "__main__":  # pragma: no cover - `python -m crmcore.runner.course` prints the maps for the README
    print(course_map_markdown("en"), course_map_markdown("zh"), sep="\n\n")
