"""The churn data (流失预警的数据): who is scored, the label and the features as of a cut-off.

**Population.** The warning scores customers *active* at the cut-off: lifecycle stage
(:mod:`crmcore.lifecycle`, judged against each customer's own rhythm) in :data:`ACTIVE_STAGES`; the
lapsed and lost (:data:`GONE_STAGES`) belong on the win-back list.

**Label.** At a cut-off ``c`` an active customer is churned (1) when they make no purchase in
``[c, c + horizon)`` and retained (0) otherwise; the horizon must lie inside the data.

**Features** (:data:`FEATURES`, described in ``churn.FEATURE_LABELS``) come only from rows with
``order_date < c``; the test suite checks that rows on or after ``c`` leave them unchanged.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from crmcore import engine
from crmcore.customer.lifecycle import Rules, _snapshot, customer_days
from crmcore.errors import DataError, ParameterError

#: lifecycle stages that count as "active" for the warning (not yet lapsed or lost)
ACTIVE_STAGES = ("new", "growing", "mature", "declining", "won_back")
#: stages of customers already gone: the win-back list, not the warning
GONE_STAGES = ("lapsed", "lost")

#: the features, all computed from rows before the cut-off
FEATURES = ("recency_days", "tenure_days", "purchase_days", "orders", "revenue", "avg_day_revenue",
            "max_order_value", "revenue_last", "revenue_prev", "days_last", "days_prev", "trend",
            "rhythm_days", "recency_ratio", "revenue_365", "promo_share", "high_price_share")


def latest_cutoff(tx: Any, *, horizon: int = 90) -> str:
    """The latest cut-off whose churn window is fully observed: the day after the last order − ``horizon``."""
    h = _check_horizon(horizon)
    end = _check_tx(tx)
    return f"{end - pd.Timedelta(days=h):%Y-%m-%d}"


def labels(tx: Any, *, cutoff: Any, horizon: int = 90, active_days: int | None = 365) -> pd.DataFrame:
    """customer_id, churned (1/0) for customers active before ``cutoff``.

    Active = at least one purchase (a line with amount > 0) in ``[cutoff − active_days, cutoff)``
    (any time before the cut-off when ``active_days`` is None). Churned = no purchase in
    ``[cutoff, cutoff + horizon)``.
    """
    h = _check_horizon(horizon)
    c = engine.check_asof(cutoff)
    end = _check_tx(tx)
    _check_label_window(c, h, end)
    t = engine.table(tx)
    t = t.filter((t.amount > 0) & (t.order_date < c + pd.Timedelta(days=h)))
    if active_days is not None:
        if active_days <= 0:
            raise ParameterError(f"active_days={active_days!r} must be a positive number of days or None.")
        t = t.filter(t.order_date >= c - pd.Timedelta(days=int(active_days)))
    before = (t.order_date < c).cast("int8")
    after = (t.order_date >= c).cast("int8")
    expr = t.group_by("customer_id").aggregate(before=before.max(), after=after.max())
    df = engine.execute(expr, tx)
    df = df[df["before"] == 1].copy()
    df["churned"] = (df["after"] == 0).astype(int)
    df["customer_id"] = df["customer_id"].astype(str)
    return df[["customer_id", "churned"]].sort_values("customer_id").reset_index(drop=True)


def features(tx: Any, *, cutoff: Any, window_days: int = 90) -> pd.DataFrame:
    """One row per customer with a purchase before ``cutoff``: the model features (see ``FEATURES``).

    Everything is computed from rows with ``order_date < cutoff`` only: ``engine.customer_summary``
    (orders, revenue, largest order) and the purchase-day table behind the lifecycle stages
    (recency, rhythm, spend and purchase days in the last and previous ``window_days``).
    """
    c = engine.check_asof(cutoff)
    summ = engine.customer_summary(tx, asof=c)
    days = customer_days(tx, before=c)
    if days.empty:
        raise DataError(f"no purchases before the cut-off {c:%Y-%m-%d}; choose a later cut-off.")
    snap = _snapshot(days, c, Rules(window_days=window_days))
    w = pd.Timedelta(days=window_days)
    cnt_last = days[days["day"] >= c - w].groupby("customer_id").size()
    cnt_prev = days[(days["day"] >= c - 2 * w) & (days["day"] < c - w)].groupby("customer_id").size()
    f = snap[["customer_id", "purchase_days", "rhythm_days", "recency_days", "recency_ratio",
              "revenue_last", "revenue_prev", "revenue_365", "stage"]].copy()
    f["days_last"] = f["customer_id"].map(cnt_last).fillna(0).astype(float)
    f["days_prev"] = f["customer_id"].map(cnt_prev).fillna(0).astype(float)
    s = summ.set_index(summ["customer_id"].astype(str))
    f["tenure_days"] = f["customer_id"].map(s["tenure_days"]).astype(float)
    f["orders"] = f["customer_id"].map(s["orders"]).astype(float)
    f["revenue"] = f["customer_id"].map(s["revenue"]).astype(float)
    f["max_order_value"] = f["customer_id"].map(s["max_order_value"]).astype(float)
    f["avg_day_revenue"] = f["revenue"] / f["purchase_days"]
    # the RFM module's extended indicators (特价商品消费占比, 高单价商品消费占比), also as of the cut-off;
    # the high-price threshold is the price quantile of the lines before the cut-off
    ext = _rfm_extended(tx, c)
    for col in ("promo_share", "high_price_share"):
        f[col] = f["customer_id"].map(ext[col]).fillna(0.0) if col in ext else 0.0
    # spend trend in [-1, 1]: (last − prev) / (last + prev), 0 when both windows are empty
    tot = f["revenue_last"] + f["revenue_prev"]
    f["trend"] = np.where(tot > 0, (f["revenue_last"] - f["revenue_prev"]) / tot.where(tot > 0, 1), 0.0)
    for col in FEATURES:
        f[col] = f[col].astype(float)
    return f[["customer_id", "stage", *FEATURES]].sort_values("customer_id").reset_index(drop=True)


def dataset(tx: Any, *, cutoff: Any, horizon: int = 90, active_days: int | None = 365,
            window_days: int = 90, population: str = "active") -> pd.DataFrame:
    """Features as of ``cutoff`` joined to the churn label over ``[cutoff, cutoff + horizon)``.

    ``population="active"`` keeps only customers whose lifecycle stage at the cut-off is in
    :data:`ACTIVE_STAGES` (not lapsed or lost): the ones a warning can still keep.
    """
    _check_population(population)
    y = labels(tx, cutoff=cutoff, horizon=horizon, active_days=active_days)
    X = features(tx, cutoff=cutoff, window_days=window_days)
    if population == "active":
        X = X[X["stage"].isin(ACTIVE_STAGES)]
    return X.merge(y, on="customer_id", how="inner").reset_index(drop=True)


def rfm_segments(tx: Any, *, asof: Any, lang: str = "en") -> pd.DataFrame:
    """customer_id, segment, segment_name, action: the RFM module's cn8 segments (重要价值客户 …) as of ``asof``."""
    from crmcore.customer import rfm

    seg = rfm.segment(rfm.score(rfm.rfm_table(tx, asof=asof)), scheme="cn8", lang=lang)
    out = seg.table[["customer_id", "segment", "segment_name", "action"]].copy()
    out["customer_id"] = out["customer_id"].astype(str)
    return out


# ---------------------------------------------------------------- checks and helpers
def _check_tx(tx: Any) -> pd.Timestamp:
    """Validate the transactions and return the end of the observed data (day after the last order)."""
    t = engine.table(tx)
    engine._check_cols(t, ["customer_id", "order_id", "order_date", "amount", "quantity"], "churn")
    last = engine.execute(t.aggregate(last=t.order_date.max()), tx)["last"].iloc[0]
    if pd.isna(last):
        raise DataError("the transactions are empty; load data with crmcore.data.load_transactions.")
    return pd.Timestamp(last).normalize() + pd.Timedelta(days=1)


def _check_horizon(horizon: Any) -> int:
    if isinstance(horizon, bool) or not isinstance(horizon, (int, np.integer)) or horizon <= 0:
        raise ParameterError(f"horizon={horizon!r} must be a positive whole number of days (e.g. 90): "
                             "a customer is churned if they do not buy within that many days after the cut-off.")
    return int(horizon)


def _check_label_window(cutoff: pd.Timestamp, horizon: int, data_end: pd.Timestamp) -> None:
    if cutoff >= data_end:
        raise DataError(f"cut-off {cutoff:%Y-%m-%d} is after the last date in the data "
                        f"({data_end - pd.Timedelta(days=1):%Y-%m-%d}), so nobody can be labelled; "
                        "choose an earlier cut-off (use score() to rate customers after the data ends).")
    if cutoff + pd.Timedelta(days=horizon) > data_end:
        latest = data_end - pd.Timedelta(days=horizon)
        raise DataError(f"cut-off {cutoff:%Y-%m-%d} + horizon {horizon} days runs past the data "
                        f"(last date {data_end - pd.Timedelta(days=1):%Y-%m-%d}), so churn after it is not observed; "
                        f"choose a cut-off on or before {latest:%Y-%m-%d} or a shorter horizon.")


def _check_population(population: str) -> str:
    if population not in ("active", "all"):
        raise ParameterError(f"population={population!r}: use 'active' (score only customers not yet lapsed or "
                             "lost by the lifecycle rules, the warning) or 'all'.")
    return population


def _rfm_extended(tx: Any, cutoff: pd.Timestamp) -> pd.DataFrame:
    from crmcore.customer import rfm

    cols = engine.table(tx).columns
    if "unit_price" not in cols:
        return pd.DataFrame()
    import warnings

    with warnings.catch_warnings():
        # customers with only return lines get no share (0 below); the rfm module's note about them
        # is for an RFM report, not for every cut-off of the churn features
        warnings.simplefilter("ignore", UserWarning)
        t = rfm.rfm_table(tx, asof=cutoff)
    return t.set_index(t["customer_id"].astype(str))
