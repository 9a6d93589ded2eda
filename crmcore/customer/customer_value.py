"""Customer value with AHP weights: the five-value model, key-account scoring, weighted RFM.

The seeds score each customer as ``Σ weight × indicator value``: the weights come from an
AHP hierarchy (层次分析法), objective indicators (sales, counts, dates) are mapped into a
common 0–1 range by a function (函数映射: min-max, log, piecewise-linear, step), and
subjective ones (brand intent, regional influence) are scored by hand on a fixed scale.
Final scores are on 0–100.

- **Five-value model** (客户价值五维模型): market value (市场价值: total and average spend,
  largest single purchase, purchase frequency), scale value (规模价值: purchase volume),
  brand value (品牌价值: hand-scored intent), information value (信息价值: completeness of the
  customer record), network value (网络价值: referrals, parent/subsidiary links).
- **Key-account comprehensive scoring** (重点客户综合积分法): sales in the last two years,
  potential in the next three, can we win it, can we deliver, demonstration effect → tiers.
- **Weighted RFM**: :func:`rfm_weights` turns R/F/M judgements into the ``{"R", "F", "M"}``
  dict that ``crmcore.rfm.weighted_score`` takes.

This is AHP's absolute-measurement (ratings) mode (Saaty 1986, "Absolute and relative
measurement with the AHP", Socio-Econ. Plann. Sci. 20(6)): alternatives are scored against
each criterion, not compared pairwise, so adding a customer never changes another's score.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from crmcore.customer.customer_value_text import (  # noqa: F401  (re-exported: customer_value.X)
    COLUMNS, LABELS, data_notes, recommendations)
from crmcore.decision import ahp
from crmcore.decision import ahp_hierarchy as ah
from crmcore.errors import DataError, DomainError, ParameterError
from crmcore.labels import check_lang, text
from crmcore.results import ParagraphResult

FIVE_VALUES = ("market", "scale", "brand", "information", "network")

#: The default five-value hierarchy. Judgements are a teaching example (market value matters
#: most, information value least), not a published calibration: replace them with your own.
FIVE_VALUE_SPEC: dict[str, Any] = {
    "goal": "customer value (客户价值)",
    "labels": list(FIVE_VALUES),
    "upper": [[3, 4, 5, 3], [2, 3, 1], [2, "1/2"], ["1/3"]],
    "children": {
        "market": {"labels": ["revenue", "avg_order_value", "max_order_value", "orders"],
                   "upper": [[3, 3, 1], [1, "1/3"], ["1/3"]]},
        "scale": {"labels": ["quantity", "lines"], "upper": [[2]]},
        "brand": {"ratings": {"brand_intent": 1}},
        "information": {"ratings": {"profile_completeness": 1}},
        "network": {"labels": ["referrals", "related_companies"], "upper": [[2]]},
    },
}

#: How each leaf indicator is mapped to 0–1 (函数映射). ``column`` defaults to the leaf name.
FIVE_VALUE_INDICATORS: dict[str, dict[str, Any]] = {
    "revenue": {"method": "log", "negative": "zero"},
    "avg_order_value": {"method": "log", "negative": "zero"},
    "max_order_value": {"method": "log", "negative": "zero"},
    "orders": {"method": "log"},
    "quantity": {"method": "log", "negative": "zero"},
    "lines": {"method": "log"},
    "brand_intent": {"method": "manual", "lo": 1, "hi": 5},
    "profile_completeness": {"method": "identity"},
    "referrals": {"method": "step", "breaks": [1, 3, 6], "scores": [0.0, 0.5, 0.8, 1.0]},
    "related_companies": {"method": "step", "breaks": [1, 2], "scores": [0.0, 0.6, 1.0]},
}

KEY_ACCOUNT_CRITERIA = ("sales_2y", "potential_3y", "winnable", "deliverable", "demonstration")

#: Key-account judgements (teaching example): past sales and potential lead, demonstration last.
KEY_ACCOUNT_JUDGEMENTS = {
    ("sales_2y", "potential_3y"): 1, ("sales_2y", "winnable"): 2, ("sales_2y", "deliverable"): 3,
    ("sales_2y", "demonstration"): 4, ("potential_3y", "winnable"): 2, ("potential_3y", "deliverable"): 3,
    ("potential_3y", "demonstration"): 4, ("winnable", "deliverable"): 2, ("winnable", "demonstration"): 2,
    ("deliverable", "demonstration"): 1,
}

KEY_ACCOUNT_INDICATORS: dict[str, dict[str, Any]] = {
    "sales_2y": {"method": "log", "negative": "zero"},
    "potential_3y": {"method": "log", "negative": "zero"},
    "winnable": {"method": "manual", "lo": 1, "hi": 5},
    "deliverable": {"method": "manual", "lo": 1, "hi": 5},
    "demonstration": {"method": "manual", "lo": 1, "hi": 5},
}

#: relative tolerance below which a value counts as 0 in the log mapping (see :func:`map_indicator`)
ZERO_TOL = 1e-9

MAPPINGS = ("minmax", "log", "piecewise", "step", "manual", "identity")
_RFM_ALIASES = {"r": "R", "recency": "R", "f": "F", "frequency": "F", "m": "M", "monetary": "M"}


def map_indicator(
    values: Any,
    *,
    method: str = "minmax",
    direction: str = "benefit",
    lo: float | None = None,
    hi: float | None = None,
    points: Sequence[tuple[float, float]] | None = None,
    breaks: Sequence[float] | None = None,
    scores: Sequence[float] | None = None,
    negative: str = "refuse",
    name: str = "indicator",
) -> np.ndarray:
    """Map raw indicator values into 0–1 (函数映射).

    - ``minmax``: ``(x − lo)/(hi − lo)``, clipped; ``lo``/``hi`` default to the data's min/max.
    - ``log``: min-max of ``ln(1 + x)`` (for skewed amounts and counts; x ≥ 0). Values within
      ``ZERO_TOL · max(1, max|x|)`` of 0 (floating-point noise of net amounts, e.g. −5.7e-14 after
      a full return) count as 0; a truly negative value is refused, or counts as 0 with
      ``negative="zero"`` (net money of a customer whose returns exceed purchases in the window:
      no market value, not less than none — see :func:`data_notes` for the sentence a report shows).
    - ``piecewise``: linear interpolation through ``points=[(x0, y0), (x1, y1), ...]``, flat
      outside; y in 0–1.
    - ``step``: ``scores[k]`` for ``breaks[k-1] ≤ x < breaks[k]`` (len(scores) = len(breaks)+1).
    - ``manual``: a hand score on a fixed scale ``lo..hi`` (e.g. 1–5), mapped linearly.
    - ``identity``: already in 0–1 (checked).

    ``direction="cost"`` reverses the result (``1 − y``), for indicators where less is better.
    A constant indicator under min-max/log maps to 0.5 for everyone (it ranks no one).
    """
    if method not in MAPPINGS:
        raise ParameterError(f"{name}: method={method!r}; use one of {', '.join(map(repr, MAPPINGS))}.")
    if direction not in ("benefit", "cost"):
        raise ParameterError(f"{name}: direction={direction!r}; use 'benefit' or 'cost'.")
    x = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float)
    raw = pd.Series(values)
    bad = np.flatnonzero(~np.isfinite(x))
    if len(bad):
        ex = ", ".join(f"row {k}: {raw.iloc[k]!r}" for k in bad[:3])
        raise DataError(f"column {name!r}: {len(bad):,} of {len(x):,} values are missing or not numbers ({ex}). "
                        "Fill them (e.g. 0 for no referrals) before scoring.")
    if method in ("minmax", "log"):
        if method == "log":
            # Net amounts after returns carry floating-point noise (a customer who bought 10.1 and
            # returned 10.1 can sum to −5.7e-14): |x| ≤ ZERO_TOL · max(1, max|x|) counts as 0.
            x = np.where(np.abs(x) <= ZERO_TOL * max(1.0, float(np.max(np.abs(x), initial=0.0))), 0.0, x)
            if negative not in ("refuse", "zero"):
                raise ParameterError(f"{name}: negative={negative!r}; use 'refuse' or 'zero'.")
            if negative == "zero":
                x = np.maximum(x, 0.0)
            neg = np.flatnonzero(x < 0)
            if len(neg):
                raise DataError(f"column {name!r}: {len(neg):,} values are negative (row {neg[0]}: {x[neg[0]]:g}); "
                                "log mapping needs x ≥ 0. Use method='minmax'.")
            x = np.log1p(x)
            lo = np.log1p(lo) if lo is not None else None
            hi = np.log1p(hi) if hi is not None else None
        lo = float(np.min(x)) if lo is None else float(lo)
        hi = float(np.max(x)) if hi is None else float(hi)
        y = np.full_like(x, 0.5) if hi <= lo else np.clip((x - lo) / (hi - lo), 0.0, 1.0)
    elif method == "manual":
        if lo is None or hi is None or hi <= lo:
            raise ParameterError(f"{name}: manual scores need the scale, e.g. lo=1, hi=5.")
        out = np.flatnonzero((x < lo) | (x > hi))
        if len(out):
            raise DataError(f"column {name!r}: {len(out):,} hand scores are outside {lo:g}–{hi:g} "
                            f"(row {out[0]}: {x[out[0]]:g}). Correct them or change the scale.")
        y = (x - lo) / (hi - lo)
    elif method == "identity":
        out = np.flatnonzero((x < 0) | (x > 1))
        if len(out):
            raise DataError(f"column {name!r}: {len(out):,} values are outside 0–1 (row {out[0]}: {x[out[0]]:g}). "
                            "Use method='minmax' or divide by the maximum.")
        y = x
    elif method == "piecewise":
        if not points or len(points) < 2:
            raise ParameterError(f"{name}: piecewise mapping needs points=[(x0, y0), (x1, y1), ...] (two or more).")
        px, py = np.array([p[0] for p in points], float), np.array([p[1] for p in points], float)
        if (np.diff(px) <= 0).any() or (py < 0).any() or (py > 1).any():
            raise ParameterError(f"{name}: points need increasing x and y within 0–1; got {list(points)}.")
        y = np.interp(x, px, py)
    else:  # step
        if breaks is None or scores is None or len(scores) != len(breaks) + 1:
            raise ParameterError(f"{name}: step mapping needs breaks=[b1, ..., bk] and k+1 scores.")
        b, sc = np.asarray(breaks, float), np.asarray(scores, float)
        if (np.diff(b) <= 0).any() or (sc < 0).any() or (sc > 1).any():
            raise ParameterError(f"{name}: breaks must increase and scores lie within 0–1 (divide points by 100).")
        y = sc[np.searchsorted(b, x, side="right")]
    return 1.0 - y if direction == "cost" else y


def map_indicators(table: pd.DataFrame, indicators: Mapping[str, Mapping[str, Any]]) -> pd.DataFrame:
    """Apply :func:`map_indicator` to each indicator; returns one 0–1 column per indicator."""
    out = {}
    for leaf, spec in indicators.items():
        spec = dict(spec)
        col = spec.pop("column", leaf)
        if col not in table.columns:
            raise DataError(f"column {col!r} (for indicator {leaf!r}) is not in the customer table. "
                            f"Columns found: {', '.join(map(str, table.columns))}.")
        out[leaf] = map_indicator(table[col].to_numpy(), name=col, **spec)
    return pd.DataFrame(out, index=table.index)


def customer_value(
    customers: pd.DataFrame,
    *,
    hierarchy: Any = None,
    indicators: Mapping[str, Mapping[str, Any]] | None = None,
    id_col: str = "customer_id",
    method: str = "eigen",
    ri: ahp.RIChoice = "saaty1980",
) -> ScoreResult:
    """Five-value customer scoring: AHP weights × mapped indicators, ranked, with contributions.

    ``hierarchy``: a spec dict, a YAML path or a :class:`~crmcore.ahp_hierarchy.HierarchyResult`
    (default :data:`FIVE_VALUE_SPEC`); its level-1 elements are the value groups, its leaves the
    indicators. ``indicators``: mapping per leaf (default :data:`FIVE_VALUE_INDICATORS`), each
    ``{"column": ..., "method": "minmax"|"log"|"piecewise"|"step"|"manual"|"identity", ...}``.
    A YAML/dict spec may carry an ``indicators:`` section, used when ``indicators`` is None.
    ``customers`` needs one row per customer and a column per indicator
    (see :func:`customer_table`). Score = 100 · Σ w_leaf · mapped value.
    """
    if isinstance(hierarchy, ah.HierarchyResult):
        h = hierarchy
    else:
        spec = ah.load_spec(hierarchy if hierarchy is not None else FIVE_VALUE_SPEC)
        if indicators is None and "indicators" in spec:
            indicators = spec["indicators"]
        h = ah.hierarchy(spec, method=method, ri=ri, names=LABELS)
    level1 = h.weights_dict(level=1)
    groups = {g: h._leaves_under(g) for g in level1}
    return _score(customers, hierarchy=h, weights=h.weights_dict(), group_weights=level1, groups=groups,
                  indicators=indicators or FIVE_VALUE_INDICATORS, id_col=id_col, kind="five_value")


def simulated_profiles(customer_ids: Sequence[str], *, seed: int = 0) -> pd.DataFrame:
    """SIMULATED hand-entered fields for teaching (模拟数据，仅供教学): brand intent 1–5, record
    completeness 0–1, referrals, parent/subsidiary links. Transactions cannot tell us these; in
    real use they come from the sales team's records. Deterministic for a seed."""
    rng = np.random.default_rng(seed)
    n = len(customer_ids)
    fields = rng.random((n, 6)) < np.array([0.95, 0.8, 0.6, 0.5, 0.4, 0.3])  # name, phone, email, address, birthday, company
    return pd.DataFrame({
        "customer_id": [str(c) for c in customer_ids],
        "brand_intent": rng.choice([1, 2, 3, 4, 5], size=n, p=[0.1, 0.2, 0.35, 0.25, 0.1]),
        "profile_completeness": fields.mean(axis=1),
        "referrals": rng.poisson(0.8, size=n),
        "related_companies": rng.choice([0, 1, 2, 3], size=n, p=[0.75, 0.15, 0.07, 0.03]),
    })


def customer_table(tx: Any, *, asof: Any, profiles: pd.DataFrame | None = None, seed: int = 0) -> pd.DataFrame:
    """Indicators for the five-value model from transactions (``engine.customer_summary``) plus
    the hand-entered fields in ``profiles`` (one row per customer_id). Without ``profiles`` the
    hand-entered fields are :func:`simulated_profiles` — clearly simulated, for teaching."""
    from crmcore import engine

    summ = engine.customer_summary(tx, asof=asof)
    summ["customer_id"] = summ["customer_id"].astype(str)
    summ["avg_order_value"] = summ["revenue"] / summ["orders"]
    prof = profiles if profiles is not None else simulated_profiles(summ["customer_id"], seed=seed)
    if "customer_id" not in prof.columns:
        raise DataError("profiles needs a 'customer_id' column. Columns found: " + ", ".join(map(str, prof.columns)) + ".")
    prof = prof.assign(customer_id=prof["customer_id"].astype(str))
    return summ.merge(prof, on="customer_id", how="left", validate="one_to_one")


def key_account_scores(
    accounts: pd.DataFrame,
    *,
    weights: Any = None,
    indicators: Mapping[str, Mapping[str, Any]] | None = None,
    id_col: str = "customer_id",
    tiers: tuple[float, float] = (60.0, 40.0),
    method: str = "eigen",
    ri: ahp.RIChoice = "saaty1980",
) -> ScoreResult:
    """Key-account comprehensive scoring (重点客户综合积分法) with tiers.

    ``weights``: judgements on :data:`KEY_ACCOUNT_CRITERIA` (anything
    :func:`crmcore.ahp.pairwise` accepts; default :data:`KEY_ACCOUNT_JUDGEMENTS`), an
    :class:`~crmcore.ahp.AHPResult`, or a plain dict of weights summing to 1. Tiers by score:
    ``≥ tiers[0]`` → A key account (重点客户), ``≥ tiers[1]`` → B potential, else C.
    """
    if not (len(tiers) == 2 and tiers[0] > tiers[1]):
        raise ParameterError(f"tiers={tiers!r}: give two cut-offs, high first, e.g. (60, 40).")
    hres = None
    if isinstance(weights, ahp.AHPResult):
        res = weights
    elif isinstance(weights, Mapping) and weights and all(isinstance(k, str) for k in weights):
        w = pd.Series(weights, dtype=float)
        if (w < 0).any() or abs(w.sum() - 1) > 1e-6:
            raise DomainError(f"weights must be non-negative and sum to 1; they sum to {w.sum():.4f}. "
                              "Normalise them or pass AHP judgements.")
        res = None
    else:
        res = ahp.priorities(weights if weights is not None else KEY_ACCOUNT_JUDGEMENTS, method=method, ri=ri)
    if res is not None:
        if not res.consistent:
            raise DomainError(f"key-account judgements are inconsistent (CR = {res.cr:.3f} ≥ {res.threshold:g}). "
                              + " ".join(ahp.revise(res.matrix).interpret()))
        w = pd.Series(res.weights_dict())
        hres = None
    wd = {k: float(v) for k, v in w.items()}
    return _score(accounts, hierarchy=hres, weights=wd, group_weights=wd, groups={k: [k] for k in wd},
                  indicators=indicators or KEY_ACCOUNT_INDICATORS, id_col=id_col, kind="key_account",
                  tiers=tiers)


def key_account_table(tx: Any, *, asof: Any, top: int = 50, hand_scores: pd.DataFrame | None = None,
                      seed: int = 0) -> pd.DataFrame:
    """Candidate key accounts: the ``top`` customers by sales in the two years before ``asof``.

    ``sales_2y`` comes from the transactions; ``potential_3y`` is a naive projection (last
    year's sales × (1 + growth over the year before), clipped at zero growth, × 3 years).
    ``winnable``, ``deliverable``, ``demonstration`` are hand scores 1–5 from ``hand_scores``
    (columns customer_id + those three); without it they are SIMULATED (模拟数据) for teaching.
    """
    from crmcore import engine

    asof_ts = pd.Timestamp(asof)
    t = engine.table(tx)
    lo = asof_ts - pd.DateOffset(years=2)
    mid = asof_ts - pd.DateOffset(years=1)
    df = engine.execute(t.filter((t.order_date >= lo) & (t.order_date < asof_ts))
                        .select("customer_id", "order_date", "amount"), tx)
    df["customer_id"] = df["customer_id"].astype(str)
    recent = df["order_date"] >= mid
    by = pd.DataFrame({
        "sales_2y": df.groupby("customer_id")["amount"].sum(),
        "sales_last_year": df[recent].groupby("customer_id")["amount"].sum(),
        "sales_prior_year": df[~recent].groupby("customer_id")["amount"].sum(),
    }).fillna(0.0)
    by = by.sort_values(["sales_2y"], ascending=False).head(top)
    growth = np.where(by["sales_prior_year"] > 0, by["sales_last_year"] / by["sales_prior_year"].where(
        by["sales_prior_year"] > 0, 1.0) - 1, 0.0)
    by["potential_3y"] = by["sales_last_year"] * (1 + np.clip(growth, 0, None)) * 3
    by = by.rename_axis("customer_id").reset_index().sort_values(["sales_2y", "customer_id"],
                                                                 ascending=[False, True], ignore_index=True)
    if hand_scores is None:
        rng = np.random.default_rng(seed)
        hand_scores = pd.DataFrame({"customer_id": by["customer_id"],
                                    **{c: rng.integers(1, 6, size=len(by)) for c in
                                       ("winnable", "deliverable", "demonstration")}})
    hand_scores = hand_scores.assign(customer_id=hand_scores["customer_id"].astype(str))
    return by.merge(hand_scores, on="customer_id", how="left", validate="one_to_one")


def rfm_weights(judgements: Any, *, method: str = "eigen", ri: ahp.RIChoice = "saaty1980",
                strict: bool = True) -> dict[str, float]:
    """AHP weights for R, F and M as ``{"R": w, "F": w, "M": w}`` for ``rfm.weighted_score``.

    ``judgements``: a pairs dict such as ``{("R", "F"): 3, ("R", "M"): "1/2", ("F", "M"): "1/5"}``
    (labels R/F/M or recency/frequency/monetary), a 3 × 3 matrix in R, F, M order, or an
    :class:`~crmcore.ahp.AHPResult`. With ``strict`` an inconsistent matrix (CR ≥ 0.1) is an
    error that says which judgement to change, instead of weights nobody should use.
    """
    if isinstance(judgements, ahp.AHPResult):
        res = judgements
    else:
        if isinstance(judgements, Mapping):
            try:
                judgements = {(_RFM_ALIASES[str(a).lower()], _RFM_ALIASES[str(b).lower()]): v
                              for (a, b), v in judgements.items()}
            except (KeyError, ValueError, TypeError):
                raise DomainError("RFM judgements must compare R, F and M, e.g. {('R', 'F'): 3, ('R', 'M'): '1/2', "
                                  "('F', 'M'): '1/5'}.") from None
            m = ahp.pairwise(judgements, labels=["R", "F", "M"])
        else:
            m = ahp.pairwise(judgements, labels=["R", "F", "M"])
        res = ahp.priorities(m, method=method, ri=ri)
    d = {_RFM_ALIASES.get(str(k).lower(), k): v for k, v in res.weights_dict().items()}
    if set(d) != {"R", "F", "M"}:
        raise DomainError(f"RFM weights need exactly R, F and M; got {sorted(d)}.")
    if strict and not res.consistent:
        raise DomainError(f"R/F/M judgements are inconsistent (CR = {res.cr:.3f} ≥ {res.threshold:g}). "
                          + " ".join(ahp.revise(res.matrix).interpret()) + " Or pass strict=False.")
    return {k: d[k] for k in ("R", "F", "M")}


# --------------------------------------------------------------------------- results
@dataclass(frozen=True)
class ScoreResult(ParagraphResult):
    """A weighted score per customer (0–100) with each group's contribution.

    ``table``: id, score, rank, one contribution column per group (they add up to the score),
    tier if tiers were asked for. ``weights``: leaf weights; ``group_weights``: per group.
    ``mapped``: the 0–1 indicator values (customers × leaves) the score was built from.
    """

    table: pd.DataFrame = field(repr=False)
    weights: dict = field(repr=False)
    group_weights: dict = field(repr=False)
    mapped: pd.DataFrame = field(repr=False)
    hierarchy: Any = field(repr=False)
    kind: str = "five_value"
    id_col: str = "customer_id"
    tiers: tuple = ()
    title = "customer value score (客户价值评分)"
    _conventions = ("kind", "tiers")

    def weights_frame(self, lang: str = "en") -> pd.DataFrame:
        """Leaf weights with their group and labels."""
        rows = []
        for g, leaves in self._groups().items():
            for leaf in leaves:
                rows.append((text(g, lang, LABELS), text(leaf, lang, LABELS), self.group_weights[g],
                             self.weights[leaf]))
        return pd.DataFrame(rows, columns=["group", "indicator", "group_weight", "weight"])

    def _groups(self) -> dict[str, list[str]]:
        if self.hierarchy is None:
            return {k: [k] for k in self.weights}
        return {g: self.hierarchy._leaves_under(g) for g in self.group_weights}

    def _summary_text(self, lang: str = "en") -> str:
        check_lang(lang)
        t = self.table
        top = t.iloc[0]
        contrib_cols = [c for c in self.group_weights if c in t.columns]
        share = t[contrib_cols].sum() / t["score"].sum()
        lead = share.idxmax()
        n10 = max(1, int(round(len(t) * 0.1)))
        conc = t["score"].iloc[:n10].sum() / t["score"].sum()
        zh = lang == "zh"
        who = "重点客户候选中" if self.kind == "key_account" else "客户价值"
        s = (f"{who}得分最高的是 {top[self.id_col]}（{top['score']:.1f} 分）；在全部 {len(t):,} 个客户的总分中，"
             f"{text(lead, 'zh', LABELS)}贡献最大（{share[lead]:.0%}）；前 10% 的客户占总分的 {conc:.0%}"
             if zh else
             f"The top {'account' if self.kind == 'key_account' else 'customer'} is {top[self.id_col]} "
             f"({top['score']:.1f} points); across all {len(t):,}, {text(lead, 'en', LABELS)} contributes most "
             f"to the total score ({share[lead]:.0%}); the top 10% hold {conc:.0%} of it")
        if "tier" in t.columns and len(self.tiers):
            counts = t["tier"].value_counts()
            a = int(counts.get("A", 0))
            s += (f"；A 类重点客户 {a} 个。" if zh else
                  f"; {a} {'is a tier-A key account' if a == 1 else 'are tier-A key accounts'}.")
        else:
            s += "。" if zh else "."
        return s

    def sweep(self, group: str, *, steps: int = 101, top: int = 5) -> ah.SweepResult:
        """How the leading customers' scores move as one group's (or indicator's) weight goes 0 → 1."""
        leaves = self._groups().get(group, [group])
        sw = ah.sweep(self.weights, self.mapped, leaves, name=group, steps=steps, synthesis="absolute", top=top)
        return ah.SweepResult(sw.criterion, sw.current, sw.table * 100, sw.changes, sw.synthesis, "score",
                              sw.rank_changes, names=LABELS)

    def monte_carlo(self, *, n: int = 300, seed: int = 0, perturbation: str = "scale", steps: int = 1,
                    sigma: float = 0.2, top: int = 10) -> ah.MonteCarloResult:
        """Perturb the AHP judgements; how often is each customer first? (top rows shown)."""
        if self.hierarchy is None:
            raise ParameterError("these weights were given directly, not by an AHP hierarchy; nothing to perturb.")
        mc = ah.monte_carlo(self.hierarchy, n=n, seed=seed, perturbation=perturbation, steps=steps, sigma=sigma,
                            scores=self.mapped, synthesis="absolute")
        tab = mc.table.head(top).copy()
        tab[["mean_priority", "q05", "q95"]] *= 100
        return ah.MonteCarloResult(tab.rename(columns={"alternative": self.id_col}), mc.n, mc.seed, mc.perturbation,
                                   mc.spread)

    def plot(self, ax=None, lang: str = "en", top: int = 15):
        from crmcore.customer.customer_value_plots import plot_contributions

        return plot_contributions(self, ax=ax, lang=lang, top=top)


# --------------------------------------------------------------------------- private helpers
def _score(table: pd.DataFrame, *, hierarchy: ah.HierarchyResult | None, weights: Mapping[str, float],
           group_weights: Mapping[str, float], groups: Mapping[str, list[str]],
           indicators: Mapping[str, Mapping[str, Any]], id_col: str, kind: str,
           tiers: Sequence[float] = ()) -> ScoreResult:
    if id_col not in table.columns:
        raise DataError(f"column {id_col!r} is not in the table; pass id_col=... . "
                        f"Columns found: {', '.join(map(str, table.columns))}.")
    if table.empty:
        raise DataError("the customer table is empty; nothing to score.")
    dup = table[id_col][table[id_col].duplicated()]
    if len(dup):
        raise DataError(f"column {id_col!r}: {len(dup):,} ids appear more than once (e.g. {dup.iloc[0]!r}); "
                        "give one row per customer.")
    miss = [leaf for leaf in weights if leaf not in indicators]
    if miss:
        raise ParameterError(f"no mapping for indicator(s) {', '.join(map(repr, miss))}; add them to indicators=.")
    t = table.reset_index(drop=True)
    mapped = map_indicators(t, {k: indicators[k] for k in weights})
    mapped.index = t[id_col].astype(str).to_numpy()
    w = pd.Series(weights, dtype=float)
    contrib = mapped[w.index] * w * 100
    out = pd.DataFrame({id_col: mapped.index})
    for g, leaves in groups.items():
        out[g] = contrib[leaves].sum(axis=1).to_numpy()
    out["score"] = contrib.sum(axis=1).to_numpy()
    out = out.sort_values(["score", id_col], ascending=[False, True], ignore_index=True)
    out.insert(1, "rank", np.arange(1, len(out) + 1))
    cols = [id_col, "rank", "score", *groups]
    out = out[cols]
    if tiers:
        hi, lo = tiers
        out["tier"] = np.where(out["score"] >= hi, "A", np.where(out["score"] >= lo, "B", "C"))
    return ScoreResult(out, {k: float(v) for k, v in w.items()}, {k: float(v) for k, v in group_weights.items()},
                       mapped, hierarchy, kind, id_col, tuple(tiers))
