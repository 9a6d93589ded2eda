"""The data-source view (数据源区域): what the transactions hold, their coverage and quality."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from . import engine
from .data import CANONICAL, REQUIRED
from .labels import check_lang, text
from .results import Result

LABELS = {
    "summary": {"en": "{lines:,} lines, {orders:,} orders and {customers:,} customers from {start:%Y-%m-%d} to "
                      "{end:%Y-%m-%d} ({months} months); revenue {revenue:,.0f}, average order value {aov:,.2f}.",
                "zh": "共 {lines:,} 行明细、{orders:,} 笔订单、{customers:,} 位客户，时间 {start:%Y-%m-%d} 至 "
                      "{end:%Y-%m-%d}（{months} 个月）；销售额 {revenue:,.0f}，客单价 {aov:,.2f}。"},
    "gaps": {"en": "{n} calendar day(s) without any sale, the longest gap {gap} day(s) ending {gap_end:%Y-%m-%d}.",
             "zh": "有 {n} 天没有任何销售，最长间断 {gap} 天（至 {gap_end:%Y-%m-%d}）。"},
    "no_gaps": {"en": "Every calendar day in the range has at least one sale.",
                "zh": "区间内每一天都有销售。"},
    "missing_optional": {"en": "Optional columns absent (methods that need them will say so): {cols}.",
                         "zh": "缺少可选列（需要它们的方法会提示）：{cols}。"},
}


@dataclass(frozen=True)
class Overview(Result):
    """Schema check and coverage of canonical transactions."""

    schema: pd.DataFrame
    monthly: pd.DataFrame
    totals: dict
    gaps: dict
    title = "Data overview"

    def to_frame(self) -> pd.DataFrame:
        return self.schema

    def interpret(self, lang: str = "en") -> str:
        check_lang(lang)
        t = self.totals
        parts = [text("summary", lang, LABELS).format(**t)]
        if self.gaps["n"]:
            parts.append(text("gaps", lang, LABELS).format(**self.gaps))
        else:
            parts.append(text("no_gaps", lang, LABELS))
        absent = [c for c in CANONICAL if c not in self.schema["column"].tolist()]
        if absent:
            parts.append(text("missing_optional", lang, LABELS).format(cols=", ".join(absent)))
        return " ".join(parts)


def overview(tx: pd.DataFrame) -> Overview:
    """Schema table (type, filled, distinct, an example per column), monthly coverage, totals and day gaps."""
    rows = []
    for col in tx.columns:
        s = tx[col]
        ex = s.dropna()
        rows.append({"column": col, "required": col in REQUIRED, "dtype": str(s.dtype),
                     "filled": int(s.notna().sum()), "missing": int(s.isna().sum()),
                     "distinct": int(s.nunique()), "example": str(ex.iloc[0]) if len(ex) else ""})
    schema = pd.DataFrame(rows)
    monthly = engine.periodic_sales(tx, freq="M")
    daily = engine.periodic_sales(tx, freq="D")
    days = pd.date_range(daily["period"].min(), daily["period"].max(), freq="D")
    have = pd.Series(1, index=pd.DatetimeIndex(daily["period"])).reindex(days, fill_value=0)
    missing = have[have == 0]
    run = (have != have.shift()).cumsum()
    gap_lengths = missing.groupby(run[missing.index]).size()
    gaps = {"n": int(len(missing))}
    if len(missing):
        longest = gap_lengths.idxmax()
        gaps.update(gap=int(gap_lengths.max()), gap_end=missing[run[missing.index] == longest].index.max())
    orders = int(tx["order_id"].nunique())
    totals = {"lines": len(tx), "orders": orders, "customers": int(tx["customer_id"].nunique()),
              "start": tx["order_date"].min(), "end": tx["order_date"].max(), "months": len(monthly),
              "revenue": float(tx["amount"].sum()), "aov": float(tx["amount"].sum()) / max(orders, 1)}
    return Overview(schema, monthly, totals, gaps)


def plot_monthly(ov: Overview, ax: Any = None, lang: str = "en"):
    """Monthly revenue bars with the number of active customers on a second axis."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    if ax is None:
        _, ax = plt.subplots(figsize=(9, 4))
    m = ov.monthly
    sns.barplot(x=m["period"].dt.strftime("%Y-%m"), y=m["revenue"], color="#4c72b0", ax=ax)
    ax.set_xlabel(text("month", lang))
    ax.set_ylabel(text("revenue", lang))
    ax.tick_params(axis="x", rotation=90, labelsize=7)
    ax2 = ax.twinx()
    ax2.plot(range(len(m)), m["customers"], color="#dd8452", marker="o", ms=3)
    ax2.set_ylabel(text("customers", lang), color="#dd8452")
    ax.set_title({"en": "Monthly revenue and active customers", "zh": "月度销售额与活跃客户数"}[lang])
    return ax
