"""B2B sales data: the canonical schema, validation at the door, CRM-export mapping and a seeded demo.

The CRM 3.0 / 客户管理 course material manages B2B selling through opportunities (商机) that move
through stages (商机阶段) and are graded A–D (商机分级), key accounts (大客户) with their people,
activities and expenses, and rolling sales plans (滚动计划). One schema holds all of it:

=================  =====================================================================================
table              columns (required first; the rest optional)
=================  =====================================================================================
opportunities      opportunity_id, account_id, owner, product, amount, created, closed, outcome
                   (won / lost / open); grade (A–D), expected_close, competitor, price_driven,
                   presales_days
stage_history      opportunity_id, stage, entered — one row per stage an opportunity entered
accounts           account_id, name, region (= business unit), industry, winnable, deliverable,
                   demonstration (hand scores 1–5 for the comprehensive score)
contacts           contact_id, account_id, name, role (decision chain), influence 1–5,
                   relationship 1–5 (our strength), reports_to
activities         activity_id, opportunity_id, account_id, contact_id, owner, kind, date
expenses           expense_id, activity_id, account_id, contact_id, owner, unit, product, date, amount
plans              month, unit, product, planned, plan_type (摸底 exploratory / 考核 assessment /
                   滚动 rolling), revision, set_on
budgets            month, unit, budget
reviews            month, account_id, need, capability, closeness (monthly key-account review, 1–5)
=================  =====================================================================================

:func:`check_opportunities` and :func:`check_stage_history` validate at the door (like
``crmcore.data.load_transactions``): a text amount, a close before creation, an unknown outcome or
stage, a stage history that goes backwards raise a :class:`~crmcore.errors.DataError` naming the
column, the count, examples and the fix; the only repair is the documented ``backwards="drop"``.
:func:`load_export` maps a CRM export (the "sales_pipeline.csv" shape: opportunity_id,
sales_agent, product, account, deal_stage, engage_date, close_date, close_value) with a
``<file>.mapping.yaml`` sidecar. :func:`generate` makes the seeded demo whose truth is known
(:data:`TRUTH`): stage conversion probabilities, seasonality, an owner who sandbags and a
competitor who wins price-driven deals.
"""
from __future__ import annotations

import gzip
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd

# the demo's words and their lookups live in b2b_text (re-exported: b2b.value, b2b.VALUES …)
from crmcore.door.b2b_text import NAME_PREFIXES, VALUES, YES_NO, translate_values, value  # noqa: F401
from crmcore.errors import DataError, ParameterError, data_error

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
SEED = 20260101
START, END = pd.Timestamp("2024-01-01"), pd.Timestamp("2025-12-31")

#: the default open stages, in order; an opportunity leaves the last one as won (or drops out as lost)
STAGES = ("qualify", "needs", "proposal", "negotiate")
OUTCOMES = ("won", "lost", "open")
GRADES = ("A", "B", "C", "D")
ROLES = ("decision_maker", "technical_buyer", "user", "coach", "gatekeeper")
#: the five themes of expense analysis in the course material (销量、费效、客户、关键人、员工)
THEMES = ("volume", "cost_effectiveness", "customer", "key_person", "staff")
PLAN_TYPES = ("exploratory", "assessment", "rolling")

OWNERS = ("Zhang Wei", "Li Na", "Wang Fang", "Liu Yang", "Chen Jing", "Zhao Lei")
PRODUCTS = ("CRM Suite", "Analytics", "Cloud Storage", "Consulting")
UNITS = ("East", "South", "North", "West")
COMPETITORS = ("none", "PriceCo", "BigSoft")
INDUSTRIES = ("Manufacturing", "Retail", "Finance", "Healthcare")

#: The demo's answer key. ``conversion``: the true probability that an opportunity in a stage reaches
#: the next one (the last one: won), for an ordinary deal; the sandbagger's deals convert with
#: ``sandbag_lift`` times that (capped at 0.95) from proposal on, because he registers a deal late;
#: price-driven deals against ``price_competitor`` are won at ``price_loss_win`` in negotiation.
TRUTH: dict[str, Any] = {
    "conversion": {"qualify": 0.60, "needs": 0.70, "proposal": 0.65, "negotiate": 0.70},
    "days_in_stage": {"qualify": 14, "needs": 21, "proposal": 28, "negotiate": 21},
    "sandbagger": "Zhao Lei",
    "sandbag_lift": 1.3,
    "price_competitor": "PriceCo",
    "price_loss_win": 0.25,
    "month_factor": [0.6, 0.5, 0.9, 1.0, 1.0, 1.1, 0.9, 0.8, 1.0, 1.1, 1.3, 1.5],
    "stalled_share": 0.08,
    "declining_account": "ACC-007",
}

# --------------------------------------------------------------------------- validation at the door


def _require(df: Any, cols: tuple[str, ...], source: str) -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise DataError(f"{source}: expected a pandas DataFrame, got {type(df).__name__}.")
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise data_error(f"missing required column(s) {', '.join(map(repr, missing))}", source=source,
                         columns=df.columns, fix="Rename your columns (or map a CRM export with b2b.load_export)")
    return df.copy()


def _dates(df: pd.DataFrame, col: str, source: str, *, required: bool) -> pd.Series:
    raw = df[col]
    parsed = pd.to_datetime(raw, errors="coerce", format="mixed") if len(raw) else pd.to_datetime(raw)
    bad = parsed.isna() & raw.notna() & (raw.astype(str).str.strip() != "")
    if required:
        bad = bad | raw.isna()
    if bad.any():
        idx = np.flatnonzero(bad.to_numpy())
        raise data_error("are missing or not dates" if required else "are not dates", source=source, column=col,
                         n_bad=len(idx), n_total=len(df), examples=[(i, raw.iloc[i]) for i in idx[:3]],
                         fix="Write dates as YYYY-MM-DD")
    return parsed.dt.normalize()


def _amounts(df: pd.DataFrame, col: str, source: str, *, required: bool = True) -> pd.Series:
    raw = df[col]
    num = pd.to_numeric(raw, errors="coerce")
    bad = (num.isna() & (raw.notna() if not required else True)) | ~np.isfinite(num.fillna(0).astype(float))
    if bad.any():
        idx = np.flatnonzero(bad.to_numpy())
        raise data_error("are missing or not numbers", source=source, column=col, n_bad=len(idx),
                         n_total=len(df), examples=[(i, raw.iloc[i]) for i in idx[:3]],
                         fix="Write amounts as plain numbers (no currency signs or thousands separators)")
    neg = num < 0
    if neg.any():
        idx = np.flatnonzero(neg.to_numpy())
        raise data_error("are negative", source=source, column=col, n_bad=len(idx), n_total=len(df),
                         examples=[(i, raw.iloc[i]) for i in idx[:3]], fix="An opportunity amount is ≥ 0")
    return num.astype(float)


def check_opportunities(opportunities: Any, *, source: str = "opportunities") -> pd.DataFrame:
    """The opportunities, validated: a copy with typed columns, or a DataError.

    Required: ``opportunity_id, account_id, owner, product, amount, created, closed, outcome``.
    ``amount`` numeric ≥ 0; ``created`` a date; ``outcome`` won/lost/open; ``closed`` a date for
    won and lost deals, empty for open ones, and never before ``created``.
    """
    req = ("opportunity_id", "account_id", "owner", "product", "amount", "created", "closed", "outcome")
    df = _require(opportunities, req, source)
    df["opportunity_id"] = df["opportunity_id"].astype(str)
    dup = df["opportunity_id"].duplicated()
    if dup.any():
        idx = np.flatnonzero(dup.to_numpy())
        raise data_error("appear more than once", source=source, column="opportunity_id", n_bad=len(idx),
                         n_total=len(df), examples=[(i, df["opportunity_id"].iloc[i]) for i in idx[:3]],
                         fix="Give one row per opportunity (its current state); stages go into stage_history")
    df["amount"] = _amounts(df, "amount", source)
    df["created"] = _dates(df, "created", source, required=True)
    df["closed"] = _dates(df, "closed", source, required=False)
    out = df["outcome"].astype(str).str.strip().str.lower()
    bad = ~out.isin(OUTCOMES)
    if bad.any():
        idx = np.flatnonzero(bad.to_numpy())
        raise data_error("are not won, lost or open", source=source, column="outcome", n_bad=len(idx),
                         n_total=len(df), examples=[(i, df["outcome"].iloc[i]) for i in idx[:3]],
                         fix="Map your CRM's stage names to won/lost/open (b2b.load_export does it from a mapping)")
    df["outcome"] = out
    no_close = (df["outcome"] != "open") & df["closed"].isna()
    if no_close.any():
        idx = np.flatnonzero(no_close.to_numpy())
        raise data_error("are won or lost without a close date", source=source, column="closed",
                         n_bad=len(idx), n_total=len(df), examples=[(i, df["opportunity_id"].iloc[i]) for i in idx[:3]],
                         fix="Give each closed opportunity its close date")
    early = df["closed"].notna() & (df["closed"] < df["created"])
    if early.any():
        idx = np.flatnonzero(early.to_numpy())
        raise data_error("close before they were created", source=source, column="closed", n_bad=len(idx),
                         n_total=len(df),
                         examples=[(i, f"{df['opportunity_id'].iloc[i]}: created {df['created'].iloc[i]:%Y-%m-%d}, "
                                       f"closed {df['closed'].iloc[i]:%Y-%m-%d}") for i in idx[:3]],
                         fix="Correct the dates in the CRM; a deal cannot close before it exists")
    open_closed = (df["outcome"] == "open") & df["closed"].notna()
    df.loc[open_closed, "closed"] = pd.NaT  # an open deal's planned date belongs in expected_close
    for c in ("account_id", "owner", "product"):
        df[c] = df[c].astype(str)
    if "expected_close" in df.columns:
        df["expected_close"] = _dates(df, "expected_close", source, required=False)
    if "grade" in df.columns:
        g = df["grade"].astype(str).str.strip().str.upper()
        bad = ~g.isin(GRADES) & df["grade"].notna()
        if bad.any():
            idx = np.flatnonzero(bad.to_numpy())
            raise data_error("are not grades A–D", source=source, column="grade", n_bad=len(idx), n_total=len(df),
                             examples=[(i, df["grade"].iloc[i]) for i in idx[:3]], fix="Use A, B, C or D")
        df["grade"] = g.where(df["grade"].notna())
    return df


def check_stage_history(stage_history: Any, *, stages: tuple[str, ...] = STAGES,
                        opportunities: pd.DataFrame | None = None, backwards: str = "error",
                        source: str = "stage_history") -> pd.DataFrame:
    """The stage history, validated and sorted: a copy, or a DataError.

    Every ``stage`` must be one of ``stages`` (open stages in order; "won"/"lost" rows are allowed and
    ignored here since the outcome lives on the opportunity). An opportunity whose entries, in date
    order, go back to an earlier stage is refused (``backwards="error"``), or — the one documented
    repair, ``backwards="drop"`` — the backward rows are dropped so each opportunity keeps its first
    pass through each stage. ``entered`` before the opportunity's ``created`` is refused too.
    """
    if backwards not in ("error", "drop"):
        raise ParameterError(f"backwards={backwards!r}; use 'error' or 'drop'.")
    df = _require(stage_history, ("opportunity_id", "stage", "entered"), source)
    df["opportunity_id"] = df["opportunity_id"].astype(str)
    df["stage"] = df["stage"].astype(str).str.strip()
    df = df[~df["stage"].isin(("won", "lost"))].reset_index(drop=True)
    unknown = ~df["stage"].isin(stages)
    if unknown.any():
        idx = np.flatnonzero(unknown.to_numpy())
        names = sorted(set(df["stage"][unknown]))
        raise data_error(f"are unknown stages ({', '.join(map(repr, names[:5]))})", source=source, column="stage",
                         n_bad=len(idx), n_total=len(df), examples=[(i, df["stage"].iloc[i]) for i in idx[:3]],
                         fix=f"Use the stages {', '.join(stages)} or pass stages=(...) in your order")
    df["entered"] = _dates(df, "entered", source, required=True)
    order = {s: k for k, s in enumerate(stages)}
    df["_k"] = df["stage"].map(order)
    df = df.sort_values(["opportunity_id", "entered", "_k"], kind="stable", ignore_index=True)
    prev_max = df.groupby("opportunity_id")["_k"].cummax().groupby(df["opportunity_id"]).shift()
    back = (df["_k"] <= prev_max).to_numpy()
    if back.any():
        if backwards == "error":
            idx = np.flatnonzero(back)
            raise data_error("go back to a stage the opportunity had already passed", source=source, column="stage",
                             n_bad=len(idx), n_total=len(df),
                             examples=[(i, f"{df['opportunity_id'].iloc[i]} → {df['stage'].iloc[i]} on "
                                           f"{df['entered'].iloc[i]:%Y-%m-%d}") for i in idx[:3]],
                             fix="Correct the history, or pass backwards='drop' to keep each opportunity's first "
                                 "pass through each stage (the later moves back are dropped)")
        df = df[~back].reset_index(drop=True)
    if opportunities is not None:
        created = opportunities.set_index("opportunity_id")["created"]
        orphan = ~df["opportunity_id"].isin(created.index)
        if orphan.any():
            idx = np.flatnonzero(orphan.to_numpy())
            raise data_error("name an opportunity that is not in the opportunities table", source=source,
                             column="opportunity_id", n_bad=len(idx), n_total=len(df),
                             examples=[(i, df["opportunity_id"].iloc[i]) for i in idx[:3]])
        early = (df["entered"] < df["opportunity_id"].map(created)).to_numpy()
        if early.any():
            idx = np.flatnonzero(early)
            raise data_error("entered a stage before the opportunity was created", source=source, column="entered",
                             n_bad=len(idx), n_total=len(df),
                             examples=[(i, f"{df['opportunity_id'].iloc[i]}: {df['entered'].iloc[i]:%Y-%m-%d}")
                                       for i in idx[:3]], fix="Correct the dates")
    return df.drop(columns="_k")


# --------------------------------------------------------------------------- the data set


@dataclass(frozen=True)
class B2BData:
    """The B2B tables of one data set (empty frames for tables a source does not have)."""

    opportunities: pd.DataFrame = field(repr=False)
    stage_history: pd.DataFrame = field(repr=False)
    accounts: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)
    contacts: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)
    activities: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)
    expenses: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)
    plans: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)
    budgets: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)
    reviews: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)
    stages: tuple = STAGES
    source: str = "b2b_demo"
    #: True when the stage history holds only each opportunity's current stage (a flat CRM export)
    current_stage_only: bool = False
    #: True when lost deals carry no amount (the export writes close_value 0 for them)
    lost_amount_known: bool = True

    def has(self, table: str) -> bool:
        return not getattr(self, table).empty

    def last_day(self) -> pd.Timestamp:
        """The last date any event of the data carries (created, closed, stage entered)."""
        o = self.opportunities
        days = [o["created"].max(), o["closed"].max(), self.stage_history["entered"].max()]
        return max(d for d in days if pd.notna(d))


def resolve_asof(asof: str, data: B2BData) -> str:
    """The snapshot date: ``asof`` as given (checked), or the day after the data's last event (never the clock)."""
    last = data.last_day()
    first = data.opportunities["created"].min()
    if not asof:
        return (last + pd.Timedelta(days=1)).strftime("%Y-%m-%d")
    try:
        ts = pd.Timestamp(asof)
    except (ValueError, TypeError):
        raise ParameterError(f"asof={asof!r} is not a date; write YYYY-MM-DD or leave it empty.") from None
    if ts <= first or ts > last + pd.Timedelta(days=31):
        raise ParameterError(f"asof={asof} is outside the data (opportunities from {first:%Y-%m-%d}, last event "
                             f"{last:%Y-%m-%d}); leave it empty for {last + pd.Timedelta(days=1):%Y-%m-%d}.")
    return ts.strftime("%Y-%m-%d")


# --------------------------------------------------------------------------- demo generator


def _month_weights(days: pd.DatetimeIndex) -> np.ndarray:
    w = np.asarray(TRUTH["month_factor"])[days.month - 1]
    return w / w.sum()


def generate(*, seed: int = SEED, n_accounts: int = 120, n_opportunities: int = 2400) -> dict[str, pd.DataFrame]:
    """The seeded B2B demo: every table of the schema, with the truth of :data:`TRUTH` built in.

    Opportunities are created 2024-01-01 … 2025-12-31 with the month seasonality of
    ``TRUTH["month_factor"]``; each walks the stages, converting with ``TRUTH["conversion"]`` and
    spending an exponential number of days (mean ``TRUTH["days_in_stage"]``) in each; events after
    2025-12-31 are cut off, so recent deals are open. A share of deals stall (10× the time in stage).
    """
    rng = np.random.default_rng(seed)
    conv, dwell = TRUTH["conversion"], TRUTH["days_in_stage"]
    acc_ids = [f"ACC-{k:03d}" for k in range(1, n_accounts + 1)]
    size = rng.lognormal(0, 0.8, n_accounts)
    accounts = pd.DataFrame({
        "account_id": acc_ids,
        "name": [f"Account {k:03d}" for k in range(1, n_accounts + 1)],
        "region": rng.choice(UNITS, n_accounts, p=[0.35, 0.25, 0.25, 0.15]),
        "industry": rng.choice(INDUSTRIES, n_accounts),
        "winnable": rng.integers(1, 6, n_accounts), "deliverable": rng.integers(2, 6, n_accounts),
        "demonstration": rng.integers(1, 6, n_accounts),
    })
    account_owner = dict(zip(acc_ids, rng.choice(OWNERS, n_accounts)))
    days = pd.date_range(START, END, freq="D")
    created = np.sort(rng.choice(days.to_numpy(), n_opportunities, p=_month_weights(days)))
    acc = rng.choice(acc_ids, n_opportunities, p=size / size.sum())
    product = rng.choice(PRODUCTS, n_opportunities, p=[0.4, 0.25, 0.2, 0.15])
    base = {"CRM Suite": 120_000, "Analytics": 80_000, "Cloud Storage": 50_000, "Consulting": 30_000}
    amount = np.round(np.array([base[p] for p in product]) * rng.lognormal(0, 0.6, n_opportunities), -2)
    owner = np.array([account_owner[a] for a in acc])
    competitor = rng.choice(COMPETITORS, n_opportunities, p=[0.4, 0.35, 0.25])
    price_driven = rng.random(n_opportunities) < 0.4
    stalled = rng.random(n_opportunities) < TRUTH["stalled_share"]
    # grade: size of the deal and whether a competitor is in it, with noise (A = top 15 %, B next 25 %, C next 30 %)
    gscore = np.log(amount) + 0.4 * (competitor == "none") + 0.3 * rng.standard_normal(n_opportunities)
    q = np.quantile(gscore, [0.85, 0.60, 0.30])
    grades = np.where(gscore >= q[0], "A", np.where(gscore >= q[1], "B", np.where(gscore >= q[2], "C", "D")))
    cut = END
    rows, opp = [], []
    for i in range(n_opportunities):
        oid = f"OPP-{i + 1:05d}"
        t = pd.Timestamp(created[i])
        outcome, closed, k_reached = "open", pd.NaT, 0
        for k, s in enumerate(STAGES):
            if t > cut:
                break
            rows.append((oid, s, t))
            k_reached = k
            p = conv[s]
            if owner[i] == TRUTH["sandbagger"] and k >= 2:
                p = min(0.95, p * TRUTH["sandbag_lift"])
            if s == "negotiate" and price_driven[i] and competitor[i] == TRUTH["price_competitor"]:
                p = TRUTH["price_loss_win"]
            stay = rng.exponential(dwell[s]) * (10 if stalled[i] else 1) + 1
            # the sandbagger registers late: short early stages
            if owner[i] == TRUTH["sandbagger"] and k < 2:
                stay = stay / 3 + 1
            t_next = t + pd.Timedelta(days=int(stay))
            moves = rng.random() < p
            if t_next > cut:
                break
            if not moves:
                outcome, closed = "lost", t_next
                break
            t = t_next
            if k == len(STAGES) - 1:
                outcome, closed = "won", t
        grade = grades[i]
        # the sandbagger also promises late: his expected close lies 40 % further out
        exp_close = pd.Timestamp(created[i]) + pd.Timedelta(days=int(sum(dwell.values()) * (
            1.4 if owner[i] == TRUTH["sandbagger"] else 1.0)))
        opp.append((oid, acc[i], owner[i], product[i], float(amount[i]), pd.Timestamp(created[i]), closed, outcome,
                    grade, exp_close, competitor[i], bool(price_driven[i]),
                    float(np.round({"A": 12, "B": 6, "C": 2, "D": 1}[grade] * rng.uniform(0.5, 1.5), 1)),
                    STAGES[k_reached]))
    opportunities = pd.DataFrame(opp, columns=["opportunity_id", "account_id", "owner", "product", "amount",
                                               "created", "closed", "outcome", "grade", "expected_close",
                                               "competitor", "price_driven", "presales_days", "_stage"])
    opportunities = opportunities.drop(columns="_stage")
    history = pd.DataFrame(rows, columns=["opportunity_id", "stage", "entered"])

    # contacts: 3–6 per account, one decision maker at the top
    crow = []
    for a in acc_ids:
        n = int(rng.integers(3, 7))
        roles = ["decision_maker"] + list(rng.choice(ROLES[1:], n - 1))
        ids = [f"{a}-C{j + 1}" for j in range(n)]
        for j, r in enumerate(roles):
            crow.append((ids[j], a, f"Contact {a[-3:]}-{j + 1}", r,
                         int(5 if r == "decision_maker" else rng.integers(1, 5)), int(rng.integers(1, 6)),
                         "" if j == 0 else ids[0] if r in ("technical_buyer", "coach") else ids[int(rng.integers(0, j))]))
    contacts = pd.DataFrame(crow, columns=["contact_id", "account_id", "name", "role", "influence", "relationship",
                                           "reports_to"])

    # activities and their expenses: about 3 per opportunity, cost by kind
    kinds = ("visit", "demo", "dinner", "event")
    cost = {"visit": 800, "demo": 2500, "dinner": 1500, "event": 5000}
    first_contact = contacts.groupby("account_id")["contact_id"].apply(list).to_dict()
    arow, erow = [], []
    unit_of = dict(zip(accounts["account_id"], accounts["region"]))
    for o in opportunities.itertuples():
        end = o.closed if pd.notna(o.closed) else cut
        n = int(rng.integers(1, 5)) + (2 if o.grade == "A" else 0)
        span = max(1, (end - o.created).days)
        for _ in range(n):
            kind = str(rng.choice(kinds, p=[0.5, 0.2, 0.2, 0.1]))
            d = o.created + pd.Timedelta(days=int(rng.integers(0, span + 1)))
            cid = str(rng.choice(first_contact[o.account_id]))
            aid = f"ACT-{len(arow) + 1:06d}"
            arow.append((aid, o.opportunity_id, o.account_id, cid, o.owner, kind, d))
            erow.append((f"EXP-{len(erow) + 1:06d}", aid, o.account_id, cid, o.owner, unit_of[o.account_id],
                         o.product, d, float(np.round(cost[kind] * rng.uniform(0.6, 1.4), 0))))
    activities = pd.DataFrame(arow, columns=["activity_id", "opportunity_id", "account_id", "contact_id", "owner",
                                             "kind", "date"])
    expenses = pd.DataFrame(erow, columns=["expense_id", "activity_id", "account_id", "contact_id", "owner", "unit",
                                           "product", "date", "amount"])

    # plans: annual assessment plan per unit and product; each month a rolling plan for the next three months
    won = opportunities[opportunities["outcome"] == "won"].assign(unit=lambda d: d["account_id"].map(unit_of))
    won = won.assign(month=won["closed"].dt.to_period("M").astype(str))
    actual = won.groupby(["month", "unit", "product"])["amount"].sum()
    months = pd.period_range(START, END, freq="M")
    prow = []
    for u in UNITS:
        for p in PRODUCTS:
            a_up = actual.reset_index()
            a_up = a_up[(a_up["unit"] == u) & (a_up["product"] == p)]
            level = float(a_up["amount"].sum()) / len(months) if len(a_up) else 50_000.0
            for m in months:
                prow.append((str(m), u, p, round(level * 1.1, -3), "assessment", 0, f"{m.year}-01-01"))
            for k, set_m in enumerate(months[:-1]):
                for ahead in (1, 2, 3):
                    tm = set_m + ahead
                    if tm > months[-1]:
                        continue
                    truth = float(actual.get((str(tm), u, p), 0.0))
                    noise = rng.normal(0, 0.35 * ahead / 3 + 0.1)
                    prow.append((str(tm), u, p, round(max(0.0, truth * (1 + noise) + level * 0.2 * noise), -3),
                                 "rolling", 3 - ahead, (set_m + 1).start_time.strftime("%Y-%m-01")))
    plans = pd.DataFrame(prow, columns=["month", "unit", "product", "planned", "plan_type", "revision", "set_on"])
    plans = plans.sort_values(["month", "unit", "product", "plan_type", "set_on"], ignore_index=True)
    spend = expenses.assign(month=expenses["date"].dt.to_period("M").astype(str)).groupby(["month", "unit"])["amount"].sum()
    budgets = pd.DataFrame([(str(m), u, round(float(spend.get((str(m), u), 0.0)) * rng.uniform(0.8, 1.2), -2))
                            for m in months for u in UNITS], columns=["month", "unit", "budget"])
    # monthly key-account reviews of the 30 largest accounts; one account's closeness declines
    top = list(opportunities.groupby("account_id")["amount"].sum().sort_values(ascending=False).head(30).index)
    if TRUTH["declining_account"] not in top:
        top = top[:29] + [TRUTH["declining_account"]]
    rrow = []
    for a in sorted(top):
        need, cap, close = rng.integers(3, 6), rng.integers(2, 6), rng.integers(3, 6)
        for k, m in enumerate(months[-12:]):
            c = close - (k // 3 if a == TRUTH["declining_account"] else 0)
            rrow.append((str(m), a, int(np.clip(need + rng.integers(-1, 2), 1, 5)),
                         int(np.clip(cap + rng.integers(-1, 2), 1, 5)), int(np.clip(c, 1, 5))))
    reviews = pd.DataFrame(rrow, columns=["month", "account_id", "need", "capability", "closeness"])
    return {"accounts": accounts, "contacts": contacts, "opportunities": opportunities, "stage_history": history,
            "activities": activities, "expenses": expenses, "plans": plans, "budgets": budgets, "reviews": reviews}


TABLES = ("accounts", "contacts", "opportunities", "stage_history", "activities", "expenses", "plans", "budgets",
          "reviews")


def _csv_bytes(df: pd.DataFrame) -> bytes:
    out = df.copy()
    for c in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[c]):
            out[c] = out[c].dt.strftime("%Y-%m-%d")
    return out.to_csv(index=False, lineterminator="\n", float_format="%.2f").encode("utf-8")


def _gzip(data: bytes) -> bytes:
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
        gz.write(data)
    return buf.getvalue()


def write_demo(directory: str | Path = DATA_DIR) -> list[Path]:
    """Write ``b2b_<table>.csv.gz`` for every table (byte-identical on every run: gzip mtime 0)."""
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    tables = generate()
    paths = []
    for name in TABLES:
        p = d / f"b2b_{name}.csv.gz"
        p.write_bytes(_gzip(_csv_bytes(tables[name])))
        paths.append(p)
    return paths


def export_frame_of_demo(*, seed: int = 7, n: int = 600) -> pd.DataFrame:
    """A small CRM export in the "sales_pipeline.csv" shape, made from a fresh demo run (seeded).

    Columns: opportunity_id, sales_agent, product, account, deal_stage (Prospecting / Engaging / Won /
    Lost), engage_date, close_date, close_value. As in that export, ``close_value`` is 0 for lost deals
    and empty for open ones: the amount of a lost deal is unknown.
    """
    t = generate(seed=seed, n_accounts=40, n_opportunities=n)
    o = t["opportunities"]
    last = t["stage_history"].groupby("opportunity_id")["stage"].last()
    stage = np.where(o["outcome"] == "won", "Won", np.where(o["outcome"] == "lost", "Lost",
                     np.where(o["opportunity_id"].map(last).isin(["qualify", "needs"]), "Prospecting", "Engaging")))
    names = {f"ACC-{k:03d}": f"Client {k:03d}" for k in range(1, 41)}
    return pd.DataFrame({
        "opportunity_id": [f"X{k:04d}" for k in range(1, len(o) + 1)],
        "sales_agent": o["owner"].to_numpy(), "product": o["product"].to_numpy(),
        "account": o["account_id"].map(names).to_numpy(), "deal_stage": stage,
        "engage_date": o["created"].dt.strftime("%Y-%m-%d").to_numpy(),
        "close_date": o["closed"].dt.strftime("%Y-%m-%d").fillna("").to_numpy(),
        "close_value": np.where(o["outcome"] == "won", o["amount"], np.where(o["outcome"] == "lost", 0.0, np.nan)),
    })


EXPORT_MAPPING = {
    "sales_agent": "owner", "account": "account_id", "engage_date": "created", "close_date": "closed",
    "close_value": "amount", "deal_stage": "stage",
    "stages": {"Prospecting": "qualify", "Engaging": "proposal", "Won": "won", "Lost": "lost"},
    "lost_amount": "unknown",
}


def write_export(path: str | Path = DATA_DIR / "sales_pipeline_export.csv") -> Path:
    """Write the sample export and its ``.mapping.yaml`` sidecar (same bytes every run)."""
    import yaml

    p = Path(path)
    p.write_bytes(export_frame_of_demo().to_csv(index=False, lineterminator="\n", float_format="%.0f")
                  .encode("utf-8"))
    head = ("# how crmcore.b2b.load_export reads this CRM export: your column: canonical name;\n"
            "# stages: your deal_stage value -> canonical stage or outcome; lost_amount: unknown means\n"
            "# close_value is 0 for lost deals in this export (their amount is not recorded)\n")
    Path(f"{p}.mapping.yaml").write_text(head + yaml.safe_dump(EXPORT_MAPPING, sort_keys=False, allow_unicode=True),
                                         encoding="utf-8")
    return p


def load_export(path: str | Path, *, mapping: Mapping[str, Any] | None = None, asof: str = "") -> B2BData:
    """A flat CRM export (one row per opportunity with its current stage) mapped into the schema.

    ``mapping`` (or the ``<file>.mapping.yaml`` sidecar): ``your column: canonical name`` for
    owner, account_id, created, closed, amount, stage; ``stages:`` maps each value of the stage
    column to a canonical stage or to won/lost; ``lost_amount: unknown`` says lost deals carry no
    amount (then amount-based win rates are refused). Open deals without an amount count as 0.
    The stage history can only hold each open deal's current stage, entered at ``created`` (the
    export has no history): :attr:`B2BData.current_stage_only` is then True and conversion is refused.
    """
    import yaml

    p = Path(path)
    if not p.exists():
        raise DataError(f"{p}: no such file. Give the path of a CSV export, e.g. ../data/sales_pipeline_export.csv.")
    if mapping is None:
        side = Path(f"{p}.mapping.yaml")
        if not side.exists():
            raise DataError(f"{p}: no mapping. Write {side.name} next to it (see data/sales_pipeline_export.csv"
                            ".mapping.yaml) or pass mapping={{...}}.")
        mapping = yaml.safe_load(side.read_text(encoding="utf-8")) or {}
    mapping = dict(mapping)
    stage_map = dict(mapping.pop("stages", {}) or {})
    lost_unknown = mapping.pop("lost_amount", "known") == "unknown"
    raw = pd.read_csv(p, dtype=str, keep_default_na=False)
    df = raw.rename(columns=mapping)
    if "stage" not in df.columns:
        raise data_error("has no stage column", source=p.name, columns=raw.columns,
                         fix="Map your deal stage column to 'stage' in the mapping")
    unknown = ~df["stage"].isin(stage_map)
    if unknown.any():
        idx = np.flatnonzero(unknown.to_numpy())
        raise data_error("are stages the mapping does not know", source=p.name, column="stage", n_bad=len(idx),
                         n_total=len(df), examples=[(i, df["stage"].iloc[i]) for i in idx[:3]],
                         fix="Add them under 'stages:' in the mapping")
    canon = df["stage"].map(stage_map)
    df["outcome"] = np.where(canon.isin(["won", "lost"]), canon, "open")
    df["amount"] = df["amount"].astype(object).where(~((df["outcome"] == "open") & (df["amount"] == "")), "0")
    df["closed"] = df["closed"].where(df["outcome"] != "open", "")
    opps = check_opportunities(df.drop(columns="stage"), source=p.name)
    hist = pd.DataFrame({"opportunity_id": opps["opportunity_id"], "stage": canon.to_numpy(),
                         "entered": opps["created"]})
    hist = hist[hist["stage"].isin(STAGES)]
    hist = check_stage_history(hist, opportunities=opps, source=p.name)
    return B2BData(opps, hist, source=p.name, current_stage_only=True, lost_amount_known=not lost_unknown)


def load(name: str = "b2b_demo", data_path: str = "") -> B2BData:
    """The notebooks' one way in: a mapped export file (``data_path``) or the demo tables."""
    if data_path:
        return load_export(data_path)
    if name != "b2b_demo":
        raise ParameterError(f"dataset={name!r}: the B2B notebooks read 'b2b_demo' or a CRM export via data_path=.")
    t = {}
    for k in TABLES:
        p = DATA_DIR / f"b2b_{k}.csv.gz"
        t[k] = pd.read_csv(p, keep_default_na=False, na_values=[""]) if p.exists() else generate()[k]
    opps = check_opportunities(t["opportunities"], source="b2b_opportunities.csv.gz")
    hist = check_stage_history(t["stage_history"], opportunities=opps, source="b2b_stage_history.csv.gz")
    for k in ("activities", "expenses"):
        t[k]["date"] = pd.to_datetime(t[k]["date"])
    t["contacts"]["reports_to"] = t["contacts"]["reports_to"].fillna("").astype(str)
    return B2BData(opps, hist, t["accounts"], t["contacts"], t["activities"], t["expenses"], t["plans"],
                   t["budgets"], t["reviews"], source="b2b_demo")
