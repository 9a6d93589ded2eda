"""BCG growth-share matrix (波士顿矩阵): stars, cash cows, question marks and dogs.

Each business unit (category, product line) is placed by

* **market growth** g — the market's growth rate in the period, as a fraction (0.10 = 10%);
* **relative market share** RMS = own share / share of the **largest competitor**, where the
  largest competitor is the largest rival *other than the unit itself*. When the unit leads its
  market, its largest competitor is the runner-up, so RMS = own / second largest > 1; when it
  does not lead, RMS < 1; RMS = 1 only on a tie for the lead (Henderson 1970; Hedley 1977).

Quadrants, with **boundaries counting as high** (g ≥ growth threshold is high growth,
RMS ≥ share threshold is high share); values are compared after rounding to 9 decimals so
that 110/100 − 1 counts as exactly 10%:

=================  ===========  ===========  ===============================
quadrant           growth       share        strategy hint
=================  ===========  ===========  ===============================
star 明星           high         high         build 发展 (invest to keep the lead)
cash cow 现金牛     low          high         hold 维持 (harvest 收获 the weak ones)
question mark 问题  high         low          build 发展 selectively, else divest 放弃
dog 瘦狗            low          low          divest 放弃 (or harvest 收获)
=================  ===========  ===========  ===============================

Thresholds default to 10% growth and RMS 1.0 (Hedley 1977); ``"median"`` or ``"mean"`` take the
median or arithmetic mean of the units in the same period.

:func:`from_transactions` is a **proxy** for when no market data exist: growth is the unit's own
revenue growth between consecutive periods and "relative share" compares the unit's revenue
with the largest *other* unit of the same firm. It shows the firm's internal portfolio, not its
competitive position, and every output says so.

References
----------
Henderson, B. D. (1970). *The Product Portfolio*. Boston Consulting Group Perspectives.
Hedley, B. (1977). Strategy and the "business portfolio". *Long Range Planning* 10(1), 9–15.
Kotler, P. & Armstrong, G. *Principles of Marketing*, ch. 2 (build, hold, harvest, divest).
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from crmcore import engine
from crmcore.errors import DataError, DomainError, ParameterError, data_error
from crmcore.labels import check_lang, text
from crmcore.labels import value as label_value
from crmcore.results import Result

QUADRANTS = ("star", "cash_cow", "question_mark", "dog")
_ROUND = 9
_COLORS = {"star": "#E1A100", "cash_cow": "#2E8B57", "question_mark": "#4C72B0", "dog": "#8C8C8C"}

LABELS: dict[str, dict[str, str]] = {
    "star": {"en": "star", "zh": "明星"},
    "cash_cow": {"en": "cash cow", "zh": "现金牛"},
    "question_mark": {"en": "question mark", "zh": "问题"},
    "dog": {"en": "dog", "zh": "瘦狗"},
    "stars": {"en": "stars", "zh": "明星类"},
    "cash_cows": {"en": "cash cows", "zh": "现金牛类"},
    "question_marks": {"en": "question marks", "zh": "问题类"},
    "dogs": {"en": "dogs", "zh": "瘦狗类"},
    "build": {"en": "build", "zh": "发展"},
    "hold": {"en": "hold", "zh": "维持"},
    "harvest": {"en": "harvest", "zh": "收获"},
    "divest": {"en": "divest", "zh": "放弃"},
    "market": {"en": "market data", "zh": "市场数据"},
    "proxy": {"en": "transaction proxy (within the firm, not market share)", "zh": "交易数据代理指标（企业内部比较，非市场份额）"},
    "title": {"en": "BCG growth-share matrix", "zh": "波士顿矩阵（BCG 增长率-市场份额矩阵）"},
    "x_market": {"en": "relative market share (log scale, reversed)", "zh": "相对市场份额（对数刻度，自左向右递减）"},
    "x_proxy": {"en": "relative share within the firm — proxy (log, reversed)", "zh": "企业内部相对份额——代理指标（对数，自左向右递减）"},
    "y_market": {"en": "market growth (%)", "zh": "市场增长率（%）"},
    "y_proxy": {"en": "own revenue growth (%) — proxy", "zh": "自身销售额增长率（%）——代理指标"},
}

#: quadrant → (primary hint, alternative or None, English note, Chinese note)
STRATEGY: dict[str, tuple[str, str | None, str, str]] = {
    "star": ("build", None, "invest to keep the lead while the market grows", "加大投入，在市场增长中保持领先"),
    "cash_cow": ("hold", "harvest", "defend the share and use the cash to fund stars and question marks; harvest the weak ones",
                 "维持份额，用其现金支持明星和问题业务；较弱的现金牛可收获"),
    "question_mark": ("build", "divest", "build the promising ones into stars, divest the rest",
                      "有潜力的加大投入使其成为明星，其余放弃"),
    "dog": ("divest", "harvest", "divest, or harvest the cash while it lasts", "放弃，或在退出前收获现金"),
}


def classify(growth: float, relative_share: float, *, growth_threshold: float = 0.10,
             share_threshold: float = 1.0) -> str:
    """Quadrant of one unit; a value exactly on a threshold counts as high."""
    hi_g = round(float(growth), _ROUND) >= round(float(growth_threshold), _ROUND)
    hi_s = round(float(relative_share), _ROUND) >= round(float(share_threshold), _ROUND)
    return {(True, True): "star", (False, True): "cash_cow", (True, False): "question_mark",
            (False, False): "dog"}[(hi_g, hi_s)]


def quadrant_name(quadrant: str, lang: str = "en") -> str:
    """A quadrant's name in ``lang`` ("cash_cow" → "cash cow" / "现金牛")."""
    return text(quadrant, lang, LABELS)


def strategy(quadrant: str, lang: str = "en") -> str:
    """The strategy hint of a quadrant, e.g. ``"hold (or harvest)"`` / ``"维持（或收获）"``."""
    check_lang(lang)
    if quadrant not in STRATEGY:
        raise ParameterError(f"quadrant={quadrant!r} is unknown; use one of {', '.join(QUADRANTS)}.")
    main, alt, *_ = STRATEGY[quadrant]
    if alt is None:
        return text(main, lang, LABELS)
    return (f"{text(main, lang, LABELS)} (or {text(alt, lang, LABELS)})" if lang == "en"
            else f"{text(main, lang, LABELS)}（或{text(alt, lang, LABELS)}）")


# --------------------------------------------------------------------------------------------
# Result
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class BCGResult(Result):
    """Units placed on the growth-share matrix for one period (``table``) and all periods (``history``)."""

    table: pd.DataFrame
    history: pd.DataFrame
    unit: str
    period: str
    previous: str | None
    growth_threshold: float
    share_threshold: float
    growth_rule: str
    share_rule: str
    basis: str
    share_convention: str
    lang: str = "en"
    #: proxy only: the unit column asked for (when the data lacked it, ``unit`` is the fallback used),
    #: the period length used and whether it was chosen from the data (freq="auto")
    requested_unit: str | None = None
    freq: str | None = None
    freq_chosen: bool = False
    #: proxy only: "unit (period)" of units left out for lack of revenue in one of two periods
    left_out: tuple[str, ...] = ()
    _conventions = ("basis", "period", "growth_rule", "share_rule", "share_convention", "freq")

    @property
    def title(self) -> str:  # type: ignore[override]
        return f"{text('title', self.lang, LABELS)} — {text(self.basis, self.lang, LABELS)}, {self.period}"

    def summary(self) -> pd.DataFrame:
        """Units and revenue share per quadrant, in the order star, cash cow, question mark, dog."""
        t = self.table
        rows = []
        total = t["revenue"].sum() if "revenue" in t else np.nan
        for qd in QUADRANTS:
            part = t[t["quadrant"] == qd]
            rows.append({"quadrant": qd, "label": text(qd, self.lang, LABELS), "units": len(part),
                         "members": ", ".join(map(str, part[self.unit])),
                         "revenue": float(part["revenue"].sum()) if "revenue" in t else np.nan,
                         "revenue_share": float(part["revenue"].sum() / total) if "revenue" in t and total else np.nan,
                         "strategy": strategy(qd, self.lang)})
        return pd.DataFrame(rows)

    def interpret(self, lang: str | None = None, top: int | None = None) -> list[str]:
        return interpret(self, lang=lang or self.lang, top=top)

    def plot(self, ax=None, lang: str | None = None, arrows: bool = True, labels: bool = True,
             top: int | None = None):
        return plot(self, ax=ax, lang=lang or self.lang, arrows=arrows, labels=labels, top=top)


# --------------------------------------------------------------------------------------------
# Input checks
# --------------------------------------------------------------------------------------------


def _threshold(value: Any, name: str, *, positive: bool) -> None:
    if isinstance(value, str):
        if value not in ("median", "mean"):
            raise ParameterError(f"{name}={value!r}: give a number or 'median' or 'mean'.")
        return
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) or not np.isfinite(value):
        raise ParameterError(f"{name}={value!r}: give a number (e.g. {0.10 if not positive else 1.0}) or 'median'/'mean'.")
    if positive and value <= 0:
        raise ParameterError(f"{name}={value!r}: relative share thresholds must be > 0 (the axis is logarithmic); "
                             "the usual value is 1.0.")
    if not positive and value <= -1:
        raise ParameterError(f"{name}={value!r}: growth is a fraction above -1 (0.10 = 10%).")


def _resolve(values: pd.Series, rule: Any) -> float:
    if rule == "median":
        return float(values.median())
    if rule == "mean":
        return float(values.mean())
    return float(rule)


def _rule_text(rule: Any, kind: str) -> str:
    return f"{rule} of the period" if isinstance(rule, str) else "fixed"


def _numbers(df: pd.DataFrame, col: str, source: str) -> pd.Series:
    s = df[col]
    num = pd.to_numeric(s, errors="coerce")
    bad = num.isna()
    if bad.any():
        idx = list(bad[bad].index[:3])
        raise data_error("are empty or not numbers", source=source, column=col, n_bad=int(bad.sum()), n_total=len(s),
                         examples=[(i, s.at[i]) for i in idx], columns=df.columns,
                         fix="Write plain numbers (fractions such as 0.12 for 12%)")
    return num.astype(float)


def load_market(source: Any, *, unit: str = "category") -> pd.DataFrame:
    """Read and check market data: ``unit``, [period], market_growth, own_share, largest_competitor_share, [revenue].

    Shares and growth are fractions (0.25 = 25%). ``largest_competitor_share`` is the share of the
    largest rival other than the unit itself (the runner-up when the unit leads its market).
    """
    if isinstance(source, pd.DataFrame):
        df, name = source.copy(), "the market table"
    elif isinstance(source, (str, Path)):
        path = Path(source)
        if not path.exists():
            raise DataError(f"file not found: {path} (working directory {Path.cwd()}).")
        df, name = pd.read_csv(path, dtype={unit: str, "period": str}), str(path)
    else:
        raise DataError(f"market data must be a DataFrame or a CSV path, not a {type(source).__name__}.")
    need = [unit, "market_growth", "own_share", "largest_competitor_share"]
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise data_error(f"missing column(s) {', '.join(map(repr, missing))}", source=name, columns=df.columns,
                         fix="The market table needs one row per unit (and period) with market_growth, own_share, "
                             f"largest_competitor_share; pass unit='your unit column' if it is not {unit!r}")
    if len(df) == 0:
        raise DataError(f"{name} has no rows.")
    df = df.reset_index(drop=True)
    df[unit] = df[unit].astype("str")
    if "period" not in df.columns:
        df["period"] = "current"
    df["period"] = df["period"].astype("str")
    for col in ["market_growth", "own_share", "largest_competitor_share"] + (["revenue"] if "revenue" in df else []):
        df[col] = _numbers(df, col, name)

    def fail(mask, problem, col, fix, cls=DomainError):
        if mask.any():
            idx = list(mask[mask].index[:3])
            raise data_error(problem, source=name, column=col, n_bad=int(mask.sum()), n_total=len(df),
                             examples=[(i, df.at[i, col]) for i in idx], fix=fix, cls=cls)

    for col in ("own_share", "largest_competitor_share"):
        fail(df[col] < 0, "are negative market shares", col, "A market share lies between 0 and 1")
        fail(df[col] > 1, "are market shares above 1", col, "Give shares as fractions (0.25, not 25)")
    fail(df["own_share"] == 0, "are zero own shares (a unit with no share has no place on a log axis)", "own_share",
         "Drop units that do not sell in the market")
    fail(df["largest_competitor_share"] == 0, "are zero competitor shares (no rival: relative share is infinite)",
         "largest_competitor_share", "Give the largest rival's share; a monopoly has no relative share")
    over = (df["own_share"] + df["largest_competitor_share"]).round(_ROUND) > 1
    fail(over, "make own + largest competitor share above 1", "largest_competitor_share",
         "Two firms cannot hold more than the whole market; check both shares")
    fail(df["market_growth"] <= -1, "are growth rates of -100% or less", "market_growth",
         "Growth is a fraction above -1 (0.10 = 10%, -0.05 = -5%); if these are percentages, divide by 100")
    if (df["market_growth"].abs() > 3).any():
        warnings.warn(f"{name}: some market_growth values exceed 300%; are they percentages? Give fractions (0.12 = 12%).",
                      stacklevel=2)
    if "revenue" in df:
        fail(df["revenue"] < 0, "are negative revenues", "revenue", "Revenue sizes the bubbles and must be ≥ 0", DataError)
    dup = df.duplicated([unit, "period"], keep="first")
    if dup.any():
        idx = list(dup[dup].index[:3])
        raise data_error(f"repeat a ({unit}, period) pair", source=name, column=unit, n_bad=int(dup.sum()),
                         n_total=len(df), examples=[(i, f"{df.at[i, unit]} / {df.at[i, 'period']}") for i in idx],
                         fix="Keep one row per unit and period")
    return df


# --------------------------------------------------------------------------------------------
# Building the matrix
# --------------------------------------------------------------------------------------------


def _periods(values: pd.Series) -> list[str]:
    uniq = list(dict.fromkeys(values))
    try:
        return sorted(uniq, key=lambda p: pd.Period(p))
    except (ValueError, TypeError):
        return sorted(uniq)


def _place(df: pd.DataFrame, *, unit: str, period: Any, growth_threshold: Any, share_threshold: Any,
           basis: str, convention: str, lang: str, **extra: Any) -> BCGResult:
    """Classify every period with its own thresholds; pick the current and previous period."""
    periods = _periods(df["period"])
    if period is None:
        period = periods[-1]
    period = str(period)
    if period not in periods:
        raise ParameterError(f"period={period!r} is not in the data; periods found: {', '.join(periods)}.")
    previous = periods[periods.index(period) - 1] if periods.index(period) > 0 else None
    parts = []
    thresholds = {}
    for p in periods:
        part = df[df["period"] == p].copy()
        g_thr = _resolve(part["growth"], growth_threshold)
        s_thr = _resolve(part["relative_share"], share_threshold)
        thresholds[p] = (g_thr, s_thr)
        part["quadrant"] = [classify(g, s, growth_threshold=g_thr, share_threshold=s_thr)
                            for g, s in zip(part["growth"], part["relative_share"])]
        parts.append(part)
    hist = pd.concat(parts, ignore_index=True)
    hist["label"] = [text(q, lang, LABELS) for q in hist["quadrant"]]
    hist["strategy"] = [strategy(q, lang) for q in hist["quadrant"]]
    hist = hist.sort_values(["period", unit], key=lambda s: s.map({p: i for i, p in enumerate(periods)})
                            if s.name == "period" else s, kind="stable").reset_index(drop=True)
    cur = hist[hist["period"] == period].copy()
    if previous is not None:
        prev = hist[hist["period"] == previous].set_index(unit)
        cur["previous_growth"] = cur[unit].map(prev["growth"])
        cur["previous_relative_share"] = cur[unit].map(prev["relative_share"])
        cur["previous_quadrant"] = cur[unit].map(prev["quadrant"])
    sort_key = "revenue" if "revenue" in cur else "relative_share"
    cur = cur.sort_values([sort_key, unit], ascending=[False, True], kind="stable").reset_index(drop=True)
    g_thr, s_thr = thresholds[period]
    return BCGResult(cur, hist, unit, period, previous, g_thr, s_thr, _rule_text(growth_threshold, "growth"),
                     _rule_text(share_threshold, "share"), basis, convention, lang, **extra)


def from_market(
    market: Any,
    *,
    unit: str = "category",
    period: Any = None,
    growth_threshold: float | str = 0.10,
    share_threshold: float | str = 1.0,
    lang: str = "en",
) -> BCGResult:
    """Place units from market data (a DataFrame or CSV path; see :func:`load_market`).

    ``relative_share = own_share / largest_competitor_share``; the largest competitor is the largest
    rival other than the unit, so a market leader's relative share is own / runner-up > 1.
    ``period`` picks the period shown (default: the latest); the one before it gives the arrows.
    """
    check_lang(lang)
    _threshold(growth_threshold, "growth_threshold", positive=False)
    _threshold(share_threshold, "share_threshold", positive=True)
    df = load_market(market, unit=unit)
    df["growth"] = df["market_growth"]
    df["relative_share"] = df["own_share"] / df["largest_competitor_share"]
    cols = [unit, "period", "growth", "own_share", "largest_competitor_share", "relative_share"]
    cols += ["revenue"] if "revenue" in df else []
    return _place(df[cols], unit=unit, period=period, growth_threshold=growth_threshold,
                  share_threshold=share_threshold, basis="market",
                  convention="own share / largest rival's share (the runner-up when the unit leads)", lang=lang)


_FREQS = {"Y": ("Y", "year"), "Q": ("Q", "quarter"), "M": ("M", "month")}
#: a leading period counts as covered when the data start within this fraction of it (the first sale
#: of a year may fall on 6 January; data that start on 1 December do not cover the year)
_COVER = 0.10


def _sales(tx: Any, *, asof_ts: pd.Timestamp, level: str, freq: str) -> tuple[pd.DataFrame, pd.Timestamp]:
    """Revenue per period start and unit before ``asof``, and the first transaction's date."""
    t = engine.table(tx)
    t = t.filter(t.order_date < asof_ts)
    t = t.mutate(period=t.order_date.truncate(_FREQS[freq][0]))
    sales = engine.execute(t.group_by(["period", level]).aggregate(revenue=t.amount.sum(),
                                                                    first=t.order_date.min()), tx)
    if sales.empty:
        raise DataError(f"the transactions have no rows before asof={asof_ts:%Y-%m-%d}.")
    first = pd.Timestamp(sales["first"].min())
    sales = sales.drop(columns="first")
    sales["period"] = pd.to_datetime(sales["period"])
    sales[level] = sales[level].astype("str")
    return sales, first


def _complete(periods: pd.Series, freq: str, asof_ts: pd.Timestamp, first: pd.Timestamp) -> pd.Series:
    """Periods the data cover entirely: ended before asof, and (the earliest) begun no later than
    :data:`_COVER` of its length before the first transaction."""
    p = periods.dt.to_period(freq)
    start, end = p.dt.start_time, p.dt.end_time
    covered = first <= start + (end - start) * _COVER
    return (end < asof_ts) & covered


def choose_freq(tx: Any, *, asof: Any, level: str = "category") -> str:
    """The longest period ("Y", then "Q", then "M") with at least two complete periods before ``asof``."""
    asof_ts = engine.check_asof(asof)
    sales, first = _sales(tx, asof_ts=asof_ts, level=level, freq="M")
    months = pd.Series(sales["period"].unique())
    for f in ("Y", "Q", "M"):
        starts = pd.Series(months.dt.to_period(f).dt.start_time.unique())
        if int(_complete(starts, f, asof_ts, first).sum()) >= 2:
            return f
    raise DomainError(f"the data before asof={asof_ts:%Y-%m-%d} hold fewer than two complete months; the proxy "
                      f"needs two complete periods to measure growth.")


def _columns(tx: Any) -> list[str]:
    if isinstance(tx, pd.DataFrame) or hasattr(tx, "op"):  # a frame, or an Ibis table the caller owns
        return list(tx.columns)
    return list(engine.table(tx).columns)  # a path: a lazy scan, nothing registered to free


def from_transactions(
    tx: Any,
    *,
    asof: Any,
    level: str = "category",
    fallback: str | None = None,
    freq: str = "Y",
    period: Any = None,
    growth_threshold: float | str = 0.10,
    share_threshold: float | str = 1.0,
    lang: str = "en",
) -> BCGResult:
    """A **proxy** matrix from the firm's own sales, when no market data exist.

    growth_u,t = revenue_u,t / revenue_u,t−1 − 1 (consecutive complete periods of ``freq``);
    relative share_u,t = revenue_u,t / max over other units v ≠ u of revenue_v,t (the top unit is
    compared with the second). Revenue is the sum of ``amount`` of lines dated before ``asof``
    (return lines, if kept, net it). Only periods the data cover entirely are used: they end before
    ``asof``, and the earliest begins no more than 10% of its length before the first transaction
    (data that start on 1 December do not make a year). A unit with no revenue in the earlier
    period has no growth and is left out with a warning.

    Parameters
    ----------
    tx : canonical transactions — a pandas DataFrame, an Ibis table on any backend, or the path of a
        Parquet/CSV file (read by the engine), as every engine-backed method accepts.
    level : the column naming the units (``"category"``, ``"product_id"`` …).
    fallback : a column to group by when the data lack ``level`` (e.g. ``"product_id"`` for Online
        Retail, which has no category); the result's ``requested_unit`` and its sentences say so.
        ``None`` (default): a missing ``level`` is an error.
    freq : "Y", "Q", "M", or "auto" — the longest of them with two complete periods before asof
        (:func:`choose_freq`); the sentences then name the period length chosen.
    """
    check_lang(lang)
    _threshold(growth_threshold, "growth_threshold", positive=False)
    _threshold(share_threshold, "share_threshold", positive=True)
    if freq not in (*_FREQS, "auto"):
        raise ParameterError(f"freq={freq!r}: use 'Y' (years), 'Q' (quarters), 'M' (months) or 'auto'.")
    asof_ts = engine.check_asof(asof)
    if not isinstance(tx, (pd.DataFrame, str, Path)) and not hasattr(tx, "op"):
        raise DataError(f"from_transactions needs canonical transactions (a DataFrame, an Ibis table or a "
                        f"Parquet/CSV path), not a {type(tx).__name__}.")
    cols = _columns(tx)
    requested = level
    if level not in cols and fallback is not None and fallback in cols:
        level = fallback
    missing = [c for c in ("order_date", "amount", level) if c not in cols]
    if missing:
        raise data_error(f"missing column(s) {', '.join(map(repr, missing))} for the transaction proxy",
                         source="the transactions", columns=cols,
                         fix=f"Pass level= one of the columns (e.g. 'product_id'), fallback='product_id', "
                             f"or load data with a {level!r} column")
    if isinstance(tx, pd.DataFrame) and len(tx) == 0:
        raise DataError("the transactions have no rows.")
    chosen = freq == "auto"
    if chosen:
        freq = choose_freq(tx, asof=asof_ts, level=level)
    sales, first = _sales(tx, asof_ts=asof_ts, level=level, freq=freq)
    sales = sales[_complete(sales["period"], freq, asof_ts, first).to_numpy()]
    wide = sales.pivot_table(index=level, columns="period", values="revenue", aggfunc="sum", fill_value=0.0)
    wide = wide.sort_index(axis=1)
    if wide.shape[1] < 2:
        raise DomainError(f"the proxy needs two complete {_FREQS[freq][1]}s covered by the data before "
                          f"asof={asof_ts:%Y-%m-%d} (the data start {first:%Y-%m-%d}); found {wide.shape[1]}. "
                          f"Use a shorter freq ('Q' or 'M'), freq='auto', or a later asof.")
    if wide.shape[0] < 2:
        raise DomainError(f"the proxy compares units within the firm and needs at least two {level} values; found "
                          f"{wide.shape[0]}. Use level='product_id'.")
    rows, dropped = [], []
    for prev_p, cur_p in zip(wide.columns[:-1], wide.columns[1:]):
        cur, prev = wide[cur_p], wide[prev_p]
        # the largest *other* unit: the leader for everyone but the leader, the runner-up for the leader
        ranked = cur.sort_values(ascending=False, kind="stable")
        leader, first_rev, second = ranked.index[0], ranked.iloc[0], ranked.iloc[1]
        rival = pd.Series(first_rev, index=cur.index)
        rival[leader] = second
        rival_name = pd.Series(leader, index=cur.index)
        rival_name[leader] = ranked.index[1]
        ok = (cur > 0) & (prev > 0) & (rival > 0)
        label = str(pd.Period(cur_p, freq))
        dropped += [f"{u} ({label})" for u in cur.index[~ok]]
        part = pd.DataFrame({level: cur.index[ok], "period": label, "growth": (cur / prev - 1)[ok].to_numpy(),
                             "relative_share": (cur / rival)[ok].to_numpy(), "revenue": cur[ok].to_numpy(float),
                             "previous_revenue": prev[ok].to_numpy(float), "largest_other": rival_name[ok].to_numpy()})
        rows.append(part)
    df = pd.concat(rows, ignore_index=True)
    if dropped:
        warnings.warn(f"left out (no revenue in a period, so no growth or share): {', '.join(dropped[:10])}"
                      + (" …" if len(dropped) > 10 else ""), stacklevel=2)
    if df.empty:
        raise DomainError("no unit has revenue in two consecutive periods; nothing to place.")
    if level == "product_id" and "product_name" in cols:
        # a product code means little to a manager: carry the product's name (the largest, if it varies)
        t = engine.table(tx)
        names = engine.execute(t.group_by(level).aggregate(product_name=t.product_name.max()), tx)
        df["product_name"] = df[level].map(dict(zip(names[level].astype(str), names["product_name"])))
    return _place(df, unit=level, period=period, growth_threshold=growth_threshold, share_threshold=share_threshold,
                  basis="proxy", convention="unit revenue / largest other unit's revenue in the firm (the top unit vs the second)",
                  lang=lang, requested_unit=requested, freq=freq, freq_chosen=chosen, left_out=tuple(dropped))


def describe_data(tx: Any, asof: Any, market_file: Any, lang: str = "en") -> list[str]:
    """Sentences on the data a BCG report uses: the transactions' span and snapshot, the market file."""
    check_lang(lang)
    from crmcore.runner.nbtools import data_range

    first, last = data_range(tx)
    n = len(tx) if isinstance(tx, pd.DataFrame) else None
    rows = f"{n:,} transaction lines" if n is not None else "transactions"
    if lang == "en":
        out = [f"{rows} from {pd.Timestamp(first):%Y-%m-%d} to {pd.Timestamp(last):%Y-%m-%d}; snapshot date {asof}."]
        out.append(f"Market data: {Path(market_file).name}." if market_file else
                   "No market data for these transactions (the demo market file describes the demo retailer only), "
                   "so only the proxy from the firm's own sales is shown.")
    else:
        rows = f"{n:,} 行交易明细" if n is not None else "交易数据"
        out = [f"{rows}，时间从 {pd.Timestamp(first):%Y-%m-%d} 到 {pd.Timestamp(last):%Y-%m-%d}；截止日 {asof}。"]
        out.append(f"市场数据：{Path(market_file).name}。" if market_file else
                   "这批交易数据没有对应的市场数据（演示市场文件只描述演示零售商），因此只展示基于企业自身销售的代理矩阵。")
    return out


def market_for(dataset: str, data_path: str = "") -> Path | None:
    """The market file that belongs to a data set: the demo retailer's fictional ``data/bcg_market.csv``
    for "demo" and "tiny" (same categories), none for any other data (Online Retail, a user's file)."""
    if not data_path and dataset in ("demo", "tiny"):
        return Path(__file__).resolve().parents[2] / "data" / "bcg_market.csv"
    return None


# --------------------------------------------------------------------------------------------
# Words
# --------------------------------------------------------------------------------------------


def _rs(x: float) -> str:
    """A relative share: 2 decimals, 3 significant digits below 0.1 (0.0123, not 0.01)."""
    return f"{x:.2f}" if abs(x) >= 0.1 else f"{x:.3g}"


def _count_phrase(n: int, q: str, lang: str) -> str:
    if lang == "zh":
        return f"{n} 个{text(q, 'zh', LABELS)}"
    names = {"star": ("star", "stars"), "cash_cow": ("cash cow", "cash cows"),
             "question_mark": ("question mark", "question marks"), "dog": ("dog", "dogs")}[q]
    return f"{n} {names[0] if n == 1 else names[1]}"


_UNIT_WORDS = {"category": ("category", "品类"), "product_id": ("product", "商品"), "channel": ("channel", "渠道"),
               "region": ("region", "区域")}
_FREQ_WORDS = {"Y": ("years", "年"), "Q": ("quarters", "季度"), "M": ("months", "月")}


def _display_name(row: dict, unit: str, lang: str) -> str:
    name = unit_name(row[unit], lang)
    pn = row.get("product_name")
    return f"{name} ({pn})" if isinstance(pn, str) and pn.strip() else name


def unit_name(v: Any, lang: str = "en") -> str:
    """A unit's name in ``lang`` (the demo categories translated, other names as they are)."""
    return str(label_value(str(v), lang))


def notes(result: BCGResult, lang: str = "en") -> list[str]:
    """What the proxy changed to fit the data: a grouping the data lack, a period length chosen."""
    check_lang(lang)
    out = []
    if result.basis != "proxy":
        return out
    if result.requested_unit and result.requested_unit != result.unit:
        a = _UNIT_WORDS.get(result.requested_unit, (result.requested_unit, result.requested_unit))
        b = _UNIT_WORDS.get(result.unit, (result.unit, result.unit))
        out.append(f"The data have no {result.requested_unit!r} column, so the proxy groups the sales by "
                   f"{b[0]} ({result.unit}) instead of by {a[0]}." if lang == "en" else
                   f"数据中没有“{result.requested_unit}”列，因此代理矩阵改按{b[1]}（{result.unit}）而不是按{a[1]}分组。")
    lost = [x for x in result.left_out if x.endswith(f"({result.period})")]
    if lost:
        out.append(f"{len(lost):,} units sold nothing in {result.period} or in the period before, so they have no growth "
                   f"and are left out." if lang == "en" else
                   f"有 {len(lost):,} 个业务单元在 {result.period} 期或上一期没有销售，无法计算增长率，未列入矩阵。")
    if result.freq_chosen and result.freq in _FREQ_WORDS:
        w = _FREQ_WORDS[result.freq]
        out.append(f"Periods are {w[0]}: the longest period of which the data hold two complete ones before the "
                   f"snapshot date." if lang == "en" else
                   f"期间按{w[1]}划分：这是数据在截止日前至少包含两个完整期间的最长期间长度。")
    return out


def interpret(result: BCGResult, *, lang: str = "en", top: int | None = None) -> list[str]:
    """Sentences generated from the numbers: the portfolio, each unit with its hint (the ``top``
    largest by revenue when given), the moves, and for the proxy what it is and what was changed."""
    check_lang(lang)
    t, u = result.table, result.unit
    out = list(notes(result, lang))
    summ = result.summary()
    counts = [_count_phrase(int(r.units), r.quadrant, lang) for r in summ.itertuples()]
    has_rev = "revenue" in t and t["revenue"].sum() > 0
    if lang == "en":
        when = "" if result.period == "current" else f"In {result.period}, "
        s = f"{when}{len(t):,} units: {', '.join(counts[:-1])} and {counts[-1]}."
        s = s[0].upper() + s[1:]
        if has_rev:
            sh = {r.quadrant: r.revenue_share for r in summ.itertuples()}
            s += (f" Stars bring {sh['star']:.1%} of revenue, cash cows {sh['cash_cow']:.1%}, question marks "
                  f"{sh['question_mark']:.1%} and dogs {sh['dog']:.1%}.")
        s += (f" Thresholds: growth {result.growth_threshold:.1%} ({result.growth_rule}), relative share "
              f"{_rs(result.share_threshold)} ({result.share_rule}); values on a threshold count as high.")
        if result.growth_threshold <= 0:
            s += " The growth threshold is not above zero, so \"high growth\" here includes units whose sales shrink."
    else:
        when = "" if result.period == "current" else f"{result.period} 期"
        s = f"{when}共 {len(t):,} 个业务单元：{'、'.join(counts)}。"
        if has_rev:
            sh = {r.quadrant: r.revenue_share for r in summ.itertuples()}
            s += (f"明星类贡献 {sh['star']:.1%} 的销售额，现金牛类 {sh['cash_cow']:.1%}，问题类 {sh['question_mark']:.1%}，"
                  f"瘦狗类 {sh['dog']:.1%}。")
        rule = lambda r: "固定值" if r == "fixed" else ("本期中位数" if r.startswith("median") else "本期平均值")  # noqa: E731
        s += (f"分界线：增长率 {result.growth_threshold:.1%}（{rule(result.growth_rule)}），相对份额 "
              f"{_rs(result.share_threshold)}（{rule(result.share_rule)}）；恰好落在分界线上的算作“高”。")
        if result.growth_threshold <= 0:
            s += "增长率分界线不高于零，因此这里的“高增长”也包括销售额下降的单元。"
    out.append(s)
    g_word = {"market": ("market growth", "市场增长率"), "proxy": ("revenue growth", "销售额增长率")}[result.basis]
    shown = t if top is None or len(t) <= top else t.head(top)  # the table is sorted by revenue, largest first
    if len(shown) < len(t):
        out.append(f"The {len(shown)} units with the most revenue in {result.period}:" if lang == "en" else
                   f"以下为 {result.period} 期销售额最高的 {len(shown)} 个业务单元：")
    for r in shown.itertuples(index=False):
        d = r._asdict()
        q = d["quadrant"]
        main, alt, note_en, note_zh = STRATEGY[q]
        if q == "star" and round(d["relative_share"], _ROUND) < 1:
            # high share by a median/mean threshold is not the lead: the unit is not the largest
            note_en, note_zh = ("invest while it grows; it is not the largest unit yet (relative share below 1)",
                                "趁增长加大投入；它还不是份额最大的单元（相对份额低于 1）")
        if result.basis == "proxy":
            note_en = note_en.replace("while the market grows", "while its sales grow")
            note_zh = note_zh.replace("在市场增长中", "在销售增长中")
        name = _display_name(d, u, lang)
        if lang == "en":
            out.append(f"{name} is a {text(q, 'en', LABELS)} ({g_word[0]} {d['growth']:.1%}, relative share "
                       f"{_rs(d['relative_share'])}): {strategy(q, 'en')} — {note_en}.")
        else:
            out.append(f"{name} 属于{text(q, 'zh', LABELS)}类（{g_word[1]} {d['growth']:.1%}，相对份额 "
                       f"{_rs(d['relative_share'])}）：{strategy(q, 'zh')}——{note_zh}。")
    if result.previous is not None and "previous_quadrant" in t:
        moved_all = t[t["previous_quadrant"].notna() & (t["previous_quadrant"] != t["quadrant"])]
        moved = moved_all[moved_all[u].isin(shown[u])]
        for r in moved.itertuples(index=False):
            d = r._asdict()
            a, b = d["previous_quadrant"], d["quadrant"]
            name = unit_name(d[u], lang)
            out.append(f"{name} moved from {text(a, 'en', LABELS)} to {text(b, 'en', LABELS)} since {result.previous}."
                       if lang == "en" else f"{name} 由 {result.previous} 期的{text(a, 'zh', LABELS)}类变为{text(b, 'zh', LABELS)}类。")
        others = len(moved_all) - len(moved)
        if others:
            out.append(f"{others:,} of the other units changed quadrant since {result.previous}." if lang == "en"
                       else f"与 {result.previous} 期相比，其余业务单元中有 {others:,} 个改变了象限。")
        if moved_all.empty:
            out.append(f"No unit changed quadrant since {result.previous}." if lang == "en"
                       else f"自 {result.previous} 以来没有业务单元改变象限。")
    if result.basis == "proxy":
        out.append("Caution: this is a proxy from the firm's own sales — growth is the unit's own revenue growth, not the "
                   "market's, and relative share compares units inside the firm, not against competitors."
                   if lang == "en" else
                   "注意：这是基于企业自身销售数据的代理指标——增长率是该单元自身销售额的增长，而非市场增长率；"
                   "相对份额是企业内部各单元之间的比较，而非与竞争对手比较。")
    return out


#: readable headers (en/zh) for crm.show
COLUMNS: dict[str, dict[str, str]] = {
    "quadrant": {"en": "Quadrant", "zh": "象限"},
    "label": {"en": "Quadrant", "zh": "象限"},
    "units": {"en": "Units", "zh": "业务单元数"},
    "members": {"en": "Members", "zh": "包含的业务单元"},
    "revenue": {"en": "Revenue", "zh": "销售额"},
    "revenue_share": {"en": "Share of revenue", "zh": "销售额占比"},
    "strategy": {"en": "Strategy hint", "zh": "策略建议"},
    "growth": {"en": "Growth", "zh": "增长率"},
    "own_share": {"en": "Own market share", "zh": "本企业市场份额"},
    "largest_competitor_share": {"en": "Largest competitor's share", "zh": "最大竞争对手份额"},
    "market_growth": {"en": "Market growth", "zh": "市场增长率"},
    "relative_share": {"en": "Relative share", "zh": "相对份额"},
    "previous_growth": {"en": "Growth, previous period", "zh": "上期增长率"},
    "previous_relative_share": {"en": "Relative share, previous period", "zh": "上期相对份额"},
    "previous_quadrant": {"en": "Quadrant, previous period", "zh": "上期象限"},
    "previous_revenue": {"en": "Revenue, previous period", "zh": "上期销售额"},
    "largest_other": {"en": "Largest other unit", "zh": "最大的其他单元"},
    "period": {"en": "Period", "zh": "期间"},
    "product_name": {"en": "Product name", "zh": "商品名称"},
    "quadrant_market": {"en": "Quadrant, market data", "zh": "象限（市场数据）"},
    "quadrant_proxy": {"en": "Quadrant, proxy", "zh": "象限（代理指标）"},
}


def _translate_units(frame: pd.DataFrame, cols: list[str], lang: str) -> pd.DataFrame:
    out = frame.copy()
    for c in cols:
        if c in out:
            out[c] = [unit_name(v, lang) if isinstance(v, str) else v for v in out[c]]
    return out


def units_table(result: BCGResult, lang: str | None = None, *, top: int | None = None) -> pd.DataFrame:
    """The placed units (largest revenue first, the ``top`` ones when given) for ``crm.show``: unit
    names, quadrants and hints in ``lang``; growth as a fraction (shown as %), relative share, revenue."""
    lang = check_lang(lang or result.lang)
    t = result.table if top is None else result.table.head(top)
    cols = [result.unit, "product_name", "growth", "relative_share", "revenue", "quadrant", "strategy", "previous_quadrant"]
    out = t[[c for c in cols if c in t]].copy()
    out["quadrant"] = [text(q, lang, LABELS) for q in out["quadrant"]]
    out["strategy"] = [strategy(q, lang) for q in t["quadrant"]]
    if "previous_quadrant" in out:
        out["previous_quadrant"] = [text(q, lang, LABELS) if isinstance(q, str) else "" for q in out["previous_quadrant"]]
    return _translate_units(out, [result.unit], lang)


def summary_table(result: BCGResult, lang: str | None = None, *, max_members: int = 8) -> pd.DataFrame:
    """Units and revenue share per quadrant for ``crm.show``; at most ``max_members`` names per quadrant."""
    lang = check_lang(lang or result.lang)
    s = result.summary()
    t = result.table
    members = []
    for q in s["quadrant"]:
        names = [unit_name(v, lang) for v in t.loc[t["quadrant"] == q, result.unit]]
        more = len(names) - max_members
        sep = ", " if lang == "en" else "、"
        members.append(sep.join(names[:max_members]) + (f" … (+{more:,})" if more > 0 else ""))
    out = pd.DataFrame({"label": [text(q, lang, LABELS) for q in s["quadrant"]], "units": s["units"],
                        "members": members, "revenue": s["revenue"], "revenue_share": s["revenue_share"],
                        "strategy": [strategy(q, lang) for q in s["quadrant"]]})
    return out.dropna(axis=1, how="all")


def compare_table(market: BCGResult, proxy: BCGResult, lang: str = "en") -> pd.DataFrame:
    """Quadrant of each unit found in both the market view and the proxy (empty when none is shared)."""
    check_lang(lang)
    a = market.table[[market.unit, "quadrant"]].rename(columns={market.unit: "unit"})
    b = proxy.table[[proxy.unit, "quadrant"]].rename(columns={proxy.unit: "unit"})
    m = a.merge(b, on="unit", how="inner", suffixes=("_market", "_proxy"))
    for c in ("quadrant_market", "quadrant_proxy"):
        m[c] = [text(q, lang, LABELS) for q in m[c]]
    m["unit"] = [unit_name(v, lang) for v in m["unit"]]
    word = _UNIT_WORDS.get(market.unit, ("unit", "业务单元"))
    return m.rename(columns={"unit": word[0].capitalize() if lang == "en" else word[1]})


def compare_sentences(market: BCGResult, proxy: BCGResult, lang: str = "en") -> list[str]:
    """How far the proxy agrees with the market view, on the units both contain."""
    check_lang(lang)
    a = market.table.set_index(market.unit)["quadrant"]
    b = proxy.table.set_index(proxy.unit)["quadrant"]
    common = [u for u in a.index if u in b.index]
    if not common:
        return ["The market file and the transactions share no unit, so the proxy cannot be checked against the "
                "market view." if lang == "en" else "市场数据与交易数据没有共同的业务单元，无法用市场视角检验代理矩阵。"]
    differ = [u for u in common if a[u] != b[u]]
    if not differ:
        return [f"The proxy puts all {len(common)} shared units in the same quadrant as the market data." if lang == "en"
                else f"共有的 {len(common)} 个业务单元在代理矩阵中的象限与市场数据完全一致。"]
    names = [unit_name(u, lang) for u in differ]
    if lang == "en":
        return [f"The proxy disagrees with the market data on {len(differ)} of {len(common)} units "
                f"({', '.join(names)}): for these the firm's own sales tell a different story from the market."]
    return [f"在共有的 {len(common)} 个业务单元中，代理矩阵与市场数据有 {len(differ)} 个象限不一致"
            f"（{'、'.join(names)}）：这些单元的自身销售表现与市场情况并不相符。"]


# --------------------------------------------------------------------------------------------
# Plot
# --------------------------------------------------------------------------------------------


def _declutter(ax, notes: list) -> None:
    """Move labels that would overlap an earlier (larger-revenue) label up or down until they are free."""
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    placed = []
    for a in notes:
        x0, y0 = a.xyann
        for k in range(24):
            box = a.get_window_extent(renderer).expanded(1.05, 1.15)
            if not any(box.overlaps(b) for b in placed):
                break
            step = (k // 2 + 1) * 9 * (1 if k % 2 == 0 else -1)
            a.xyann = (x0, y0 + step)
            if step < 0:
                a.set_va("top")
                a.xyann = (x0, -y0 + step + 9)
            else:
                a.set_va("bottom")
        placed.append(a.get_window_extent(renderer))


def plot(result: BCGResult, ax=None, lang: str = "en", *, arrows: bool = True, labels: bool = True,
         top: int | None = None):
    """Bubble chart: relative share on a log, reversed x-axis (high share on the left), growth on y
    (negative values shown), bubble area ∝ revenue, threshold lines, arrows from the previous period.
    ``top`` draws only the units with the most revenue (the title says how many of how many)."""
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    check_lang(lang)
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 6))
    t = result.table if top is None or len(result.table) <= top else result.table.head(top)
    x = t["relative_share"].to_numpy(float)
    y = t["growth"].to_numpy(float) * 100
    if "revenue" in t and t["revenue"].max() > 0:
        size = 60 + 2400 * t["revenue"].to_numpy(float) / t["revenue"].max()
    else:
        size = np.full(len(t), 400.0)
    xs = [x, [result.share_threshold]]
    ys = [y, [result.growth_threshold * 100]]
    if arrows and "previous_relative_share" in t:
        pm = t["previous_relative_share"].notna()
        xs.append(t.loc[pm, "previous_relative_share"].to_numpy(float))
        ys.append(t.loc[pm, "previous_growth"].to_numpy(float) * 100)
    allx, ally = np.concatenate(xs), np.concatenate(ys)
    lo, hi = allx.min() / 1.8, allx.max() * 1.8
    span = max(ally.max() - ally.min(), 10.0)
    ax.set_xscale("log")
    ax.set_xlim(hi, lo)  # reversed: high share on the left
    ax.set_ylim(ally.min() - 0.18 * span, ally.max() + 0.18 * span)
    ax.axhline(result.growth_threshold * 100, color="0.35", lw=1, ls="--")
    ax.axvline(result.share_threshold, color="0.35", lw=1, ls="--")
    ax.axhline(0, color="0.75", lw=0.8)
    colors = [_COLORS[q] for q in t["quadrant"]]
    ax.scatter(x, y, s=size, c=colors, alpha=0.6, edgecolors="white", linewidths=1.2, zorder=3)
    if arrows and "previous_relative_share" in t:
        for r in t[t["previous_relative_share"].notna()].itertuples(index=False):
            d = r._asdict()
            ax.annotate("", xy=(d["relative_share"], d["growth"] * 100),
                        xytext=(d["previous_relative_share"], d["previous_growth"] * 100),
                        arrowprops=dict(arrowstyle="->", color="0.3", lw=1.0, shrinkA=0, shrinkB=6), zorder=2)
    if labels:
        notes_ = []
        for xi, yi, si, name in zip(x, y, size, t[result.unit]):
            # just above the bubble: its radius in points is sqrt(area)/2
            notes_.append(ax.annotate(unit_name(name, lang), (xi, yi), textcoords="offset points",
                                      xytext=(0, np.sqrt(si) / 2 + 2), ha="center", va="bottom", fontsize=8, zorder=4,
                                      bbox=dict(boxstyle="square,pad=0.1", fc="white", ec="none", alpha=0.6)))
        _declutter(ax, notes_)
    corners = {"star": (0.02, 0.97, "left", "top"), "question_mark": (0.98, 0.97, "right", "top"),
               "cash_cow": (0.02, 0.03, "left", "bottom"), "dog": (0.98, 0.03, "right", "bottom")}
    for q, (cx, cy, ha, va) in corners.items():
        ax.text(cx, cy, f"{text(q, lang, LABELS)} · {strategy(q, lang)}", transform=ax.transAxes, ha=ha, va=va,
                fontsize=9, color=_COLORS[q], fontweight="bold" if lang == "en" else "normal")
    proxy = result.basis == "proxy"
    ax.set_xlabel(text("x_proxy" if proxy else "x_market", lang, LABELS))
    ax.set_ylabel(text("y_proxy" if proxy else "y_market", lang, LABELS))
    title = f"{text('title', lang, LABELS)} — {result.period}" + (" (proxy)" if proxy and lang == "en" else
                                                                   "（代理指标）" if proxy else "")
    if len(t) < len(result.table):
        title += (f"\n{len(t)} of {len(result.table):,} units, largest revenue first" if lang == "en" else
                  f"\n销售额最高的 {len(t)} 个业务单元（共 {len(result.table):,} 个）")
    ax.set_title(title, fontweight="normal" if lang == "zh" else None)
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:g}"))
    handles = [Line2D([], [], marker="o", ls="", color=_COLORS[q], alpha=0.7, markersize=9,
                      label=text(q, lang, LABELS)) for q in QUADRANTS]
    ax.legend(handles=handles, loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
    return ax
