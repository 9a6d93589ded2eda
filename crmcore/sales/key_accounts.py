"""Key-account management (守正: 大客户管理, ESP+): identification, tiers, dynamic evaluation, states, relationship maps.

Following the CRM 3.0 / 客户管理 course material:

- **Identification and tiers** by the comprehensive score (重点客户综合积分法) of
  :func:`crmcore.customer_value.key_account_scores`: sales in the last two years, potential in the next
  three, can we win it, can we deliver, demonstration effect — AHP weights (Saaty 1980). A sales team
  can give real attention to about 5–25 key accounts (the rule of thumb the material quotes); a tier-A
  count outside that range is flagged.
- **Dynamic evaluation** (动态评价), monthly: importance (the comprehensive score), the gap between the
  customer's needs and our capability (需求–能力差距, reviewed every one to three months) and relationship
  closeness (关系紧密度, every month), with each account's trend.
- **Account state and strategy**: acquire (获取), grow (提升), retain (维系), win back (待挽回), lost (已流失).
- **Relationship map** (关系图) of one account: people, roles in the decision chain, influence and our
  relationship strength, drawn with matplotlib.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import pandas as pd

from crmcore.customer.customer_value import key_account_scores
from crmcore.door import b2b
from crmcore.sales.key_accounts_plots import plot_relationship_map  # noqa: F401  (re-exported: key_accounts.X)
from crmcore.sales.key_accounts_text import (  # noqa: F401  (re-exported: results.py and the notebooks read them here)
    COLUMNS, PCT, STATE_LABELS, STRATEGIES, _t, notes, relationship_sentence, state_sentence)
from crmcore.errors import DataError, ParameterError
from crmcore.labels import check_lang
from crmcore.results import Result

#: how many key accounts a sales team can manage well (the course material's rule of thumb)
RULE_OF_THUMB = (5, 25)

STATES = ("acquire", "grow", "retain", "win_back", "lost")


def account_table(data: b2b.B2BData, *, asof: Any) -> pd.DataFrame:
    """One row per account with the comprehensive-score inputs.

    ``sales_2y``: won amount in the two years before ``asof``; ``potential_3y``: the open pipeline plus
    three times last year's won amount grown by its growth over the year before (growth clipped to 0–100 %:
    one lucky deal must not project a tenfold account);
    ``winnable``, ``deliverable``, ``demonstration``: hand scores 1–5 from the accounts table — 3 (neutral)
    when the data have none (then :func:`notes` says so).
    """
    a = _asof(asof)
    o = data.opportunities
    won = o[(o["outcome"] == "won") & (o["closed"] < a)]
    y1, y2 = a - pd.DateOffset(years=1), a - pd.DateOffset(years=2)
    last = won[won["closed"] >= y1].groupby("account_id")["amount"].sum()
    prior = won[(won["closed"] >= y2) & (won["closed"] < y1)].groupby("account_id")["amount"].sum()
    live = o[(o["created"] < a) & (o["closed"].isna() | (o["closed"] >= a))]
    ids = sorted(set(o.loc[o["created"] < a, "account_id"]))
    t = pd.DataFrame({"account_id": ids})
    t["sales_12m"] = t["account_id"].map(last).fillna(0.0)
    t["sales_prior_12m"] = t["account_id"].map(prior).fillna(0.0)
    t["sales_2y"] = t["sales_12m"] + t["sales_prior_12m"]
    t["open_amount"] = t["account_id"].map(live.groupby("account_id")["amount"].sum()).fillna(0.0)
    growth = np.where(t["sales_prior_12m"] > 0, t["sales_12m"] / t["sales_prior_12m"].where(t["sales_prior_12m"] > 0, 1)
                      - 1, 0.0)
    t["potential_3y"] = t["open_amount"] + 3 * t["sales_12m"] * (1 + np.clip(growth, 0, 1))
    hand = ("winnable", "deliverable", "demonstration")
    if data.has("accounts") and set(hand) <= set(data.accounts.columns):
        t = t.merge(data.accounts[["account_id", *hand]].astype({"account_id": str}), on="account_id", how="left")
        t[list(hand)] = t[list(hand)].fillna(3)
    else:
        for h in hand:
            t[h] = 3
    return t


def identify(data: b2b.B2BData, *, asof: Any, tiers: tuple[float, float] = (60.0, 40.0),
             weights: Any = None) -> KeyAccounts:
    """Score every account with the comprehensive score (``customer_value.key_account_scores``) and tier it."""
    t = account_table(data, asof=asof)
    if t.empty:
        raise DataError("no account has an opportunity before asof; nothing to score.")
    res = key_account_scores(t, weights=weights, id_col="account_id", tiers=tiers)
    out = res.table[["account_id", "rank", "score", "tier"]].merge(
        t[["account_id", "sales_2y", "potential_3y", "sales_12m", "sales_prior_12m", "open_amount"]], on="account_id")
    return KeyAccounts(out, res.weights, tuple(tiers))


def dynamic_evaluation(reviews: pd.DataFrame, keys: KeyAccounts) -> Evaluation:
    """Per reviewed account and month: importance (the comprehensive score), gap = need − capability
    (> 0: we fall short), closeness; ``closeness_change`` / ``gap_change``: last month minus three months before."""
    need = {"month", "account_id", "need", "capability", "closeness"}
    if not need <= set(reviews.columns):
        raise DataError(f"reviews need columns {', '.join(sorted(need))}; found {', '.join(reviews.columns)}.")
    r = reviews.copy()
    for c in ("need", "capability", "closeness"):
        r[c] = pd.to_numeric(r[c], errors="raise")
    r["gap"] = r["need"] - r["capability"]
    r = r.merge(keys.table[["account_id", "score", "tier"]].rename(columns={"score": "importance"}),
                on="account_id", how="left").sort_values(["account_id", "month"], ignore_index=True)
    g = r.groupby("account_id")
    r["closeness_change"] = r["closeness"] - g["closeness"].shift(3)
    r["gap_change"] = r["gap"] - g["gap"].shift(3)
    latest = r.groupby("account_id").tail(1).sort_values(["importance", "account_id"], ascending=[False, True],
                                                          ignore_index=True)
    cols = ["account_id", "tier", "importance", "need", "capability", "gap", "closeness", "closeness_change",
            "gap_change"]
    return Evaluation(r[["month", *cols]], latest[cols])


def account_states(keys: KeyAccounts, evaluation: Evaluation | None = None, *, lang: str = "en") -> pd.DataFrame:
    """State and strategy per account, by these rules in this order:

    1. no won sale in the two years and an open deal → acquire (获取);
    2. a won sale in the prior 12 months but none in the last 12 and no open deal → lost (已流失);
    3. closeness fell ≥ 1 point in three months, or the last 12 months' sales < half the 12 before → win back (待挽回);
    4. open pipeline larger than the last 12 months' sales → grow (提升); else → retain (维系).

    Accounts with neither sales in two years nor an open deal are left out (nothing to manage).
    """
    t = keys.table.copy()
    fall = pd.Series(False, index=t.index)
    if evaluation is not None:
        ch = t["account_id"].map(evaluation.latest.set_index("account_id")["closeness_change"])
        fall = ch.le(-1).fillna(False)
    state = np.select(
        [(t["sales_2y"] == 0) & (t["open_amount"] > 0),
         (t["sales_12m"] == 0) & (t["sales_prior_12m"] > 0) & (t["open_amount"] == 0),
         fall | (t["sales_12m"] < 0.5 * t["sales_prior_12m"]),
         t["open_amount"] > t["sales_12m"]],
        ["acquire", "lost", "win_back", "grow"], default="retain")
    t["state"] = state
    t = t[(t["sales_2y"] > 0) | (t["open_amount"] > 0)].copy()
    check_lang(lang)
    t["strategy"] = t["state"].map(lambda s: STRATEGIES[s][lang])
    t["state"] = t["state"].map(lambda s: STATE_LABELS[s][lang])
    return t[["account_id", "tier", "score", "sales_12m", "sales_prior_12m", "open_amount", "state", "strategy"]]


def state_summary(states: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Accounts per state (in the fixed order of the states) with their strategy."""
    order = [STATE_LABELS[s][lang] for s in STATES]
    g = states.groupby("state")
    t = pd.DataFrame({"accounts": g.size(), "sales_12m": g["sales_12m"].sum(), "open_amount": g["open_amount"].sum()})
    t = t.reindex(order, fill_value=0)
    t["strategy"] = [STRATEGIES[s][lang] for s in STATES]
    return t.rename_axis("state").reset_index()


def presales_by_account(opportunities: pd.DataFrame, *, rate: float, accounts: Sequence[str] | None = None
                        ) -> pd.DataFrame:
    """Presales resource cost (person-days × ``rate``) per opportunity of the given accounts, largest first."""
    from crmcore.sales.pipeline import presales_cost

    t = presales_cost(opportunities, rate=rate)
    if accounts is not None:
        t = t[t["account_id"].isin(list(accounts))]
    return t.sort_values(["presales_cost", "opportunity_id"], ascending=[False, True], ignore_index=True)


# --------------------------------------------------------------------------- results
@dataclass(frozen=True)
class KeyAccounts(Result):
    """Key accounts by the comprehensive score, with tiers and the 5–25 rule of thumb checked."""

    table: pd.DataFrame = field(repr=False)
    weights: dict = field(default_factory=dict)
    tiers: tuple = (60.0, 40.0)
    rule_of_thumb: tuple = RULE_OF_THUMB
    title = "key accounts (重点客户)"
    _conventions = ("tiers", "rule_of_thumb", "weights")

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        return self.table

    def counts(self) -> pd.Series:
        return self.table["tier"].value_counts().reindex(["A", "B", "C"], fill_value=0)

    def flagged(self) -> bool:
        """True when the tier-A count lies outside the 5–25 rule of thumb."""
        n = int(self.counts()["A"])
        return not (self.rule_of_thumb[0] <= n <= self.rule_of_thumb[1])

    def interpret(self, lang: str = "en") -> list[str]:
        c = self.counts()
        n, lo, hi = int(c["A"]), *self.rule_of_thumb
        top = self.table.iloc[0]
        s = [_t(lang, f"{n} of {len(self.table):,} accounts reach{'es' if n == 1 else ''} tier A (score ≥ {self.tiers[0]:g}), {int(c['B'])} tier "
                      f"B; the top account is {top['account_id']} ({top['score']:.1f} points).",
                f"{len(self.table):,} 个客户中有 {n} 个达到 A 类（综合积分 ≥ {self.tiers[0]:g}），B 类 {int(c['B'])} 个；"
                f"得分最高的是 {top['account_id']}（{top['score']:.1f} 分）。")]
        if n < lo:
            s.append(_t(lang, f"That is fewer than the {lo}–{hi} key accounts a sales team can manage: lower the tier-A "
                              "cut-off or look for accounts to develop.",
                        f"少于一个销售团队能够管理的 {lo}–{hi} 个重点客户：可以降低 A 类分界，或寻找值得培育的客户。"))
        elif n > hi:
            s.append(_t(lang, f"That is more than the {lo}–{hi} key accounts a sales team can give real attention: "
                              "raise the tier-A cut-off or split the list between teams.",
                        f"多于一个销售团队能真正照顾到的 {lo}–{hi} 个重点客户：提高 A 类分界，或把名单分给不同团队。"))
        else:
            s.append(_t(lang, f"That is within the {lo}–{hi} key accounts a sales team can manage.",
                        f"在一个销售团队能够管理的 {lo}–{hi} 个重点客户范围之内。"))
        return s


@dataclass(frozen=True)
class Evaluation(Result):
    """The monthly dynamic evaluation: importance, need–capability gap and closeness per account and month."""

    table: pd.DataFrame = field(repr=False)
    latest: pd.DataFrame = field(repr=False)
    title = "dynamic evaluation (动态评价)"

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        return self.latest

    def interpret(self, lang: str = "en") -> list[str]:
        t = self.latest
        falling = t[t["closeness_change"] <= -1].sort_values(["closeness_change", "account_id"])
        widening = t[t["gap_change"] >= 1]
        out = []
        if len(falling):
            names = (", " if lang == "en" else "、").join(falling["account_id"].head(5))
            out.append(_t(lang, f"Closeness fell by a point or more over three months at {len(falling)} "
                                f"account{'s' if len(falling) != 1 else ''} ({names}): visit them this month.",
                          f"有 {len(falling)} 个客户近三个月关系紧密度下降 1 分或以上（{names}）：本月安排拜访。"))
        else:
            out.append(_t(lang, "No reviewed account's closeness fell by a point or more over three months.",
                          "近三个月没有客户的关系紧密度下降 1 分或以上。"))
        if len(widening):
            out.append(_t(lang, f"The need–capability gap widened by a point or more at {len(widening)} "
                                f"account{'s' if len(widening) != 1 else ''}: check what we cannot deliver.",
                          f"有 {len(widening)} 个客户的需求–能力差距扩大 1 分或以上：核查我方哪些需求满足不了。"))
        return out

    def plot(self, ax=None, lang: str = "en", account: str | None = None):
        from crmcore.sales.key_accounts_plots import plot_evaluation

        return plot_evaluation(self, ax=ax, lang=lang, account=account)


# --------------------------------------------------------------------------- private helpers
def _asof(asof: Any) -> pd.Timestamp:
    if asof is None or asof == "":
        raise ParameterError("asof is required (YYYY-MM-DD); crmcore never reads the clock.")
    return pd.Timestamp(asof).normalize()
