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
from crmcore.results import Result
from crmcore.strategy import bcg_plots
from crmcore.strategy.bcg_plots import plot  # noqa: F401
from crmcore.strategy.bcg_text import (COLUMNS, GROWTH_WORDS, LABELS, NOTES, QUADRANTS, STRATEGY, _ROUND,  # noqa: F401
                                       _UNIT_WORDS, compare_sentences, describe_data, interpret, notes,
                                       quadrant_name, strategy, unit_name)

_FREQS = {"Y": ("Y", "year"), "Q": ("Q", "quarter"), "M": ("M", "month")}
#: a leading period counts as covered when the data start within this fraction of it (the first sale
#: of a year may fall on 6 January; data that start on 1 December do not cover the year)
_COVER = 0.10


def classify(growth: float, relative_share: float, *, growth_threshold: float = 0.10,
             share_threshold: float = 1.0) -> str:
    """Quadrant of one unit; a value exactly on a threshold counts as high."""
    hi_g = round(float(growth), _ROUND) >= round(float(growth_threshold), _ROUND)
    hi_s = round(float(relative_share), _ROUND) >= round(float(share_threshold), _ROUND)
    return {(True, True): "star", (False, True): "cash_cow", (True, False): "question_mark",
            (False, False): "dog"}[(hi_g, hi_s)]


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


def market_for(dataset: str, data_path: str = "") -> Path | None:
    """The market file that belongs to a data set: the demo retailer's fictional ``data/bcg_market.csv``
    for "demo" and "tiny" (same categories), none for any other data (Online Retail, a user's file)."""
    if not data_path and dataset in ("demo", "tiny"):
        return Path(__file__).resolve().parents[2] / "data" / "bcg_market.csv"
    return None


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
    word = _UNIT_WORDS(market.unit if market.unit in _UNIT_WORDS else "unit", lang)
    return m.rename(columns={"unit": word.capitalize() if lang == "en" else word})


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
        return bcg_plots.plot(self, ax=ax, lang=lang or self.lang, arrows=arrows, labels=labels, top=top)


# --------------------------------------------------------------------------------------------
# Private helpers: input checks, placing the units, the proxy's periods
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


def _columns(tx: Any) -> list[str]:
    if isinstance(tx, pd.DataFrame) or hasattr(tx, "op"):  # a frame, or an Ibis table the caller owns
        return list(tx.columns)
    return list(engine.table(tx).columns)  # a path: a lazy scan, nothing registered to free


def _translate_units(frame: pd.DataFrame, cols: list[str], lang: str) -> pd.DataFrame:
    out = frame.copy()
    for c in cols:
        if c in out:
            out[c] = [unit_name(v, lang) if isinstance(v, str) else v for v in out[c]]
    return out
