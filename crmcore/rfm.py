"""RFM customer value: explicit definitions, tie-safe scores, segment schemes, weighted RFM.

RFM (Hughes 1994) describes each customer by **R**ecency (最近一次消费, days since the last
purchase → loyalty 忠诚度), **F**requency (消费频率) and **M**onetary value (消费金额 →
purchasing power 购买力). The seeds add the largest single purchase (最大单笔消费), the share
of spend on special offers (特价商品消费占比 → price tolerance 价格容忍度) and the share of spend
on high-price items (高单价商品消费占比).

Conventions (all keyword parameters, recorded in ``table.attrs["crmcore"]["rfm"]``):

* snapshot: only lines with ``order_date < asof`` count; recency = calendar days from the
  last purchase day to the ``asof`` day (bought the day before asof → 1).
* ``frequency``: ``"invoices"`` distinct orders, ``"days"`` distinct purchase days, ``"lines"``.
* ``monetary``: ``"sum"`` total spend, ``"mean"`` spend per frequency unit.
* ``returns``: ``"drop"`` ignores return lines; ``"net"`` subtracts them from spend. R and F
  always come from purchases; a customer whose only lines are returns has no purchase and is
  left out (counted in ``attrs``).

Scores (:func:`score`) use one tie rule: a customer's score is
``1 + floor(bins × share of customers with a strictly worse value)`` ("worse" = longer
recency, lower F or M). Identical values always get the same score, results do not depend on
row order, and a mass of one-time buyers (34 % of Online Retail) all get F = 1 instead of being
split arbitrarily across quintiles.

References
----------
Hughes, A. M. (1994). *Strategic Database Marketing*. Probus.
Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). RFM and CLV: using iso-value curves for
customer base analysis. *Journal of Marketing Research* 42(4), 415–430.
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from . import engine
from .errors import DataError, DomainError, ParameterError, data_error
from .labels import check_lang, text
from .results import Result

LABELS: dict[str, dict[str, str]] = {
    "recency": {"en": "recency (days)", "zh": "最近一次消费 (天)"},
    "frequency": {"en": "frequency", "zh": "消费频率"},
    "monetary": {"en": "monetary value", "zh": "消费金额"},
    "R": {"en": "R score", "zh": "R 评分"},
    "F": {"en": "F score", "zh": "F 评分"},
    "M": {"en": "M score", "zh": "M 评分"},
    "mean_M": {"en": "mean monetary value", "zh": "平均消费金额"},
    "rf_heatmap": {"en": "Mean monetary value by R and F score", "zh": "按 R、F 评分的平均消费金额"},
    "distributions": {"en": "R, F and M distributions", "zh": "R、F、M 分布"},
    "segment_sizes": {"en": "Customers and revenue by segment", "zh": "各客户分群的客户数与销售额"},
    "migration": {"en": "Segment migration", "zh": "客户分群迁移"},
    "from": {"en": "from", "zh": "期初"},
    "to": {"en": "to", "zh": "期末"},
    "new": {"en": "(new)", "zh": "(新客户)"},
    "count_log": {"en": "customers (log scale)", "zh": "客户数 (对数刻度)"},
}

#: columns of :func:`rfm_table`, with their meaning (shown in the notebook)
COLUMNS: dict[str, str] = {
    "customer_id": "customer key",
    "recency": "time from the last purchase day to the asof day, in recency_unit",
    "frequency": "purchases counted as `frequency` says (invoices, days or lines)",
    "monetary": "spend (net of returns if returns='net'): total ('sum') or per frequency unit ('mean')",
    "first_purchase": "time of the first purchase line",
    "last_purchase": "time of the last purchase line",
    "tenure": "time from the first purchase day to the asof day, in recency_unit",
    "orders": "distinct order ids of purchases",
    "purchase_days": "distinct calendar days with a purchase",
    "lines": "purchase lines",
    "spend": "gross spend on purchases (before returns)",
    "returned": "value of returns before asof (0 when returns='drop')",
    "revenue": "spend − returned",
    "max_purchase": "largest single order (sum of its purchase lines) 最大单笔消费",
    "promo_share": "share of spend on special-offer lines (is_promo) 特价商品消费占比; NaN without is_promo",
    "high_price_share": "share of spend on lines with unit_price ≥ the high-price threshold 高单价商品消费占比",
    "mean_interval": "mean days between purchase days = (last day − first day)/(purchase_days − 1); NaN for one day",
}

_FREQ = ("invoices", "days", "lines")
_MON = ("sum", "mean")
_RET = ("drop", "net")
_UNITS = {"D": 1.0, "W": 7.0}


# ---------------------------------------------------------------- the per-customer table
def _asof(asof: Any) -> pd.Timestamp:
    if asof is None or (isinstance(asof, str) and not asof.strip()):
        raise ParameterError("asof is required (a fixed date such as '2025-12-31'); crmcore never reads the clock.")
    try:
        ts = pd.Timestamp(asof)
    except (ValueError, TypeError) as e:
        raise ParameterError(f"asof={asof!r} is not a date; write it like '2025-12-31'.") from e
    if ts is pd.NaT:
        raise ParameterError(f"asof={asof!r} is not a date; write it like '2025-12-31'.")
    return ts


def _choice(name: str, value: Any, allowed: Sequence[Any]) -> Any:
    if value not in allowed:
        raise ParameterError(f"{name}={value!r} is not supported; use one of {', '.join(map(repr, allowed))}.")
    return value


def _rfm_expr(t, asof_ts, *, has_return: bool, has_promo: bool, hp: float | None):
    """One pass over the lines (customer aggregates) + one over orders (largest order)."""
    t = t.filter(t.order_date < asof_ts)
    is_ret = t.amount < 0
    if has_return:
        is_ret = t.is_return | is_ret
    buy = ~is_ret
    day = t.order_date.date()
    aggs = dict(
        first_purchase=t.order_date.min(where=buy),
        last_purchase=t.order_date.max(where=buy),
        orders=t.order_id.nunique(where=buy),
        purchase_days=day.nunique(where=buy),
        lines=t.count(where=buy),
        spend=t.amount.sum(where=buy),
        returned=-t.amount.sum(where=is_ret),
    )
    if has_promo:
        aggs["promo_spend"] = t.amount.sum(where=buy & t.is_promo)
    if hp is not None:
        aggs["high_price_spend"] = t.amount.sum(where=buy & (t.unit_price >= hp))
    base = t.group_by("customer_id").aggregate(**aggs)
    b = t.filter(buy)
    orders = b.group_by(["customer_id", "order_id"]).aggregate(v=b.amount.sum())
    per_order = orders.group_by("customer_id").aggregate(max_purchase=orders.v.max())
    return base.left_join(per_order, "customer_id").drop("customer_id_right")


def rfm_table(
    tx: Any,
    *,
    asof: Any,
    frequency: str = "invoices",
    monetary: str = "sum",
    returns: str = "drop",
    recency_unit: str = "D",
    high_price_quantile: float | None = 0.8,
    high_price_threshold: float | None = None,
) -> pd.DataFrame:
    """One row per customer with R, F, M and the seeds' extended indicators.

    Parameters
    ----------
    tx : canonical transactions (DataFrame, Ibis table or Parquet/CSV path); never modified.
    asof : snapshot date; lines with ``order_date < asof`` count.
    frequency : ``"invoices"`` (distinct orders), ``"days"`` (distinct purchase days) or ``"lines"``.
    monetary : ``"sum"`` (total spend) or ``"mean"`` (spend / frequency).
    returns : ``"drop"`` (ignore return lines) or ``"net"`` (subtract them from spend).
        Return lines are ``is_return`` true or a negative amount.
    recency_unit : ``"D"`` days or ``"W"`` weeks (days / 7) for recency and tenure.
    high_price_quantile : a line is "high price" when its unit price is at or above this quantile
        of the unit prices of all purchase lines in the window (linear interpolation); ``None`` skips it.
    high_price_threshold : a fixed unit price instead of the quantile.

    Returns
    -------
    DataFrame sorted by customer_id with the columns in :data:`COLUMNS`; ``attrs["crmcore"]["rfm"]``
    holds the conventions, the high-price threshold and how many customers were left out because
    they only returned goods.
    """
    asof_ts = _asof(asof)
    _choice("frequency", frequency, _FREQ)
    _choice("monetary", monetary, _MON)
    _choice("returns", returns, _RET)
    _choice("recency_unit", recency_unit, tuple(_UNITS))
    if high_price_quantile is not None and not (0.0 < float(high_price_quantile) < 1.0):
        raise ParameterError(f"high_price_quantile={high_price_quantile!r} must be between 0 and 1 (e.g. 0.8 = top 20% of prices), or None.")
    t = engine.table(tx)
    engine._check_cols(t, ["customer_id", "order_id", "order_date", "amount", "unit_price"], "rfm_table")
    cols = set(t.columns)
    has_return, has_promo = "is_return" in cols, "is_promo" in cols

    window = t.filter(t.order_date < asof_ts)
    hp = high_price_threshold
    if hp is None and high_price_quantile is not None:
        ret = window.amount < 0
        if has_return:
            ret = window.is_return | ret
        buys = window.filter(~ret)
        hp_expr = buys.aggregate(q=buys.unit_price.quantile(float(high_price_quantile)),
                                 first=buys.order_date.min(), n=buys.count())
        got = engine.execute(hp_expr, tx)
        hp = None if pd.isna(got["q"].iloc[0]) else float(got["q"].iloc[0])
        t = engine.table(tx)  # execute() freed the view
    df = engine.execute(_rfm_expr(t, asof_ts, has_return=has_return, has_promo=has_promo, hp=hp), tx)
    if df.empty:
        first = _first_date(tx)
        raise data_error(f"no purchase is dated before asof={asof_ts:%Y-%m-%d}", source="rfm_table", column="order_date",
                         fix=(f"The earliest line is {first:%Y-%m-%d}; choose a later asof" if first is not None
                              else "The transactions are empty"))
    only_returns = df["lines"].fillna(0) == 0
    n_only_returns = int(only_returns.sum())
    examples = df.loc[only_returns, "customer_id"].head(3).tolist()
    df = df[~only_returns].copy()
    if df.empty:
        raise data_error("every customer has only return lines before asof, so there are no purchases to score",
                         source="rfm_table", column="is_return", fix="Check the is_return flags and the sign of amount")
    return _finish(df, asof_ts, frequency=frequency, monetary=monetary, returns=returns, unit=recency_unit,
                   hp=hp, hpq=high_price_quantile if high_price_threshold is None else None,
                   has_promo=has_promo, n_only_returns=n_only_returns, only_return_examples=examples)


def _first_date(tx: Any):
    t = engine.table(tx)
    got = engine.execute(t.aggregate(first=t.order_date.min()), tx)
    v = got["first"].iloc[0]
    return None if pd.isna(v) else pd.Timestamp(v)


def _finish(df, asof_ts, *, frequency, monetary, returns, unit, hp, hpq, has_promo, n_only_returns,
            only_return_examples):
    for c in ("first_purchase", "last_purchase"):
        df[c] = pd.to_datetime(df[c])
    for c in ("orders", "purchase_days", "lines"):
        df[c] = df[c].astype("int64")
    df["returned"] = df["returned"].fillna(0.0).astype(float) if returns == "net" else 0.0
    # money sums rounded to 1e-6: the order DuckDB adds floats in must not change a value (or a tie)
    for c in ("spend", "returned", "max_purchase", "promo_spend", "high_price_spend"):
        if c in df:
            df[c] = df[c].astype(float).round(6)
    df["revenue"] = (df["spend"] - df["returned"]).round(6)
    day0 = asof_ts.normalize()
    first_day, last_day = df["first_purchase"].dt.normalize(), df["last_purchase"].dt.normalize()
    scale = _UNITS[unit]
    rec = (day0 - last_day).dt.days
    ten = (day0 - first_day).dt.days
    df["recency"] = rec if unit == "D" else rec / scale
    df["tenure"] = ten if unit == "D" else ten / scale
    freq_col = {"invoices": "orders", "days": "purchase_days", "lines": "lines"}[frequency]
    df["frequency"] = df[freq_col]
    df["monetary"] = df["revenue"] if monetary == "sum" else df["revenue"] / df["frequency"]
    spend = df["spend"].where(df["spend"] != 0)
    df["promo_share"] = (df["promo_spend"].fillna(0.0) / spend) if has_promo else np.nan
    df["high_price_share"] = (df["high_price_spend"].fillna(0.0) / spend) if hp is not None else np.nan
    span = (last_day - first_day).dt.days
    df["mean_interval"] = (span / (df["purchase_days"] - 1)).where(df["purchase_days"] > 1)
    out = df[list(COLUMNS)].sort_values("customer_id", kind="stable").reset_index(drop=True)
    out.attrs["crmcore"] = {"rfm": {
        "asof": f"{asof_ts:%Y-%m-%d %H:%M:%S}".replace(" 00:00:00", ""), "frequency": frequency,
        "monetary": monetary, "returns": returns, "recency_unit": unit,
        "high_price_quantile": hpq, "high_price_threshold": hp,
        "customers_only_returns": n_only_returns, "only_return_examples": only_return_examples,
    }}
    return out


def conventions(table: pd.DataFrame) -> dict[str, Any]:
    """The conventions :func:`rfm_table` recorded on ``table`` (empty dict if none)."""
    return dict(table.attrs.get("crmcore", {}).get("rfm", {}))


# ---------------------------------------------------------------- scores
TIE_RULE = ("score = 1 + floor(bins × share of customers with a strictly worse value); equal values get "
            "equal scores; R: shorter recency is better")


@dataclass(frozen=True)
class RFMScores(Result):
    """R, F, M scores (1..bins, higher = better) per customer, with the cut points that produce them.

    ``cuts[k]`` are ``bins − 1`` ascending values. F and M: score = 1 + #{c ∈ cuts : value ≥ c}.
    R (lower recency is better): score = 1 + #{c ∈ cuts : recency ≤ c}. Feeding ``cuts`` back as
    ``score(..., method="fixed", thresholds=cuts)`` reproduces the scores exactly.
    """

    table: pd.DataFrame = field(repr=False)
    cuts: dict[str, tuple[float, ...]]
    bins: int
    method: str
    tie_rule: str
    warnings: tuple[str, ...] = ()
    title = "RFM scores"
    _conventions = ("method", "bins", "tie_rule")

    def to_frame(self) -> pd.DataFrame:
        return self.table

    def cuts_frame(self) -> pd.DataFrame:
        """Cut points as a table: one row per score boundary."""
        rows = {k: list(v) for k, v in self.cuts.items()}
        return pd.DataFrame(rows, index=[f"{i + 1}|{i + 2}" for i in range(self.bins - 1)])

    def plot(self, kind: str = "heatmap", ax=None, lang: str = "en"):
        if kind == "heatmap":
            return plot_rf_heatmap(self, ax=ax, lang=lang)
        raise ParameterError(f"kind={kind!r}: use 'heatmap'.")


def _check_table(table: Any, need: Sequence[str], what: str) -> pd.DataFrame:
    if isinstance(table, Result):
        table = table.to_frame()
    if not isinstance(table, pd.DataFrame):
        raise DataError(f"{what} needs a DataFrame from crmcore.rfm.rfm_table (got {type(table).__name__}).")
    missing = [c for c in need if c not in table.columns]
    if missing:
        raise data_error(f"missing column(s) {', '.join(map(repr, missing))}", source=what, columns=table.columns,
                         fix="Build the table with crmcore.rfm.rfm_table (and scores with crmcore.rfm.score)")
    if table.empty:
        raise DataError(f"{what}: the table has no customers.")
    return table


def _rank_scores(good: np.ndarray, bins: int) -> np.ndarray:
    """1 + floor(bins × #{strictly worse}/n) where larger ``good`` is better."""
    n = len(good)
    worse = pd.Series(good).rank(method="min").to_numpy() - 1  # customers with a strictly smaller value
    return (1 + np.floor(bins * worse / n + 1e-12)).astype("int64")


def _cuts_from(values: np.ndarray, scores: np.ndarray, bins: int, lower_better: bool) -> tuple[float, ...]:
    cuts = []
    for k in range(1, bins):
        if lower_better:
            # score ≥ bins − k + 1 ⟺ recency ≤ cut_k (cuts ascending)
            sel = values[scores >= bins - k + 1]
            cuts.append(float(sel.max()) if len(sel) else -math.inf)
        else:
            sel = values[scores >= k + 1]
            cuts.append(float(sel.min()) if len(sel) else math.inf)
    return tuple(cuts)


def _fixed_scores(values: np.ndarray, cuts: Sequence[float], lower_better: bool) -> np.ndarray:
    c = np.asarray(cuts, dtype=float)
    if lower_better:
        return (1 + (values[:, None] <= c[None, :]).sum(axis=1)).astype("int64")
    return (1 + (values[:, None] >= c[None, :]).sum(axis=1)).astype("int64")


_AXES = {"R": "recency", "F": "frequency", "M": "monetary"}


def score(
    table: Any,
    *,
    bins: int = 5,
    method: str = "quantile",
    thresholds: Mapping[str, Sequence[float]] | None = None,
) -> RFMScores:
    """Score R, F and M from 1 to ``bins`` (higher = better; recent customers get high R).

    ``method="quantile"``: score = 1 + ⌊bins × (share of customers with a strictly worse value)⌋.
    Ties: identical values always share a score, so scores never depend on row order; when one
    value holds more than 1/bins of the customers some scores stay empty (reported in
    ``warnings``). ``method="fixed"``: ``thresholds={"R": [...], "F": [...], "M": [...]}``, each
    ``bins − 1`` ascending cut points applied as in :class:`RFMScores`.

    Returns
    -------
    RFMScores: ``table`` = the input columns plus ``R``, ``F``, ``M`` (int), ``rfm_code`` ("545")
    and ``rfm_sum``; ``cuts`` per axis.
    """
    df = _check_table(table, ["customer_id", *_AXES.values()], "score")
    if not isinstance(bins, (int, np.integer)) or isinstance(bins, bool) or not 2 <= bins <= 9:
        raise ParameterError(f"bins={bins!r} must be a whole number from 2 to 9 (5 gives the classic 1–5 scores).")
    _choice("method", method, ("quantile", "fixed"))
    bad = [c for c in _AXES.values() if df[c].isna().any()]
    if bad:
        c = bad[0]
        rows = df.index[df[c].isna()][:3]
        raise data_error("are missing", source="score", column=c, n_bad=int(df[c].isna().sum()), n_total=len(df),
                         examples=[(r, df.at[r, "customer_id"]) for r in rows],
                         fix="Drop those customers or fill the values before scoring")
    if df["customer_id"].duplicated().any():
        dup = df["customer_id"][df["customer_id"].duplicated()].head(3).tolist()
        raise data_error(f"customer_id repeats ({', '.join(map(str, dup))})", source="score",
                         fix="Pass one row per customer (rfm_table gives that)")
    out = df.copy()
    cuts: dict[str, tuple[float, ...]] = {}
    notes: list[str] = []
    for k, col in _AXES.items():
        v = out[col].to_numpy(dtype=float)
        lower = k == "R"
        if method == "quantile":
            s = _rank_scores(-v if lower else v, bins)
            cuts[k] = _cuts_from(v, s, bins, lower)
        else:
            if thresholds is None or k not in thresholds:
                raise ParameterError(f"method='fixed' needs thresholds={{'R': [...], 'F': [...], 'M': [...]}} with {bins - 1} "
                                     f"ascending cut points each; {k!r} is missing.")
            c = [float(x) for x in thresholds[k]]
            if len(c) != bins - 1 or any(b < a for a, b in zip(c, c[1:])):
                raise ParameterError(f"thresholds[{k!r}]={list(thresholds[k])!r} must be {bins - 1} ascending numbers "
                                     f"(for bins={bins}).")
            s = _fixed_scores(v, c, lower)
            cuts[k] = tuple(c)
        empty = sorted(set(range(1, bins + 1)) - set(np.unique(s).tolist()))
        if empty:
            notes.append(f"{k}: no customer has score {', '.join(map(str, empty))} "
                         f"(tied values of {col}; e.g. {int((s == s.min()).sum()):,} customers share score {s.min()})")
        out[k] = s
    out["rfm_code"] = out["R"].astype(str) + out["F"].astype(str) + out["M"].astype(str)
    out["rfm_sum"] = out["R"] + out["F"] + out["M"]
    out.attrs = dict(df.attrs)
    return RFMScores(out, cuts, int(bins), method, TIE_RULE if method == "quantile" else "fixed cut points",
                     tuple(notes))
