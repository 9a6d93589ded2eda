"""Churn warning (流失预警): honest labels, a time split, two models, and a warning line.

**Label.** At a cut-off date ``c``, the customers *active* before it (a purchase in the
``active_days`` before ``c``) are labelled churned (1) when they make no purchase in
``[c, c + horizon)`` and retained (0) otherwise. The label needs the horizon to lie inside the
data, so ``c + horizon`` may not pass the day after the last order.

**Features** come only from rows with ``order_date < c`` (recency, frequency, monetary value,
spend in the last and previous windows, the customer's rhythm and how overdue they are). The test
suite checks this: changing or adding rows on or after ``c`` leaves the features unchanged.

**Time split.** The model learns at an earlier cut-off ``c_train`` (labels from
``[c_train, c_train + horizon)``) and is tested at a later cut-off ``c_test ≥ c_train + horizon``,
so no label the model learnt from lies after the test cut-off. Rows are never split at random
across time: a random split would let the model learn from the very months it is tested on.

**Evaluation.** The warning is the positive prediction ("this customer will churn"). At a warning
line (a probability threshold):

- error rate (误报率/错误率) = predicted churners who stayed ÷ all predicted churners = FP/(TP+FP) = 1 − precision;
- miss rate (遗漏率) = real churners not warned ÷ all real churners = FN/(TP+FN) = 1 − recall.

The seed text defines the miss rate as "correct predictions divided by all real
payers/retainers" — that ratio is recall, where higher is better — yet says a *lower* miss
rate is better. Only 1 − recall (the share of real cases the model missed) fits "lower is
better", so that is what ``miss_rate`` computes; recall is reported beside it.

Lowering the line warns more customers: the miss rate falls and the error rate rises. The line
is therefore chosen by a stated rule: a contact budget (warn the top N), a target recall (the
highest line that still catches that share of churners, set on the training cut-off's
cross-validated scores, never on the test labels), or a fixed probability.

References
----------
Neslin, S. A., Gupta, S., Kamakura, W., Lu, J., Mason, C. H. (2006). Defection detection:
measuring and understanding the predictive accuracy of customer churn models. *Journal of
Marketing Research* 43(2), 204–211 (lift by decile, top-decile lift).
Fader, P. S., Hardie, B. G. S., Lee, K. L. (2005). "Counting your customers" the easy way.
*Marketing Science* 24(2), 275–284 (BG/NBD P(alive): a different question, no actions).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from . import engine
from .errors import DataError, DomainError, ParameterError
from .labels import check_lang, text
from .lifecycle import Rules, _snapshot, customer_days
from .results import Result

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
}

#: the features, all computed from rows before the cut-off
FEATURES = ("recency_days", "tenure_days", "purchase_days", "orders", "revenue", "avg_day_revenue",
            "max_order_value", "revenue_last", "revenue_prev", "days_last", "days_prev", "trend",
            "rhythm_days", "recency_ratio", "revenue_365", "promo_share", "high_price_share")

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
    from . import rfm

    cols = engine.table(tx).columns
    if "unit_price" not in cols:
        return pd.DataFrame()
    t = rfm.rfm_table(tx, asof=cutoff)
    return t.set_index(t["customer_id"].astype(str))


def rfm_segments(tx: Any, *, asof: Any, lang: str = "en") -> pd.DataFrame:
    """customer_id, segment, segment_name, action: the RFM module's cn8 segments (重要价值客户 …) as of ``asof``."""
    from . import rfm

    seg = rfm.segment(rfm.score(rfm.rfm_table(tx, asof=asof)), scheme="cn8", lang=lang)
    out = seg.table[["customer_id", "segment", "segment_name", "action"]].copy()
    out["customer_id"] = out["customer_id"].astype(str)
    return out


def dataset(tx: Any, *, cutoff: Any, horizon: int = 90, active_days: int | None = 365,
            window_days: int = 90) -> pd.DataFrame:
    """Features as of ``cutoff`` joined to the churn label over ``[cutoff, cutoff + horizon)``."""
    y = labels(tx, cutoff=cutoff, horizon=horizon, active_days=active_days)
    X = features(tx, cutoff=cutoff, window_days=window_days)
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
    title = "Churn warning models (流失预警模型)"
    _conventions = ("train_cutoff", "test_cutoff", "horizon", "active_days", "window_days", "seed")

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

    def coefficients(self) -> pd.Series:
        """Standardised logistic-regression coefficients (log-odds per standard deviation)."""
        pipe = self.models["logistic"]
        return pd.Series(pipe[-1].coef_[0], index=list(FEATURES)).sort_values(key=abs, ascending=False)

    def score(self, tx: Any, *, asof: Any, model: str = "boosting", active_days: int | None = None) -> pd.DataFrame:
        """Churn probability of customers active before ``asof`` (no label needed: asof may be after the data)."""
        self._check_model(model)
        a = self.active_days if active_days is None else active_days
        X = features(tx, cutoff=asof, window_days=self.window_days)
        if a is not None:
            X = X[X["recency_days"] <= a].reset_index(drop=True)
        from threadpoolctl import threadpool_limits

        with threadpool_limits(1):
            X["churn_probability"] = self.models[model].predict_proba(X[list(FEATURES)].to_numpy())[:, 1]
        return X

    def summary(self, rule: str = "budget:200", *, lang: str = "en") -> str:
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
          window_days: int = 90, seed: int = 0, cv_folds: int = 5) -> ChurnStudy:
    """Train both models at ``train_cutoff`` (default ``cutoff − horizon``) and test them at ``cutoff``.

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
    train = dataset(tx, cutoff=c_train, horizon=h, active_days=active_days, window_days=window_days)
    test = dataset(tx, cutoff=c_test, horizon=h, active_days=active_days, window_days=window_days)
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
    return ChurnStudy(train, test, models, oof, c_train, c_test, h, active_days, window_days, seed)


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


# ------------------------------------------------------------------ win-back
def winback_list(scored: pd.DataFrame, *, threshold: float, segments: pd.DataFrame | None = None,
                 lang: str = "en") -> pd.DataFrame:
    """Customers at or above the warning line, most revenue at risk first, with a suggested action.

    revenue at risk = churn probability × revenue of the last 365 days. The action (see
    ``ACTIONS``) depends on the lifecycle stage (declining, lapsed, lost, other) and the value tier.
    ``segments`` (customer_id, segment[, segment_name]), e.g. the cn8 RFM segments from
    :func:`rfm_segments`, is joined when given and sets the tier: "important" segments (monetary
    value high, 重要…客户) are high value, "general" ones low. Without segments the tier is high
    when revenue_365 is at or above the median of the list.
    """
    check_lang(lang)
    need = {"customer_id", "churn_probability", "revenue_365", "stage", "recency_days"}
    if not need <= set(scored.columns):
        raise DataError(f"scored table needs columns {', '.join(sorted(need))}; use ChurnStudy.score(...). "
                        f"Columns found: {', '.join(scored.columns)}.")
    w = scored[scored["churn_probability"] >= threshold].copy()
    w["revenue_at_risk"] = w["churn_probability"] * w["revenue_365"]
    seg_cols: list[str] = []
    med = w["revenue_365"].median() if len(w) else 0.0
    tier = np.where(w["revenue_365"] >= med, "high", "low")
    if segments is not None:
        if not {"customer_id", "segment"} <= set(segments.columns):
            raise DataError(f"segments need columns customer_id and segment; columns found: {', '.join(segments.columns)}.")
        seg_cols = [c for c in ("segment", "segment_name") if c in segments.columns]
        w = w.merge(segments[["customer_id", *seg_cols]], on="customer_id", how="left")
        seg = w["segment"].astype("string")
        tier = np.where(seg.str.startswith("important").fillna(False), "high",
                        np.where(seg.notna(), "low", tier))
    kind = np.where(w["stage"].isin(["declining", "lapsed", "lost"]), w["stage"], "other")
    w["value_tier"] = tier
    w["action"] = [ACTIONS[(t, k)][lang] for t, k in zip(tier, kind)]
    cols = ["customer_id", "churn_probability", "stage", *seg_cols,
            "recency_days", "revenue_365", "revenue_at_risk", "value_tier", "action"]
    return w.sort_values(["revenue_at_risk", "customer_id"], ascending=[False, True])[cols].reset_index(drop=True)


def export(table: pd.DataFrame, path: str | Path, *, excel: bool = True) -> list[Path]:
    """Write ``table`` to ``<path>.csv`` (UTF-8 with BOM, so Excel shows Chinese) and ``<path>.xlsx``."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    stem = p.with_suffix("") if p.suffix in (".csv", ".xlsx") else p
    out = [stem.with_suffix(".csv")]
    table.to_csv(out[0], index=False, encoding="utf-8-sig")
    if excel:
        out.append(stem.with_suffix(".xlsx"))
        table.to_excel(out[1], index=False)
    return out


# ------------------------------------------------------------------ words and plots
def summary(s: ChurnStudy, rule: str = "budget:200", *, lang: str = "en") -> str:
    """Sentences generated from the comparison at the warning line chosen by ``rule``."""
    check_lang(lang)
    c = s.compare(rule).set_index("model")
    best = c["roc_auc"].idxmax()
    b = c.loc[best]
    other = [m for m in c.index if m != best][0]
    if lang == "zh":
        return (f"在 {s.train_cutoff:%Y-%m-%d} 训练、在 {s.test_cutoff:%Y-%m-%d} 检验（{s.horizon} 天内未购买即算流失，"
                f"检验期流失率 {b['base_rate']:.1%}）。{text(best, 'zh', LABELS)}的 AUC 为 {b['roc_auc']:.3f}，"
                f"{text(other, 'zh', LABELS)}为 {c.loc[other, 'roc_auc']:.3f}。按规则「{rule}」划定预警线 {b['threshold']:.3f}："
                f"预警 {int(b['tp'] + b['fp'])} 位客户，错误率 {b['error_rate']:.1%}，遗漏率 {b['miss_rate']:.1%}，"
                f"最高十分位的提升度为 {b['top_decile_lift']:.2f}。")
    return (f"Trained at {s.train_cutoff:%Y-%m-%d}, tested at {s.test_cutoff:%Y-%m-%d} (churn = no purchase within "
            f"{s.horizon} days; test churn rate {b['base_rate']:.1%}). {text(best, 'en', LABELS).capitalize()} has ROC AUC "
            f"{b['roc_auc']:.3f} against {c.loc[other, 'roc_auc']:.3f} for {text(other, 'en', LABELS)}. At the line set "
            f"by rule '{rule}' ({b['threshold']:.3f}) it warns {int(b['tp'] + b['fp'])} customers with an error rate of "
            f"{b['error_rate']:.1%} and a miss rate of {b['miss_rate']:.1%}; the top decile holds "
            f"{b['top_decile_lift']:.2f}× the average churn rate.")


def winback_summary(w: pd.DataFrame, *, lang: str = "en") -> str:
    """One sentence on a win-back list: how many, revenue at risk, how much of it the top tenth holds."""
    check_lang(lang)
    n = len(w)
    if n == 0:
        return "预警线以上没有客户。" if lang == "zh" else "No customer is above the warning line."
    risk = float(w["revenue_at_risk"].sum())
    top = max(1, n // 10)
    top_share = float(w["revenue_at_risk"].head(top).sum()) / risk if risk else 0.0
    high = int((w["value_tier"] == "high").sum())
    if lang == "zh":
        return (f"挽回名单共 {n} 位客户，风险销售额合计 {risk:,.0f}；其中前 {top} 位占 {top_share:.1%}，"
                f"高价值客户 {high} 位，应优先由客户经理跟进。")
    return (f"The win-back list holds {n} customers with {risk:,.0f} of revenue at risk; the first {top} hold "
            f"{top_share:.1%} of it, and {high} are high-value customers an account manager should call first.")


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
