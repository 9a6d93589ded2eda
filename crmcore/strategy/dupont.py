"""DuPont analysis (杜邦分析): ROE split into margin, turnover and leverage, and the change in ROE
between two periods attributed to those factors.

3-step:  ROE = NI/Revenue × Revenue/Assets × Assets/Equity
         (销售净利率 × 总资产周转率 × 权益乘数)
5-step:  ROE = NI/EBT × EBT/EBIT × EBIT/Revenue × Revenue/Assets × Assets/Equity
         (税负 × 利息负担 × 息税前利润率 × 总资产周转率 × 权益乘数)

Every convention is a keyword (``steps``, ``balance``, ``ebit``, ``missing_prior``,
``nonpositive_equity``) and is echoed in the result, its tables and plot subtitles. Items are
looked up by *name*, never by position, so operating and pre-tax income cannot be swapped
silently (ROE would survive such a swap because the terms cancel; the components would not).
FinanceToolkit 2.3.0's extended (5-step) DuPont — interest burden = income before tax / operating
income, operating margin = operating income / revenue, average balances — equals
``steps=5, ebit="operating_income", balance="average"`` here (to 1e-16 on the same statements);
it takes EBIT as operating income, which under Chinese GAAP (营业利润 stated after interest) makes
the interest burden exceed 1, hence the default ``ebit="pretax_plus_interest"``.

The change in ROE between two periods is attributed to the factors by chain substitution
(连环替代法, order-dependent; the range over every order is reported), by the Shapley value
(the mean of the chain effects over all orders; Shapley 1953; Ang, Liu & Chew 2003) and by LMDI-I
(Ang 2004), which needs every factor > 0 in both periods.
"""
from __future__ import annotations

import itertools
import textwrap
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from crmcore.errors import DataError, DomainError, ParameterError, data_error
from crmcore.labels import check_lang, text
from crmcore.plotting import ensure_cjk, new_ax
from crmcore.results import Result

# --------------------------------------------------------------------------------------------
# Words
# --------------------------------------------------------------------------------------------

LABELS: dict[str, dict[str, str]] = {
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
}

#: the demo file's fictional companies in Chinese (a user's own company names pass through unchanged)
COMPANY_NAMES: dict[str, dict[str, str]] = {
    "Huamei Retail": {"en": "Huamei Retail", "zh": "华美零售"},
    "Lvyuan Mart": {"en": "Lvyuan Mart", "zh": "绿源超市"},
}


def company_name(company: Any, lang: str = "en") -> str:
    """A company's name in ``lang``: the demo companies are translated, other names are kept."""
    check_lang(lang)
    c = str(company)
    return COMPANY_NAMES[c][lang] if c in COMPANY_NAMES else c


def factor_name(key: str, lang: str = "en") -> str:
    """A factor's or ratio's name in ``lang`` ("net_margin" → "net profit margin" / "销售净利率")."""
    return text(key, lang, LABELS)


#: canonical statement items and the names (en/zh) accepted for each
ITEM_ALIASES: dict[str, tuple[str, ...]] = {
    "net_income": ("net_income", "net_profit", "netincome", "profit_for_the_year", "净利润", "净利"),
    "revenue": ("revenue", "revenues", "sales", "net_sales", "total_revenue", "operating_revenue",
                "营业收入", "营业总收入", "销售收入", "主营业务收入", "销售额"),
    "total_assets": ("total_assets", "assets", "总资产", "资产总额", "资产总计", "资产合计"),
    "equity": ("equity", "total_equity", "shareholders_equity", "stockholders_equity", "owners_equity",
               "所有者权益", "股东权益", "净资产", "所有者权益合计", "股东权益合计",
               "所有者权益(或股东权益)合计"),
    "pretax_income": ("pretax_income", "pre_tax_income", "ebt", "income_before_tax", "profit_before_tax",
                      "earnings_before_tax", "利润总额", "税前利润"),
    "interest_expense": ("interest_expense", "interest", "利息费用", "利息支出"),
    "operating_income": ("operating_income", "operating_profit", "营业利润"),
    "ebit": ("ebit", "息税前利润"),
    "income_tax": ("income_tax", "income_tax_expense", "tax", "所得税", "所得税费用"),
    "roe": ("roe", "reported_roe", "return_on_equity", "净资产收益率", "权益净利率"),
}

COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "company": ("company", "firm", "ticker", "entity", "公司", "企业", "公司名称", "企业名称"),
    "period": ("period", "year", "fiscal_year", "fy", "期间", "年度", "年份", "会计期间", "报告期"),
    "item": ("item", "line_item", "account", "项目", "科目", "报表项目"),
    "value": ("value", "amount", "金额", "数值", "值"),
}

FLOW_ITEMS = ("net_income", "revenue", "pretax_income", "interest_expense", "operating_income", "ebit", "income_tax")
BALANCE_ITEMS = ("total_assets", "equity")
FACTORS_3 = ("net_margin", "asset_turnover", "equity_multiplier")
FACTORS_5 = ("tax_burden", "interest_burden", "ebit_margin", "asset_turnover", "equity_multiplier")
_PERCENT_KEYS = {"roe", "roa", "net_margin", "ebit_margin"}
_EBIT_ITEM = {"operating_income": ("operating_income",), "pretax_plus_interest": ("pretax_income", "interest_expense"),
              "reported": ("ebit",)}
#: largest number of factors for which every substitution order is enumerated (8! = 40,320)
MAX_FACTORS = 8


def _norm(name: object) -> str:
    """Normalise a header or item name: case, spaces, full-width brackets, numbering, units."""
    s = str(name).strip().lower().replace("（", "(").replace("）", ")").replace("：", ":")
    s = re.sub(r"^[一二三四五六七八九十]+、", "", s)  # "一、营业收入"
    s = re.sub(r"^(加|减|其中)\s*:", "", s)  # "减：所得税费用"
    s = re.sub(r"\((元|万元|千元|yuan|cny|rmb|usd)\)$", "", s)  # "净利润(元)"
    return re.sub(r"[\s\-]+", "_", s.strip())


_ITEM_LOOKUP = {_norm(a): k for k, names in ITEM_ALIASES.items() for a in names}
_COLUMN_LOOKUP = {_norm(a): k for k, names in COLUMN_ALIASES.items() for a in names}


def _item_label(item: str) -> str:
    return f"{item!r} ({LABELS[item]['zh']})" if item in LABELS else repr(item)


# --------------------------------------------------------------------------------------------
# Periods
# --------------------------------------------------------------------------------------------

def _norm_period(v: object) -> int | str:
    """A year becomes an int (2024, "2024", "2024年", "FY2024", "2024-12-31"); a quarter or
    month becomes its pandas Period label ("2024Q1", "2024-03")."""
    if isinstance(v, (bool, np.bool_)):
        raise ValueError(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        if math.isfinite(v) and float(v).is_integer():
            return int(v)
        raise ValueError(v)
    if isinstance(v, pd.Timestamp):
        v = v.strftime("%Y-%m-%d")
    s = str(v).strip()
    m = re.fullmatch(r"(?:fy)?\s*(\d{4})\s*(?:年度|年|a)?(?:-12-31|/12/31|\.0)?", s, flags=re.I)
    if m:
        return int(m.group(1))
    if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", s):
        raise ValueError(s)  # a day that is not a year end: ambiguous period
    p = pd.Period(s)
    if p.freqstr not in ("Q-DEC", "M", "Y-DEC", "A-DEC"):
        raise ValueError(s)
    return int(p.year) if p.freqstr in ("Y-DEC", "A-DEC") else str(p)


def _prior(p: int | str) -> int | str:
    return p - 1 if isinstance(p, int) else str(pd.Period(p) - 1)


def _period_key(p: int | str) -> int:
    return p if isinstance(p, int) else pd.Period(p).ordinal


# --------------------------------------------------------------------------------------------
# Reading statements
# --------------------------------------------------------------------------------------------

def _load(source: Any, sheet_name: Any) -> tuple[pd.DataFrame, str]:
    if isinstance(source, pd.DataFrame):
        return source.copy(), source.attrs.get("source", "the statements table")
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.exists():
            raise DataError(f"statements file {str(path)!r} does not exist. Check the path (data_path=...).")
        try:
            if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
                return pd.read_excel(path, sheet_name=sheet_name), path.name
            return pd.read_csv(path), path.name
        except (ValueError, OSError, UnicodeDecodeError) as exc:
            raise DataError(f"{path.name}: cannot be read as a table ({exc}). Save it as UTF-8 CSV or .xlsx.") from None
    raise ParameterError(
        f"statements must be a pandas DataFrame or a CSV/Excel path, not {type(source).__name__}."
    )


def read_statements(source: Any, *, company: str = "company", sheet_name: Any = 0) -> pd.DataFrame:
    """Read financial statements into the tidy table ``company, period, item, value``.

    Three layouts are accepted, with headers and items in English or Chinese
    (``净利润``/``net_income``, ``营业收入``/``revenue``, ``总资产``/``total_assets``,
    ``所有者权益``/``equity``, ``利润总额``/``pretax_income``, ``利息费用``/``interest_expense``,
    ``营业利润``/``operating_income``; see ``ITEM_ALIASES``):

    * long: one row per company, period and item (columns company, period, item, value);
    * wide: one row per company-period, one column per item;
    * items down the rows and periods across the columns (``项目 | 2023 | 2024``).

    Parameters
    ----------
    source : DataFrame or path to a CSV/Excel file.
    company : name used when the table has no company column.

    Returns
    -------
    DataFrame sorted by company, period, item; ``period`` is an int year or a quarter/month label;
    items are canonical names (unknown items are kept under their own name); values are floats.
    """
    raw, src = _load(source, sheet_name)
    roles: dict[str, Any] = {}
    for c in raw.columns:
        r = _COLUMN_LOOKUP.get(_norm(c))
        if r and r not in roles:
            roles[r] = c
    item_cols = [c for c in raw.columns if _norm(c) in _ITEM_LOOKUP and c not in roles.values()]
    cols = [str(c) for c in raw.columns]
    if "item" in roles and "value" in roles:
        if "period" not in roles:
            raise data_error("a long table needs a period column", source=src, columns=cols,
                             fix="Add a column 'period' (or 年度) holding the year of each row")
        long = pd.DataFrame({
            "company": raw[roles["company"]] if "company" in roles else company,
            "period": raw[roles["period"]], "item": raw[roles["item"]], "value": raw[roles["value"]],
        })
    elif "item" in roles:
        period_cols = [c for c in raw.columns if c not in (roles["item"], roles.get("company"))]
        bad = []
        for c in period_cols:
            try:
                _norm_period(c)
            except (ValueError, TypeError):
                bad.append(str(c))
        if bad or not period_cols:
            raise data_error(
                f"items run down the rows but these columns are not periods: {', '.join(map(repr, bad)) or 'none found'}",
                source=src, columns=cols, fix="Name the columns by year (2023, 2024 ...) or use a long table "
                "with columns company, period, item, value")
        id_cols = [roles["item"]] + ([roles["company"]] if "company" in roles else [])
        m = raw.melt(id_vars=id_cols, value_vars=period_cols, var_name="__period", value_name="__value")
        long = pd.DataFrame({
            "company": m[roles["company"]] if "company" in roles else company,
            "period": m["__period"], "item": m[roles["item"]], "value": m["__value"],
        })
    elif "period" in roles and item_cols:
        id_cols = [roles["period"]] + ([roles["company"]] if "company" in roles else [])
        m = raw.melt(id_vars=id_cols, value_vars=item_cols, var_name="__item", value_name="__value")
        long = pd.DataFrame({
            "company": m[roles["company"]] if "company" in roles else company,
            "period": m[roles["period"]], "item": m["__item"], "value": m["__value"],
        })
    else:
        raise data_error(
            "the table layout is not recognised", source=src, columns=cols,
            fix="Use columns company, period, item, value (or 公司, 年度, 项目, 金额), or one row per "
            "company-period with item columns such as net_income, revenue, total_assets, equity")

    long = long.reset_index(drop=True)
    # company
    if long["company"].isna().any():
        rows = long.index[long["company"].isna()]
        raise data_error("are empty", source=src, column="company", n_bad=len(rows), n_total=len(long),
                         examples=[(r, None) for r in rows[:3]], fix="Fill in the company name", columns=cols)
    long["company"] = long["company"].astype(str).str.strip()
    # period
    periods, bad = [], []
    for i, v in long["period"].items():
        try:
            periods.append(_norm_period(v))
        except (ValueError, TypeError):
            periods.append(None)
            bad.append((i, v))
    if bad:
        raise data_error("are not periods (a year such as 2024, a quarter 2024Q1 or a month 2024-03)",
                         source=src, column="period", n_bad=len(bad), n_total=len(long), examples=bad,
                         fix="Write periods as years, quarters or months", columns=cols)
    kinds = {type(p) for p in periods}
    freqs = {pd.Period(p).freqstr for p in periods if isinstance(p, str)}
    if len(kinds) > 1 or len(freqs) > 1:
        raise data_error("mixes years, quarters and months", source=src, column="period",
                         examples=list(zip(long.index[:3], periods[:3])),
                         fix="Use one kind of period in a table", columns=cols)
    long["period"] = pd.Series(periods, index=long.index, dtype=object)
    # item
    long["item"] = [_ITEM_LOOKUP.get(_norm(v), str(v).strip()) for v in long["item"]]
    # value: numbers, optionally with thousands separators
    rawv = long["value"]
    if pd.api.types.is_numeric_dtype(rawv) and not pd.api.types.is_bool_dtype(rawv):
        vals = rawv.astype(float)
        bad_mask = pd.Series(False, index=long.index)
    else:
        s = rawv.astype("string").str.strip().str.replace(r"[,，\s]", "", regex=True)
        vals = pd.to_numeric(s, errors="coerce").astype(float)
        bad_mask = s.notna() & (s != "") & vals.isna()
    if bad_mask.any():
        rows = long.index[bad_mask]
        raise data_error("are not numbers", source=src, column="value", n_bad=int(bad_mask.sum()),
                         n_total=len(long), examples=[(r, rawv[r]) for r in rows[:3]],
                         fix="Write amounts as plain numbers (1234567.8); leave a cell empty if unknown",
                         columns=cols)
    long["value"] = vals
    long = long[long["value"].notna()]
    # duplicates: the same item twice with different values (e.g. 净利润 and net_income disagree)
    g = long.groupby(["company", "period", "item"], sort=False)["value"]
    clash = g.nunique()
    clash = clash[clash > 1]
    if len(clash):
        (c, p, it) = clash.index[0]
        vs = long[(long["company"] == c) & (long["period"] == p) & (long["item"] == it)]
        raise data_error(
            f"item {_item_label(it)} appears more than once with different values for company {c!r} "
            f"period {p} ({len(clash)} such item(s) in all)", source=src,
            examples=list(vs["value"].items())[:3], fix="Keep one row per company, period and item")
    long = long.drop_duplicates(["company", "period", "item"])
    long = long.assign(_k=[_period_key(p) for p in long["period"]])
    long = long.sort_values(["company", "_k", "item"]).drop(columns="_k").reset_index(drop=True)
    long.attrs["source"] = src
    return long


# --------------------------------------------------------------------------------------------
# DuPont
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


#: readable headers of the results' to_frame(lang) (the result protocol of crmcore.results)
_RESULT_COLUMNS: dict[str, dict[str, str]] = {
    "balance_basis": {"en": "Balance basis", "zh": "余额口径"},
    "total_assets_end": {"en": "Total assets, year end", "zh": "期末总资产"},
    "equity_end": {"en": "Equity, year end", "zh": "期末股东权益"},
    "roe_product": {"en": "ROE as the product of the factors", "zh": "各因素连乘的净资产收益率"},
    "reported_roe": {"en": "Reported ROE", "zh": "报告的净资产收益率"},
    "reconciliation_error": {"en": "Difference from the reported ROE", "zh": "与报告值的差异"},
}


@dataclass(frozen=True)
class DupontResult(Result):
    """DuPont components per company and period, with the conventions that produced them.

    ``table`` has one row per company-period: the inputs used (``total_assets`` and ``equity`` are
    the balances on the ``balance_basis`` of that row), every component, ``roa``, ``roe``
    (= NI / equity), ``roe_product`` (the product of the components), ``reported_roe`` and
    ``reconciliation_error`` (roe − reported_roe) where a reported ROE was given.
    """

    table: pd.DataFrame
    steps: int
    balance: str
    ebit: str | None
    missing_prior: str
    nonpositive_equity: str
    factors: tuple[str, ...]
    warnings: tuple[str, ...] = ()
    source: str = "the statements table"

    title = "DuPont analysis (杜邦分析)"
    _conventions = ("steps", "balance", "ebit", "missing_prior", "nonpositive_equity")
    _columns = _RESULT_COLUMNS

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def components(self, lang: str | None = None) -> pd.DataFrame:
        """Company, period, the factors and ROE; column names translated when ``lang`` is given."""
        t = self.table[["company", "period", *self.factors, "roe"]].copy()
        if lang is not None:
            t = t.rename(columns={k: text(k, lang, LABELS) for k in (*self.factors, "roe")})
        return t

    @property
    def companies(self) -> list[str]:
        return list(dict.fromkeys(self.table["company"]))

    def _company(self, company: str | None) -> str:
        cs = self.companies
        if company is None:
            if len(cs) == 1:
                return cs[0]
            raise ParameterError(f"the table holds {len(cs)} companies ({', '.join(map(repr, cs))}); pass company=...")
        if company not in cs:
            raise DataError(f"company {company!r} is not in the DuPont table. Companies found: {', '.join(map(repr, cs))}.")
        return company

    def row(self, period: Any, *, company: str | None = None) -> pd.Series:
        """The table row of one company-period (a DataError names the periods available)."""
        c = self._company(company)
        try:
            p = _norm_period(period)
        except (ValueError, TypeError):
            raise ParameterError(f"period={period!r} is not a year, quarter or month.") from None
        t = self.table[(self.table["company"] == c) & (self.table["period"] == p)]
        if t.empty:
            have = ", ".join(str(x) for x in self.table.loc[self.table["company"] == c, "period"])
            raise DataError(
                f"company {c!r} has no DuPont row for period {p}; periods analysed: {have or 'none'}. "
                f"With balance='average' the first period needs the prior year's balance sheet; "
                f"see result.warnings.")
        return t.iloc[0]

    def interpret(self, lang: str = "en") -> list[str]:
        """Per company: ROE of the latest period as the product of its factors; with an earlier period,
        the first sentence of the attribution of the change (see :func:`interpret`)."""
        check_lang(lang)
        out = []
        times = " × "
        for c in self.companies:
            rows = self.table[self.table["company"] == c].sort_values("period")
            last = rows.iloc[-1]
            factors = times.join(f"{factor_name(k, lang)} " + (f"{float(last[k]):.1%}" if "margin" in k else f"{float(last[k]):,.3f}")
                                 for k in self.factors)
            name = company_name(c, lang)
            out.append(f"{name} {last['period']} 的净资产收益率为 {float(last['roe']):.1%} = {factors}。" if lang == "zh"
                       else f"{name} {last['period']}: ROE {float(last['roe']):.1%} = {factors}.")
            if len(rows) > 1:
                out.append(interpret(self.attribute(rows.iloc[-2]["period"], last["period"], company=c), lang)[0])
        return out

    def factor_values(self, period: Any, *, company: str | None = None) -> dict[str, float]:
        r = self.row(period, company=company)
        return {k: float(r[k]) for k in self.factors}

    def attribute(self, base_period: Any, current_period: Any, *, company: str | None = None,
                  method: str = "chain", order: Sequence[str] | None = None) -> "AttributionResult":
        """Attribute the change in ROE from ``base_period`` to ``current_period`` (see :func:`attribute`)."""
        c = self._company(company)
        b = self.factor_values(base_period, company=c)
        cur = self.factor_values(current_period, company=c)
        a = attribute(b, cur, method=method, order=order)
        return AttributionResult(
            effects=a.effects, method=a.method, order=a.order, base_total=a.base_total,
            current_total=a.current_total, lmdi_refused=a.lmdi_refused, n_orders=a.n_orders,
            company=c, base_label=str(_norm_period(base_period)), current_label=str(_norm_period(current_period)),
            source_conventions=self.conventions(), warnings=a.warnings,
        )

    def plot(self, kind: str = "trends", ax=None, lang: str = "en", **kwargs):
        """``kind`` = "trends" (default; with several companies and no ``company=``, "peers"), "tree" (needs
        base_period, current_period) or "peers"."""
        kinds = {"trends": plot_trends, "tree": plot_tree, "peers": plot_peers}
        if kind == "trends" and len(self.companies) > 1 and kwargs.get("company") is None:
            kind = "peers"   # one company's trend needs a name; the default shows them all side by side
        if kind not in kinds:
            raise ParameterError(f"kind={kind!r}; use one of {', '.join(map(repr, kinds))}.")
        return kinds[kind](self, ax=ax, lang=lang, **kwargs)

    def _repr_html_(self) -> str:
        import html as _html
        base = super()._repr_html_()
        if not self.warnings:
            return base
        items = "".join(f"<li>{_html.escape(w)}</li>" for w in self.warnings)
        return base[:-6] + f"<p><small>warnings:</small></p><ul><small>{items}</small></ul></div>"


def _check_choice(name: str, value: Any, choices: Sequence[Any]) -> None:
    if value not in choices:
        raise ParameterError(f"{name}={value!r} is not an option; use one of {', '.join(map(repr, choices))}.")


def dupont(
    fin: Any,
    *,
    steps: int = 3,
    balance: str = "average",
    ebit: str = "pretax_plus_interest",
    missing_prior: str = "skip",
    nonpositive_equity: str = "raise",
    reconcile_tol: float = 0.0005,
) -> DupontResult:
    """DuPont decomposition of ROE for every company and period in ``fin``.

    3-step: ROE = (NI/Revenue) × (Revenue/Assets) × (Assets/Equity).
    5-step: ROE = (NI/EBT) × (EBT/EBIT) × (EBIT/Revenue) × (Revenue/Assets) × (Assets/Equity),
    i.e. tax burden = NI/EBT, interest burden = EBT/EBIT, EBIT margin = EBIT/revenue.

    Parameters
    ----------
    fin : statements table or path (any layout :func:`read_statements` accepts).
    steps : 3 or 5.
    balance : "average" (mean of the opening and closing balance, as in FinanceToolkit and
        most textbooks) or "end" (closing balance). Flows cover a year, so averages match them.
    ebit : (5-step) "pretax_plus_interest" (default: 息税前利润 = 利润总额 + 利息费用, right whether
        or not operating income is stated after interest, as 营业利润 is under Chinese GAAP),
        "operating_income" (EBIT taken as operating income) or "reported" (an ``ebit`` item).
    missing_prior : with balance="average", what to do for a period whose prior balance sheet is
        missing: "skip" the period (default) or use its year-end balance ("end"; the row's
        ``balance_basis`` says so). Either way a warning names the period.
    nonpositive_equity : "raise" (default: ROE and the equity multiplier mean nothing when equity
        ≤ 0 — a loss on negative equity would show a positive ROE) or "drop" the row with a warning.
    reconcile_tol : a warning is added when |ROE − reported ROE| exceeds this (0.0005 = 0.05 pp).

    Negative net income, EBT or EBIT and burdens above 1 are computed and reported as warnings;
    zero revenue, assets, EBT or EBIT (a division by zero) raise a DomainError.
    """
    _check_choice("steps", steps, (3, 5))
    _check_choice("balance", balance, ("average", "end"))
    _check_choice("ebit", ebit, ("operating_income", "pretax_plus_interest", "reported"))
    _check_choice("missing_prior", missing_prior, ("skip", "end"))
    _check_choice("nonpositive_equity", nonpositive_equity, ("raise", "drop"))
    tidy = read_statements(fin)
    src = tidy.attrs.get("source", "the statements table")
    if tidy.empty:
        raise DataError(f"{src}: no values found. Fill in the statements (company, period, item, value).")
    wide = tidy.pivot(index=["company", "period"], columns="item", values="value")
    needed_flows = ["net_income", "revenue"]
    if steps == 5:
        needed_flows += ["pretax_income", *[i for i in _EBIT_ITEM[ebit] if i != "pretax_income"]]
    for it in (*needed_flows, *BALANCE_ITEMS, "roe"):
        if it not in wide.columns:
            wide[it] = np.nan
    flows_present = [c for c in FLOW_ITEMS if c in wide.columns]
    analysed = [ix for ix in wide.index if wide.loc[ix, flows_present].notna().any()]
    if not analysed:
        raise data_error(
            f"no income-statement item ({', '.join(map(_item_label, needed_flows))}) was found",
            source=src, fix="Check the item names; English or Chinese names are accepted (see ITEM_ALIASES)",
            columns=sorted(set(tidy["item"])))

    # every analysed company-period needs the flows and its year-end balances
    missing = [(c, p, it) for (c, p) in analysed for it in (*needed_flows, *BALANCE_ITEMS)
               if pd.isna(wide.loc[(c, p), it])]
    if missing:
        c, p, it = missing[0]
        more = f" ({len(missing) - 1} more missing: " + ", ".join(
            f"{m[2]} {m[0]} {m[1]}" for m in missing[1:4]) + ")" if len(missing) > 1 else ""
        hint = ""
        if it in ("pretax_income", "interest_expense", "operating_income", "ebit"):
            hint = f", or choose steps=3 / another ebit= convention (now steps={steps}, ebit={ebit!r})"
        found = ", ".join(i for i in wide.columns if pd.notna(wide.loc[(c, p), i]))
        raise data_error(
            f"item {_item_label(it)} is missing for company {c!r} period {p}{more}; items found for "
            f"{c} {p}: {found or 'none'}", source=src, fix=f"Add that row{hint}")

    warns: list[str] = []
    rows: list[dict[str, Any]] = []
    dropped_equity: list[str] = []
    for (c, p) in analysed:
        w = wide.loc[(c, p)]
        ta_end, eq_end = float(w["total_assets"]), float(w["equity"])
        basis = balance
        ta_prior = eq_prior = np.nan
        if balance == "average":
            pk = (c, _prior(p))
            if pk in wide.index and wide.loc[pk, list(BALANCE_ITEMS)].notna().all():
                ta_prior, eq_prior = float(wide.loc[pk, "total_assets"]), float(wide.loc[pk, "equity"])
            else:
                what = ("no balance sheet" if pk not in wide.index else
                        "no " + " or ".join(i for i in BALANCE_ITEMS if pd.isna(wide.loc[pk, i])))
                if missing_prior == "skip":
                    warns.append(f"{c} {p}: skipped — average balances need the prior period {pk[1]}, "
                                 f"which has {what} (missing_prior='skip').")
                    continue
                warns.append(f"{c} {p}: year-end balances used — the prior period {pk[1]} has {what} "
                             f"(missing_prior='end'); do not compare this ROE with average-balance rows.")
                basis = "end"
        used_ta = [ta_end] + ([ta_prior] if basis == "average" else [])
        used_eq = [eq_end] + ([eq_prior] if basis == "average" else [])
        if min(used_ta) <= 0:
            raise DomainError(f"total assets are {min(used_ta):,.2f} for company {c!r} around period {p}: "
                              f"turnover and the equity multiplier need assets > 0. Check the balance sheet.")
        if min(used_eq) <= 0:
            msg = (f"equity is {min(used_eq):,.2f} for company {c!r} period {p}"
                   f"{' (or its prior year)' if basis == 'average' else ''}: ROE and the equity multiplier "
                   f"have no meaning when equity ≤ 0 (a loss would show as a positive ROE)")
            if nonpositive_equity == "raise":
                raise DomainError(msg + ". Drop that company-period or pass nonpositive_equity='drop'.")
            dropped_equity.append(f"{c} {p}")
            warns.append(f"{c} {p}: {msg}; row dropped (nonpositive_equity='drop').")
            continue
        ta = float(np.mean(used_ta))
        eq = float(np.mean(used_eq))
        ni, rev = float(w["net_income"]), float(w["revenue"])
        if rev <= 0:
            raise DomainError(f"revenue is {rev:,.2f} for company {c!r} period {p}: margins and turnover need "
                              f"revenue > 0. Check the income statement or leave that period out.")
        r: dict[str, Any] = {"company": c, "period": p, "balance_basis": basis, "net_income": ni, "revenue": rev,
                             "total_assets": ta, "equity": eq, "total_assets_end": ta_end, "equity_end": eq_end}
        if ni < 0:
            warns.append(f"{c} {p}: net income is negative ({ni:,.0f}); ROE and the net margin are negative and "
                         f"LMDI attribution is not possible for this period.")
        if steps == 5:
            ebt = float(w["pretax_income"])
            e = (float(w["operating_income"]) if ebit == "operating_income" else
                 ebt + float(w["interest_expense"]) if ebit == "pretax_plus_interest" else float(w["ebit"]))
            for name, v in (("pre-tax income (利润总额)", ebt), ("EBIT (息税前利润)", e)):
                if v == 0:
                    raise DomainError(f"{name} is 0 for company {c!r} period {p}: the 5-step burdens divide by it. "
                                      f"Use steps=3 for this table.")
            if e < 0:
                warns.append(f"{c} {p}: EBIT is negative ({e:,.0f}); the interest burden and EBIT margin are "
                             f"both negative and read the wrong way round.")
            if ebt < 0:
                warns.append(f"{c} {p}: pre-tax income is negative ({ebt:,.0f}); the tax burden is hard to read.")
            r.update(pretax_income=ebt, ebit=e, tax_burden=ni / ebt, interest_burden=ebt / e, ebit_margin=e / rev)
            if r["interest_burden"] > 1:
                warns.append(f"{c} {p}: interest burden {r['interest_burden']:.3f} > 1 — pre-tax income exceeds EBIT "
                             f"({ebt:,.0f} > {e:,.0f}) under ebit={ebit!r}. Check that operating and pre-tax income "
                             f"are not swapped; under Chinese GAAP 营业利润 is after interest, so consider "
                             f"ebit='pretax_plus_interest'.")
            if r["tax_burden"] > 1:
                warns.append(f"{c} {p}: tax burden {r['tax_burden']:.3f} > 1 — net income exceeds pre-tax income "
                             f"(a tax credit, or items swapped).")
        r.update(net_margin=ni / rev, asset_turnover=rev / ta, equity_multiplier=ta / eq, roa=ni / ta, roe=ni / eq)
        factors = FACTORS_5 if steps == 5 else FACTORS_3
        r["roe_product"] = float(np.prod([r[k] for k in factors]))
        rep = float(w["roe"]) if pd.notna(w["roe"]) else np.nan
        r["reported_roe"] = rep
        r["reconciliation_error"] = r["roe"] - rep if pd.notna(rep) else np.nan
        if pd.notna(rep) and abs(r["roe"] - rep) > reconcile_tol:
            pct = " It looks like a percentage: give reported ROE as a fraction (0.152, not 15.2)." if (
                abs(r["roe"] - rep / 100) <= max(reconcile_tol, 0.005)) else (
                " Reported ROE often uses weighted-average equity (加权平均净资产收益率) or profit "
                "attributable to the parent; check which.")
            warns.append(f"{c} {p}: ROE {r['roe']:.4f} differs from the reported {rep:.4f} by "
                         f"{(r['roe'] - rep) * 100:+.2f} pp.{pct}")
        rows.append(r)
    if not rows:
        raise DomainError(f"{src}: no company-period could be analysed. " + " ".join(warns[:3]) +
                          " Add the missing statements, or pass balance='end' / missing_prior='end'.")
    factors = FACTORS_5 if steps == 5 else FACTORS_3
    cols = ["company", "period", "balance_basis", "net_income", "revenue", "total_assets", "equity",
            "total_assets_end", "equity_end"]
    if steps == 5:
        cols += ["pretax_income", "ebit"]
    cols += [*factors, *(["net_margin"] if steps == 5 else []), "roa", "roe", "roe_product", "reported_roe",
             "reconciliation_error"]
    table = pd.DataFrame(rows)[cols]
    table["period"] = table["period"].astype(object)
    return DupontResult(table=table, steps=steps, balance=balance, ebit=ebit if steps == 5 else None,
                        missing_prior=missing_prior, nonpositive_equity=nonpositive_equity,
                        factors=factors, warnings=tuple(warns), source=src)


def balance_comparison(fin: Any, *, steps: int = 3, **kwargs: Any) -> pd.DataFrame:
    """ROE and its components on year-end and on average balances, side by side per company-period."""
    end = dupont(fin, steps=steps, balance="end", **kwargs).components()
    avg = dupont(fin, steps=steps, balance="average", **kwargs).components()
    t = end.merge(avg, on=["company", "period"], how="inner", suffixes=("_end", "_average"))
    t["roe_gap"] = t["roe_end"] - t["roe_average"]
    return t


# --------------------------------------------------------------------------------------------
# Attribution of the change
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AttributionResult(Result):
    """Effect of each factor on the change of a product (ROE) from a base to a current period.

    ``effects`` is indexed by factor with columns ``base``, ``current`` and, by method, ``chain``
    (in ``order``), ``chain_min``/``chain_max`` (over every order), ``shapley``, ``lmdi``. Each effect
    column sums to ``change`` = current_total − base_total.
    """

    effects: pd.DataFrame
    method: str
    order: tuple[str, ...]
    base_total: float
    current_total: float
    lmdi_refused: str | None = None
    n_orders: int = 0
    company: str | None = None
    base_label: str = "base"
    current_label: str = "current"
    source_conventions: dict = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    title = "Attribution of the ROE change (因素分析)"
    _conventions = ("method", "order", "lmdi_refused")

    @property
    def change(self) -> float:
        return self.current_total - self.base_total

    @property
    def headline(self) -> str:
        """The effect column the report leads with: Shapley for "all", else the method asked for."""
        return "shapley" if self.method == "all" else self.method

    @property
    def effect(self) -> pd.Series:
        return self.effects[self.headline]

    def to_frame(self, *, pp: bool = False) -> pd.DataFrame:
        """Effects per factor plus a ``total`` row (base and current totals, summed effects).

        ``pp=True`` gives the effect columns in percentage points (× 100); base/current stay as they are.
        """
        t = self.effects.copy()
        eff_cols = [c for c in ("chain", "shapley", "lmdi") if c in t]
        total = {c: t[c].sum(min_count=1) for c in eff_cols}
        total.update(base=self.base_total, current=self.current_total)
        t.loc["total"] = pd.Series(total)  # chain_min/max do not add up: left empty on the total row
        if pp:
            rng = [c for c in ("chain_min", "chain_max") if c in t]
            t[eff_cols + rng] = t[eff_cols + rng] * 100
        return t

    def interpret(self, lang: str = "en") -> list[str]:
        return interpret(self, lang=lang)

    def plot(self, ax=None, lang: str = "en", **kwargs):
        return plot_waterfall(self, ax=ax, lang=lang, **kwargs)


def _as_factors(x: Any, name: str) -> dict[str, float]:
    if isinstance(x, pd.Series):
        x = x.to_dict()
    if not isinstance(x, Mapping):
        raise ParameterError(f"{name} must be a mapping or Series of factor values "
                             f"({{'net_margin': 0.05, ...}}), not {type(x).__name__}.")
    out = {}
    for k, v in x.items():
        try:
            f = float(v)
        except (TypeError, ValueError):
            raise DataError(f"{name} factor {k!r} is {v!r}, not a number.") from None
        if not math.isfinite(f):
            raise DataError(f"{name} factor {k!r} is {f}; every factor must be a finite number.")
        out[str(k)] = f
    if not out:
        raise DataError(f"{name} has no factors.")
    return out


def _chain(x0: np.ndarray, x1: np.ndarray, order: Sequence[int]) -> np.ndarray:
    """Chain substitution: replace base by current values one factor at a time, in ``order``."""
    eff = np.zeros(len(x0))
    x = x0.astype(float).copy()
    prev = float(np.prod(x))
    for k in order:
        x[k] = x1[k]
        now = float(np.prod(x))
        eff[k] = now - prev
        prev = now
    return eff


def _shapley(x0: np.ndarray, x1: np.ndarray) -> np.ndarray:
    """Exact Shapley value over subsets: φ_k = Σ_S |S|!(n−|S|−1)!/n! [v(S∪k) − v(S)]."""
    n = len(x0)
    phi = np.zeros(n)
    for k in range(n):
        others = [j for j in range(n) if j != k]
        for size in range(n):
            w = math.factorial(size) * math.factorial(n - size - 1) / math.factorial(n)
            for S in itertools.combinations(others, size):
                x = x0.astype(float).copy()
                x[list(S)] = x1[list(S)]
                before = float(np.prod(x))
                x[k] = x1[k]
                phi[k] += w * (float(np.prod(x)) - before)
    return phi


def _lmdi_refusal(names: Sequence[str], x0: np.ndarray, x1: np.ndarray) -> str | None:
    for k, a, b in zip(names, x0, x1):
        if a * b < 0:
            return f"LMDI needs every factor > 0 in both periods: {k!r} changes sign ({a:.4g} → {b:.4g})"
        if a <= 0 or b <= 0:
            return f"LMDI needs every factor > 0 in both periods: {k!r} is {min(a, b):.4g} (≤ 0)"
    return None


def _lmdi(x0: np.ndarray, x1: np.ndarray) -> np.ndarray:
    """Additive LMDI-I (Ang 2004): ΔV_k = L(V1, V0) · ln(x1_k / x0_k), L(a, b) = (a − b)/(ln a − ln b)."""
    v0, v1 = float(np.prod(x0)), float(np.prod(x1))
    lv = math.log(v1 / v0)
    L = v0 if abs(lv) < 1e-15 else (v1 - v0) / lv
    return L * np.log(x1 / x0)


def _order_index(names: tuple[str, ...], order: Sequence[str] | None) -> tuple[str, ...]:
    if order is None:
        return names
    if isinstance(order, str):
        raise ParameterError(f"order must be a list of factor names, e.g. {list(names)}, not a string.")
    order = tuple(str(o) for o in order)
    if sorted(order) != sorted(names):
        missing = [n for n in names if n not in order]
        extra = [o for o in order if o not in names]
        raise ParameterError(f"order must list every factor once: {list(names)}; "
                             f"missing {missing}, unknown or repeated {extra or [o for o in order if order.count(o) > 1]}.")
    return order


def attribute(base: Any, current: Any, *, method: str = "chain",
              order: Sequence[str] | None = None) -> AttributionResult:
    """Attribute the change of a product of factors (ROE) to each factor.

    Parameters
    ----------
    base, current : mapping or Series ``{factor: value}`` with the same factors; their product is
        the total (e.g. ``{"net_margin": .16, "asset_turnover": .5, "equity_multiplier": 2.2}``).
    method : "chain" — chain substitution (连环替代法) in ``order``, plus the range of every factor's
        effect over all n! orders (``chain_min``, ``chain_max``); "shapley" — the mean of the chain
        effects over all orders, computed exactly (Shapley 1953; Ang, Liu & Chew 2003, Energy Policy
        31:1561); "lmdi" — additive LMDI-I (Ang 2004, Energy Policy 32:1131), refused with a
        DomainError when a factor is ≤ 0 or changes sign; "all" — every one of them (LMDI left
        empty, with the reason in ``lmdi_refused``, when it cannot apply).
    order : substitution order for "chain"; default the order of ``base`` (for DuPont the textbook
        order margin → turnover → multiplier).

    Every effect column sums to current − base (up to floating-point rounding).
    """
    _check_choice("method", method, ("chain", "shapley", "lmdi", "all"))
    b, c = _as_factors(base, "base"), _as_factors(current, "current")
    if set(b) != set(c):
        raise DataError(f"base and current do not line up: base has {sorted(b)}, current has {sorted(c)}. "
                        f"Give the same factors for both periods.")
    names = tuple(b)
    if len(names) > MAX_FACTORS:
        raise ParameterError(f"{len(names)} factors; at most {MAX_FACTORS} (every order is enumerated).")
    order = _order_index(names, order)
    x0 = np.array([b[k] for k in names])
    x1 = np.array([c[k] for k in names])
    effects = pd.DataFrame({"base": x0, "current": x1}, index=pd.Index(names, name="factor"))
    warns: list[str] = []
    refused = None
    n_orders = 0
    if method in ("chain", "all"):
        effects["chain"] = _chain(x0, x1, [names.index(o) for o in order])
        allc = np.array([_chain(x0, x1, perm) for perm in itertools.permutations(range(len(names)))])
        n_orders = len(allc)
        effects["chain_min"] = allc.min(axis=0)
        effects["chain_max"] = allc.max(axis=0)
    if method in ("shapley", "all"):
        effects["shapley"] = _shapley(x0, x1)
    if method in ("lmdi", "all"):
        refused = _lmdi_refusal(names, x0, x1)
        if refused is None:
            effects["lmdi"] = _lmdi(x0, x1)
        elif method == "lmdi":
            raise DomainError(refused + ". Use method='shapley' (order-free, works for any sign).")
        else:
            effects["lmdi"] = np.nan
            warns.append(refused + "; LMDI left empty.")
    return AttributionResult(effects=effects, method=method, order=order, base_total=float(np.prod(x0)),
                             current_total=float(np.prod(x1)), lmdi_refused=refused, n_orders=n_orders,
                             warnings=tuple(warns))


def chain_all_orders(base: Any, current: Any) -> pd.DataFrame:
    """Chain-substitution effects for every substitution order: one row per order ("a → b → c")."""
    b, c = _as_factors(base, "base"), _as_factors(current, "current")
    if set(b) != set(c):
        raise DataError(f"base and current do not line up: base has {sorted(b)}, current has {sorted(c)}.")
    names = tuple(b)
    if len(names) > MAX_FACTORS:
        raise ParameterError(f"{len(names)} factors; at most {MAX_FACTORS}.")
    x0 = np.array([b[k] for k in names])
    x1 = np.array([c[k] for k in names])
    rows = {" → ".join(names[i] for i in perm): _chain(x0, x1, perm)
            for perm in itertools.permutations(range(len(names)))}
    return pd.DataFrame.from_dict(rows, orient="index", columns=list(names)).rename_axis("order")


# --------------------------------------------------------------------------------------------
# Interpretation
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


#: what a manager can do about a factor that pulled ROE down (en, zh)
_ACTIONS_DOWN: dict[str, tuple[str, str]] = {
    "net_margin": ("review prices, discounts, the cost of goods and operating expenses before chasing more sales",
                   "先检查定价、折扣、商品成本和各项费用，再考虑扩大销售"),
    "ebit_margin": ("each sale earns less before interest and tax; review gross margin and operating expenses",
                    "每一元销售在扣除利息和所得税前赚得更少，应检查毛利率和经营费用"),
    "tax_burden": ("check the effective tax rate (one-off items, expired tax relief, non-deductible costs)",
                   "检查实际税率，是否有一次性项目、税收优惠到期或不可抵扣的费用"),
    "interest_burden": ("interest takes a larger bite of operating profit; review the cost and the level of borrowing",
                        "利息占用的经营利润更多，应检查借款成本和负债规模"),
    "asset_turnover": ("assets work less hard; look at slow-moving inventory, receivables and under-used stores",
                       "资产使用效率下降，应关注滞销库存、应收账款和利用不足的门店"),
    "equity_multiplier": ("leverage fell, so ROE is lower but so is financial risk; no action unless the firm is under-geared",
                          "财务杠杆下降，净资产收益率随之降低，但财务风险也降低了；除非杠杆明显偏低，否则无须采取措施"),
}


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
            en, zh = _ACTIONS_DOWN.get(k, ("find out why it fell", "查明其下降原因"))
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

#: readable headers (en/zh) for crm.show
COLUMNS: dict[str, dict[str, str]] = {
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
}


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


def statements_table(fin: pd.DataFrame, company: str, lang: str = "en") -> pd.DataFrame:
    """One company's statement items down the rows and periods across, money with thousands separators
    (ratios such as a reported ROE in %), item names in ``lang``."""
    check_lang(lang)
    t = fin[fin["company"] == company]
    if t.empty:
        have = ", ".join(map(repr, dict.fromkeys(fin["company"])))
        raise DataError(f"company {company!r} is not in the statements; companies found: {have}.")
    wide = t.pivot(index="item", columns="period", values="value")
    order = [i for i in (*FLOW_ITEMS, *BALANCE_ITEMS, "roe") if i in wide.index]
    wide = wide.loc[order + [i for i in wide.index if i not in order]]
    out = pd.DataFrame({str(p): [("" if pd.isna(v) else f"{v:.2%}" if i == "roe" else f"{v:,.0f}")
                                 for i, v in wide[p].items()] for p in wide.columns})
    names = {"roe": {"en": "reported ROE", "zh": "报告的净资产收益率"}, "income_tax": {"en": "income tax", "zh": "所得税"}}
    out.insert(0, COLUMNS["item"][lang], [text(i, lang, {**LABELS, **names}) for i in wide.index])
    return out


def compare_periods(result: DupontResult, company: str = "", base_period: Any = "",
                    current_period: Any = "") -> tuple[str, str, str]:
    """The company and the two periods a report compares: an empty company is the file's first, an
    empty current period the company's last analysed one, an empty base period the one before it."""
    c = company or result.companies[0]
    c = result._company(c)
    ps = [str(p) for p in result.table.loc[result.table["company"] == c, "period"]]
    cur = str(_norm_period(current_period)) if current_period else (ps[-1] if ps else "")
    if not base_period:
        earlier = [p for p in ps if p in ps[:ps.index(cur)]] if cur in ps else []
        if not earlier:
            raise DataError(f"company {c!r} has no analysed period before {cur or 'the last one'} "
                            f"(periods analysed: {', '.join(ps) or 'none'}); the comparison needs two.")
        base = earlier[-1]
    else:
        base = str(_norm_period(base_period))
    return c, base, cur


def describe_statements(fin: pd.DataFrame, lang: str = "en") -> list[str]:
    """One sentence on what was read: companies, periods, source file."""
    check_lang(lang)
    cs = [company_name(c, lang) for c in dict.fromkeys(fin["company"])]
    ps = sorted(set(fin["period"]), key=_period_key)
    src = fin.attrs.get("source", "")
    if lang == "en":
        return [f"{len(cs)} compan{'y' if len(cs) == 1 else 'ies'} ({', '.join(cs)}), periods {ps[0]} to {ps[-1]}, "
                f"{fin['item'].nunique()} statement items" + (f", read from {src}." if src else ".")]
    return [f"共 {len(cs)} 家公司（{'、'.join(cs)}），期间 {ps[0]} 至 {ps[-1]}，{fin['item'].nunique()} 个报表项目"
            + (f"，数据来自 {src}。" if src else "。")]


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


# --------------------------------------------------------------------------------------------
# Plots (matplotlib only)
# --------------------------------------------------------------------------------------------

UP_COLOR, DOWN_COLOR, FLAT_COLOR = "#2e7d32", "#c62828", "#757575"


_CJK = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")


def _set_title(ax, title: str, **kwargs) -> None:
    # the CJK font has no bold face: a bold Chinese title makes matplotlib log a font warning
    ax.set_title(title, fontweight="normal" if _CJK.search(title) else None, **kwargs)


def _new_ax(ax, figsize, lang: str = "en", names: Sequence[str] = ()):
    # only when Chinese text will be drawn: the CJK font has no bold face and matplotlib says so
    if lang == "zh" or any(_CJK.search(str(n)) for n in names):
        ensure_cjk()  # again: a style set after import may have reset the font family
    return new_ax(ax, figsize)


def _tree_layout(steps: int) -> list[tuple[str, float, float, str | None]]:
    if steps == 3:
        return [("roe", 0.5, 0.86, None), ("roa", 0.3, 0.52, "roe"), ("equity_multiplier", 0.72, 0.52, "roe"),
                ("net_margin", 0.15, 0.16, "roa"), ("asset_turnover", 0.45, 0.16, "roa")]
    return [("roe", 0.5, 0.9, None), ("roa", 0.32, 0.65, "roe"), ("equity_multiplier", 0.78, 0.65, "roe"),
            ("net_margin", 0.2, 0.4, "roa"), ("asset_turnover", 0.56, 0.4, "roa"),
            ("tax_burden", 0.08, 0.1, "net_margin"), ("interest_burden", 0.3, 0.1, "net_margin"),
            ("ebit_margin", 0.52, 0.1, "net_margin")]


def plot_tree(result: DupontResult, base_period: Any = None, current_period: Any = None, *,
              company: str | None = None, ax=None, lang: str = "en"):
    """DuPont tree (ROE → ROA × EM → NPM × AT [→ TB × IB × EBIT margin]) for two periods; each box
    shows base → current and is green when the value went up, red when it went down."""
    check_lang(lang)
    c = result._company(company)
    if base_period is None or current_period is None:
        ps = result.table.loc[result.table["company"] == c, "period"].tolist()
        if len(ps) < 2:
            raise DataError(f"company {c!r} has {len(ps)} analysed period(s); the tree compares two.")
        base_period, current_period = ps[-2], ps[-1]
    r0, r1 = result.row(base_period, company=c), result.row(current_period, company=c)
    ax = _new_ax(ax, (11, 6.2) if result.steps == 5 else (10, 5.5), lang, [c])
    layout = _tree_layout(result.steps)
    pos = {k: (x, y) for k, x, y, _ in layout}
    for k, x, y, parent in layout:
        if parent:
            px, py = pos[parent]
            ax.plot([px, px, x, x], [py - 0.07, (py + y) / 2, (py + y) / 2, y + 0.07], color="#9e9e9e", lw=1, zorder=1)
    for k, x, y, parent in layout:
        v0, v1 = float(r0[k]), float(r1[k])
        col = UP_COLOR if v1 > v0 else DOWN_COLOR if v1 < v0 else FLAT_COLOR
        ax.text(x, y, f"{text(k, lang, LABELS)}\n{_fmt(k, v0, lang)} → {_fmt(k, v1, lang)}",
                ha="center", va="center", fontsize=9, zorder=3, color="black",
                bbox=dict(boxstyle="round,pad=0.45", facecolor=col, alpha=0.18, edgecolor=col, lw=1.5))
    # the "×" between siblings
    kids: dict[str, list[str]] = {}
    for k, x, y, parent in layout:
        if parent:
            kids.setdefault(parent, []).append(k)
    for ks in kids.values():
        for a, b in zip(ks, ks[1:]):
            ax.text((pos[a][0] + pos[b][0]) / 2, pos[a][1], "×", ha="center", va="center", fontsize=13, color="#616161")
    ax.set_xlim(-0.05, 1.05)
    ax.set_ylim(-0.02, 1.0)
    ax.axis("off")
    _set_title(ax, f"{text('tree_title', lang, LABELS)} — {company_name(c, lang)}: {r0['period']} → {r1['period']}\n"
                 f"{conventions_text(result.conventions(), lang)}", fontsize=11)
    from matplotlib.patches import Patch
    ax.legend(handles=[Patch(facecolor=UP_COLOR, alpha=0.3, edgecolor=UP_COLOR, label=text("up", lang, LABELS)),
                       Patch(facecolor=DOWN_COLOR, alpha=0.3, edgecolor=DOWN_COLOR, label=text("down", lang, LABELS))],
              loc="upper right", frameon=False, fontsize=9)
    return ax


def plot_waterfall(attr: AttributionResult, *, ax=None, lang: str = "en", effect: str | None = None,
                   zero: bool = False):
    """ROE waterfall from the base to the current period; whiskers show each factor's
    chain-substitution effect over every substitution order (when computed).

    ``effect`` picks the column drawn (default the headline: Shapley for method="all"). The value
    axis is zoomed on the changes unless ``zero=True`` (the axis label says so).
    """
    check_lang(lang)
    effect = effect or attr.headline
    if effect not in attr.effects:
        raise ParameterError(f"effect={effect!r} was not computed; available: "
                             f"{[c for c in ('chain', 'shapley', 'lmdi') if c in attr.effects]}.")
    e = attr.effects[effect]
    if e.isna().any():
        raise DomainError(f"the {effect!r} effects are empty ({attr.lmdi_refused}); plot effect='shapley'.")
    ax = _new_ax(ax, (8, 4.5), lang, [attr.company or "", *attr.effects.index])
    names = list(attr.order) if set(attr.order) == set(e.index) else list(e.index)
    roe = "ROE" if lang == "en" else text("roe", lang, LABELS)
    # two short lines per factor, so neighbouring tick labels never run into each other
    wrap = (lambda s: textwrap.fill(s, 11)) if lang == "en" else (lambda s: s if len(s) <= 4 else s[:len(s) // 2] + "\n" + s[len(s) // 2:])
    labels = [f"{roe}\n{attr.base_label}", *[wrap(text(k, lang, LABELS)) for k in names], f"{roe}\n{attr.current_label}"]
    ranged = "chain_min" in attr.effects
    levels = [attr.base_total, attr.current_total]
    ax.bar(0, attr.base_total * 100, color="#90a4ae", width=0.6)
    cum = attr.base_total
    tops = []
    for i, k in enumerate(names, start=1):
        v = float(e[k])
        ax.bar(i, v * 100, bottom=cum * 100, color=UP_COLOR if v >= 0 else DOWN_COLOR, width=0.6, alpha=0.85)
        top = cum + max(v, 0)
        if ranged:
            lo, hi = float(attr.effects.loc[k, "chain_min"]), float(attr.effects.loc[k, "chain_max"])
            ax.errorbar(i, (cum + v) * 100, yerr=[[max(v - lo, 0) * 100], [max(hi - v, 0) * 100]],
                        fmt="none", ecolor="black", capsize=4, lw=1)
            levels += [cum + lo, cum + hi]
            top = max(top, cum + hi)
        tops.append((i, top, v))
        ax.plot([i - 0.7, i + 0.3], [cum * 100] * 2, color="#bdbdbd", lw=0.8)
        cum += v
        levels.append(cum)
    n = len(names) + 1
    ax.bar(n, attr.current_total * 100, color="#546e7a", width=0.6)
    lo_y, hi_y = min(levels) * 100, max(levels) * 100
    pad = max(hi_y - lo_y, 1e-9) * 0.25
    if zero or lo_y - pad <= 0:
        ax.set_ylim(min(0, lo_y - pad), hi_y + pad)
    else:
        ax.set_ylim(lo_y - pad, hi_y + pad)
    for i, top, v in tops:
        ax.text(i, top * 100 + pad * 0.08, _pp(v, lang).replace("个百分点", ""), ha="center", va="bottom", fontsize=8)
    for i, v in ((0, attr.base_total), (n, attr.current_total)):
        ax.text(i, v * 100 + pad * 0.08, f"{v:.2%}", ha="center", va="bottom", fontsize=8)
    ax.set_xticks(range(n + 1))
    ax.set_xticklabels(labels, fontsize=8)
    zoom = not (zero or lo_y - pad <= 0)
    if lang == "en":
        ax.set_ylabel("ROE (%), effects (pp)" + ("; zoomed axis" if zoom else ""), fontsize=9)
    else:
        ax.set_ylabel("净资产收益率（%）" + ("，纵轴未从0开始" if zoom else ""), fontsize=9)
    sub = [text(f"method_{effect}", lang, LABELS)]
    if ranged:
        sub.append(text("whiskers", lang, LABELS).format(n=attr.n_orders))
    conv = conventions_text(attr.source_conventions, lang)
    title = text("waterfall_title", lang, LABELS)
    if attr.company:
        title += f" — {company_name(attr.company, lang)}"
    _set_title(ax, f"{title}: {attr.base_label} → {attr.current_label}\n" + "\n".join([*([conv] if conv else []),
                                                                                       " · ".join(sub)]), fontsize=10)
    return ax


def plot_trends(result: DupontResult, *, company: str | None = None, ax=None, lang: str = "en"):
    """Each component and ROE as an index of its first analysed period (= 100)."""
    check_lang(lang)
    c = result._company(company)
    t = result.table[result.table["company"] == c]
    if len(t) < 2:
        raise DataError(f"company {c!r} has {len(t)} analysed period(s); a trend needs two or more.")
    ax = _new_ax(ax, (8, 4.5), lang, [c])
    x = [str(p) for p in t["period"]]
    for k in ("roe", *result.factors):
        v = t[k].to_numpy(dtype=float)
        idx = v / v[0] * 100 if v[0] != 0 else np.full(len(v), np.nan)
        ax.plot(x, idx, marker="o", lw=2.5 if k == "roe" else 1.5, color="black" if k == "roe" else None,
                label=text(k, lang, LABELS))
    ax.axhline(100, color="#9e9e9e", lw=0.8, ls="--")
    ax.set_ylabel(text("index_axis", lang, LABELS))
    ax.set_xlabel(text("period", lang, LABELS))
    ax.legend(fontsize=8, frameon=False, loc="best")
    _set_title(ax, f"{text('trends_title', lang, LABELS)} — {company_name(c, lang)}\n{conventions_text(result.conventions(), lang)}",
                 fontsize=10)
    return ax


def plot_peers(result: DupontResult, *, periods: Sequence[Any] | None = None, ax=None, lang: str = "en"):
    """Margin–turnover map: each company's path over ``periods`` (default all) with iso-ROA curves;
    the label gives the last ROE and equity multiplier."""
    check_lang(lang)
    t = result.table
    if periods is not None:
        ps = [_norm_period(p) for p in periods]
        t = t[t["period"].isin(ps)]
        lacking = [c for c in result.companies if set(ps) - set(t.loc[t["company"] == c, "period"])]
        if lacking:
            raise DataError(f"periods do not line up: {', '.join(map(repr, lacking))} lack some of {ps}. "
                            f"Pick periods every company has, or pass fewer companies.")
    ax = _new_ax(ax, (8, 5), lang, result.companies)
    xs = t["net_margin"].to_numpy(float) * 100
    lo, hi = max(np.nanmin(xs) * 0.8, 1e-3), np.nanmax(xs) * 1.2
    roa_word = "ROA" if lang == "en" else text("roa", lang, LABELS)
    roe_word = "ROE" if lang == "en" else text("roe", lang, LABELS)
    for roa in np.unique(np.round(np.quantile(t["roa"], [0.1, 0.5, 0.9]), 3)):
        if roa > 0:
            xx = np.linspace(lo, hi, 100)
            ax.plot(xx, roa * 100 / xx, color="#bdbdbd", lw=0.8, ls=":")
            ax.text(hi, roa * 100 / hi, f"{roa_word} {roa:.1%}", fontsize=7, color="#757575", va="bottom", ha="right")
    for c, g in t.groupby("company", sort=False):
        line, = ax.plot(g["net_margin"] * 100, g["asset_turnover"], marker="o", label=company_name(c, lang))
        for (_, r) in g.iterrows():
            ax.annotate(str(r["period"]), (r["net_margin"] * 100, r["asset_turnover"]), fontsize=7,
                        textcoords="offset points", xytext=(4, -9), color=line.get_color())
        last = g.iloc[-1]
        ax.annotate(f"{company_name(c, lang)}: {roe_word} {last['roe']:.1%}, {text('equity_multiplier', lang, LABELS)} "
                    f"{_fmt('equity_multiplier', last['equity_multiplier'], lang)}",
                    (last["net_margin"] * 100, last["asset_turnover"]), fontsize=8, textcoords="offset points",
                    xytext=(6, 6), color=line.get_color())
    ax.set_xlabel(text("net_margin", lang, LABELS) + " (%)")
    ax.set_ylabel(text("asset_turnover", lang, LABELS))
    _set_title(ax, f"{text('peers_title', lang, LABELS)} ({text('iso_roa', lang, LABELS)})\n"
                 f"{conventions_text(result.conventions(), lang)}", fontsize=10)
    ax.legend(fontsize=8, frameon=False)
    return ax


# --------------------------------------------------------------------------------------------
# Demo data
# --------------------------------------------------------------------------------------------

def demo_statements() -> pd.DataFrame:
    """Statements of two fictional retailers, 2021–2024, in CNY, tidy (company, period, item, value).

    Huamei Retail (华美零售) sells 3.6–4.9 million a year on a margin that slips while turnover and
    leverage rise; its reported ROE uses average equity. Lvyuan Mart (绿源超市) is a larger,
    thinner-margin peer. Operating income (营业利润) is stated after interest, as under Chinese GAAP,
    so EBIT = pre-tax income + interest and ebit="operating_income" gives an interest burden > 1.
    """
    data = {
        # item:            2021       2022       2023       2024
        "Huamei Retail": {
            "revenue": (3_600_000, 4_050_000, 4_480_000, 4_920_000),
            "operating_income": (190_000, 226_000, 228_000, 219_000),
            "interest_expense": (30_000, 34_000, 41_000, 46_000),
            "pretax_income": (196_000, 232_000, 236_000, 228_000),
            "net_income": (147_000, 174_000, 177_000, 171_000),
            "total_assets": (1_850_000, 1_950_000, 2_050_000, 2_100_000),
            "equity": (1_000_000, 1_060_000, 1_010_000, 960_000),
        },
        "Lvyuan Mart": {
            "revenue": (5_200_000, 5_600_000, 5_900_000, 6_300_000),
            "operating_income": (150_000, 168_000, 185_000, 204_000),
            "interest_expense": (22_000, 24_000, 23_000, 21_000),
            "pretax_income": (156_000, 170_000, 190_000, 212_000),
            "net_income": (117_000, 127_500, 142_500, 159_000),
            "total_assets": (2_000_000, 2_100_000, 2_150_000, 2_200_000),
            "equity": (900_000, 960_000, 1_030_000, 1_110_000),
        },
    }
    years = (2021, 2022, 2023, 2024)
    rows = [(c, y, item, float(v[i])) for c, items in data.items() for item, v in items.items()
            for i, y in enumerate(years)]
    # Huamei's annual report prints ROE on average equity, rounded to 4 decimals
    eq = data["Huamei Retail"]["equity"]
    ni = data["Huamei Retail"]["net_income"]
    rows += [("Huamei Retail", years[i], "roe", round(ni[i] / ((eq[i] + eq[i - 1]) / 2), 4)) for i in range(1, 4)]
    t = pd.DataFrame(rows, columns=["company", "period", "item", "value"])
    return t.sort_values(["company", "period", "item"], kind="stable").reset_index(drop=True)
