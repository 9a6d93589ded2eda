"""Win rate (赢单率): won ÷ (won + lost) closed in the period, with Wilson's 95 % interval and the cohort
denominator beside it (see :mod:`crmcore.pipeline` for the definitions)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import pandas as pd

from crmcore.door import b2b
from crmcore.errors import DataError, ParameterError
from crmcore.labels import check_lang
from crmcore.results import Result
from crmcore.sales.pipeline_text import _t, _v

Z95 = 1.959963984540054


def win_rate(opportunities: Any, *, by: str | Sequence[str] | None = None, period: str | None = None,
             basis: str = "count", asof: Any = None) -> WinRateResult:
    """Win rate = won ÷ (won + lost) closed in the period; open deals excluded.

    ``by``: column(s) such as owner, product, grade; ``period``: 'M', 'Q', 'Y' by close date (None: all).
    ``basis="amount"``: won amount ÷ (won + lost amount); the Wilson bounds stay on the counts.
    ``asof``: only deals closed (and created) before it count. ``cohort_win_rate``: won ÷ opportunities
    *created* in the period (open included) — the other denominator some vendors use.
    """
    if basis not in ("count", "amount"):
        raise ParameterError(f"basis={basis!r}; use 'count' or 'amount'.")
    o = b2b.check_opportunities(opportunities)
    if asof is not None and asof != "":
        a = _asof(asof)
        o = o[o["created"] < a].copy()
        late = o["closed"] >= a
        o.loc[late, "outcome"], o.loc[late, "closed"] = "open", pd.NaT
    by_cols = (by,) if isinstance(by, str) else tuple(by or ())
    for c in by_cols:
        if c not in o.columns:
            raise DataError(f"by={c!r}: no such column in the opportunities. Columns found: {', '.join(o.columns)}.")
    keys = list(by_cols) + (["period"] if period else [])
    closed = o[o["outcome"] != "open"].copy()
    if period:
        closed["period"] = _period_label(closed["closed"], period)
    closed["is_won"] = closed["outcome"] == "won"
    closed["won_amount"] = closed["amount"].where(closed["is_won"], 0.0)
    closed["lost_amount"] = closed["amount"].where(~closed["is_won"], 0.0)
    if keys:
        g = closed.groupby(keys, sort=True)
        t = pd.DataFrame({"won": g["is_won"].sum(), "lost": g["is_won"].size() - g["is_won"].sum(),
                          "won_amount": g["won_amount"].sum(), "lost_amount": g["lost_amount"].sum()}).reset_index()
    else:
        w = int(closed["is_won"].sum())
        t = pd.DataFrame({"won": [w], "lost": [len(closed) - w], "won_amount": [closed["won_amount"].sum()],
                          "lost_amount": [closed["lost_amount"].sum()]})
    t["won"], t["lost"] = t["won"].astype(int), t["lost"].astype(int)
    n = t["won"] + t["lost"]
    if basis == "count":
        t["win_rate"] = t["won"] / n.where(n > 0)
    else:
        tot = t["won_amount"] + t["lost_amount"]
        t["win_rate"] = t["won_amount"] / tot.where(tot > 0)
    t["lower"], t["upper"] = wilson(t["won"], n)
    cre = o.copy()
    if period:
        cre["period"] = _period_label(cre["created"], period)
        won_c = cre[cre["outcome"] == "won"]
        # cohort: of the deals created in the period, the share won so far
        cg = cre.groupby(keys).size().rename("created")
        wg = won_c.groupby(keys).size().rename("_won_c")
        t = t.merge(pd.concat([cg, wg], axis=1).fillna(0).reset_index(), on=keys, how="left")
        t["cohort_win_rate"] = t["_won_c"] / t["created"].where(t["created"] > 0)
        t = t.drop(columns="_won_c")
    else:
        cg = cre.groupby(list(by_cols)).size().rename("created") if by_cols else pd.Series({0: len(cre)})
        if by_cols:
            t = t.merge(cg.reset_index(), on=list(by_cols), how="left")
        else:
            t["created"] = len(cre)
        t["cohort_win_rate"] = t["won"] / t["created"].where(t["created"] > 0)
    t["created"] = t["created"].fillna(0).astype(int)
    return WinRateResult(t, basis, by_cols, period)


def wilson(won: Any, n: Any, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for won of n (Wilson 1927); NaN where n = 0.

    ``(p + z²/2n ± z·sqrt(p(1−p)/n + z²/4n²)) / (1 + z²/n)``.
    """
    won, n = np.asarray(won, float), np.asarray(n, float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = won / n
        den = 1 + z * z / n
        mid = (p + z * z / (2 * n)) / den
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return np.where(n > 0, mid - half, np.nan), np.where(n > 0, mid + half, np.nan)


@dataclass(frozen=True)
class WinRateResult(Result):
    """Win rate per group (and period) with Wilson bounds and the cohort denominator beside it."""

    table: pd.DataFrame = field(repr=False)
    basis: str = "count"
    by: tuple = ()
    period: str | None = None
    denominator: str = "won + lost closed in the period (open excluded)"
    title = "win rate (赢单率)"
    _conventions = ("basis", "by", "period", "denominator")

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        return b2b.translate_values(self.table, lang)

    def movements(self, *, group: Any = None) -> pd.DataFrame:
        """Period-to-period changes: ``movement`` is True only when the earlier rate lies outside the later
        period's 95 % interval (a change inside it is noise the interval already allows)."""
        if self.period is None:
            raise ParameterError("movements need a win rate by period (period='M', 'Q' or 'Y').")
        t = self.table
        if self.by:
            if group is None:
                raise ParameterError(f"this win rate is by {', '.join(self.by)}; pass group=... to pick one.")
            t = t[t[self.by[0]] == group]
        t = t.sort_values("period").reset_index(drop=True)
        prev = t["win_rate"].shift()
        out = t[["period", "won", "lost", "win_rate", "lower", "upper"]].copy()
        out["previous"] = prev
        out["change"] = t["win_rate"] - prev
        out["movement"] = prev.notna() & ((prev < t["lower"]) | (prev > t["upper"]))
        return out

    def interpret(self, lang: str = "en") -> list[str]:
        check_lang(lang)
        if self.period is None or self.by:
            out = []
            t = self.table.sort_values("win_rate", ascending=False)
            if self.by and len(t) >= 2:
                top, rest = t.iloc[0], t.iloc[1:]
                name = _v(top[self.by[0]], lang)
                apart = bool((rest["upper"] < top["lower"]).all()) if self.basis == "count" else False
                if apart:
                    out.append(_t(lang, f"{name} has the highest win rate, {top['win_rate']:.1%} "
                                        f"(95% interval {top['lower']:.1%}–{top['upper']:.1%}), and every other "
                                        f"{self.by[0]}'s interval lies below it.",
                                  f"{name}的赢单率最高，为 {top['win_rate']:.1%}（95% 区间 {top['lower']:.1%}–"
                                  f"{top['upper']:.1%}），其他各组的区间都在它之下。"))
                else:
                    out.append(_t(lang, f"{name} has the highest win rate, {top['win_rate']:.1%}, but its interval "
                                        f"overlaps another {self.by[0]}'s: the ranking is not settled by these "
                                        "numbers.",
                                  f"{name}的赢单率最高，为 {top['win_rate']:.1%}，但其区间与其他组重叠：这些数字还"
                                  "不足以确定排名。"))
            return out
        mv = self.movements()
        if len(mv) < 2:
            return []
        last = mv.iloc[-1]
        head = _t(lang, f"The win rate of {last['period']} is {last['win_rate']:.1%} (95% interval "
                        f"{last['lower']:.1%}–{last['upper']:.1%}; {int(last['won'])} won of "
                        f"{int(last['won'] + last['lost'])} closed), against {last['previous']:.1%} in the period "
                        "before: ",
                  f"{last['period']} 的赢单率为 {last['win_rate']:.1%}（95% 区间 {last['lower']:.1%}–"
                  f"{last['upper']:.1%}；关闭 {int(last['won'] + last['lost'])} 个商机，赢单 {int(last['won'])} 个），"
                  f"上期为 {last['previous']:.1%}：")
        if last["movement"]:
            up = last["change"] > 0
            tail = _t(lang, f"a real {'rise' if up else 'fall'} — the earlier rate lies outside this interval.",
                      f"这是真实的{'上升' if up else '下降'}——上期的数值落在本期区间之外。")
        else:
            tail = _t(lang, "within the interval, so not a movement; keep watching.",
                      "仍在区间之内，不算起伏变化，继续观察。")
        n_mv, n_ch = int(mv["movement"].sum()), len(mv) - 1
        more = _t(lang, f"Of the {n_ch} change{'s' if n_ch != 1 else ''} between {len(mv)} periods, {n_mv} "
                        f"{'were' if n_mv != 1 else 'was'} beyond the interval.",
                  f"{len(mv)} 个期间之间的 {n_ch} 次变化中，有 {n_mv} 次超出了区间。")
        return [head + tail, more]

    def plot(self, ax=None, lang: str = "en", group: Any = None):
        from crmcore.sales.pipeline_plots import plot_win_rate

        return plot_win_rate(self, ax=ax, lang=lang, group=group)


# --------------------------------------------------------------------------- private helpers
def _asof(asof: Any) -> pd.Timestamp:
    if asof is None or asof == "":
        raise ParameterError("asof is required (a date, YYYY-MM-DD); crmcore never reads the clock.")
    try:
        return pd.Timestamp(asof).normalize()
    except (ValueError, TypeError):
        raise ParameterError(f"asof={asof!r} is not a date; write YYYY-MM-DD.") from None


def _period_label(dates: pd.Series, period: str) -> pd.Series:
    if period not in ("M", "Q", "Y"):
        raise ParameterError(f"period={period!r}; use 'M' (month), 'Q' (quarter), 'Y' (year) or None.")
    return dates.dt.to_period(period).astype(str)
