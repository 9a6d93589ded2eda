"""The B2B sales process (销售过程管理, TAS+): win rate, stage conversion, weighted pipeline, aging, plans, expenses.

Every metric states its definition, because vendors differ:

- **Win rate** (赢单率) = won ÷ (won + lost) among opportunities *closed* in the period; open deals
  are excluded (Salesforce's and HubSpot's closed-won ÷ closed reports). The other common
  denominator — won ÷ all opportunities *created* in the period, open ones included (a cohort rate,
  which keeps rising while the cohort's deals close) — is offered next to it as ``cohort_win_rate``.
  The 95 % interval is Wilson's score interval (Wilson 1927, JASA 22:209–212) on the counts; the
  course material says only the movement of a win rate means something (持续统计、起伏变化才有意义),
  so a change is called a movement only when the earlier rate lies outside the later period's interval.
- **Conversion** (阶段转化率): cohort by entry — of the opportunities that entered a stage (each
  counted once), how many reached a later stage (the last stage converts to "won"); deals still in
  the stage are pending and left out of the rate.
- **Expected revenue** = amount × probability (Salesforce's Opportunity field ``ExpectedRevenue``);
  the weighted pipeline is its sum over open deals, with P(win | stage) from history or given.
- **Sales velocity** = open opportunities × average won deal × win rate ÷ average sales cycle (days).
- **Coverage** = open pipeline ÷ remaining quota (the rule of thumb asks for 3×).
- **费效比** (expense-to-sales ratio) = expense ÷ the won sales the expense served.

This module is the public face (every function is ``pipeline.X``) and the report's helpers; one idea per
file behind it: :mod:`crmcore.pipeline_winrate` (win rates), :mod:`crmcore.pipeline_stages` (conversion,
weighted pipeline and forecast, aging), :mod:`crmcore.pipeline_plans` (grading, plans, budgets, expenses),
:mod:`crmcore.pipeline_text` (words and sentences), :mod:`crmcore.pipeline_plots` (charts).
"""
from __future__ import annotations

from typing import Any, Sequence

import pandas as pd

from crmcore.door import b2b
from crmcore.errors import ParameterError
from crmcore.labels import check_lang
from crmcore.sales.pipeline_plans import (  # noqa: F401  (re-exported: pipeline.X)
    THEME_KEYS, budget_vs_spend, cost_effectiveness, grade_by_rules, grade_by_score, grade_mix, plan_vs_actual,
    presales_cost)
from crmcore.sales.pipeline_stages import (  # noqa: F401  (re-exported: pipeline.X)
    AgingResult, ConversionResult, WeightedPipeline, aging, conversion, coverage, cycle_time, forecast_bias,
    forecast_month_end, stage_probabilities, velocity, weighted_pipeline)
from crmcore.sales.pipeline_text import (  # noqa: F401  (re-exported: results.py and the notebooks read them here)
    COLUMNS, DATA_SOURCE, PCT, RESOURCES, TABLES, _en_list, _t, _v, bias_sentences, competitor_sentence,
    cost_sentence, data_notes, grade_sentence, plan_sentences)
from crmcore.sales.pipeline_winrate import Z95, WinRateResult, _asof, _period_label, wilson, win_rate  # noqa: F401

#: stage probabilities used when the data cannot teach them (a flat export has no stage history); the
#: ladder of HubSpot's default deal stages (20/40/60/80 %), one step per stage
DEFAULT_PROBABILITIES = {"qualify": 0.2, "needs": 0.4, "proposal": 0.6, "negotiate": 0.8}


def parse_probabilities(text: str, stages: Sequence[str] = b2b.STAGES) -> Any:
    """``"history"`` or ``"qualify:0.2, needs:0.4, …"`` (``=`` works too) → "history" or a dict (every stage, 0–1)."""
    text = (text or "").strip()
    if text in ("", "history"):
        return "history"
    out = {}
    for part in text.split(","):
        part = part.replace("=", ":")
        if ":" not in part:
            raise ParameterError(f"probabilities={text!r}: write 'history' or 'qualify:0.2, needs:0.4, ...'.")
        k, v = part.split(":", 1)
        try:
            out[k.strip()] = float(v)
        except ValueError:
            raise ParameterError(f"probabilities: {v.strip()!r} for {k.strip()!r} is not a number.") from None
    miss = [s for s in stages if s not in out]
    if miss or any(not 0 <= p <= 1 for p in out.values()):
        raise ParameterError(f"probabilities={text!r}: give every stage ({', '.join(stages)}) a value in 0–1.")
    return out


def data_source(data: b2b.B2BData, *, asof: Any, lang: str = "en") -> pd.DataFrame:
    """What the report reads: counts of opportunities by outcome, dates, and which tables are present."""
    a = _asof(asof)
    o = data.opportunities
    w = lambda key, **kw: DATA_SOURCE(key, check_lang(lang), **kw)  # noqa: E731
    live = int(((o["created"] < a) & (o["closed"].isna() | (o["closed"] >= a))).sum())
    rows = [
        (w("source"), data.source),
        (w("opportunities"), f"{len(o):,}"),
        (w("outcomes"), f"{(o['outcome'] == 'won').sum():,} / {(o['outcome'] == 'lost').sum():,} / {live:,}"),
        (w("first_created"), f"{o['created'].min():%Y-%m-%d}"),
        (w("asof"), a.strftime("%Y-%m-%d")),
        (w("stage_history"), w("current_only") if data.current_stage_only else
         w("rows", n=f"{len(data.stage_history):,}")),
        (w("tables"), " / ".join(w("yes") if data.has(t) else w("no") for t in ("plans", "budgets", "expenses"))),
    ]
    return pd.DataFrame(rows, columns=["item", "value"])


def competitor_table(opportunities: pd.DataFrame) -> pd.DataFrame:
    """Win rate by competitor × price-driven (the course's "competitors per opportunity" view)."""
    o = opportunities.assign(price_driven=opportunities["price_driven"].astype(bool))
    t = win_rate(o, by=["competitor", "price_driven"]).table
    return t[["competitor", "price_driven", "won", "lost", "win_rate", "lower", "upper"]]
