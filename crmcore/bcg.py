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

from . import engine
from .errors import DataError, DomainError, ParameterError, data_error
from .labels import check_lang, text
from .results import Result

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
    _conventions = ("basis", "period", "growth_rule", "share_rule", "share_convention")

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

    def interpret(self, lang: str | None = None) -> list[str]:
        return interpret(self, lang=lang or self.lang)

    def plot(self, ax=None, lang: str | None = None, arrows: bool = True, labels: bool = True):
        return plot(self, ax=ax, lang=lang or self.lang, arrows=arrows, labels=labels)


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
           basis: str, convention: str, lang: str) -> BCGResult:
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
                     _rule_text(share_threshold, "share"), basis, convention, lang)


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


def from_transactions(
    tx: Any,
    *,
    asof: Any,
    level: str = "category",
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
    (return lines, if kept, net it). Only periods that end on or before ``asof`` are used; a unit
    with no revenue in the earlier period has no growth and is left out with a warning.
    """
    check_lang(lang)
    _threshold(growth_threshold, "growth_threshold", positive=False)
    _threshold(share_threshold, "share_threshold", positive=True)
    if freq not in _FREQS:
        raise ParameterError(f"freq={freq!r}: use 'Y' (years), 'Q' (quarters) or 'M' (months).")
    asof_ts = engine.check_asof(asof)
    if not isinstance(tx, pd.DataFrame):
        raise DataError(f"from_transactions needs a canonical transactions DataFrame, not a {type(tx).__name__}.")
    missing = [c for c in ("order_date", "amount", level) if c not in tx.columns]
    if missing:
        raise data_error(f"missing column(s) {', '.join(map(repr, missing))} for the transaction proxy",
                         source="the transactions", columns=tx.columns,
                         fix=f"Pass level= one of the columns (e.g. 'product_id') or load data with a {level!r} column")
    if len(tx) == 0:
        raise DataError("the transactions have no rows.")
    t = engine.table(tx)
    t = t.filter(t.order_date < asof_ts)
    t = t.mutate(period=t.order_date.truncate(_FREQS[freq][0]))
    sales = engine.execute(t.group_by(["period", level]).aggregate(revenue=t.amount.sum()), tx)
    sales["period"] = pd.to_datetime(sales["period"])
    sales[level] = sales[level].astype("str")
    ends = sales["period"].dt.to_period(freq).dt.end_time
    sales = sales[ends < asof_ts]
    wide = sales.pivot_table(index=level, columns="period", values="revenue", aggfunc="sum", fill_value=0.0)
    wide = wide.sort_index(axis=1)
    if wide.shape[1] < 2:
        raise DomainError(f"the proxy needs two complete {_FREQS[freq][1]}s before asof={asof_ts:%Y-%m-%d}; "
                          f"found {wide.shape[1]}. Use a shorter freq ('Q' or 'M') or a later asof.")
    if wide.shape[0] < 2:
        raise DomainError(f"the proxy compares units within the firm and needs at least two {level} values; found "
                          f"{wide.shape[0]}. Use level='product_id'.")
    rows, dropped = [], []
    for prev_p, cur_p in zip(wide.columns[:-1], wide.columns[1:]):
        cur, prev = wide[cur_p], wide[prev_p]
        # the largest *other* unit: the leader for everyone but the leader, the runner-up for the leader
        ranked = cur.sort_values(ascending=False, kind="stable")
        leader, first, second = ranked.index[0], ranked.iloc[0], ranked.iloc[1]
        rival = pd.Series(first, index=cur.index)
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
    return _place(df, unit=level, period=period, growth_threshold=growth_threshold, share_threshold=share_threshold,
                  basis="proxy", convention="unit revenue / largest other unit's revenue in the firm (the top unit vs the second)",
                  lang=lang)


# --------------------------------------------------------------------------------------------
# Words
# --------------------------------------------------------------------------------------------


def _count_phrase(n: int, q: str, lang: str) -> str:
    if lang == "zh":
        return f"{n} 个{text(q, 'zh', LABELS)}"
    names = {"star": ("star", "stars"), "cash_cow": ("cash cow", "cash cows"),
             "question_mark": ("question mark", "question marks"), "dog": ("dog", "dogs")}[q]
    return f"{n} {names[0] if n == 1 else names[1]}"


def interpret(result: BCGResult, *, lang: str = "en") -> list[str]:
    """Sentences generated from the numbers: the portfolio, each unit with its hint, the moves."""
    check_lang(lang)
    t, u = result.table, result.unit
    out = []
    summ = result.summary()
    counts = [_count_phrase(int(r.units), r.quadrant, lang) for r in summ.itertuples()]
    has_rev = "revenue" in t and t["revenue"].sum() > 0
    if lang == "en":
        when = "" if result.period == "current" else f"In {result.period}, "
        s = f"{when}{len(t)} units: {', '.join(counts[:-1])} and {counts[-1]}."
        s = s[0].upper() + s[1:]
        if has_rev:
            sh = {r.quadrant: r.revenue_share for r in summ.itertuples()}
            s += (f" Stars bring {sh['star']:.1%} of revenue, cash cows {sh['cash_cow']:.1%}, question marks "
                  f"{sh['question_mark']:.1%} and dogs {sh['dog']:.1%}.")
        s += (f" Thresholds: growth {result.growth_threshold:.1%} ({result.growth_rule}), relative share "
              f"{result.share_threshold:.2f} ({result.share_rule}); values on a threshold count as high.")
    else:
        when = "" if result.period == "current" else f"{result.period} 期"
        s = f"{when}共 {len(t)} 个业务单元：{'、'.join(counts)}。"
        if has_rev:
            sh = {r.quadrant: r.revenue_share for r in summ.itertuples()}
            s += (f"明星类贡献 {sh['star']:.1%} 的销售额，现金牛类 {sh['cash_cow']:.1%}，问题类 {sh['question_mark']:.1%}，"
                  f"瘦狗类 {sh['dog']:.1%}。")
        rule = lambda r: "固定值" if r == "fixed" else ("本期中位数" if r.startswith("median") else "本期平均值")
        s += (f"分界线：增长率 {result.growth_threshold:.1%}（{rule(result.growth_rule)}），相对份额 "
              f"{result.share_threshold:.2f}（{rule(result.share_rule)}）；恰好落在分界线上的算作“高”。")
    out.append(s)
    g_word = {"market": ("market growth", "市场增长率"), "proxy": ("revenue growth", "销售额增长率")}[result.basis]
    for r in t.itertuples(index=False):
        d = r._asdict()
        q = d["quadrant"]
        main, alt, note_en, note_zh = STRATEGY[q]
        if lang == "en":
            out.append(f"{d[u]} is a {text(q, 'en', LABELS)} ({g_word[0]} {d['growth']:.1%}, relative share "
                       f"{d['relative_share']:.2f}): {strategy(q, 'en')} — {note_en}.")
        else:
            out.append(f"{d[u]} 属于{text(q, 'zh', LABELS)}类（{g_word[1]} {d['growth']:.1%}，相对份额 "
                       f"{d['relative_share']:.2f}）：{strategy(q, 'zh')}——{note_zh}。")
    if result.previous is not None and "previous_quadrant" in t:
        moved = t[t["previous_quadrant"].notna() & (t["previous_quadrant"] != t["quadrant"])]
        for r in moved.itertuples(index=False):
            d = r._asdict()
            a, b = d["previous_quadrant"], d["quadrant"]
            out.append(f"{d[u]} moved from {text(a, 'en', LABELS)} to {text(b, 'en', LABELS)} since {result.previous}."
                       if lang == "en" else f"{d[u]} 自 {result.previous} 起由{text(a, 'zh', LABELS)}类变为{text(b, 'zh', LABELS)}类。")
        if moved.empty:
            out.append(f"No unit changed quadrant since {result.previous}." if lang == "en"
                       else f"自 {result.previous} 以来没有业务单元改变象限。")
    if result.basis == "proxy":
        out.append("Caution: this is a proxy from the firm's own sales — growth is the unit's own revenue growth, not the "
                   "market's, and relative share compares units inside the firm, not against competitors."
                   if lang == "en" else
                   "注意：这是基于企业自身销售数据的代理指标——增长率是该单元自身销售额的增长，而非市场增长率；"
                   "相对份额是企业内部各单元之间的比较，而非与竞争对手比较。")
    return out


# --------------------------------------------------------------------------------------------
# Plot
# --------------------------------------------------------------------------------------------


def plot(result: BCGResult, ax=None, lang: str = "en", *, arrows: bool = True, labels: bool = True):
    """Bubble chart: relative share on a log, reversed x-axis (high share on the left), growth on y
    (negative values shown), bubble area ∝ revenue, threshold lines, arrows from the previous period."""
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    check_lang(lang)
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 6))
    t = result.table
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
        for xi, yi, si, name in zip(x, y, size, t[result.unit]):
            # just above the bubble: its radius in points is sqrt(area)/2
            ax.annotate(str(name), (xi, yi), textcoords="offset points", xytext=(0, np.sqrt(si) / 2 + 2),
                        ha="center", va="bottom", fontsize=8, zorder=4)
    corners = {"star": (0.02, 0.97, "left", "top"), "question_mark": (0.98, 0.97, "right", "top"),
               "cash_cow": (0.02, 0.03, "left", "bottom"), "dog": (0.98, 0.03, "right", "bottom")}
    for q, (cx, cy, ha, va) in corners.items():
        ax.text(cx, cy, f"{text(q, lang, LABELS)} · {strategy(q, lang)}", transform=ax.transAxes, ha=ha, va=va,
                fontsize=9, color=_COLORS[q], fontweight="bold")
    proxy = result.basis == "proxy"
    ax.set_xlabel(text("x_proxy" if proxy else "x_market", lang, LABELS))
    ax.set_ylabel(text("y_proxy" if proxy else "y_market", lang, LABELS))
    ax.set_title(f"{text('title', lang, LABELS)} — {result.period}" + (" (proxy)" if proxy and lang == "en" else
                                                                         "（代理指标）" if proxy else ""))
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:g}"))
    handles = [Line2D([], [], marker="o", ls="", color=_COLORS[q], alpha=0.7, markersize=9,
                      label=text(q, lang, LABELS)) for q in QUADRANTS]
    ax.legend(handles=handles, loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
    return ax
