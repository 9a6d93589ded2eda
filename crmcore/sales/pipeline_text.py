"""The words of crmcore.pipeline (catalogues in en / zh) and the sentences its report tables get."""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from crmcore.door import b2b
from crmcore.labels import Catalogue, check_lang

#: readable headers of the pipeline tables
COLUMNS = Catalogue("pipeline.columns", {
    "owner": {"en": "Owner", "zh": "销售负责人"}, "product": {"en": "Product", "zh": "产品"},
    "grade": {"en": "Grade", "zh": "商机等级"}, "period": {"en": "Period", "zh": "期间"},
    "unit": {"en": "Business unit", "zh": "业务单元"}, "account_id": {"en": "Account", "zh": "客户"},
    "competitor": {"en": "Competitor", "zh": "竞争对手"}, "price_driven": {"en": "Price-driven", "zh": "价格导向"},
    "won": {"en": "Won", "zh": "赢单数"}, "lost": {"en": "Lost", "zh": "输单数"},
    "won_amount": {"en": "Won amount", "zh": "赢单金额"}, "lost_amount": {"en": "Lost amount", "zh": "输单金额"},
    "win_rate": {"en": "Win rate", "zh": "赢单率"}, "lower": {"en": "95% interval, low", "zh": "95% 区间下限"},
    "upper": {"en": "95% interval, high", "zh": "95% 区间上限"},
    "created": {"en": "Created in period", "zh": "本期新建商机"},
    "cohort_win_rate": {"en": "Won ÷ created (open incl.)", "zh": "赢单 ÷ 新建（含进行中）"},
    "from_stage": {"en": "From stage", "zh": "起始阶段"}, "to_stage": {"en": "To stage", "zh": "下一阶段"},
    "entered": {"en": "Entered", "zh": "进入数"}, "converted": {"en": "Converted", "zh": "转化数"},
    "dropped": {"en": "Dropped (lost)", "zh": "流失（输单）"}, "pending": {"en": "Still in stage", "zh": "仍在本阶段"},
    "rate": {"en": "Conversion rate", "zh": "转化率"}, "stage": {"en": "Stage", "zh": "阶段"},
    "p_win": {"en": "P(win | stage)", "zh": "该阶段赢单概率"}, "probability": {"en": "Probability", "zh": "赢单概率"},
    "amount": {"en": "Amount", "zh": "商机金额"}, "expected": {"en": "Expected revenue", "zh": "预期收入"},
    "opportunity_id": {"en": "Opportunity", "zh": "商机编号"}, "days_in_stage": {"en": "Days in stage", "zh": "本阶段停留天数"},
    "age_days": {"en": "Age (days)", "zh": "商机存续天数"}, "limit": {"en": "Limit (days)", "zh": "停留上限（天）"},
    "stalled": {"en": "Stalled", "zh": "停滞"}, "opportunities": {"en": "Opportunities", "zh": "商机数"},
    "amount_share": {"en": "Share of amount", "zh": "金额占比"}, "count_share": {"en": "Share of deals", "zh": "数量占比"},
    "resources": {"en": "Resources", "zh": "资源配置"},
    "month": {"en": "Month", "zh": "月份"}, "planned": {"en": "Plan (latest)", "zh": "计划（最新）"},
    "first_plan": {"en": "Plan (first)", "zh": "计划（首次）"}, "annual_plan": {"en": "Annual plan", "zh": "年度考核计划"},
    "actual": {"en": "Actual", "zh": "实际"}, "deviation": {"en": "Deviation vs plan", "zh": "计划偏差率"},
    "annual_deviation": {"en": "Deviation vs annual plan", "zh": "年度计划偏差率"},
    "revisions": {"en": "Revisions", "zh": "调整次数"},
    "budget": {"en": "Budget", "zh": "预算"}, "spend": {"en": "Spend", "zh": "实际费用"},
    "budget_use": {"en": "Budget used", "zh": "预算使用率"},
    "key": {"en": "Group", "zh": "分组"}, "expense": {"en": "Expense", "zh": "费用"},
    "sales_served": {"en": "Won sales served", "zh": "所服务的赢单金额"},
    "expense_ratio": {"en": "Expense-to-sales ratio", "zh": "费效比"},
    "contact_id": {"en": "Key person", "zh": "关键人"},
    "team_rate": {"en": "Rest of team", "zh": "团队其他人"},
    "days_vs_promise": {"en": "Days vs promised close (median)", "zh": "较承诺日期提前/推迟天数（中位数）"},
})

#: columns shown as percentages in the report tables
PCT = ["team_rate", "win_rate", "lower", "upper", "cohort_win_rate", "rate", "p_win", "probability", "count_share", "amount_share",
       "deviation", "annual_deviation", "budget_use", "expense_ratio", "previous", "change", "cost_share"]

#: the resources each grade gets (商机分级 → 资源配置), after the course material's presales scheduling:
#: A/B projects are owned by the delivery team to the end, C/D by the branch itself
RESOURCES = Catalogue("pipeline.resources", {
    "A": {"en": "delivery team owns it to the end; presales engineer; weekly review with the director",
          "zh": "交付团队全程负责；配备售前工程师；每周与总监复盘"},
    "B": {"en": "delivery team owns it to the end; presales on request; fortnightly review",
          "zh": "交付团队全程负责；按需调用售前；每两周复盘"},
    "C": {"en": "the branch handles it; standard proposal; monthly review",
          "zh": "分公司自行跟进；使用标准方案；每月复盘"},
    "D": {"en": "the branch handles it by phone and e-mail (inside sales); no presales",
          "zh": "分公司通过电话和邮件跟进（电话销售）；不投入售前"},
})
#: the rows of pipeline.data_source
DATA_SOURCE = Catalogue("pipeline.data_source", {
    "source": {"en": "source", "zh": "来源"},
    "opportunities": {"en": "opportunities", "zh": "商机数"},
    "outcomes": {"en": "won / lost / open", "zh": "赢单 / 输单 / 进行中"},
    "first_created": {"en": "first created", "zh": "首个商机创建日"},
    "asof": {"en": "snapshot (asof)", "zh": "分析时点"},
    "stage_history": {"en": "stage history", "zh": "阶段历史"},
    "current_only": {"en": "current stage only", "zh": "只有当前阶段"},
    "rows": {"en": "{n} rows", "zh": "{n} 条"},
    "tables": {"en": "plans / budgets / expenses", "zh": "滚动计划 / 预算 / 费用"},
    "yes": {"en": "yes", "zh": "有"}, "no": {"en": "no", "zh": "无"},
})
#: the optional tables of a B2B data set, as data_notes names them
TABLES = Catalogue("pipeline.tables", {
    "plans": {"en": "rolling plans", "zh": "滚动计划"}, "budgets": {"en": "budgets", "zh": "预算"},
    "expenses": {"en": "expenses", "zh": "费用"},
})


def _t(lang: str, en: str, zh: str) -> str:
    return zh if check_lang(lang) == "zh" else en


def _v(x: Any, lang: str) -> Any:
    return b2b.value(x, lang)


def grade_sentence(mix: pd.DataFrame, lang: str = "en") -> str:
    """Where the open amount sits by grade; says when A+B hold less than half the amount."""
    ab = mix[mix["grade"].isin(["A", "B"])]
    n_share, a_share = float(ab["count_share"].sum()), float(ab["amount_share"].sum())
    if a_share >= 0.5:
        return _t(lang, f"Grades A and B are {n_share:.0%} of the open deals but {a_share:.0%} of the open amount: "
                        "the delivery team's time belongs there.",
                  f"A、B 级商机占进行中商机数的 {n_share:.0%}，却占金额的 {a_share:.0%}：交付团队的时间应投在这里。")
    return _t(lang, f"Grades A and B are only {a_share:.0%} of the open amount ({n_share:.0%} of the deals): most of "
                    "the pipeline is C/D work for the branches.",
              f"A、B 级商机只占进行中金额的 {a_share:.0%}（数量的 {n_share:.0%}）：大部分商机是分公司自行跟进的 C、D 级。")


def plan_sentences(table: pd.DataFrame, lang: str = "en", tolerance: float = 0.1) -> list[str]:
    """The units whose actual missed the latest rolling plan by more than ``tolerance`` in the last month."""
    if table.empty:
        return []
    m = table["month"].max()
    t = table[table["month"] == m]
    tot_p, tot_a = t["planned"].sum(), t["actual"].sum()
    dev = (tot_a - tot_p) / tot_p if tot_p else np.nan
    out = [_t(lang, f"In {m} the units sold {tot_a:,.0f} against a rolling plan of {tot_p:,.0f} ({dev:+.1%}).",
              f"{m} 各业务单元实际赢单 {tot_a:,.0f}，滚动计划为 {tot_p:,.0f}（偏差 {dev:+.1%}）。")]
    far = t[t["deviation"].abs() > tolerance].sort_values("deviation")
    if far.empty:
        out.append(_t(lang, f"Every unit is within ±{tolerance:.0%} of its plan.",
                      f"各业务单元的偏差都在 ±{tolerance:.0%} 以内。"))
    else:
        items = ", ".join(f"{_v(r.unit, 'en')} {r.deviation:+.0%}" for r in far.itertuples())
        items_zh = "、".join(f"{_v(r.unit, 'zh')} {r.deviation:+.0%}" for r in far.itertuples())
        out.append(_t(lang, f"Beyond ±{tolerance:.0%} of plan: {items}. A change to next months' plan needs approval; "
                            "ask these units why before they revise.",
                      f"偏差超过 ±{tolerance:.0%} 的：{items_zh}。调整后续月份的滚动计划需要审批，调整前先请这些单元说明原因。"))
    return out


def cost_sentence(table: pd.DataFrame, key: str, lang: str = "en", *, overall: bool = True) -> str:
    """The overall expense-to-sales ratio (each won deal once) and the group with the highest one, and the groups
    with spend but no won sale; ``overall=False`` leaves the overall ratio out (a second theme of one report)."""
    tot_e = table.attrs.get("expense_total", table["expense"].sum())
    tot_s = table.attrs.get("sales_total", table["sales_served"].sum())
    none = table[(table["sales_served"] == 0) & (table["expense"] > 0)]
    ok = table.dropna(subset=["expense_ratio"])
    ratio = tot_e / tot_s if tot_s else np.nan
    s = _t(lang, f"Every 100 of won sales cost {100 * ratio:,.2f} in sales expenses (expense-to-sales ratio "
                 f"{ratio:.2%}).",
           f"每 100 元赢单花费销售费用 {100 * ratio:,.2f} 元（费效比 {ratio:.2%}）。") if overall else ""
    if len(ok):
        w = ok.iloc[0]
        s += _t(lang, f" The highest ratio: {_v(w[key], lang)} at {w['expense_ratio']:.2%}.",
                f"费效比最高的是{_v(w[key], lang)}，为 {w['expense_ratio']:.2%}。")
    if len(none):
        s += _t(lang, f" {len(none):,} group{'s' if len(none) != 1 else ''} spent {none['expense'].sum():,.0f} with no won "
                      "sale yet.",
                f"另有 {len(none):,} 组花费了 {none['expense'].sum():,.0f} 元，尚无赢单。")
    return s.strip()


def data_notes(data: b2b.B2BData, lang: str = "en") -> list[str]:
    """What the data cannot support, said in the report (each only when it applies)."""
    out = []
    if data.current_stage_only:
        out.append(_t(lang, "The export holds each deal's current stage only: stage conversion and P(win | stage) "
                            "cannot be learned from it, days in stage count from the deal's creation, and the "
                            "weighted pipeline uses the given stage probabilities.",
                      "该导出文件只有每个商机的当前阶段：无法据此计算阶段转化率和各阶段赢单概率；阶段停留天数从商机"
                      "创建日起算；加权商机金额采用给定的阶段概率。"))
    if not data.lost_amount_known:
        out.append(_t(lang, "Lost deals carry no amount in this export (close value 0): win rates are by count only; "
                            "by amount they would be 100%.",
                      "该导出文件中输单商机没有金额（成交金额记为 0）：赢单率只按数量计算，若按金额计算会得到 100%。"))
    missing = [t for t in ("plans", "budgets", "expenses") if not data.has(t)]
    if missing:
        out.append(_t(lang, f"The data have no {_en_list([TABLES[m]['en'] for m in missing])}: plan deviation and "
                            "cost-effectiveness are left out of this report.",
                      f"数据中没有{'、'.join(TABLES[m]['zh'] for m in missing)}：本报告不含计划偏差和费效分析。"))
    return out


def _en_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def competitor_sentence(table: pd.DataFrame, lang: str = "en") -> str:
    """The competitor against whom price-driven deals are won least, and whether that is beyond the intervals."""
    pdv = table[table["price_driven"]].sort_values("win_rate")
    if pdv.empty:
        return ""
    w = pdv.iloc[0]
    rest = table.drop(index=w.name)
    apart = bool((rest["lower"] > w["upper"]).all())
    name = _v(w["competitor"], lang)
    if apart:
        return _t(lang, f"Against {name}, price-driven deals are won only {w['win_rate']:.1%} of the time (95% interval "
                        f"{w['lower']:.1%}–{w['upper']:.1%}), below every other group's interval: do not chase "
                        f"price-driven deals against {name} without a cost advantage.",
                  f"与{name}竞争的价格导向型商机赢单率只有 {w['win_rate']:.1%}（95% 区间 {w['lower']:.1%}–"
                  f"{w['upper']:.1%}），低于其他所有组的区间：没有成本优势时，不要在价格导向的商机上与{name}硬拼。")
    return _t(lang, f"Price-driven deals against {name} have the lowest win rate ({w['win_rate']:.1%}), but the "
                    "intervals overlap: not yet a pattern.",
              f"与{name}竞争的价格导向型商机赢单率最低（{w['win_rate']:.1%}），但区间相互重叠：还不能算规律。")


def bias_sentences(table: pd.DataFrame, lang: str = "en", *, early_days: int = 14) -> list[str]:
    """Names an owner as understating only when both signs hold (beats the team beyond his interval and wins
    ``early_days`` or more before the promised date); a high win rate alone is called skill, not sandbagging."""
    out = []
    for r in table.itertuples():
        beats = r.team_rate < r.lower
        early = r.days_vs_promise == r.days_vs_promise and r.days_vs_promise <= -early_days
        if beats and early:
            out.append(_t(lang, f"{_v(r.owner, lang)}'s deals that reached a proposal were won {r.win_rate:.0%} "
                                f"(95% interval {r.lower:.0%}–{r.upper:.0%}) against {r.team_rate:.0%} for the rest of "
                                f"the team, and closed a median {-r.days_vs_promise:.0f} days before the promised date: "
                                "their stages and dates understate the pipeline (sandbagging). Weight these deals "
                                "with the owner's own history.",
                          f"{_v(r.owner, lang)}进入方案报价阶段的商机赢单率为 {r.win_rate:.0%}（95% 区间 {r.lower:.0%}–"
                          f"{r.upper:.0%}），团队其他人为 {r.team_rate:.0%}；其赢单的成交日期中位数比承诺日期早 "
                          f"{-r.days_vs_promise:.0f} 天：其阶段和日期低报了商机（压单）。对这些商机应按该负责人自己的"
                          "历史赢单率加权。"))
        elif beats:
            out.append(_t(lang, f"{_v(r.owner, lang)} wins more of the deals that reach a proposal ({r.win_rate:.0%} "
                                f"against {r.team_rate:.0%}) and closes them on time: a strength to learn from, not a "
                                "forecasting problem.",
                          f"{_v(r.owner, lang)}进入方案报价阶段的商机赢单率更高（{r.win_rate:.0%}，团队其他人为 "
                          f"{r.team_rate:.0%}），且按承诺日期成交：这是值得学习的能力，而不是预测问题。"))
    return out
