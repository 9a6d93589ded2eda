"""RFM customer value: explicit definitions, tie-safe scores, segment schemes, weighted RFM.

RFM (Hughes 1994) describes each customer by **R**ecency (最近一次消费, days since the last
purchase → loyalty 忠诚度), **F**requency (消费频率) and **M**onetary value (消费金额 →
purchasing power 购买力). The Chinese data-management teaching (数据化管理) adds the largest
single purchase (最大单笔消费), the share of spend on special offers (特价商品消费占比 → price
tolerance 价格容忍度) and the share of spend on high-price items (高单价商品消费占比).

Conventions (all keyword parameters, recorded in ``table.attrs["crmcore"]["rfm"]``):

* snapshot: only lines with ``order_date < asof`` count; recency = calendar days from the
  last purchase day to the ``asof`` day (bought the day before asof → 1).
* ``frequency``: ``"invoices"`` distinct orders, ``"days"`` distinct purchase days, ``"lines"``.
* ``monetary``: ``"sum"`` total spend, ``"mean"`` spend per frequency unit.
* ``returns``: ``"drop"`` ignores return lines; ``"net"`` subtracts them from spend. R and F
  always come from purchases; a customer whose only lines are returns has no purchase and is
  left out (counted in ``attrs``).

Scores (:func:`score`) use one tie rule by default (``ties="worse"``): a customer's score is
``1 + floor(bins × share of customers with a strictly worse value)`` ("worse" = longer
recency, lower F or M). Identical values always get the same score, results do not depend on
row order, and a mass of one-time buyers (34 % of Online Retail) all get F = 1 instead of being
split arbitrarily across quintiles. ``ties="better"`` is the mirror rule: a tied group that
straddles a cut takes the better score (see :func:`score` for the worked example).

The code: this module holds the steps of the method — :func:`score`, :func:`segment`, :func:`migration`,
:func:`weighted_score` and their results; the per-customer table and the BTYD summary are computed in
:mod:`~crmcore.customer.rfm_engine`, the segment schemes are :mod:`~crmcore.customer.rfm_schemes`, the words
and sentences :mod:`~crmcore.customer.rfm_text` and the charts :mod:`~crmcore.customer.rfm_plots`. Every
public name of those modules is reached here as well (``rfm.rfm_table``, ``rfm.CN8``, ``rfm.LABELS`` …).

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

from crmcore import engine
from crmcore.customer import rfm_plots, rfm_text
from crmcore.customer.rfm_engine import (btyd_summary, choice, compare_definitions, conventions, data_source,
                                         rfm_table)
from crmcore.customer.rfm_schemes import (CN8, NO_SPREAD, RFM11, SCHEMES, SEGMENT_NAMES, check_rules, match_rules,
                                          range_text)
from crmcore.customer.rfm_text import (COLUMN_MEANINGS, DEFINITION_COLUMNS, EXPORT_COLUMNS, LABELS, MEASURE_COLUMNS,
                                       RESULT_COLUMNS, SUMMARY_COLUMNS, row_order_sentence)
from crmcore.errors import DataError, DomainError, ParameterError, data_error
from crmcore.labels import check_lang, text
from crmcore.results import Result, SentenceResult, deprecated

__all__ = [
    # the per-customer table (rfm_engine)
    "rfm_table", "btyd_summary", "conventions", "table_notes", "column_meanings", "compare_definitions",
    "data_source",
    # the steps of the method (here)
    "score", "segment", "segment_summary", "revenue_concentration", "weighted_score", "migration",
    "migration_start", "export_customers", "row_order_instability", "score_notes", "export_sentence",
    "row_order_sentence", "report_sentences", "RFMScores", "Segments", "Migration",
    # schemes (rfm_schemes), charts (rfm_plots), words (rfm_text)
    "CN8", "RFM11", "NO_SPREAD", "SCHEMES", "SEGMENT_NAMES", "check_rules",
    "plot_distribution", "plot_rf_heatmap", "plot_segments", "plot_migration",
    "LABELS", "COLUMNS", "COLUMNS_ZH", "SUMMARY_COLUMNS", "EXPORT_COLUMNS", "MEASURE_COLUMNS", "DEFINITION_COLUMNS",
    "TIE_RULE", "TIE_RULES",
]

#: columns of :func:`rfm_table`, with their meaning (shown in the notebook); the words are the catalogue
#: ``rfm.column_meanings`` (:data:`crmcore.customer.rfm_text.COLUMN_MEANINGS`), these are its two languages
COLUMNS: dict[str, str] = {k: v["en"] for k, v in COLUMN_MEANINGS.items()}
#: the same in Chinese
COLUMNS_ZH: dict[str, str] = {k: v["zh"] for k, v in COLUMN_MEANINGS.items()}

#: readable headers of the results' to_frame(lang): the catalogue rfm.result_columns, then the segment names
_RESULT_COLUMNS: dict[str, Any] = {**RESULT_COLUMNS, **SEGMENT_NAMES}

TIE_RULE = ("score = 1 + floor(bins × share of customers with a strictly worse value); equal values get "
            "equal scores; R: shorter recency is better")
TIE_RULES = {
    "worse": TIE_RULE,
    "better": ("score = 1 + floor(bins × (share of customers with a worse or equal value − 1/n)); equal values get "
               "equal scores, a tied group that straddles a cut takes the better score; R: shorter recency is better"),
}


_AXES = {"R": "recency", "F": "frequency", "M": "monetary"}


def column_meanings(lang: str = "en") -> pd.DataFrame:
    """The columns of :func:`rfm_table` and their meaning, in ``lang``."""
    check_lang(lang)
    return pd.DataFrame({"column": list(COLUMN_MEANINGS), "meaning": [v[lang] for v in COLUMN_MEANINGS.values()]})


def table_notes(table: pd.DataFrame, lang: str = "en") -> list[str]:
    """What :func:`rfm_table` left out (customers with only return lines), as sentences in ``lang``."""
    check_lang(lang)
    c = conventions(table)
    return rfm_text.table_notes_text(int(c.get("customers_only_returns") or 0), c.get("only_return_examples") or [],
                                     lang)


def score(
    table: Any,
    *,
    bins: int = 5,
    method: str = "quantile",
    thresholds: Mapping[str, Sequence[float]] | None = None,
    ties: str = "worse",
) -> RFMScores:
    """Score R, F and M from 1 to ``bins`` (higher = better; recent customers get high R).

    ``method="quantile"``: score = 1 + ⌊bins × (share of customers with a strictly worse value)⌋.
    Ties: identical values always share a score, so scores never depend on row order; when one
    value holds more than 1/bins of the customers some scores stay empty (reported in
    ``warnings``). ``method="fixed"``: ``thresholds={"R": [...], "F": [...], "M": [...]}``, each
    ``bins − 1`` ascending cut points applied as in :class:`RFMScores`.

    ``ties`` decides where a tied group that straddles a quantile cut goes: ``"worse"`` (crmcore's
    rule, the default) gives the whole group the score of its worst-placed member, ``"better"`` the
    score of its best-placed one. Example, bins = 5, recency 10, 20, 20, 20, 40 days: the three
    customers at 20 days fill positions 2–4 of 5; ``"worse"`` scores them R = 2 (one customer is
    worse), ``"better"`` R = 4 (three are worse or equal, minus themselves). R's ``rfm`` package
    (Hebbali, rfm 0.3.0, ``rfm_table_order``) gives R = 5, 4, 4, 4, 1 here — its cuts are the
    quantiles + 1 day with ``[lower, upper)`` classes, so a tied recency group at a cut joins the
    more recent, better class. Both rules agree whenever no tie straddles a cut.

    Returns
    -------
    RFMScores: ``table`` = the input columns plus ``R``, ``F``, ``M`` (int), ``rfm_code`` ("545")
    and ``rfm_sum``; ``cuts`` per axis.
    """
    df = _check_table(table, ["customer_id", *_AXES.values()], "score")
    if not isinstance(bins, (int, np.integer)) or isinstance(bins, bool) or not 2 <= bins <= 9:
        raise ParameterError(f"bins={bins!r} must be a whole number from 2 to 9 (5 gives the classic 1–5 scores).")
    choice("method", method, ("quantile", "fixed"))
    choice("ties", ties, tuple(TIE_RULES))
    bad = [c for c in _AXES.values() if df[c].isna().any()]
    if bad:
        c = bad[0]
        rows = df.index[df[c].isna()][:3]
        raise data_error("are missing", source="score", column=c, n_bad=int(df[c].isna().sum()), n_total=len(df),
                         examples=[(r, df.at[r, "customer_id"]) for r in rows],
                         fix="Drop those customers or fill the values before scoring")
    if _has_duplicates(df["customer_id"]):
        dup = df["customer_id"][df["customer_id"].duplicated()].head(3).tolist()
        raise data_error(f"customer_id repeats ({', '.join(map(str, dup))})", source="score",
                         fix="Pass one row per customer (rfm_table gives that)")
    out = df.copy(deep=False)  # copy-on-write: new columns never reach the caller's frame
    cuts: dict[str, tuple[float, ...]] = {}
    notes: list[str] = []
    for k, col in _AXES.items():
        v = out[col].to_numpy(dtype=float)
        lower = k == "R"
        if method == "quantile":
            s = _rank_scores(-v if lower else v, bins, ties)
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
            biggest = pd.Series(v).value_counts()
            notes.append(f"{k}: no customer has score {', '.join(map(str, empty))} (tied values of {col}: "
                         f"{int(biggest.iloc[0]):,} of {len(v):,} customers have {col} = {biggest.index[0]:g})")
        out[k] = s
    out["rfm_code"] = (out["R"] * 100 + out["F"] * 10 + out["M"]).astype(str)  # bins ≤ 9: one digit each
    out["rfm_sum"] = out["R"] + out["F"] + out["M"]
    out.attrs = dict(df.attrs)
    return RFMScores(out, cuts, int(bins), method, TIE_RULES[ties] if method == "quantile" else "fixed cut points",
                     tuple(notes), ties)


def segment(
    scores: Any,
    *,
    scheme: Any = "cn8",
    basis: str = "mean",
    on: str = "scores",
    bins: int | None = None,
    lang: str = "en",
) -> Segments:
    """Assign every customer to one segment of a scheme.

    Parameters
    ----------
    scores : RFMScores from :func:`score` (or its table); for ``cn8`` with ``on="values"`` an
        :func:`rfm_table` is enough.
    scheme : ``"cn8"`` — the Chinese 8-class scheme: each of R, F, M is "high" when it is at or
        above the ``basis`` (mean or median) of all customers (for raw recency: at or *below*,
        recent = high); ``"rfm11"`` — 11 segments on the R, F, M scores (:data:`RFM11`, bins = 5); or a rule table (see
        :func:`check_rules`), refused if rules overlap or leave score cells uncovered.
    basis : ``"mean"`` or ``"median"`` (cn8).
    on : ``"scores"`` or ``"values"`` (cn8: compare scores or raw R/F/M values).
    lang : language of the ``segment_name`` column.

    When the customers cannot be told apart — one customer, or every customer with the same
    recency, frequency and monetary value — every scheme gives the single outcome
    :data:`NO_SPREAD` ("not enough spread to segment") instead of calling them all "lost" (rfm11)
    or all "important value" (cn8, where ties count as high).

    Returns
    -------
    Segments whose ``table`` adds ``segment`` (key), ``segment_name`` and ``action`` columns.
    """
    check_lang(lang)
    choice("basis", basis, ("mean", "median"))
    choice("on", on, ("scores", "values"))
    if isinstance(scheme, str) and scheme not in SCHEMES:
        raise ParameterError(f"scheme={scheme!r} is unknown; use one of {', '.join(map(repr, SCHEMES))} "
                             "or a rule table (DataFrame).")
    nbins = scores.bins if isinstance(scores, RFMScores) else (bins or 5)
    name = scheme if isinstance(scheme, str) else "rules"
    if isinstance(scheme, str) and scheme == "cn8":
        need = ["customer_id", *(("R", "F", "M") if on == "scores" else _AXES.values())]
        df = _check_table(scores, need, "segment")
        spread_cols = [c for c in _AXES.values() if c in df] or list(need[1:])
        if _no_spread(df, spread_cols):
            return _no_spread_segments(df, scheme=name, basis=basis, on=on, lang=lang)
        return _cn8(df, basis=basis, on=on, lang=lang)
    df = _check_table(scores, ["customer_id", "R", "F", "M"], "segment")
    spread_cols = [c for c in _AXES.values() if c in df] or ["R", "F", "M"]
    if _no_spread(df, spread_cols):
        return _no_spread_segments(df, scheme=name, basis="scores", on="scores", lang=lang)
    if isinstance(scheme, str):
        if nbins != 5:
            raise ParameterError(f"scheme='rfm11' is defined on 1–5 scores; score with bins=5 (got bins={nbins}).")
        rules = check_rules(RFM11, bins=5)
    else:
        rules = check_rules(scheme, bins=nbins)
    for ax in ("R", "F", "M"):
        bad = (df[ax] < 1) | (df[ax] > nbins)
        if bad.any():
            raise data_error(f"are outside 1..{nbins}", source="segment", column=ax, n_bad=int(bad.sum()),
                             n_total=len(df), examples=list(df.loc[bad, ax].head(3).items()),
                             fix="Pass bins= matching the scores")
    match = match_rules(rules, df["R"].to_numpy(), df["F"].to_numpy(), df["M"].to_numpy(), nbins)
    idx = match.argmax(axis=1)
    out = df.copy()
    out["segment"] = rules["segment"].to_numpy()[idx]
    out["segment_name"] = rules[lang].to_numpy()[idx]
    act = f"action_{lang}"
    out["action"] = rules[act].to_numpy()[idx] if act in rules else ""
    return Segments(out, rules.reset_index(drop=True), name, "scores", "scores", lang, None, _flat_axes(df))


def segment_summary(segments: Segments, *, lang: str | None = None) -> pd.DataFrame:
    """Per segment: customers, share, revenue, revenue share, orders, average order value,
    median recency / frequency / monetary, and the suggested action; in the scheme's order."""
    if not isinstance(segments, Segments):
        raise ParameterError("segment_summary needs the result of crmcore.rfm.segment(...).")
    lang = check_lang(lang or segments.lang)
    df = segments.table
    need = ["customer_id", "segment", "recency", "frequency", "monetary", "revenue", "orders"]
    miss = [c for c in need if c not in df]
    if miss:
        raise data_error(f"missing column(s) {', '.join(miss)}", source="segment_summary", columns=df.columns,
                         fix="Segment the scores of an rfm_table: segment(score(rfm_table(tx, asof=...)))")
    g = df.groupby("segment", sort=False)
    out = pd.DataFrame({
        "customers": g.size(), "revenue": g["revenue"].sum(), "orders": g["orders"].sum(),
        "median_recency": g["recency"].median(), "median_frequency": g["frequency"].median(),
        "median_monetary": g["monetary"].median(),
    })
    rules = segments.rules.set_index("segment")
    out = out.reindex(rules.index)
    out[["customers", "orders"]] = out[["customers", "orders"]].fillna(0).astype("int64")
    out["revenue"] = out["revenue"].fillna(0.0)
    out["share"] = out["customers"] / out["customers"].sum()
    tot = out["revenue"].sum()
    out["revenue_share"] = out["revenue"] / tot if tot else np.nan
    out["average_order_value"] = out["revenue"] / out["orders"].where(out["orders"] > 0)
    out["segment_name"] = rules[lang]
    act = f"action_{lang}"
    out["action"] = rules[act] if act in rules else ""
    cols = ["segment_name", "customers", "share", "revenue", "revenue_share", "orders", "average_order_value",
            "median_recency", "median_frequency", "median_monetary", "action"]
    return out[cols].rename_axis("segment").reset_index()


def revenue_concentration(segments: Segments, *, target: float = 0.8) -> pd.DataFrame:
    """Segments ordered by revenue (largest first, ties by scheme order) with cumulative shares.

    Columns: ``segment``, ``segment_name``, ``customers``, ``share``, ``revenue``, ``revenue_share``,
    ``cum_share`` (customers) and ``cum_revenue_share``; ``core`` marks the smallest run of segments,
    from the top, whose revenue reaches ``target`` of the total (the segment that crosses it included).
    """
    if not 0 < target <= 1:
        raise ParameterError(f"target={target!r} must be a share between 0 and 1 (0.8 = 80% of revenue).")
    s = segment_summary(segments)
    s = s[s["customers"] > 0].copy()
    s["order"] = range(len(s))
    s = s.sort_values(["revenue", "order"], ascending=[False, True], kind="stable").reset_index(drop=True)
    s["cum_share"] = s["share"].cumsum()
    s["cum_revenue_share"] = s["revenue_share"].cumsum()
    before = s["cum_revenue_share"].shift(fill_value=0.0)
    s["core"] = before < target - 1e-12
    return s[["segment", "segment_name", "customers", "share", "revenue", "revenue_share", "cum_share",
              "cum_revenue_share", "core"]]


def weighted_score(scores: Any, weights: Any) -> pd.DataFrame:
    """Weighted RFM score W = w_R·R + w_F·F + w_M·M and the customers ranked on it.

    ``weights``: ``{"R": .., "F": .., "M": ..}`` (non-negative, summing to 1), or an AHP result
    with ``weights_dict`` (crmcore.ahp). Rank 1 = best; equal W share a rank (``min``), listed
    by customer_id.
    """
    df = _check_table(scores, ["customer_id", "R", "F", "M"], "weighted_score")
    w = getattr(weights, "weights_dict", weights)
    if callable(w):
        w = w()
    if not isinstance(w, Mapping):
        raise ParameterError(f"weights must be a dict like {{'R': 0.2, 'F': 0.3, 'M': 0.5}} or an AHP result (got {type(weights).__name__}).")
    w = {str(k).strip(): v for k, v in w.items()}
    alias = {"recency": "R", "frequency": "F", "monetary": "M"}
    w = {alias.get(k.lower(), k.upper() if k.upper() in ("R", "F", "M") else k): v for k, v in w.items()}
    missing = [k for k in ("R", "F", "M") if k not in w]
    extra = [k for k in w if k not in ("R", "F", "M")]
    if missing or extra:
        raise ParameterError(f"weights need exactly the keys 'R', 'F', 'M'; missing {missing or 'none'}, unexpected {extra or 'none'}.")
    try:
        wv = {k: float(w[k]) for k in ("R", "F", "M")}
    except (TypeError, ValueError) as e:
        raise ParameterError(f"weights must be numbers (got {w!r}).") from e
    if any(v < 0 or math.isnan(v) for v in wv.values()):
        raise DomainError(f"weights must be non-negative (got {wv}).")
    total = sum(wv.values())
    if abs(total - 1) > 1e-6:
        raise DomainError(f"weights must sum to 1 (they sum to {total:.6g}: {wv}). Divide each by {total:.6g}.")
    out = df[["customer_id", "R", "F", "M"]].copy()
    out["weighted_score"] = (wv["R"] * out["R"] + wv["F"] * out["F"] + wv["M"] * out["M"]).round(9)
    out["rank"] = out["weighted_score"].rank(method="min", ascending=False).astype("int64")
    out = out.sort_values(["rank", "customer_id"], kind="stable").reset_index(drop=True)
    out.attrs["crmcore"] = {"weights": wv}
    return out


def migration(
    tx: Any,
    *,
    asof_from: Any,
    asof_to: Any,
    scheme: Any = "rfm11",
    cuts: str = "each",
    bins: int = 5,
    ties: str = "worse",
    lang: str = "en",
    **table_kwargs: Any,
) -> Migration:
    """Segment transition matrix between the snapshots ``asof_from`` and ``asof_to``.

    ``cuts="each"`` scores each snapshot on its own quantiles; ``"from"`` applies the cut points
    of the first snapshot to the second, so a move means the customer's own R/F/M changed, not
    the crowd. Customers who first bought between the two dates are the row ``"(new)"``.
    Other keyword arguments go to :func:`rfm_table`.
    """
    check_lang(lang)
    choice("cuts", cuts, ("each", "from"))
    a, b = engine.check_asof(asof_from, "asof_from"), engine.check_asof(asof_to, "asof_to")
    if not b > a:
        raise ParameterError(f"asof_to={asof_to!r} must be later than asof_from={asof_from!r}.")
    with warnings.catch_warnings():  # return-only customers are reported once, by the caller's rfm_table
        warnings.simplefilter("ignore", UserWarning)
        t0 = rfm_table(tx, asof=a, **table_kwargs)
        t1 = rfm_table(tx, asof=b, **table_kwargs)
    s0 = score(t0, bins=bins, ties=ties)
    s1 = score(t1, bins=bins, method="fixed", thresholds=s0.cuts) if cuts == "from" else score(t1, bins=bins, ties=ties)
    g0 = segment(s0, scheme=scheme, lang=lang)
    g1 = segment(s1, scheme=scheme, lang=lang)
    # one snapshot may have no spread (a single segment): rows and columns list every segment either has
    order = list(dict.fromkeys([*g0.rules["segment"], *g1.rules["segment"]]))
    new = text("new", lang, LABELS)
    frm = g0.table.set_index("customer_id")["segment"].reindex(g1.table["customer_id"]).fillna(new)
    ct = pd.crosstab(pd.Categorical(frm.to_numpy(), categories=[*order, new]),
                     pd.Categorical(g1.table["segment"].to_numpy(), categories=order), dropna=False)
    ct.index.name, ct.columns.name = "from", "to"
    name = g1.scheme if isinstance(scheme, str) else "rules"
    return Migration(ct.astype("int64"), str(a.date()), str(b.date()), name, cuts, lang)


def migration_start(asof: Any, months: int) -> str:
    """The first snapshot of a migration: ``months`` calendar months before ``asof`` (YYYY-MM-DD)."""
    if not isinstance(months, (int, np.integer)) or isinstance(months, bool) or months < 1:
        raise ParameterError(f"months={months!r} must be a whole number of months ≥ 1 (e.g. 6).")
    a = engine.check_asof(asof)
    return (a - pd.DateOffset(months=int(months))).strftime("%Y-%m-%d")


def row_order_instability(table: pd.DataFrame, *, column: str = "frequency", bins: int = 5,
                          seeds: Sequence[int] = (0, 1)) -> dict[str, Any]:
    """How many customers change score when the rows are merely shuffled, if scores are plain
    quantile bins of ``rank(method="first")`` (what ``pd.qcut`` on ranks does) — versus crmcore's
    tie rule, which never changes. Returns counts for the notebook's "why a tie rule" cell."""
    df = _check_table(table, ["customer_id", column], "row_order_instability")
    runs = []
    for sd in seeds:
        sh = df.sample(frac=1, random_state=sd)
        naive = pd.qcut(sh[column].rank(method="first"), bins, labels=False) + 1
        runs.append(pd.Series(naive.to_numpy(), index=sh["customer_id"].to_numpy()).sort_index())
    changed = int((runs[0] != runs[1]).sum())
    ours = [score(df.sample(frac=1, random_state=sd)).table.set_index("customer_id")[_rev(column)].sort_index()
            for sd in seeds]
    return {"customers": len(df), "naive_changed": changed, "naive_changed_share": changed / len(df),
            "crmcore_changed": int((ours[0] != ours[1]).sum())}


def score_notes(scores: RFMScores, lang: str = "en") -> list[str]:
    """Empty score classes caused by ties, as sentences in ``lang`` (``scores.warnings`` is the English log)."""
    check_lang(lang)
    out = []
    for k, col in _AXES.items():
        v = scores.table[k]
        empty = sorted(set(range(1, scores.bins + 1)) - set(v.unique().tolist()))
        if not empty:
            continue
        vc = scores.table[col].value_counts()
        val, cnt, n = vc.index[0], int(vc.iloc[0]), len(v)
        out.append(rfm_text.empty_score_note(k, col, empty, val, cnt, n, lang))
    return out


def export_sentence(paths: Sequence[Any], segments: Segments, lang: str = "en") -> str:
    """Where the customer list went, in ``lang``."""
    return rfm_text.export_text(paths, len(segments.table), lang)


def export_customers(segments: Segments, output_dir: Any, *, stem: str = "rfm_customers", lang: str | None = None) -> list[Any]:
    """Write the per-customer table with scores, segment and action for a sales team.

    Through :func:`crmcore.export.export_frame`: CSV (UTF-8 with BOM, opens in Excel with Chinese intact)
    and .xlsx, text that a spreadsheet would run as a formula neutralised, headers in ``lang`` and
    ``-zh`` in the file name of a Chinese list. Rows sorted by the scheme's segment order, then
    customer. Returns the paths written."""
    from crmcore.runner.export import export_frame
    from crmcore.labels import translate_frame

    lang = check_lang(lang or segments.lang)
    df = segments.table.copy()
    for c in ("first_purchase", "last_purchase"):
        if c in df and pd.api.types.is_datetime64_any_dtype(df[c]):
            df[c] = df[c].dt.strftime("%Y-%m-%d %H:%M")
    if lang != segments.lang:  # names and actions in the list's language
        rules = segments.rules.set_index("segment")
        df["segment_name"] = df["segment"].map(rules[lang])
        if f"action_{lang}" in rules:
            df["action"] = df["segment"].map(rules[f"action_{lang}"])
    order = {k: i for i, k in enumerate(segments.rules["segment"])}
    df = df.assign(_o=df["segment"].map(order)).sort_values(["_o", "customer_id"], kind="stable").drop(columns="_o")
    df = translate_frame(df, lang, columns=EXPORT_COLUMNS, values=False)
    return export_frame(df, output_dir, stem, lang=lang)


@deprecated("Segments.interpret")
def report_sentences(segments: Segments, *, lang: str | None = None, top: int = 3, target: float = 0.8) -> list[str]:
    """Deprecated: use ``segments.interpret(lang)``; returns the same sentences."""
    return _report_sentences(segments, lang=lang, top=top, target=target)


def plot_distribution(table: pd.DataFrame, column: str = "monetary", *, log: bool = False, ax=None, lang: str = "en"):
    """Histogram of ``recency``, ``frequency`` or ``monetary`` (``log=True``: log-scaled x axis)."""
    check_lang(lang)
    df = _check_table(table, ["customer_id", column], "plot_distribution")
    choice("column", column, tuple(_AXES.values()))
    return rfm_plots.distribution(df[column], column, log=log, ax=ax, lang=lang)


def plot_rf_heatmap(scores: RFMScores, *, ax=None, lang: str = "en"):
    """R × F grid coloured by mean monetary value, annotated with the number of customers."""
    check_lang(lang)
    df = _check_table(scores, ["R", "F", "monetary"], "plot_rf_heatmap")
    bins = scores.bins if isinstance(scores, RFMScores) else int(max(df["R"].max(), df["F"].max()))
    return rfm_plots.rf_heatmap(df, bins, ax=ax, lang=lang)


def plot_segments(segments: Segments, *, ax=None, lang: str | None = None):
    """Share of customers and share of revenue per segment, side by side."""
    lang = check_lang(lang or segments.lang)
    return rfm_plots.segment_shares(segment_summary(segments, lang=lang), segments.scheme, ax=ax, lang=lang)


def plot_migration(result: Migration, *, ax=None, lang: str = "en"):
    """Heatmap of the share of each starting segment that ends in each segment."""
    check_lang(lang)
    rules = {r["segment"]: r[lang] for r in [*(RFM11 if result.scheme == "rfm11" else CN8 if result.scheme == "cn8"
                                               else []), NO_SPREAD]}
    return rfm_plots.migration_heatmap(result.rates, rules, result.asof_from, result.asof_to, ax=ax, lang=lang)


# ---------------------------------------------------------------- results
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
    ties: str = "worse"
    title = "RFM scores"
    _conventions = ("method", "bins", "ties", "tie_rule")
    _columns = "_RESULT_COLUMNS"

    def cuts_frame(self) -> pd.DataFrame:
        """Cut points as a table: one row per score boundary."""
        rows = {k: list(v) for k, v in self.cuts.items()}
        return pd.DataFrame(rows, index=[f"{i + 1}|{i + 2}" for i in range(self.bins - 1)])

    def plot(self, kind: str = "heatmap", ax=None, lang: str = "en"):
        if kind == "heatmap":
            return plot_rf_heatmap(self, ax=ax, lang=lang)
        raise ParameterError(f"kind={kind!r}: use 'heatmap'.")

    def interpret(self, lang: str = "en") -> list[str]:
        """How many customers were scored, and how many sit at the top and at the bottom on all three axes."""
        lang = check_lang(lang)
        rfm = self.table[["R", "F", "M"]]
        top = int((rfm == self.bins).all(axis=1).sum())
        bottom = int((rfm == 1).all(axis=1).sum())
        return rfm_text.scores_sentences(len(self.table), self.bins, top, bottom, self.method, lang)


@dataclass(frozen=True)
class Segments(Result):
    """Segment of each customer, the scheme's rules, and how 'high'/'low' was decided (cn8)."""

    table: pd.DataFrame = field(repr=False)
    rules: pd.DataFrame = field(repr=False)
    scheme: str
    basis: str
    on: str
    lang: str = "en"
    thresholds: dict[str, float] | None = None
    notes: tuple[str, ...] = ()
    title = "RFM segments"
    _conventions = ("scheme", "basis", "on")
    _columns = "_RESULT_COLUMNS"

    def counts(self) -> pd.Series:
        """Customers per segment, in the scheme's order (empty segments shown as 0)."""
        c = self.table["segment"].value_counts()
        return c.reindex(self.rules["segment"].tolist(), fill_value=0)

    @property
    def no_spread(self) -> bool:
        """True when the data could not be segmented (one customer, or every R, F, M the same)."""
        return self.rules["segment"].tolist() == [NO_SPREAD["segment"]]

    def interpret(self, lang: str | None = None, *, top: int = 3, target: float = 0.8) -> list[str]:
        """The findings of the segment summary (what they say: :func:`_report_sentences`)."""
        return _report_sentences(self, lang=lang, top=top, target=target)

    def plot(self, ax=None, lang: str | None = None):
        """Share of customers and of revenue per segment (:func:`plot_segments`)."""
        return plot_segments(self, ax=ax, lang=lang)

    def definitions(self, lang: str | None = None) -> pd.DataFrame:
        """The scheme's segments with their score ranges, meaning and action, in ``lang``."""
        lang = check_lang(lang or self.lang)
        r = self.rules
        out = pd.DataFrame({"segment_name": r[lang]})
        for ax in ("R", "F", "M", "FM"):
            if ax in r:
                out[ax] = r[ax].map(lambda v: range_text(v, ax, self.scheme, lang))
        if f"means_{lang}" in r:
            out["meaning"] = r[f"means_{lang}"]
        if f"action_{lang}" in r:
            out["action"] = r[f"action_{lang}"]
        return out


@dataclass(frozen=True)
class Migration(SentenceResult):
    """Segment transition between two snapshots: counts and row shares (from → to)."""

    counts: pd.DataFrame = field(repr=False)
    asof_from: str
    asof_to: str
    scheme: str
    cuts: str
    lang: str = "en"
    title = "RFM segment migration"
    _conventions = ("asof_from", "asof_to", "scheme", "cuts")
    _columns = "_RESULT_COLUMNS"

    def to_frame(self) -> pd.DataFrame:
        return self.counts

    @property
    def rates(self) -> pd.DataFrame:
        """Row shares: of the customers in a segment at ``asof_from``, the share in each segment at ``asof_to``."""
        return self.counts.div(self.counts.sum(axis=1).where(lambda s: s > 0), axis=0)

    def stayed(self) -> float:
        """Share of customers present at both dates who kept their segment."""
        c = self.counts.drop(index=[i for i in self.counts.index if i not in self.counts.columns])
        common = [i for i in c.index if i in c.columns]
        tot = c.to_numpy().sum()
        return float(sum(c.at[i, i] for i in common) / tot) if tot else float("nan")

    def plot(self, ax=None, lang: str | None = None):
        return plot_migration(self, ax=ax, lang=lang or self.lang)

    def _sentence_text(self, lang: str | None = None) -> str:
        """How many customers kept their segment between the two snapshots, and how many are new.

        The share counts only customers who had bought before ``asof_from`` (the "(new)" row is left
        out: a customer with no earlier segment cannot keep one)."""
        lang = check_lang(lang or self.lang)
        new_rows = [i for i in self.counts.index if i not in self.counts.columns]
        n_new = int(self.counts.loc[new_rows].to_numpy().sum()) if new_rows else 0
        n_old = int(self.counts.to_numpy().sum()) - n_new
        return rfm_text.migration_text(self.asof_from, self.asof_to, n_old, n_new, self.stayed(), lang)


# ---------------------------------------------------------------- private helpers
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


def _rank_scores(good: np.ndarray, bins: int, ties: str = "worse") -> np.ndarray:
    """1 + floor(bins × p/n) where larger ``good`` is better and p is the position of a customer's tie
    group in the sorted values: its first position (#strictly worse, ``ties="worse"``) or its last
    (#worse or equal − 1, ``ties="better"``). Without ties both are the plain rank."""
    n = len(good)
    order = np.argsort(good, kind="stable")
    v = good[order]
    first = np.empty(n, dtype=bool)
    first[:1] = True
    np.not_equal(v[1:], v[:-1], out=first[1:])
    pos = np.empty(n, dtype="int64")
    if ties == "worse":
        # customers with a strictly smaller value = position of the first of each run of equal values
        pos[order] = np.maximum.accumulate(np.where(first, np.arange(n), 0))
    else:
        # position of the last of each run = (start of the next run) − 1, filled backwards
        last = np.empty(n, dtype=bool)
        last[-1:] = True
        np.not_equal(v[:-1], v[1:], out=last[:-1])
        pos[order] = np.minimum.accumulate(np.where(last, np.arange(n), n - 1)[::-1])[::-1]
    return (1 + np.floor(bins * pos / n + 1e-12)).astype("int64")


def _has_duplicates(ids: pd.Series) -> bool:
    """Whether an id repeats; a strictly increasing column (rfm_table's order) is checked without hashing."""
    if ids.is_monotonic_increasing:
        v = ids.to_numpy()
        return bool(len(v) > 1 and (v[1:] == v[:-1]).any())
    return bool(ids.duplicated().any())


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


def _no_spread(df: pd.DataFrame, cols: Sequence[str]) -> bool:
    return len(df) == 1 or all(df[c].nunique(dropna=False) <= 1 for c in cols)


def _no_spread_segments(df: pd.DataFrame, *, scheme: str, basis: str, on: str, lang: str) -> Segments:
    out = df.copy()
    out["segment"] = NO_SPREAD["segment"]
    out["segment_name"] = NO_SPREAD[lang]
    out["action"] = NO_SPREAD[f"action_{lang}"]
    note = (f"not enough spread to segment: {len(df):,} customer(s), all with the same recency, frequency and "
            "monetary value")
    return Segments(out, pd.DataFrame([NO_SPREAD]), scheme, basis, on, lang, None, (note,))


def _flat_axes(df: pd.DataFrame) -> tuple[str, ...]:
    """Notes for axes on which every customer has the same value (the scheme cannot use them)."""
    flat = [c for c in _AXES.values() if c in df and df[c].nunique(dropna=False) <= 1]
    return tuple(f"every customer has the same {c} ({df[c].iloc[0]:g}); it does not separate the segments"
                 for c in flat)


def _cn8(df: pd.DataFrame, *, basis: str, on: str, lang: str) -> Segments:
    out = df.copy()
    hi: dict[str, np.ndarray] = {}
    thr: dict[str, float] = {}
    for ax, col in _AXES.items():
        v = out[ax if on == "scores" else col].astype(float)
        t = float(v.mean() if basis == "mean" else v.median())
        thr[ax] = t
        # ties go to "high"; raw recency: fewer days = more recent = high
        hi[ax] = (v <= t).to_numpy() if (ax == "R" and on == "values") else (v >= t).to_numpy()
    rules = pd.DataFrame(CN8)
    key = {(r["R"], r["F"], r["M"]): i for i, r in rules.iterrows()}
    lvl = lambda a: np.where(hi[a], "high", "low")  # noqa: E731
    idx = np.array([key[x] for x in zip(lvl("R"), lvl("F"), lvl("M"))])
    out["segment"] = rules["segment"].to_numpy()[idx]
    out["segment_name"] = rules[lang].to_numpy()[idx]
    out["action"] = rules[f"action_{lang}"].to_numpy()[idx]
    return Segments(out, rules, "cn8", basis, on, lang, thr, _flat_axes(df))


def _rev(column: str) -> str:
    return {v: k for k, v in _AXES.items()}[column]


def _report_sentences(segments: Segments, *, lang: str | None = None, top: int = 3, target: float = 0.8) -> list[str]:
    """Findings for the report, generated from the segment summary (what they say:
    :func:`crmcore.customer.rfm_text.segment_sentences`); with no spread in the data, one sentence says so."""
    lang = check_lang(lang or segments.lang)
    s = segment_summary(segments, lang=lang)
    s = s[s["customers"] > 0]
    if segments.no_spread:
        return rfm_text.no_spread_sentences(int(s["customers"].sum()), lang)
    return rfm_text.segment_sentences(s, revenue_concentration(segments, target=target), lang=lang, top=top,
                                      target=target)
