"""Dormancy: active, dozing (瞌睡), half-asleep (半睡) and dormant (沉睡) customers.

A customer's state comes from the days since the last purchase (recency), in one of two ways:

* ``method="fixed"``: thresholds ``(t1, t2, t3)`` in days (default 90, 180, 365):
  active ≤ t1 < dozing ≤ t2 < half-asleep ≤ t3 < dormant;
* ``method="relative"``: the ratio recency / typical interval against ``(k1, k2, k3)``
  (default 1.5, 3, 6) with the same ≤ / < rule. The typical interval is the customer's own mean
  interval between purchase days; a customer with one purchase day has none, so the median of the
  repeat customers' intervals stands in (``interval_source`` says which was used).

Revenue at risk: the revenue each state's customers brought to date, and their yearly run-rate
``annual_revenue = revenue × 365 / max(tenure, 365)`` — what a year without them costs if they
had kept buying at their past pace. Only customers who are *not active* (dozing, half-asleep,
dormant) put revenue at risk; the active customers' run-rate is shown as revenue kept, never as
"at risk".
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import pandas as pd

from crmcore.errors import DataError, ParameterError, data_error
from crmcore.labels import Catalogue, check_lang, text
from crmcore.results import SentenceResult

STATES = ("active", "dozing", "half_asleep", "dormant")

LABELS = Catalogue("dormancy.labels", {
    "active": {"en": "active", "zh": "活跃"},
    "dozing": {"en": "dozing", "zh": "瞌睡"},
    "half_asleep": {"en": "half-asleep", "zh": "半睡"},
    "dormant": {"en": "dormant", "zh": "沉睡"},
    "title": {"en": "Customers by dormancy state", "zh": "各休眠状态的客户数"},
    "note": {"en": "numbers on bars: yearly revenue at risk (not active) or kept (active)",
             "zh": "柱上数字：非活跃客户为年度风险销售额，活跃客户为年度保有销售额"},
    "at_risk": {"en": "annual revenue at risk", "zh": "年度风险销售额"},
    "kept": {"en": "kept", "zh": "保有"},
    "risk": {"en": "at risk", "zh": "风险"},
    "own": {"en": "own mean interval", "zh": "本人平均购买间隔"},
    "population": {"en": "median interval of repeat customers", "zh": "复购客户的中位购买间隔"},
})

_DEFAULTS = {"fixed": (90.0, 180.0, 365.0), "relative": (1.5, 3.0, 6.0)}

#: headers of :meth:`Dormancy.summary` (en / zh)
COLUMNS = Catalogue("dormancy.columns", {
    "state": {"en": "State key", "zh": "状态代码"},
    "state_name": {"en": "State", "zh": "状态"},
    "annual_revenue": {"en": "Annual revenue (run-rate)", "zh": "年化销售额"},
    "annual_revenue_at_risk": {"en": "Annual revenue at risk", "zh": "年度风险销售额"},
})

#: readable headers of the results' to_frame(lang) (the result protocol of crmcore.results)
_RESULT_COLUMNS = Catalogue("dormancy.result_columns", {
    "mean_interval": {"en": "Mean days between purchases", "zh": "平均购买间隔（天）"},
    "tenure": {"en": "Days since the first purchase", "zh": "客户时长（天）"},
})


def dormancy(
    table: Any,
    *,
    method: str = "fixed",
    thresholds: Sequence[float] | None = None,
    asof: Any = None,
    lang: str = "en",
) -> Dormancy:
    """Classify customers as active / dozing / half-asleep / dormant (see the module docstring).

    ``table``: an :func:`crmcore.rfm.rfm_table` (recency in days) — or transactions, in which case
    ``asof`` is required and the table is built with default conventions.
    """
    check_lang(lang)
    if method not in _DEFAULTS:
        raise ParameterError(f"method={method!r} is not supported; use 'fixed' or 'relative'.")
    if not (isinstance(table, pd.DataFrame) and "recency" in table and "customer_id" in table):
        if asof is None:
            raise ParameterError("dormancy of transactions needs asof='YYYY-MM-DD' (or pass an rfm_table).")
        from crmcore.customer.rfm import rfm_table

        table = rfm_table(table, asof=asof)
    unit = table.attrs.get("crmcore", {}).get("rfm", {}).get("recency_unit", "D")
    if unit != "D":
        raise ParameterError(f"dormancy works in days; build the rfm_table with recency_unit='D' (got {unit!r}).")
    need = ["customer_id", "recency", "mean_interval", "revenue", "tenure"]
    miss = [c for c in need if c not in table]
    if miss:
        raise data_error(f"missing column(s) {', '.join(miss)}", source="dormancy", columns=table.columns,
                         fix="Pass the table from crmcore.rfm.rfm_table")
    if table.empty:
        raise DataError("dormancy: the table has no customers.")
    th = tuple(float(x) for x in (thresholds if thresholds is not None else _DEFAULTS[method]))
    if len(th) != 3 or not (0 <= th[0] < th[1] < th[2]):
        raise ParameterError(f"thresholds={thresholds!r} must be three increasing non-negative numbers "
                             f"(e.g. {_DEFAULTS[method]}).")
    out = table[["customer_id", "recency", "mean_interval", "revenue", "tenure"]].copy()
    fallback = None
    if method == "fixed":
        measure = out["recency"].astype(float)
    else:
        own = out["mean_interval"]
        fallback = float(own.median()) if own.notna().any() else None
        if fallback is None or fallback <= 0:
            raise DataError("dormancy(method='relative') needs repeat customers to learn a typical interval; "
                            "no customer bought on two different days. Use method='fixed'.")
        out["typical_interval"] = own.fillna(fallback).clip(lower=1.0)
        out["interval_source"] = np.where(own.notna(), "own", "population")
        measure = out["recency"] / out["typical_interval"]
        out["ratio"] = measure
    idx = (measure.to_numpy()[:, None] > np.asarray(th)[None, :]).sum(axis=1)
    out["state"] = np.asarray(STATES)[idx]
    out["state_name"] = [text(s, lang, LABELS) for s in out["state"]]
    out["annual_revenue"] = out["revenue"] * 365.0 / np.maximum(out["tenure"].astype(float), 365.0)
    return Dormancy(out.reset_index(drop=True), method, th, fallback, lang)


def plot_dormancy(result: Dormancy, *, ax=None, lang: str = "en"):
    """Bars of customers per state, with the annual revenue at risk written on each bar."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    check_lang(lang)
    if ax is None:
        _, ax = plt.subplots()
    s = result.summary()
    names = [text(k, lang, LABELS) for k in s["state"]]
    sns.barplot(x=names, y=s["customers"].to_numpy(), hue=names, palette="RdYlGn_r", legend=False, ax=ax)
    for i, (state, n, rev) in enumerate(zip(s["state"], s["customers"], s["annual_revenue"])):
        what = text("kept" if state == "active" else "risk", lang, LABELS)
        ax.text(i, n, f"{what} {rev:,.0f}", ha="center", va="bottom", fontsize=8)
    ax.set_ylabel(text("customers", lang))
    ax.set_xlabel(text("note", lang, LABELS), fontsize=8)
    ax.set_ylim(0, max(1, float(s["customers"].max())) * 1.12)
    ax.yaxis.set_major_formatter("{x:,.0f}")
    ax.set_title(text("title", lang, LABELS))
    return ax


@dataclass(frozen=True)
class Dormancy(SentenceResult):
    """State of each customer and the counts and revenue at risk per state."""

    table: pd.DataFrame = field(repr=False)
    method: str
    thresholds: tuple[float, float, float]
    fallback_interval: float | None = None
    lang: str = "en"
    title = "Dormancy"
    _conventions = ("method", "thresholds", "fallback_interval")
    _columns = _RESULT_COLUMNS

    def summary(self) -> pd.DataFrame:
        """Per state: customers, share, revenue, revenue share, annual revenue (run-rate) and the annual
        revenue at risk (the run-rate of the states that are not active; blank for active)."""
        g = self.table.groupby("state")
        out = pd.DataFrame({"customers": g.size(), "revenue": g["revenue"].sum(),
                            "annual_revenue": g["annual_revenue"].sum()}).reindex(list(STATES))
        out["customers"] = out["customers"].fillna(0).astype("int64")
        out[["revenue", "annual_revenue"]] = out[["revenue", "annual_revenue"]].fillna(0.0)
        out["share"] = out["customers"] / out["customers"].sum()
        tot = out["revenue"].sum()
        out["revenue_share"] = out["revenue"] / tot if tot else np.nan
        out.insert(0, "state_name", [text(s, self.lang, LABELS) for s in out.index])
        # only customers who are not active put revenue at risk
        out["annual_revenue_at_risk"] = out["annual_revenue"].where(out.index != "active", np.nan)
        return out[["state_name", "customers", "share", "revenue", "revenue_share", "annual_revenue",
                    "annual_revenue_at_risk"]].rename_axis("state").reset_index()

    def at_risk(self) -> dict[str, float]:
        """Customers and annual revenue of everyone not active."""
        s = self.summary().set_index("state").drop(index="active")
        return {"customers": int(s["customers"].sum()), "annual_revenue": float(s["annual_revenue_at_risk"].sum()),
                "revenue_share": float(s["revenue_share"].sum())}

    def _sentence_text(self, lang: str | None = None) -> str:
        lang = check_lang(lang or self.lang)
        s = self.summary().set_index("state")
        r = self.at_risk()
        n = int(s["customers"].sum())
        if r["customers"] == 0:
            if lang == "zh":
                return f"{n:,} 位客户全部处于活跃状态，目前没有需要唤醒的客户。"
            return f"All {n:,} customers are active; none needs waking."
        if lang == "zh":
            return (f"{n:,} 位客户中，活跃 {s.at['active', 'customers']:,} 位，瞌睡 {s.at['dozing', 'customers']:,} 位，"
                    f"半睡 {s.at['half_asleep', 'customers']:,} 位，沉睡 {s.at['dormant', 'customers']:,} 位；"
                    f"{r['customers']:,} 位非活跃客户按过去的购买节奏每年约贡献 {r['annual_revenue']:,.0f} 的销售额，"
                    f"这部分销售额面临流失风险，需要唤醒。")
        return (f"Of {n:,} customers, {s.at['active', 'customers']:,} are active, {s.at['dozing', 'customers']:,} dozing, "
                f"{s.at['half_asleep', 'customers']:,} half-asleep and {s.at['dormant', 'customers']:,} dormant; "
                f"the {r['customers']:,} customers who are not active were worth about {r['annual_revenue']:,.0f} a year "
                f"at their past pace — the revenue at risk.")

    def plot(self, ax=None, lang: str | None = None):
        return plot_dormancy(self, ax=ax, lang=lang or self.lang)
