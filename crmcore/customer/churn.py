"""Churn warning (流失预警): who, among the customers still active today, will stop buying next.

The CRM 3.0 / 客户管理 course's model catalogue (model 8, 客户流失倾向预警, customer churn-propensity
warning) puts the key of the method in *where the churn alarm point is set*: a warning is only
useful while the customer can still be kept. So:

**Population.** Only customers *active* at the cut-off are scored: those whose lifecycle stage
(:mod:`crmcore.lifecycle`, judged against each customer's own rhythm) is new, growing, mature,
declining or won back — not lapsed (休眠) or lost (流失). A customer who is already lapsed or
lost belongs on the separate win-back list (:func:`winback_list`), not on the warning.
``population="all"`` keeps every customer with a purchase in the ``active_days`` before the cut-off.

**Label.** At a cut-off ``c`` an active customer is labelled churned (1) when they make no
purchase in ``[c, c + horizon)`` and retained (0) otherwise; the horizon must lie inside the data.

**Features** (:data:`FEATURES`, described in :data:`FEATURE_LABELS`) come only from rows with
``order_date < c``. The test suite checks this: changing or adding rows on or after ``c`` leaves
the features unchanged.

**Time split.** The models learn at ``c_train = c − horizon`` (labels from ``[c_train, c)``) and
are judged at the later cut-off ``c``; the model reported is chosen on cross-validated scores of
the training cut-off, never on the test labels.

**Evaluation.** The warning is the positive prediction ("this customer will churn"):

- error rate (错误率) = flagged customers who did not churn ÷ all flagged = FP / (TP + FP) = 1 − precision;
- miss rate (遗漏率) = churners not flagged ÷ all churners = FN / (TP + FN) = 1 − recall.

The course material describes the miss rate as "correct predictions divided by all real
churners" and says lower is better; that ratio is recall, where higher is better. Only
1 − recall (the share of real churners the warning missed) fits "lower is better", so that is
what ``miss_rate`` computes; recall is reported beside it.

Both are compared with a naive **baseline, recency alone** (flag the same number of active
customers with the longest time since their last purchase): a model that does not beat it adds
nothing a sorted column would not give.

References
----------
Neslin, S. A., Gupta, S., Kamakura, W., Lu, J., Mason, C. H. (2006). Defection detection:
measuring and understanding the predictive accuracy of customer churn models. *Journal of
Marketing Research* 43(2), 204–211 (time-split validation, lift by decile).
Fader, P. S., Hardie, B. G. S., Lee, K. L. (2005). "Counting your customers" the easy way.
*Marketing Science* 24(2), 275–284 (BG/NBD P(alive): a different question, no actions).
Breiman, L. (2001). Random forests. *Machine Learning* 45, 5–32 (permutation importance).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from crmcore import engine
from crmcore.errors import DataError, DomainError, ParameterError
from crmcore.labels import check_lang, text
from crmcore.customer.lifecycle import Rules, _snapshot, customer_days
from crmcore.results import Result, deprecated, split_sentences

LABELS = {
    "churn_probability": {"en": "churn probability", "zh": "流失概率"},
    "threshold": {"en": "warning line (probability)", "zh": "预警线（概率）"},
    "error_rate": {"en": "error rate = 1 − precision", "zh": "错误率 = 1 − 精确率"},
    "miss_rate": {"en": "miss rate = 1 − recall", "zh": "遗漏率 = 1 − 召回率"},
    "warned_share": {"en": "share of customers warned", "zh": "预警客户占比"},
    "sweep_title": {"en": "Warning too often vs missing churners", "zh": "误报与遗漏的权衡"},
    "decile": {"en": "decile (1 = highest risk)", "zh": "十分位（1 = 风险最高）"},
    "lift": {"en": "lift", "zh": "提升度"},
    "lift_title": {"en": "Churn rate by score decile", "zh": "各十分位流失率"},
    "logistic": {"en": "logistic regression (scaled)", "zh": "逻辑回归（标准化）"},
    "boosting": {"en": "gradient boosting", "zh": "梯度提升"},
    "revenue_at_risk": {"en": "revenue at risk", "zh": "风险销售额"},
    "action": {"en": "suggested action", "zh": "建议动作"},
    "recency": {"en": "recency alone (baseline)", "zh": "仅按最近一次消费（基准）"},
    "warned": {"en": "customers flagged", "zh": "预警客户数"},
    "model": {"en": "model", "zh": "模型"},
    "feature": {"en": "feature", "zh": "特征"},
    "meaning": {"en": "meaning (as of the cut-off)", "zh": "含义（截至切分日）"},
    "importance": {"en": "AUC drop when shuffled", "zh": "打乱后 AUC 下降"},
    "importance_sd": {"en": "standard deviation", "zh": "标准差"},
    "importance_title": {"en": "Which features the warning relies on (permutation importance)",
                         "zh": "预警模型依赖哪些特征（置换重要性）"},
    "value_tier": {"en": "value tier", "zh": "价值层级"},
    "high": {"en": "high", "zh": "高"},
    "low": {"en": "low", "zh": "低"},
    "stage": {"en": "lifecycle stage", "zh": "生命周期阶段"},
    "recency_days": {"en": "days since last purchase", "zh": "距最近一次消费天数"},
    "rhythm_days": {"en": "usual gap (days)", "zh": "购买节奏（天）"},
    "revenue_365": {"en": "revenue, last 365 days", "zh": "近365天消费金额"},
    "revenue": {"en": "revenue before asof", "zh": "累计消费金额"},
    "last_purchase": {"en": "last purchase", "zh": "最近一次消费日期"},
    "customer_id": {"en": "customer", "zh": "客户"},
    "split": {"en": "cut-off", "zh": "切分"},
    "train": {"en": "training", "zh": "训练"},
    "test": {"en": "test", "zh": "检验"},
    "date": {"en": "cut-off date", "zh": "切分日"},
    "active_customers": {"en": "active customers", "zh": "活跃客户数"},
    "churn_rate": {"en": "churn rate in the next window", "zh": "下一窗口流失率"},
    "tp": {"en": "flagged, churned (TP)", "zh": "预警且流失（TP）"},
    "fp": {"en": "flagged, stayed (FP)", "zh": "预警但未流失（FP）"},
    "fn": {"en": "churned, not flagged (FN)", "zh": "流失但未预警（FN）"},
    "tn": {"en": "not flagged, stayed (TN)", "zh": "未预警且未流失（TN）"},
    "precision": {"en": "precision", "zh": "精确率"},
    "recall": {"en": "recall", "zh": "召回率"},
    "accuracy": {"en": "accuracy", "zh": "准确率"},
    "roc_auc": {"en": "ROC AUC", "zh": "ROC AUC"},
    "rule": {"en": "warning rule", "zh": "预警规则"},
    "measure": {"en": "measure", "zh": "指标"},
    "value": {"en": "value", "zh": "数值"},
    "state_name": {"en": "dormancy state", "zh": "沉睡状态"},
    "annual_revenue": {"en": "revenue per year", "zh": "年化销售额"},
}

#: headers of the dormancy summary table shown in notebook 10
DORMANCY_COLUMNS = {**{k: LABELS[k] for k in ("state_name", "annual_revenue")},
                    "annual_revenue_at_risk": {"en": "revenue per year at risk", "zh": "年化风险销售额"}}

#: lifecycle stages that count as "active" for the warning (not yet lapsed or lost)
ACTIVE_STAGES = ("new", "growing", "mature", "declining", "won_back")
#: stages of customers already gone: the win-back list, not the warning
GONE_STAGES = ("lapsed", "lost")

#: the features, all computed from rows before the cut-off
FEATURES = ("recency_days", "tenure_days", "purchase_days", "orders", "revenue", "avg_day_revenue",
            "max_order_value", "revenue_last", "revenue_prev", "days_last", "days_prev", "trend",
            "rhythm_days", "recency_ratio", "revenue_365", "promo_share", "high_price_share")

#: what each feature means (window = ``window_days``, 90 by default), in both languages
FEATURE_LABELS = {
    "recency_days": {"en": "days since the last purchase (最近一次消费)", "zh": "距最近一次消费的天数"},
    "tenure_days": {"en": "days since the first purchase", "zh": "距首次消费的天数（客户年龄）"},
    "purchase_days": {"en": "number of days with a purchase (frequency)", "zh": "有消费的天数（消费频率）"},
    "orders": {"en": "number of orders", "zh": "订单数"},
    "revenue": {"en": "total spend (monetary)", "zh": "累计消费金额"},
    "avg_day_revenue": {"en": "spend per purchase day", "zh": "每个消费日的平均金额"},
    "max_order_value": {"en": "largest single order", "zh": "最大单笔订单金额"},
    "revenue_last": {"en": "spend in the last window", "zh": "最近一个窗口的消费金额"},
    "revenue_prev": {"en": "spend in the window before", "zh": "前一个窗口的消费金额"},
    "days_last": {"en": "purchase days in the last window", "zh": "最近一个窗口的消费天数"},
    "days_prev": {"en": "purchase days in the window before", "zh": "前一个窗口的消费天数"},
    "trend": {"en": "spend trend (last − previous) ÷ (last + previous), −1 to 1",
              "zh": "消费趋势 =（近窗口 − 前窗口）÷（近窗口 + 前窗口），取值 −1 到 1"},
    "rhythm_days": {"en": "usual gap between purchase days (median)", "zh": "购买节奏：相邻消费日间隔的中位数"},
    "recency_ratio": {"en": "days since the last purchase ÷ usual gap", "zh": "距最近一次消费天数 ÷ 购买节奏"},
    "revenue_365": {"en": "spend in the last 365 days", "zh": "近365天消费金额"},
    "promo_share": {"en": "share of spend on promotion items (特价商品消费占比)", "zh": "特价商品消费占比"},
    "high_price_share": {"en": "share of spend on high-price items (高单价商品消费占比)", "zh": "高单价商品消费占比"},
}


def feature_table(lang: str = "en") -> pd.DataFrame:
    """The model features with their meaning in ``lang`` (the notebook's definition table)."""
    check_lang(lang)
    return pd.DataFrame({"feature": list(FEATURES), "meaning": [FEATURE_LABELS[f][lang] for f in FEATURES]})

#: suggested win-back action by lifecycle stage and value tier (high value = an "important" RFM
#: segment, i.e. monetary value high, when segments are given; else revenue_365 ≥ median of the list)
ACTIONS = {
    ("high", "declining"): {"en": "account manager calls within a week; service review; tailored offer",
                            "zh": "客户经理一周内致电；服务回顾；定制优惠"},
    ("high", "lapsed"): {"en": "personal win-back offer on their top category; ask why they stopped",
                         "zh": "针对其主力品类的专属唤醒优惠；了解停购原因"},
    ("high", "lost"): {"en": "win-back call with a strong personal offer; record the exit reason",
                       "zh": "挽回电话并给予有力的专属优惠；记录流失原因"},
    ("low", "lost"): {"en": "one low-cost win-back message; stop if no response", "zh": "一次低成本挽回触达；无响应即停止"},
    ("high", "other"): {"en": "loyalty benefit and check-in call before the next purchase is due",
                        "zh": "在下次应购前给予会员权益并回访"},
    ("low", "declining"): {"en": "automated reminder with a modest coupon", "zh": "自动提醒并附小额优惠券"},
    ("low", "lapsed"): {"en": "low-cost reactivation e-mail / message series", "zh": "低成本唤醒短信/邮件序列"},
    ("low", "other"): {"en": "newsletter and bundle offer", "zh": "资讯推送与组合优惠"},
}


# ------------------------------------------------------------------ checks
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


def latest_cutoff(tx: Any, *, horizon: int = 90) -> str:
    """The latest cut-off whose churn window is fully observed: the day after the last order − ``horizon``."""
    h = _check_horizon(horizon)
    end = _check_tx(tx)
    return f"{end - pd.Timedelta(days=h):%Y-%m-%d}"


# ------------------------------------------------------------------ labels and features
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


def rfm_segments(tx: Any, *, asof: Any, lang: str = "en") -> pd.DataFrame:
    """customer_id, segment, segment_name, action: the RFM module's cn8 segments (重要价值客户 …) as of ``asof``."""
    from crmcore.customer import rfm

    seg = rfm.segment(rfm.score(rfm.rfm_table(tx, asof=asof)), scheme="cn8", lang=lang)
    out = seg.table[["customer_id", "segment", "segment_name", "action"]].copy()
    out["customer_id"] = out["customer_id"].astype(str)
    return out


def _check_population(population: str) -> str:
    if population not in ("active", "all"):
        raise ParameterError(f"population={population!r}: use 'active' (score only customers not yet lapsed or "
                             "lost by the lifecycle rules, the warning) or 'all'.")
    return population


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


# ------------------------------------------------------------------ metrics
def rates(tp: int, fp: int, fn: int, tn: int) -> dict[str, float]:
    """Precision, recall, error rate (1 − precision), miss rate (1 − recall), accuracy, warned share.

    The positive class is "churns" (the warning). A rate whose denominator is zero is NaN.
    """
    def div(a, b):
        return float(a) / b if b else float("nan")

    n = tp + fp + fn + tn
    precision, recall = div(tp, tp + fp), div(tp, tp + fn)
    return {"tp": int(tp), "fp": int(fp), "fn": int(fn), "tn": int(tn),
            "precision": precision, "recall": recall,
            "error_rate": 1 - precision, "miss_rate": 1 - recall,
            "accuracy": div(tp + tn, n), "warned_share": div(tp + fp, n)}


def confusion(y_true: Sequence[int], warned: Sequence[bool]) -> dict[str, float]:
    """:func:`rates` from true labels (1 = churned) and warnings (True = flagged)."""
    y = np.asarray(y_true).astype(int)
    w = np.asarray(warned).astype(bool)
    if y.shape != w.shape:
        raise ParameterError(f"y_true has {y.size} values but warned has {w.size}; pass one warning per customer.")
    return rates(int(((y == 1) & w).sum()), int(((y == 0) & w).sum()), int(((y == 1) & ~w).sum()),
                 int(((y == 0) & ~w).sum()))


def sweep(y_true: Sequence[int], proba: Sequence[float], thresholds: Sequence[float] | None = None) -> pd.DataFrame:
    """Precision, recall, error rate and miss rate at each warning line (default 0.05, 0.10, …, 0.95)."""
    if thresholds is None:
        thresholds = np.round(np.arange(0.05, 0.96, 0.05), 2)
    p = np.asarray(proba, dtype=float)
    rows = [{"threshold": float(t), **confusion(y_true, p >= t)} for t in thresholds]
    return pd.DataFrame(rows)


def lift_table(y_true: Sequence[int], proba: Sequence[float], *, bins: int = 10) -> pd.DataFrame:
    """Customers sorted by score (ties by position) in ``bins`` equal groups: churn rate, lift, cumulative capture.

    lift = churn rate in the group ÷ overall churn rate (Neslin et al. 2006); decile 1 is the riskiest.
    """
    y = np.asarray(y_true, dtype=float)
    p = np.asarray(proba, dtype=float)
    order = np.argsort(-p, kind="stable")
    group = np.empty(len(p), dtype=int)
    group[order] = np.arange(len(p)) * bins // max(len(p), 1) + 1
    df = pd.DataFrame({"decile": group, "y": y, "p": p})
    g = df.groupby("decile")
    out = pd.DataFrame({"customers": g.size(), "churners": g["y"].sum(), "mean_score": g["p"].mean()})
    base = y.mean() if len(y) else float("nan")
    out["churn_rate"] = out["churners"] / out["customers"]
    out["lift"] = out["churn_rate"] / base if base else float("nan")
    out["cumulative_capture"] = out["churners"].cumsum() / max(y.sum(), 1)
    return out.reset_index()


def top_flags(score: Sequence[float], ids: Sequence[Any], k: int) -> np.ndarray:
    """Flags for the ``k`` highest scores; ties broken by customer id (ascending), so exactly k are flagged."""
    sc = np.asarray(score, dtype=float)
    order = np.lexsort((np.asarray(ids).astype(str), -sc))
    flag = np.zeros(len(sc), dtype=bool)
    flag[order[:max(0, min(int(k), len(sc)))]] = True
    return flag


# ------------------------------------------------------------------ study
@dataclass(frozen=True)
class WarningLine:
    """A warning line and the rule that chose it."""

    rule: str
    threshold: float
    note: str


def parse_rule(rule: str) -> tuple[str, float]:
    """'budget:200' → ('budget', 200); 'recall:0.8' → ('recall', 0.8); 'threshold:0.5' → ('threshold', 0.5)."""
    try:
        kind, value = str(rule).split(":", 1)
        v = float(value)
    except ValueError:
        raise ParameterError(f"warning rule {rule!r} is not understood; write 'budget:200' (contact the top 200), "
                             "'recall:0.8' (catch 80 % of churners) or 'threshold:0.5'.") from None
    kind = kind.strip().lower()
    if kind == "budget" and v >= 1 and v == int(v):
        return kind, int(v)
    if kind in ("recall", "threshold") and 0 < v < 1:
        return kind, v
    raise ParameterError(f"warning rule {rule!r}: budget needs a whole number ≥ 1, recall and threshold a value "
                         "strictly between 0 and 1.")


#: readable headers of the results' to_frame(lang) (the result protocol of crmcore.results)
_STUDY_COLUMNS: dict[str, dict[str, str]] = {
    "top_decile_lift": {"en": "Lift in the top 10%", "zh": "前 10% 提升度"},
    "base_rate": {"en": "Churn rate (all)", "zh": "整体流失率"},
}


@dataclass(frozen=True)
class ChurnStudy(Result):
    """Two models trained at ``train_cutoff`` and tested at ``test_cutoff`` on the same customers' rules."""

    train: pd.DataFrame = field(repr=False)
    test: pd.DataFrame = field(repr=False)        # test rows with proba_<model> columns
    models: Mapping[str, Any] = field(repr=False)
    oof: Mapping[str, np.ndarray] = field(repr=False)   # cross-validated training scores
    train_cutoff: pd.Timestamp
    test_cutoff: pd.Timestamp
    horizon: int
    active_days: int | None
    window_days: int
    seed: int
    population: str = "active"
    title = "Churn warning models (流失预警模型)"
    _conventions = ("train_cutoff", "test_cutoff", "horizon", "active_days", "window_days", "seed", "population")
    _columns = _STUDY_COLUMNS

    def to_frame(self) -> pd.DataFrame:
        return self.compare()

    def proba(self, model: str) -> np.ndarray:
        self._check_model(model)
        return self.test[f"proba_{model}"].to_numpy()

    def _check_model(self, model: str) -> None:
        if model not in self.models:
            raise ParameterError(f"model={model!r} is not in this study; use one of {', '.join(map(repr, self.models))}.")

    def warning_line(self, rule: str = "budget:200", *, model: str = "boosting") -> WarningLine:
        """The probability threshold chosen by ``rule`` (see :func:`parse_rule`).

        budget: the N-th highest test score (warn N customers at the test cut-off);
        recall: the highest line whose recall on the cross-validated training scores reaches the target;
        threshold: the value given.
        """
        self._check_model(model)
        kind, v = parse_rule(rule)
        if kind == "threshold":
            return WarningLine(rule, float(v), f"fixed probability {v:g}")
        if kind == "budget":
            p = np.sort(self.proba(model))[::-1]
            n = min(int(v), len(p))
            return WarningLine(rule, float(p[n - 1]), f"top {n} of {len(p)} customers by score")
        y = self.train["churned"].to_numpy()
        p = self.oof[model]
        cand = np.unique(p)[::-1]
        pos = max(int(y.sum()), 1)
        for t in cand:
            if ((p >= t) & (y == 1)).sum() / pos >= v:
                return WarningLine(rule, float(t), f"recall ≥ {v:.0%} on the training cut-off (cross-validated)")
        return WarningLine(rule, float(cand[-1]), "target recall needs every customer warned")

    def line_for(self, scored: pd.DataFrame, rule: str = "budget:200", *, model: str = "boosting") -> WarningLine:
        """The warning line for a freshly scored list (from :meth:`score`): a budget rule takes the
        N-th highest score *of that list*; recall and threshold rules give the same line as
        :meth:`warning_line` (a recall target needs labels, so it comes from the training cut-off)."""
        kind, v = parse_rule(rule)
        if kind != "budget":
            return self.warning_line(rule, model=model)
        if "churn_probability" not in scored.columns or scored.empty:
            raise DataError("scored needs a churn_probability column and at least one row; use ChurnStudy.score(...).")
        p = np.sort(scored["churn_probability"].to_numpy())[::-1]
        n = min(int(v), len(p))
        return WarningLine(rule, float(p[n - 1]), f"top {n} of {len(p)} scored customers")

    def evaluate(self, threshold: float, *, model: str = "boosting") -> dict[str, float]:
        """Confusion rates at ``threshold`` on the test cut-off, plus ROC AUC and top-decile lift."""
        from sklearn.metrics import roc_auc_score

        self._check_model(model)
        y = self.test["churned"].to_numpy()
        p = self.proba(model)
        out = confusion(y, p >= threshold)
        out["threshold"] = float(threshold)
        out["roc_auc"] = float(roc_auc_score(y, p)) if len(np.unique(y)) == 2 else float("nan")
        out["top_decile_lift"] = float(lift_table(y, p)["lift"].iloc[0])
        out["base_rate"] = float(y.mean())
        return out

    def compare(self, rule: str = "budget:200") -> pd.DataFrame:
        """Both models side by side at the line each gets from the same ``rule``."""
        rows = []
        for m in self.models:
            line = self.warning_line(rule, model=m)
            rows.append({"model": m, **self.evaluate(line.threshold, model=m)})
        cols = ["model", "threshold", "roc_auc", "top_decile_lift", "precision", "recall", "error_rate",
                "miss_rate", "tp", "fp", "fn", "tn", "warned_share", "base_rate"]
        return pd.DataFrame(rows)[cols]

    def at_rules(self, rules: Sequence[str], *, model: str = "boosting") -> pd.DataFrame:
        """Error rate, miss rate and the rest at the line each rule gives, one row per rule."""
        rows = []
        for r in rules:
            line = self.warning_line(r, model=model)
            e = self.evaluate(line.threshold, model=model)
            rows.append({"rule": r, "threshold": line.threshold, "warned": e["tp"] + e["fp"],
                         **{k: e[k] for k in ("precision", "recall", "error_rate", "miss_rate", "tp", "fp", "fn")}})
        return pd.DataFrame(rows)

    def sweep(self, *, model: str = "boosting", thresholds: Sequence[float] | None = None) -> pd.DataFrame:
        return sweep(self.test["churned"], self.proba(model), thresholds)

    def lift(self, *, model: str = "boosting", bins: int = 10) -> pd.DataFrame:
        return lift_table(self.test["churned"], self.proba(model), bins=bins)

    def best_model(self) -> str:
        """The model with the higher ROC AUC on the *training* cut-off's cross-validated scores.

        Chosen without the test labels, so the test numbers stay an honest estimate."""
        from sklearn.metrics import roc_auc_score

        y = self.train["churned"].to_numpy()
        auc = {m: roc_auc_score(y, self.oof[m]) if len(np.unique(y)) == 2 else 0.0 for m in self.models}
        return max(self.models, key=lambda m: (auc[m], m == "logistic"))

    def baseline(self, warned: int) -> dict[str, float]:
        """The naive warning: flag the ``warned`` test customers with the longest recency (ties: customer id).

        Its ROC AUC is that of recency (days since the last purchase) as a score."""
        from sklearn.metrics import roc_auc_score

        y = self.test["churned"].to_numpy()
        r = self.test["recency_days"].to_numpy()
        out = confusion(y, top_flags(r, self.test["customer_id"], warned))
        out["roc_auc"] = float(roc_auc_score(y, r)) if len(np.unique(y)) == 2 else float("nan")
        out["base_rate"] = float(y.mean())
        return out

    def versus_baseline(self, rule: str = "budget:200", *, model: str | None = None) -> pd.DataFrame:
        """The model at the line set by ``rule`` against recency alone flagging as many customers.

        One row each (model key, "recency"): customers flagged, TP, FP, FN, error rate, miss rate,
        precision, recall, ROC AUC. Lower error and miss rates are better."""
        model = model or self.best_model()
        e = self.evaluate(self.warning_line(rule, model=model).threshold, model=model)
        k = int(e["tp"] + e["fp"])
        b = self.baseline(k)
        cols = ["warned", "tp", "fp", "fn", "error_rate", "miss_rate", "precision", "recall", "roc_auc"]
        rows = [{"model": model, "warned": k, **{c: e[c] for c in cols[1:]}},
                {"model": "recency", "warned": k, **{c: b[c] for c in cols[1:]}}]
        return pd.DataFrame(rows)[["model", *cols]]

    def importance(self, *, model: str | None = None, n_repeats: int = 10) -> pd.DataFrame:
        """Permutation importance on the test cut-off: how much ROC AUC drops when one feature is shuffled.

        Read-outs of a model's coefficients mislead when features move together (recency, the
        recency ratio and the window counts all measure "how long away"); the drop in AUC does not
        depend on the scale or the sign conventions of the model (Breiman 2001)."""
        from sklearn.inspection import permutation_importance
        from threadpoolctl import threadpool_limits

        model = model or self.best_model()
        self._check_model(model)
        X, y = self.test[list(FEATURES)].to_numpy(), self.test["churned"].to_numpy()
        with threadpool_limits(1):
            r = permutation_importance(self.models[model], X, y, scoring="roc_auc", n_repeats=n_repeats,
                                       random_state=self.seed)
        out = pd.DataFrame({"feature": list(FEATURES), "importance": r.importances_mean,
                            "importance_sd": r.importances_std})
        return out.sort_values(["importance", "feature"], ascending=[False, True]).reset_index(drop=True)

    def splits(self) -> pd.DataFrame:
        """The time split: cut-off date, active customers and churn rate of the training and test sets."""
        return pd.DataFrame([
            {"split": "train", "date": f"{self.train_cutoff:%Y-%m-%d}", "active_customers": len(self.train),
             "churn_rate": float(self.train["churned"].mean())},
            {"split": "test", "date": f"{self.test_cutoff:%Y-%m-%d}", "active_customers": len(self.test),
             "churn_rate": float(self.test["churned"].mean())}])

    def coefficients(self) -> pd.Series:
        """Standardised logistic-regression coefficients (log-odds per standard deviation)."""
        pipe = self.models["logistic"]
        return pd.Series(pipe[-1].coef_[0], index=list(FEATURES)).sort_values(key=abs, ascending=False)

    def score(self, tx: Any, *, asof: Any, model: str = "boosting", active_days: int | None = None) -> pd.DataFrame:
        """Churn probability of the customers in the study's population at ``asof`` (no label needed).

        With ``population="active"`` only customers still active at ``asof`` (stage in
        :data:`ACTIVE_STAGES`) are scored: the warning never lists someone already lapsed or lost.
        """
        self._check_model(model)
        a = self.active_days if active_days is None else active_days
        X = features(tx, cutoff=asof, window_days=self.window_days)
        if a is not None:
            X = X[X["recency_days"] <= a].reset_index(drop=True)
        if self.population == "active":
            X = X[X["stage"].isin(ACTIVE_STAGES)].reset_index(drop=True)
        from threadpoolctl import threadpool_limits

        with threadpool_limits(1):
            X["churn_probability"] = self.models[model].predict_proba(X[list(FEATURES)].to_numpy())[:, 1]
        return X

    def interpret(self, lang: str = "en", *, rule: str = "budget:200") -> list[str]:
        """The findings as a list of sentences (the result protocol of :mod:`crmcore.results`)."""
        return list(self._summary_text(rule, lang=lang))

    @deprecated("interpret")
    def summary(self, rule: str = "budget:200", *, lang: str = "en") -> list[str]:
        """Deprecated old name of interpret(), returning what it returned before."""
        return self._summary_text(rule, lang=lang)

    def _summary_text(self, rule: str = "budget:200", *, lang: str = "en") -> list[str]:
        return summary(self, rule, lang=lang)

    def plot(self, ax=None, lang: str = "en", *, model: str = "boosting", threshold: float | None = None):
        return plot_sweep(self, ax=ax, lang=lang, model=model, threshold=threshold)


def _models(seed: int) -> dict[str, Any]:
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer, StandardScaler

    # log1p on the skewed money/count features before scaling keeps the linear model sensible
    return {
        "logistic": make_pipeline(FunctionTransformer(_signed_log), StandardScaler(),
                                  LogisticRegression(max_iter=2000, C=1.0)),
        "boosting": HistGradientBoostingClassifier(max_iter=150, learning_rate=0.05, max_leaf_nodes=15,
                                                   min_samples_leaf=20, l2_regularization=1.0,
                                                   early_stopping=False, random_state=seed),
    }


def _signed_log(x):
    return np.sign(x) * np.log1p(np.abs(x))


def study(tx: Any, *, cutoff: Any, horizon: int = 90, train_cutoff: Any = None, active_days: int | None = 365,
          window_days: int = 90, seed: int = 0, cv_folds: int = 5, population: str = "active") -> ChurnStudy:
    """Train both models at ``train_cutoff`` (default ``cutoff − horizon``) and test them at ``cutoff``.

    ``population="active"`` (default) trains, tests and later scores only customers active at each
    cut-off (stage in :data:`ACTIVE_STAGES`); ``"all"`` every customer with a purchase in ``active_days``.

    Raises a ParameterError when the training label window ``[train_cutoff, train_cutoff + horizon)``
    runs past the test cut-off (the model would learn from the test period), and a DomainError
    when the training labels have a single class.
    """
    from threadpoolctl import threadpool_limits

    h = _check_horizon(horizon)
    c_test = engine.check_asof(cutoff)
    c_train = c_test - pd.Timedelta(days=h) if train_cutoff is None else engine.check_asof(train_cutoff)
    if c_train + pd.Timedelta(days=h) > c_test:
        raise ParameterError(
            f"train_cutoff {c_train:%Y-%m-%d} + horizon {h} days ends after the test cut-off {c_test:%Y-%m-%d}: "
            "the training labels would look into the test period. Use a train_cutoff on or before "
            f"{c_test - pd.Timedelta(days=h):%Y-%m-%d}.")
    _check_population(population)
    train = dataset(tx, cutoff=c_train, horizon=h, active_days=active_days, window_days=window_days,
                    population=population)
    test = dataset(tx, cutoff=c_test, horizon=h, active_days=active_days, window_days=window_days,
                   population=population)
    for name, part in (("training", train), ("test", test)):
        if part.empty:
            raise DataError(f"no customer is active in the {active_days} days before the {name} cut-off "
                            f"{(c_train if name == 'training' else c_test):%Y-%m-%d}; choose a later cut-off "
                            "(the data must have purchases before it).")
        classes = part["churned"].unique()
        if len(classes) < 2:
            only = "churned" if len(classes) and classes[0] == 1 else "retained"
            raise DomainError(
                f"every one of the {len(part)} customers in the {name} set at cut-off "
                f"{(c_train if name == 'training' else c_test):%Y-%m-%d} is {only}, so there is nothing to learn or "
                "test; choose another cut-off, a longer/shorter horizon, or more data.")
    X, y = train[list(FEATURES)].to_numpy(), train["churned"].to_numpy()
    folds = int(min(cv_folds, np.bincount(y).min()))
    models, oof = {}, {}
    test = test.copy()
    # one thread: small data, and OpenMP threads on a busy shared machine slow boosting 50-fold.
    # The estimators are built (and their OpenMP runtime loaded) before the limit is set, else
    # threadpoolctl cannot see the runtime to limit it.
    estimators = _models(seed)
    with threadpool_limits(1):
        _fit_all(estimators, X, y, test, folds, seed, models, oof)
    return ChurnStudy(train, test, models, oof, c_train, c_test, h, active_days, window_days, seed, population)


def _fit_all(estimators, X, y, test, folds, seed, models, oof) -> None:
    from sklearn.base import clone
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    for name, est in estimators.items():
        models[name] = clone(est).fit(X, y)
        test[f"proba_{name}"] = models[name].predict_proba(test[list(FEATURES)].to_numpy())[:, 1]
        if folds >= 2:
            cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
            oof[name] = cross_val_predict(clone(est), X, y, cv=cv, method="predict_proba")[:, 1]
        else:
            oof[name] = models[name].predict_proba(X)[:, 1]


# ------------------------------------------------------------------ warning list and win-back list
def _stage_name(stage: str, lang: str) -> str:
    from crmcore.customer.lifecycle import LABELS as STAGE_LABELS

    return text(stage, lang, STAGE_LABELS)


def warning_list(scored: pd.DataFrame, *, threshold: float, lang: str = "en") -> pd.DataFrame:
    """The churn warning (流失预警名单): customers still active at asof at or above the warning line.

    Only stages in :data:`ACTIVE_STAGES` are listed (a lapsed or lost customer raises a DataError
    hint to use :func:`winback_list`); most revenue at risk first. revenue at risk = churn
    probability × revenue of the last 365 days. The value tier is high when revenue_365 is at or
    above the median of the list; the suggested action (see ``ACTIONS``) follows the stage
    ("declining" or any other active stage) and the tier.
    """
    check_lang(lang)
    need = {"customer_id", "churn_probability", "revenue_365", "stage", "recency_days", "rhythm_days"}
    if not need <= set(scored.columns):
        raise DataError(f"scored table needs columns {', '.join(sorted(need))}; use ChurnStudy.score(...). "
                        f"Columns found: {', '.join(map(str, scored.columns))}.")
    w = scored[(scored["churn_probability"] >= threshold) & scored["stage"].isin(ACTIVE_STAGES)].copy()
    w["revenue_at_risk"] = w["churn_probability"] * w["revenue_365"]
    med = w["revenue_365"].median() if len(w) else 0.0
    w["value_tier"] = np.where(w["revenue_365"] >= med, "high", "low")
    kind = np.where(w["stage"] == "declining", "declining", "other")
    w["stage_name"] = [_stage_name(s, lang) for s in w["stage"]]
    w["action"] = [ACTIONS[(t, k)][lang] for t, k in zip(w["value_tier"], kind)]
    cols = ["customer_id", "stage", "stage_name", "churn_probability", "recency_days", "rhythm_days",
            "revenue_365", "revenue_at_risk", "value_tier", "action"]
    return w.sort_values(["revenue_at_risk", "customer_id"], ascending=[False, True])[cols].reset_index(drop=True)


def winback_list(customers: pd.DataFrame, *, top: int | None = None, lang: str = "en") -> pd.DataFrame:
    """The win-back list (挽回名单): customers already lapsed or lost at asof, most valuable first.

    ``customers`` is a per-customer table with stage, recency_days, revenue (total before asof)
    and revenue_365, e.g. :func:`features` at asof. These customers are *not* a churn warning —
    they have already stopped buying by the lifecycle rules. Ranked by total revenue (value),
    ties by customer id; high value tier = revenue at or above the median of the list; the action
    follows stage and tier. ``top`` keeps the first N.
    """
    check_lang(lang)
    need = {"customer_id", "stage", "recency_days", "revenue", "revenue_365"}
    if not need <= set(customers.columns):
        raise DataError(f"customers need columns {', '.join(sorted(need))}; use churn.features(tx, cutoff=asof). "
                        f"Columns found: {', '.join(map(str, customers.columns))}.")
    w = customers[customers["stage"].isin(GONE_STAGES)].copy()
    med = w["revenue"].median() if len(w) else 0.0
    w["value_tier"] = np.where(w["revenue"] >= med, "high", "low")
    w["stage_name"] = [_stage_name(s, lang) for s in w["stage"]]
    w["action"] = [ACTIONS[(t, s)][lang] for t, s in zip(w["value_tier"], w["stage"])]
    cols = ["customer_id", "stage", "stage_name", "recency_days", "revenue", "revenue_365", "value_tier", "action"]
    w = w.sort_values(["revenue", "customer_id"], ascending=[False, True])[cols].reset_index(drop=True)
    return w.head(top) if top is not None else w


#: headers of the exported and shown lists
LIST_COLUMNS = {k: LABELS[k] for k in ("customer_id", "stage", "churn_probability", "recency_days", "rhythm_days",
                                       "revenue_365", "revenue", "revenue_at_risk", "value_tier", "action")}


def list_frame(table: pd.DataFrame, *, lang: str = "en", headers: bool = False) -> pd.DataFrame:
    """A warning or win-back list as a reader sees it: stage names and value tiers in ``lang``.

    With ``headers`` the column names are translated too (for an export); otherwise they stay keys
    for ``crm.show(..., columns=churn.LABELS)``."""
    check_lang(lang)
    t = table.drop(columns=["stage"]).rename(columns={"stage_name": "stage"}).copy()
    if "value_tier" in t:
        t["value_tier"] = [text(v, lang, LABELS) for v in t["value_tier"]]
    if "rhythm_days" in t:
        t["rhythm_days"] = t["rhythm_days"].round(0).astype(int)
    if headers:
        t = t.rename(columns={c: text(c, lang, LABELS) for c in t.columns if c in LIST_COLUMNS})
    return t


def export(table: pd.DataFrame, out_dir: str | Path, stem: str, *, lang: str = "en") -> list[Path]:
    """Write a warning or win-back list as ``<out_dir>/<stem>[-zh].csv`` and ``.xlsx``.

    Through :func:`crmcore.export.export_frame`: cells that start with ``=``, ``+``, ``-``, ``@``, tab
    or CR are neutralised (OWASP CSV-injection guidance), text is written as text, and a Chinese
    export carries ``-zh`` in its name so the en and zh lists never overwrite each other. Headers
    and stage names are in ``lang`` (:func:`list_frame`)."""
    from crmcore.runner.export import export_frame

    return export_frame(list_frame(table, lang=lang, headers=True), out_dir, stem, lang=lang)


# ------------------------------------------------------------------ report tables
def data_source(tx: Any, *, asof: Any, cutoff: Any, horizon: int, lang: str = "en") -> pd.DataFrame:
    """What was read and the dates the analysis uses: a two-column measure/value table in ``lang``."""
    check_lang(lang)
    from crmcore.runner.nbtools import data_range

    first, last = data_range(tx)
    c = engine.check_asof(cutoff)
    n = len(tx) if isinstance(tx, pd.DataFrame) else None
    cust = tx["customer_id"].nunique() if isinstance(tx, pd.DataFrame) else None
    zh = lang == "zh"
    rows = [("交易行数" if zh else "transaction lines", f"{n:,}" if n is not None else ""),
            ("客户数" if zh else "customers", f"{cust:,}" if cust is not None else ""),
            ("数据起止" if zh else "data from – to", f"{pd.Timestamp(first):%Y-%m-%d} – {pd.Timestamp(last):%Y-%m-%d}"),
            ("分析时点 asof" if zh else "snapshot (asof)", f"{engine.check_asof(asof):%Y-%m-%d}"),
            ("训练切分日" if zh else "training cut-off", f"{c - pd.Timedelta(days=int(horizon)):%Y-%m-%d}"),
            ("检验切分日" if zh else "test cut-off", f"{c:%Y-%m-%d}"),
            ("观察窗口" if zh else "churn window", f"{int(horizon)} 天" if zh else f"{int(horizon)} days")]
    return pd.DataFrame(rows, columns=["measure", "value"]).rename(
        columns={"measure": text("measure", lang, LABELS), "value": text("value", lang, LABELS)})


def splits_frame(s: "ChurnStudy", *, lang: str = "en") -> pd.DataFrame:
    """The time split with the split names in ``lang``."""
    check_lang(lang)
    t = s.splits()
    t["split"] = [text(x, lang, LABELS) for x in t["split"]]
    return t


def versus_frame(s: "ChurnStudy", rule: str = "budget:200", *, lang: str = "en") -> pd.DataFrame:
    """Both models and the recency baseline at the same number flagged (the line ``rule`` gives the chosen model)."""
    check_lang(lang)
    best = s.best_model()
    v = s.versus_baseline(rule, model=best)
    k = int(v["warned"].iloc[0])
    rows = [v.iloc[0].to_dict()]
    for m in s.models:
        if m == best:
            continue
        e = confusion(s.test["churned"], top_flags(s.proba(m), s.test["customer_id"], k))
        rows.append({"model": m, "warned": k, **{c: e[c] for c in ("tp", "fp", "fn", "error_rate", "miss_rate",
                                                                  "precision", "recall")},
                     "roc_auc": s.evaluate(0.5, model=m)["roc_auc"]})
    rows.append(v.iloc[1].to_dict())
    out = pd.DataFrame(rows)
    out["model"] = [text(m, lang, LABELS) + ("（采用）" if lang == "zh" else " (chosen)") * (m == best)
                    for m in out["model"]]
    for col in ("warned", "tp", "fp", "fn"):
        out[col] = out[col].astype(int)
    return out


def importance_frame(imp: pd.DataFrame, *, lang: str = "en") -> pd.DataFrame:
    """Permutation importance with each feature's meaning in ``lang``."""
    check_lang(lang)
    t = imp.copy()
    t.insert(1, "meaning", [FEATURE_LABELS[f][lang] for f in t["feature"]])
    # a Chinese reader gets the meaning only; the identifiers are defined in the feature table
    return t.drop(columns=["feature"]) if lang == "zh" else t


def files_sentence(paths: Sequence[Any], *, lang: str = "en") -> str:
    """Where the lists were written (file names only)."""
    check_lang(lang)
    names = ", ".join(Path(p).name for p in paths)
    return f"名单已导出：{names}。" if lang == "zh" else f"The lists are written to: {names}."


# ------------------------------------------------------------------ words and plots
def summary(s: ChurnStudy, rule: str = "budget:200", *, lang: str = "en", model: str | None = None) -> list[str]:
    """Sentences on the time split and on the model against recency alone at the line set by ``rule``.

    Says "beats recency alone" only when both the error rate and the miss rate are lower; names the
    rate on which it does not otherwise."""
    check_lang(lang)
    model = model or s.best_model()
    v = s.versus_baseline(rule, model=model).set_index("model")
    m, b = v.loc[model], v.loc["recency"]
    n, base, k = len(s.test), float(s.test["churned"].mean()), int(m["warned"])
    better_e, better_m = m["error_rate"] < b["error_rate"], m["miss_rate"] < b["miss_rate"]
    name = text(model, lang, LABELS)
    if k >= n:
        return [*_split_sentence(s, n, base, lang),
                (f"规则「{rule}」覆盖了全部 {n:,} 位活跃客户，人人都被预警，错误率就是未流失客户的比例（{m['error_rate']:.1%}），"
                 "无法与基准比较；请用更小的预算或更高的预警线。" if lang == "zh" else
                 f"Rule '{rule}' covers all {n:,} active customers: everyone is flagged, the error rate is simply the "
                 f"share who stayed ({m['error_rate']:.1%}), and the model cannot be compared with the baseline; use a "
                 "smaller budget or a higher line.")]
    if lang == "zh":
        out = [*_split_sentence(s, n, base, lang),
               f"按规则「{rule}」预警 {k:,} 位客户：所选模型{name}的错误率为 {m['error_rate']:.1%}，遗漏率为 {m['miss_rate']:.1%}；"
               f"只按最近一次消费天数预警同样人数，错误率为 {b['error_rate']:.1%}，遗漏率为 {b['miss_rate']:.1%}。"]
        if better_e and better_m:
            out.append("两项指标都低于基准，模型比单看最近一次消费更能提前发现流失。")
        else:
            worse = "、".join(w for w, ok in (("错误率", better_e), ("遗漏率", better_m)) if not ok)
            out.append(f"模型的{worse}并不低于基准，在这份数据上它没有比单看最近一次消费更好。")
        return out
    out = [*_split_sentence(s, n, base, lang),
           f"At the line set by rule '{rule}' the chosen model, {name}, flags {k:,} customers with an error rate of "
           f"{m['error_rate']:.1%} and a miss rate of {m['miss_rate']:.1%}; recency alone, flagging as many, has "
           f"{b['error_rate']:.1%} and {b['miss_rate']:.1%}."]
    if better_e and better_m:
        out.append("Both rates are lower than the baseline's: the model finds future churners earlier than "
                   "sorting by days since the last purchase.")
    else:
        worse = " and ".join(w for w, ok in (("error rate", better_e), ("miss rate", better_m)) if not ok)
        verb = "are" if " and " in worse else "is"
        out.append(f"The model's {worse} {verb} not lower than the baseline's: on these data it does not beat "
                   "sorting by days since the last purchase.")
    return out


def _split_sentence(s: ChurnStudy, n: int, base: float, lang: str) -> list[str]:
    if lang == "zh":
        return [f"模型在 {s.train_cutoff:%Y-%m-%d} 训练、在 {s.test_cutoff:%Y-%m-%d} 检验，只看检验日仍活跃的 {n:,} 位客户"
                f"（按生命周期规则尚未休眠或流失）；其中 {base:.1%} 在随后 {s.horizon} 天内没有再购买，即流失。"]
    return [f"Trained at {s.train_cutoff:%Y-%m-%d} and tested at {s.test_cutoff:%Y-%m-%d} on the {n:,} customers "
            f"still active at the test cut-off (not lapsed or lost by the lifecycle rules); {base:.1%} of them made "
            f"no purchase in the next {s.horizon} days (churned)."]


def warning_summary(w: pd.DataFrame, scored: pd.DataFrame, *, asof: Any, active_days: int | None = 365,
                    lang: str = "en") -> str:
    """One sentence on the warning list: how many of the active customers, their stages, revenue at risk.

    The pool is the scored customers: active by the lifecycle rules and (as in training) with a
    purchase in the last ``active_days`` days, which the sentence says, so it matches the stage table."""
    check_lang(lang)
    a = engine.check_asof(asof)
    n, pool = len(w), int(scored["stage"].isin(ACTIVE_STAGES).sum())
    within_en = f" with a purchase in the last {int(active_days)} days" if active_days else ""
    within_zh = f"（近 {int(active_days)} 天内有购买）" if active_days else ""
    if n == 0:
        return (f"截至 {a:%Y-%m-%d}，{pool:,} 位活跃客户{within_zh}中没有人达到预警线。" if lang == "zh" else
                f"As of {a:%Y-%m-%d}, none of the {pool:,} active customers{within_en} is at or above the warning line.")
    gone = int((~w["stage"].isin(ACTIVE_STAGES)).sum())
    counts = w["stage"].value_counts()
    order = [st for st in ACTIVE_STAGES if st in counts.index]
    risk = float(w["revenue_at_risk"].sum())
    if lang == "zh":
        parts = "、".join(f"{_stage_name(st, 'zh')} {int(counts[st]):,} 位" for st in order)
        head = f"截至 {a:%Y-%m-%d}，流失预警名单从 {pool:,} 位活跃客户{within_zh}中选出 {n:,} 位" + \
               ("（预警线覆盖了全部活跃客户，名单没有筛选作用）" if n >= pool else "") + \
               ("，全部仍处于活跃阶段" if gone == 0 else f"，其中 {gone:,} 位已不活跃")
        return f"{head}（{parts}），风险销售额合计 {risk:,.0f}，应在他们停购之前联系。"
    parts = ", ".join(f"{int(counts[st]):,} {_stage_name(st, 'en')}" for st in order)
    head = f"As of {a:%Y-%m-%d} the churn warning flags {n:,} of the {pool:,} active customers{within_en}" + \
           (" (the line covers every active customer, so the list does not select)" if n >= pool else "") + \
           (", all still active" if gone == 0 else f", {gone:,} of them no longer active")
    return f"{head} ({parts}), with {risk:,.0f} of revenue at risk; call them before they stop buying."


def winback_summary(w: pd.DataFrame, *, total: int | None = None, lang: str = "en") -> str:
    """One sentence on the win-back list: already gone, not a warning; how much value the top of it holds."""
    check_lang(lang)
    n = len(w)
    total = n if total is None else int(total)
    if n == 0:
        return "没有已休眠或已流失的客户，无需挽回名单。" if lang == "zh" else \
            "No customer is lapsed or lost, so there is no win-back list."
    lost = int((w["stage"] == "lost").sum())
    value = float(w["revenue"].sum())
    if lang == "zh":
        return (f"另有 {total:,} 位客户已休眠或流失，不属于预警对象；挽回名单按累计消费金额列出前 {n:,} 位"
                f"（其中流失 {lost:,} 位），他们过去共消费 {value:,.0f}。")
    return (f"Another {total:,} customers are already lapsed or lost and are not part of the warning; the "
            f"win-back list ranks the {n:,} most valuable of them (of whom {lost:,} lost), who spent {value:,.0f} "
            "before they stopped.")


def plot_sweep(s: ChurnStudy, ax=None, lang: str = "en", *, model: str = "boosting", threshold: float | None = None):
    """Error rate, miss rate and share warned against the warning line; the chosen line dashed."""
    import matplotlib.pyplot as plt

    check_lang(lang)
    sw = s.sweep(model=model, thresholds=np.round(np.arange(0.02, 0.99, 0.02), 2))
    if ax is None:
        _, ax = plt.subplots()
    ax.plot(sw["threshold"], sw["error_rate"], label=text("error_rate", lang, LABELS), color="#c44e52")
    ax.plot(sw["threshold"], sw["miss_rate"], label=text("miss_rate", lang, LABELS), color="#4c72b0")
    ax.plot(sw["threshold"], sw["warned_share"], label=text("warned_share", lang, LABELS), color="grey", ls=":")
    if threshold is not None:
        ax.axvline(threshold, color="black", ls="--", lw=1)
    ax.set_xlabel(text("threshold", lang, LABELS))
    ax.set_ylim(0, 1)
    ax.set_title(f"{text('sweep_title', lang, LABELS)} — {text(model, lang, LABELS)}")
    ax.legend(frameon=False, fontsize=8)
    return ax


def plot_lift(s: ChurnStudy, ax=None, lang: str = "en", *, model: str = "boosting"):
    """Lift by score decile (bars) with the average as a line at 1."""
    import matplotlib.pyplot as plt

    check_lang(lang)
    lt = s.lift(model=model)
    if ax is None:
        _, ax = plt.subplots()
    ax.bar(lt["decile"].astype(str), lt["lift"], color="#4c72b0")
    ax.axhline(1, color="grey", ls="--", lw=1)
    ax.set_xlabel(text("decile", lang, LABELS))
    ax.set_ylabel(text("lift", lang, LABELS))
    ax.set_title(f"{text('lift_title', lang, LABELS)} — {text(model, lang, LABELS)}")
    return ax


def plot_importance(s: ChurnStudy, ax=None, lang: str = "en", *, model: str | None = None, top: int = 10,
                    importance: pd.DataFrame | None = None):
    """Permutation importance (drop in test ROC AUC when a feature is shuffled), largest first."""
    import matplotlib.pyplot as plt

    check_lang(lang)
    imp = (s.importance(model=model) if importance is None else importance).head(top).iloc[::-1]
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.4 * len(imp) + 1.5))
    names = [FEATURE_LABELS[f][lang] if lang == "zh" else f for f in imp["feature"]]
    ax.barh(names, imp["importance"], xerr=imp["importance_sd"], color="#4c72b0")
    ax.axvline(0, color="grey", lw=1)
    ax.set_xlabel(text("importance", lang, LABELS))
    ax.set_title(text("importance_title", lang, LABELS))
    return ax
