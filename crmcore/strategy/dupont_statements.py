"""Financial statements for crmcore.dupont: reading them (English or Chinese headers and items, three layouts)
into the tidy table ``company, period, item, value``, the periods they cover, and the demo statements.
"""
from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from crmcore.errors import DataError, ParameterError, data_error
from crmcore.labels import check_lang, text
from crmcore.strategy.dupont_text import COLUMNS, LABELS, STATEMENT_NAMES, _item_label, company_name

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


# --------------------------------------------------------------------------------------------
# Private helpers: names, periods, files
# --------------------------------------------------------------------------------------------

def _norm(name: object) -> str:
    """Normalise a header or item name: case, spaces, full-width brackets, numbering, units."""
    s = str(name).strip().lower().replace("（", "(").replace("）", ")").replace("：", ":")
    s = re.sub(r"^[一二三四五六七八九十]+、", "", s)  # "一、营业收入"
    s = re.sub(r"^(加|减|其中)\s*:", "", s)  # "减：所得税费用"
    s = re.sub(r"\((元|万元|千元|yuan|cny|rmb|usd)\)$", "", s)  # "净利润(元)"
    return re.sub(r"[\s\-]+", "_", s.strip())


_ITEM_LOOKUP = {_norm(a): k for k, names in ITEM_ALIASES.items() for a in names}
_COLUMN_LOOKUP = {_norm(a): k for k, names in COLUMN_ALIASES.items() for a in names}


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


# ------------------------------------------------------------------ what was read, for the reader

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
    out.insert(0, COLUMNS["item"][lang], [text(i, lang, {**LABELS, **STATEMENT_NAMES}) for i in wide.index])
    return out


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
