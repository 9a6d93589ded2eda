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

**Where the code is.** This module trains and judges the models (:func:`study`, :class:`ChurnStudy`, the
rates), builds the warning and win-back lists and the report tables, and re-exports the rest:
:mod:`~crmcore.customer.churn_data` (population, label, features), :mod:`~crmcore.customer.churn_text`
(the catalogues and the sentences) and :mod:`~crmcore.customer.churn_plots`; ``churn.features``,
``churn.summary``, ``churn.LABELS`` … work as before.

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
from crmcore.customer import churn_plots, churn_text
from crmcore.customer.churn_data import (ACTIVE_STAGES, FEATURES, GONE_STAGES, _check_horizon,  # noqa: F401
                                         _check_population, dataset, features, labels, latest_cutoff, rfm_segments)
from crmcore.customer.churn_plots import plot_importance, plot_lift, plot_sweep  # noqa: F401
from crmcore.customer.churn_text import (ACTION_WORDS, ACTIONS, DORMANCY_COLUMNS, FEATURE_LABELS,  # noqa: F401
                                         LABELS, LIST_COLUMNS, _stage_name, files_sentence, summary,
                                         warning_summary, winback_summary)
from crmcore.errors import DataError, DomainError, ParameterError
from crmcore.labels import check_lang, text
from crmcore.results import Result, deprecated


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


def feature_table(lang: str = "en") -> pd.DataFrame:
    """The model features with their meaning in ``lang`` (the notebook's definition table)."""
    check_lang(lang)
    return pd.DataFrame({"feature": list(FEATURES), "meaning": [FEATURE_LABELS[f][lang] for f in FEATURES]})


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


@dataclass(frozen=True)
class WarningLine:
    """A warning line and the rule that chose it."""

    rule: str
    threshold: float
    note: str


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
    _columns = churn_text.STUDY_COLUMNS

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
        return churn_text.summary(self, rule, lang=lang)

    def plot(self, ax=None, lang: str = "en", *, model: str = "boosting", threshold: float | None = None):
        return churn_plots.plot_sweep(self, ax=ax, lang=lang, model=model, threshold=threshold)


# ---------------------------------------------------------------- helpers
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
