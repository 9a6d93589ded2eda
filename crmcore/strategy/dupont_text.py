"""Words and sentences of crmcore.dupont (en / zh): the catalogues of factor, item and column names, the
formatting of components (17.1%, 2.24× / 2.24次), and the sentences and reader tables built from the numbers.

Every table here is a :class:`crmcore.labels.Catalogue`; the computation lives in ``dupont``, the plots in
``dupont_plots``.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Mapping

import numpy as np
import pandas as pd

from crmcore.labels import Catalogue, check_lang, text

if TYPE_CHECKING:
    from crmcore.strategy.dupont import AttributionResult, DupontResult

# --------------------------------------------------------------------------------------------
# Catalogues
# --------------------------------------------------------------------------------------------

LABELS = Catalogue("dupont.labels", {
    "roe": {"en": "return on equity (ROE)", "zh": "净资产收益率"},
    "roa": {"en": "return on assets (ROA)", "zh": "总资产净利率"},
    "net_margin": {"en": "net profit margin", "zh": "销售净利率"},
    "asset_turnover": {"en": "total asset turnover", "zh": "总资产周转率"},
    "equity_multiplier": {"en": "equity multiplier", "zh": "权益乘数"},
    "tax_burden": {"en": "tax burden", "zh": "税负"},
    "interest_burden": {"en": "interest burden", "zh": "利息负担"},
    "ebit_margin": {"en": "EBIT margin", "zh": "息税前利润率"},
    # statement items
    "net_income": {"en": "net income", "zh": "净利润"},
    "revenue": {"en": "revenue", "zh": "营业收入"},
    "total_assets": {"en": "total assets", "zh": "总资产"},
    "equity": {"en": "equity", "zh": "所有者权益"},
    "pretax_income": {"en": "pre-tax income", "zh": "利润总额"},
    "interest_expense": {"en": "interest expense", "zh": "利息费用"},
    "operating_income": {"en": "operating income", "zh": "营业利润"},
    "ebit": {"en": "EBIT", "zh": "息税前利润"},
    # conventions and titles
    "steps_3": {"en": "3-step", "zh": "三因素"},
    "steps_5": {"en": "5-step", "zh": "五因素"},
    "balance_average": {"en": "average balances", "zh": "平均余额"},
    "balance_end": {"en": "year-end balances", "zh": "期末余额"},
    "ebit_operating_income": {"en": "EBIT = operating income", "zh": "息税前利润 = 营业利润"},
    "ebit_pretax_plus_interest": {"en": "EBIT = pre-tax income + interest", "zh": "息税前利润 = 利润总额 + 利息费用"},
    "ebit_reported": {"en": "EBIT as reported", "zh": "息税前利润取报表数"},
    "tree_title": {"en": "DuPont tree", "zh": "杜邦分析树"},
    "waterfall_title": {"en": "What moved ROE", "zh": "净资产收益率变动因素分解"},
    "trends_title": {"en": "DuPont components over time", "zh": "杜邦指标趋势"},
    "peers_title": {"en": "Peers: margin × turnover", "zh": "同业比较：销售净利率 × 总资产周转率"},
    "index_axis": {"en": "index (first period = 100)", "zh": "指数（首期 = 100）"},
    "iso_roa": {"en": "iso-ROA curves", "zh": "等总资产净利率曲线"},
    "period": {"en": "period", "zh": "期间"},
    "effect_pp": {"en": "effect on ROE (percentage points)", "zh": "对净资产收益率的影响（百分点）"},
    "whiskers": {"en": "whiskers: chain substitution over all {n} orders",
                 "zh": "须线：全部 {n} 种替代顺序下的连环替代结果"},
    "method_chain": {"en": "chain substitution in the order given", "zh": "按给定顺序连环替代"},
    "method_shapley": {"en": "Shapley, order-free", "zh": "Shapley 分解，与顺序无关"},
    "method_lmdi": {"en": "LMDI", "zh": "对数平均迪氏指数法（LMDI）"},
    "up": {"en": "up", "zh": "上升"},
    "down": {"en": "down", "zh": "下降"},
})

#: the demo file's fictional companies in Chinese (a user's own company names pass through unchanged)
COMPANY_NAMES = Catalogue("dupont.company_names", {
    "Huamei Retail": {"en": "Huamei Retail", "zh": "华美零售"},
    "Lvyuan Mart": {"en": "Lvyuan Mart", "zh": "绿源超市"},
})


#: readable headers of the results' to_frame(lang) (the result protocol of crmcore.results)
RESULT_COLUMNS = Catalogue("dupont.result_columns", {
    "balance_basis": {"en": "Balance basis", "zh": "余额口径"},
    "total_assets_end": {"en": "Total assets, year end", "zh": "期末总资产"},
    "equity_end": {"en": "Equity, year end", "zh": "期末股东权益"},
    "roe_product": {"en": "ROE as the product of the factors", "zh": "各因素连乘的净资产收益率"},
    "reported_roe": {"en": "Reported ROE", "zh": "报告的净资产收益率"},
    "reconciliation_error": {"en": "Difference from the reported ROE", "zh": "与报告值的差异"},
})

#: readable headers (en/zh) for crm.show
COLUMNS = Catalogue("dupont.columns", {
    **{k: {"en": v["en"][0].upper() + v["en"][1:], "zh": v["zh"]} for k, v in LABELS.items()},
    "company": {"en": "Company", "zh": "公司"},
    "period": {"en": "Period", "zh": "期间"},
    "item": {"en": "Item", "zh": "项目"},
    "factor": {"en": "Factor", "zh": "因素"},
    "base": {"en": "Base period", "zh": "基期"},
    "current": {"en": "Current period", "zh": "本期"},
    "chain": {"en": "Chain substitution (pp)", "zh": "连环替代（百分点）"},
    "chain_min": {"en": "Chain, smallest over all orders (pp)", "zh": "各替代顺序中最小（百分点）"},
    "chain_max": {"en": "Chain, largest over all orders (pp)", "zh": "各替代顺序中最大（百分点）"},
    "shapley": {"en": "Shapley (pp)", "zh": "Shapley 分解（百分点）"},
    "lmdi": {"en": "LMDI (pp)", "zh": "LMDI（百分点）"},
    "roe_end": {"en": "ROE, year-end balances", "zh": "净资产收益率（期末余额）"},
    "roe_average": {"en": "ROE, average balances", "zh": "净资产收益率（平均余额）"},
    "roe_gap": {"en": "Gap (pp)", "zh": "差额（百分点）"},
    "equity_multiplier_end": {"en": "Equity multiplier, year-end", "zh": "权益乘数（期末）"},
    "equity_multiplier_average": {"en": "Equity multiplier, average", "zh": "权益乘数（平均）"},
    "total": {"en": "Total", "zh": "合计"},
})

#: what a manager can do about a factor that pulled ROE down
ACTIONS_DOWN = Catalogue("dupont.actions_down", {
    "net_margin": {"en": "review prices, discounts, the cost of goods and operating expenses before chasing more sales",
                   "zh": "先检查定价、折扣、商品成本和各项费用，再考虑扩大销售"},
    "ebit_margin": {"en": "each sale earns less before interest and tax; review gross margin and operating expenses",
                    "zh": "每一元销售在扣除利息和所得税前赚得更少，应检查毛利率和经营费用"},
    "tax_burden": {"en": "check the effective tax rate (one-off items, expired tax relief, non-deductible costs)",
                   "zh": "检查实际税率，是否有一次性项目、税收优惠到期或不可抵扣的费用"},
    "interest_burden": {"en": "interest takes a larger bite of operating profit; review the cost and the level of "
                              "borrowing",
                        "zh": "利息占用的经营利润更多，应检查借款成本和负债规模"},
    "asset_turnover": {"en": "assets work less hard; look at slow-moving inventory, receivables and under-used stores",
                       "zh": "资产使用效率下降，应关注滞销库存、应收账款和利用不足的门店"},
    "equity_multiplier": {"en": "leverage fell, so ROE is lower but so is financial risk; no action unless the firm is "
                                "under-geared",
                          "zh": "财务杠杆下降，净资产收益率随之降低，但财务风险也降低了；除非杠杆明显偏低，否则无须采取措施"},
})
#: the action for a factor without its own entry in ACTIONS_DOWN (a user's own factor names)
ACTION_FALLBACK = Catalogue("dupont.action_fallback", {
    "fell": {"en": "find out why it fell", "zh": "查明其下降原因"},
})
#: statement rows that are not factors, as statements_table names them
STATEMENT_NAMES = Catalogue("dupont.statement_names", {
    "roe": {"en": "reported ROE", "zh": "报告的净资产收益率"},
    "income_tax": {"en": "income tax", "zh": "所得税"},
})

_PERCENT_KEYS = {"roe", "roa", "net_margin", "ebit_margin"}


def company_name(company: Any, lang: str = "en") -> str:
    """A company's name in ``lang``: the demo companies are translated, other names are kept."""
    check_lang(lang)
    c = str(company)
    return COMPANY_NAMES[c][lang] if c in COMPANY_NAMES else c


def factor_name(key: str, lang: str = "en") -> str:
    """A factor's or ratio's name in ``lang`` ("net_margin" → "net profit margin" / "销售净利率")."""
    return text(key, lang, LABELS)


def _item_label(item: str) -> str:
    return f"{item!r} ({LABELS[item]['zh']})" if item in LABELS else repr(item)


# --------------------------------------------------------------------------------------------
# Numbers as a reader reads them
# --------------------------------------------------------------------------------------------

def _fmt(key: str, v: float, lang: str = "en", extra: int = 0) -> str:
    """A component as a reader reads it: margins and ROE in %, turnover and multiplier with × (次/倍)."""
    if v is None or not np.isfinite(v):
        return "–"
    if key in _PERCENT_KEYS:
        return f"{v:.{1 + extra}%}"
    if key in ("asset_turnover", "equity_multiplier"):
        return f"{v:.{2 + extra}f}×" if lang == "en" else f"{v:.{2 + extra}f}{'次' if key == 'asset_turnover' else '倍'}"
    return f"{v:.{3 + extra}f}"


def _fmt_pair(key: str, a: float, b: float, lang: str = "en") -> tuple[str, str]:
    """``a`` and ``b`` formatted with enough decimals (up to 2 more) that different values never read
    the same ("rose from 17.1% to 17.1%")."""
    for extra in range(3):
        fa, fb = _fmt(key, a, lang, extra), _fmt(key, b, lang, extra)
        if fa != fb or a == b:
            break
    return fa, fb


def _pp(v: float, lang: str = "en", signed: bool = True) -> str:
    s = f"{v * 100:+.2f}" if signed else f"{abs(v) * 100:.2f}"
    return f"{s} pp" if lang == "en" else f"{s}个百分点"


def conventions_text(conv: Mapping[str, Any], lang: str = "en") -> str:
    """One line naming the conventions, for plot subtitles and reports."""
    parts = []
    if conv.get("steps") in (3, 5):
        parts.append(text(f"steps_{conv['steps']}", lang, LABELS))
    if conv.get("balance"):
        parts.append(text(f"balance_{conv['balance']}", lang, LABELS))
    if conv.get("steps") == 5 and conv.get("ebit"):
        parts.append(text(f"ebit_{conv['ebit']}", lang, LABELS))
    return " · ".join(parts)


# --------------------------------------------------------------------------------------------
# Sentences
# --------------------------------------------------------------------------------------------

def _join(parts: list[str], last: str, sep: str = ", ") -> str:
    return parts[0] if len(parts) == 1 else sep.join(parts[:-1]) + last + parts[-1]


def interpret(attr: AttributionResult, lang: str = "en") -> list[str]:
    """Sentences, generated from the numbers, saying how ROE moved and which factor drove it.

    Values that differ are printed with enough decimals to differ; the factors that "brought" the
    change are only those whose effect has its sign (a factor pulling the other way is named as such).
    """
    check_lang(lang)
    eff = attr.effect
    lab = {k: text(k, lang, LABELS) for k in eff.index}
    ch = attr.change
    b, c = attr.base_total, attr.current_total
    bl, cl = attr.base_label, attr.current_label
    fb, fc = _fmt_pair("roe", b, c, lang)
    ranked = eff.abs().sort_values(ascending=False, kind="stable").index.tolist()
    top = ranked[0]
    x0, x1 = attr.effects.loc[top, "base"], attr.effects.loc[top, "current"]
    f0, f1 = _fmt_pair(top, x0, x1, lang)
    how = text(f"method_{attr.headline}", lang, LABELS)
    if lang == "zh":  # "2024年" for a year, the label as is for a quarter or month
        bl, cl = (f"{x}年" if re.fullmatch(r"\d{4}", x) else x for x in (bl, cl))
    out = []
    same = [k for k in ranked[1:] if eff[k] * ch > 0]
    other = [k for k in ranked[1:] if eff[k] * ch < 0]
    against = eff[top] * ch < 0
    if lang == "en":
        verb = "rose" if ch > 0 else "fell" if ch < 0 else "was unchanged"
        out.append(f"ROE {verb} from {fb} in {bl} to {fc} in {cl} ({_pp(ch)}).")
        move = "rose" if x1 > x0 else "fell" if x1 < x0 else "held"
        out.append(f"The largest single effect came from {lab[top]}, which {move} from {f0} to "
                   f"{f1} and {'added' if eff[top] >= 0 else 'took'} {_pp(eff[top], signed=False)} "
                   f"{'to' if eff[top] >= 0 else 'off'} ROE.")
        listing = lambda ks: _join([f"{lab[k]} ({_pp(eff[k])})" for k in ks], " and ")  # noqa: E731
        if against and same:
            out.append(f"The {'rise' if ch > 0 else 'fall'} came from {listing(same)}"
                       f"{'; ' + listing(other) + ' pulled the other way' if other else ''} ({how}).")
        elif ranked[1:]:
            out.append(f"Other effects: {', '.join(f'{lab[k]} {_pp(eff[k])}' for k in ranked[1:])} ({how}).")
    else:
        verb = "上升" if ch > 0 else "下降" if ch < 0 else "持平"
        out.append(f"净资产收益率由{bl}的{fb}{'升至' if ch > 0 else '降至' if ch < 0 else '保持在'}{cl}的{fc}，"
                   f"{verb}{_pp(ch, lang, signed=False)}。")
        move = "由" + f0 + ("升至" if x1 > x0 else "降至" if x1 < x0 else "保持在") + f1
        out.append(f"影响最大的因素是{lab[top]}，{move}，使净资产收益率{'提高' if eff[top] >= 0 else '降低'}"
                   f"{_pp(eff[top], lang, signed=False)}。")
        listing = lambda ks: _join([f"{lab[k]}（{_pp(eff[k], lang)}）" for k in ks], "和", "、")  # noqa: E731
        if against and same:
            out.append(f"净资产收益率的{verb}来自{listing(same)}"
                       f"{'，' + listing(other) + '则起反向作用' if other else ''}（{how}）。")
        elif ranked[1:]:
            out.append("其他因素：" + "；".join(f"{lab[k]}{_pp(eff[k], lang)}" for k in ranked[1:]) + f"（{how}）。")
    if "chain_min" in attr.effects:
        width = attr.effects["chain_max"] - attr.effects["chain_min"]
        k = width.idxmax()
        lo, hi = attr.effects.loc[k, "chain_min"], attr.effects.loc[k, "chain_max"]
        flips = lo < 0 < hi
        if lang == "en":
            out.append(f"The substitution order matters most for {lab[k]}: over all {attr.n_orders} orders its "
                       f"chain-substitution effect ranges from {_pp(lo)} to {_pp(hi)}"
                       f"{', so even its sign depends on the order' if flips else ''}.")
        else:
            out.append(f"替代顺序对{lab[k]}的影响最大：在全部{attr.n_orders}种替代顺序下，其连环替代影响介于"
                       f"{_pp(lo, lang)}与{_pp(hi, lang)}之间{'，连方向都取决于顺序' if flips else ''}。")
    return out


def actions(attr: AttributionResult, lang: str = "en", *, min_pp: float = 0.05) -> list[str]:
    """Recommended actions generated from the attribution: one per factor whose effect is at least
    ``min_pp`` percentage points, leverage gains flagged as risk rather than performance."""
    check_lang(lang)
    eff = attr.effect
    out = []
    for k in eff.abs().sort_values(ascending=False, kind="stable").index:
        v = float(eff[k])
        if abs(v) * 100 < min_pp:
            continue
        lab = text(k, lang, LABELS)
        if v < 0:
            what = ACTIONS_DOWN[k] if k in ACTIONS_DOWN else ACTION_FALLBACK["fell"]
            en, zh = what["en"], what["zh"]
            out.append(f"{lab[0].upper() + lab[1:]} took {_pp(v, signed=False)} off ROE: {en}." if lang == "en"
                       else f"{lab}使净资产收益率降低{_pp(v, lang, signed=False)}：{zh}。")
        elif k == "equity_multiplier":
            out.append(f"Higher leverage (equity multiplier) added {_pp(v, signed=False)} to ROE: that part of the gain "
                       f"comes from more debt-like funding, not better operations; watch the debt level and interest cover."
                       if lang == "en" else
                       f"权益乘数上升使净资产收益率提高{_pp(v, lang, signed=False)}：这部分增长来自更多的负债融资，"
                       f"而非经营改善，应关注负债水平和利息保障倍数。")
        else:
            out.append(f"{lab[0].upper() + lab[1:]} added {_pp(v, signed=False)} to ROE: find out what drove it and "
                       f"whether it will last." if lang == "en" else
                       f"{lab}使净资产收益率提高{_pp(v, lang, signed=False)}：查明原因，判断能否持续。")
    if not out:
        out.append("No factor moved ROE by 0.05 pp or more: no action follows from this comparison."
                   if lang == "en" else "没有任何因素使净资产收益率变动0.05个百分点以上：本次比较无须采取措施。")
    return out


# --------------------------------------------------------------------------------------------
# Tables for a report reader
# --------------------------------------------------------------------------------------------

def _cell(key: str, v: Any, lang: str) -> str:
    return "" if v is None or (isinstance(v, float) and not np.isfinite(v)) else _fmt(key, float(v), lang)


def components_table(result: DupontResult, lang: str = "en", *, company: str | None = None) -> pd.DataFrame:
    """Company, period, the factors and ROE as text a reader reads (margins in %, 2.24× / 2.24次),
    headers and demo company names in ``lang``; pass it to ``crm.show``."""
    check_lang(lang)
    t = result.table if company is None else result.table[result.table["company"] == result._company(company)]
    keys = [*result.factors, "roe"]
    out = pd.DataFrame({"company": [company_name(c, lang) for c in t["company"]],
                        "period": [str(p) for p in t["period"]],
                        **{k: [_cell(k, v, lang) for v in t[k]] for k in keys}})
    return out.rename(columns=lambda c: COLUMNS[c][lang])


def attribution_table(attr: AttributionResult, lang: str = "en") -> pd.DataFrame:
    """The attribution as text: base and current value of each factor, effects in percentage points
    (2 dp), a total row with ROE; headers and factor names in ``lang``; pass it to ``crm.show``."""
    check_lang(lang)
    t = attr.to_frame(pp=True)
    rows = []
    for k, r in t.iterrows():
        key = "roe" if k == "total" else k
        row = {"factor": text(k, lang, COLUMNS) if k == "total" else text(k, lang, LABELS),
               "base": _cell(key, r["base"], lang), "current": _cell(key, r["current"], lang)}
        for c in ("chain", "chain_min", "chain_max", "shapley", "lmdi"):
            if c in t:
                row[c] = "" if pd.isna(r[c]) else f"{r[c]:+.2f}"
        rows.append(row)
    return pd.DataFrame(rows).rename(columns=lambda c: COLUMNS[c][lang])


def warnings_text(result: DupontResult, lang: str = "en") -> list[str]:
    """The result's warnings for a report: as they are in English; in Chinese one sentence per kind."""
    check_lang(lang)
    if lang == "en":
        return list(result.warnings)
    out = []
    for w in result.warnings:
        head = w.split(":", 1)[0]
        c, _, p = head.rpartition(" ")
        who = f"{company_name(c, 'zh')} {p}年" if re.fullmatch(r"\d{4}", p) else f"{company_name(c, 'zh')} {p}"
        if "skipped" in w:
            out.append(f"{who}：未计算——平均余额需要上一期的资产负债表，而文件中没有。")
        elif "year-end balances used" in w:
            out.append(f"{who}：缺少上一期资产负债表，改用期末余额，不宜与按平均余额计算的年份直接比较。")
        elif "row dropped" in w:
            out.append(f"{who}：所有者权益小于或等于零，净资产收益率和权益乘数没有意义，该期已剔除。")
        elif "interest burden" in w and "> 1" in w:
            out.append(f"{who}：利息负担大于1，说明所用的息税前利润小于利润总额（例如营业利润已扣除利息），请检查 ebit 口径。")
        elif "tax burden" in w and "> 1" in w:
            out.append(f"{who}：税负大于1，净利润高于利润总额（可能有所得税返还，或项目填反）。")
        elif "differs from the reported" in w:
            out.append(f"{who}：计算的净资产收益率与报告值相差{w.split(' by ', 1)[-1].split(' pp')[0]}个百分点，"
                       f"请核对口径（平均或加权平均净资产、是否为归属于母公司的净利润）。")
        elif "net income is negative" in w:
            out.append(f"{who}：净利润为负，净资产收益率和销售净利率为负，该期不能用 LMDI 分解。")
        elif "EBIT is negative" in w:
            out.append(f"{who}：息税前利润为负，利息负担和息税前利润率均为负，方向与通常相反。")
        elif "pre-tax income is negative" in w:
            out.append(f"{who}：利润总额为负，税负难以解读。")
        else:
            out.append(f"{who}：请检查该期数据。")
    return out
