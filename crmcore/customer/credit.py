"""Customer credit rating (客户信用评级) from invoice-level payment history.

Input: one row per invoice — ``customer_id, invoice_id, issue_date, due_date, paid_date, amount``
(``paid_date`` empty = not paid). Everything is computed as of ``asof``: only invoices issued
before it count, and a payment dated on or after it has not happened yet.

Indicators per customer (amounts are invoice amounts; "due" = due date before ``asof``):

- collection rate (回款率) = amount of due invoices paid ÷ amount of due invoices;
- on-time rate (按期回款率) = amount of due invoices paid by their due date ÷ amount of due invoices;
- days past due (逾期天数): per due invoice max(0, paid − due) if paid, else asof − due; the
  customer's figure is the amount-weighted mean;
- overdue by bucket (账龄): of the amount still outstanding at ``asof``, the share that is
  0–30, 31–60, 61–90 and 90+ days past due (not yet due = current).

Score = Σ weight × sub-score, each sub-score on 0–100:
collection = 100 × collection rate; on_time = 100 × on-time rate;
days_past_due = 100 × max(0, 1 − days past due ÷ ``dpd_cap``);
overdue = 100 × (1 − Σ bucket share × bucket severity), severities 0.25, 0.5, 0.75, 1 for
0–30, 31–60, 61–90, 90+. The weights may come from an AHP judgement (``crmcore.ahp``): pass the
AHP result or its ``weights_dict()``.

Grades: A ≥ 85, B ≥ 70, C ≥ 55, D below. Credit limit (信用额度) = ``limit_months[grade]`` ×
average monthly invoiced amount over the 365 days before ``asof`` (A 3 months, B 2, C 1, D 0 =
prepayment or cash on delivery), rounded down to ``round_to``. Customers with no invoice due
yet are "unrated" and get no limit from this rule.

The words (catalogues, the findings paragraph, the ledger summary) are in
:mod:`~crmcore.customer.credit_text`, the chart in :mod:`~crmcore.customer.credit_plots`; ``credit.LABELS``,
``credit.COLUMN_LABELS``, ``credit.payments_source`` … are re-exported here.

References
----------
Bailey, M. (2004). *Consumer Credit Quality: Underwriting, Scoring, Fraud Prevention and
Collections*. White Box (weighted scorecards, ageing buckets).
Saaty, T. L. (1980). *The Analytic Hierarchy Process*. McGraw-Hill (weights by pairwise judgement).
"""
from __future__ import annotations

import gzip
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd

from crmcore import engine
from crmcore.customer import credit_plots, credit_text
from crmcore.customer.credit_text import COLUMN_LABELS, LABELS, no_accounts_sentence, payments_source  # noqa: F401
from crmcore.errors import DataError, DomainError, ParameterError, data_error
from crmcore.labels import check_lang, text
from crmcore.results import ParagraphResult

COLUMNS = ["customer_id", "invoice_id", "issue_date", "due_date", "paid_date", "amount"]
BUCKETS = ("0-30", "31-60", "61-90", "90+")
SEVERITY = {"0-30": 0.25, "31-60": 0.5, "61-90": 0.75, "90+": 1.0}
INDICATORS = ("collection", "on_time", "days_past_due", "overdue")
DEFAULT_WEIGHTS = {"collection": 0.35, "on_time": 0.25, "days_past_due": 0.20, "overdue": 0.20}
DEFAULT_CUTS = (85.0, 70.0, 55.0)
DEFAULT_MONTHS = {"A": 3.0, "B": 2.0, "C": 1.0, "D": 0.0}
DATA_FILE = Path(__file__).resolve().parents[2] / "data" / "demo_payments.csv.gz"
SEED = 20240102


# ------------------------------------------------------------------ demo data
def generate_payments(tx: Any, *, seed: int = SEED, min_invoice_orders: int = 2,
                      terms_days: tuple[int, ...] = (30, 60)) -> pd.DataFrame:
    """Invoice-level payment data consistent with the transactions (seeded, deterministic).

    B2B-style accounts are the customers with at least ``min_invoice_orders`` orders paid by
    ``payment == "invoice"`` (every customer's orders when there is no ``payment`` column); each
    such order becomes one invoice issued on the order day for the order's amount (returns
    excluded). Each account gets payment terms from ``terms_days`` and a latent payment habit:
    prompt (55 %: pays before the due date, 1 invoice in 20 up to 10 days late), slow (25 %: up to
    30 days late), late (15 %: 20–100 days late, 10 % never) or defaulting (5 %: 60–180 days late,
    half never). A payment that would fall after the last day of the transactions is left empty
    (still unpaid at the data's end).
    """
    t = engine.table(tx)
    engine._check_cols(t, ["customer_id", "order_id", "order_date", "amount"], "generate_payments")
    has_pay = "payment" in t.columns
    t = t.filter(t.amount > 0)
    agg = {"order_date": t.order_date.min(), "amount": t.amount.sum()}
    if has_pay:
        agg["payment"] = t.payment.min()
    orders = engine.execute(t.group_by(["customer_id", "order_id"]).aggregate(**agg), tx)
    if orders.empty:
        raise DataError("generate_payments: the transactions have no purchases.")
    data_end = pd.Timestamp(orders["order_date"].max()).normalize() + pd.Timedelta(days=1)
    if has_pay:
        orders = orders[orders["payment"] == "invoice"]
    orders = orders.assign(customer_id=orders["customer_id"].astype(str), order_id=orders["order_id"].astype(str))
    n = orders.groupby("customer_id")["order_id"].transform("size")
    orders = orders[n >= min_invoice_orders].sort_values(["customer_id", "order_date", "order_id"]).reset_index(drop=True)
    rng = np.random.default_rng(seed)
    accounts = np.sort(orders["customer_id"].unique())
    habits = rng.choice(["prompt", "slow", "late", "default"], size=len(accounts), p=[0.55, 0.25, 0.15, 0.05])
    terms = rng.choice(np.asarray(terms_days), size=len(accounts))
    habit = pd.Series(habits, index=accounts)[orders["customer_id"]].to_numpy()
    term = pd.Series(terms, index=accounts)[orders["customer_id"]].to_numpy()
    issue = pd.to_datetime(orders["order_date"]).dt.normalize().to_numpy()
    due = issue + term.astype("timedelta64[D]")
    m = len(orders)
    u = rng.random(m)
    never = rng.random(m)
    late_days = np.select(
        [habit == "prompt", habit == "slow", habit == "late", habit == "default"],
        [np.where(u < 0.05, rng.integers(1, 11, m), -np.floor(u * term * 0.7)),
         rng.integers(0, 31, m), rng.integers(20, 101, m), rng.integers(60, 181, m)])
    unpaid = ((habit == "late") & (never < 0.10)) | ((habit == "default") & (never < 0.5))
    paid = due + late_days.astype(int).astype("timedelta64[D]")
    paid = np.maximum(paid, issue)
    paid = pd.Series(paid).where(~unpaid & (paid < data_end.to_datetime64()))
    out = pd.DataFrame({
        "customer_id": orders["customer_id"].to_numpy(),
        "invoice_id": "INV-" + orders["order_id"].to_numpy().astype(str),
        "issue_date": pd.to_datetime(issue), "due_date": pd.to_datetime(due), "paid_date": pd.to_datetime(paid),
        "amount": orders["amount"].round(2).to_numpy(),
    })
    return out.sort_values(["issue_date", "invoice_id"]).reset_index(drop=True)


def write_demo(path: str | Path = DATA_FILE) -> Path:
    """Write ``data/demo_payments.csv.gz`` from the demo transactions (byte-identical across runs)."""
    from crmcore.door import datasets

    df = generate_payments(datasets.load("demo"))
    p = Path(path)
    with gzip.GzipFile(p, "wb", mtime=0) as fh:
        fh.write(df.to_csv(index=False, date_format="%Y-%m-%d").encode("utf-8"))
    return p


def demo_payments() -> pd.DataFrame:
    """The demo payment data (the committed file, or generated when it is absent)."""
    if DATA_FILE.exists():
        return load_payments(DATA_FILE)
    from crmcore.door import datasets

    return load_payments(generate_payments(datasets.load("demo")))


# ------------------------------------------------------------------ validation
def load_payments(source: Any) -> pd.DataFrame:
    """Validated invoice table (a DataFrame or a CSV/Excel path) with dates parsed and amounts numeric."""
    name = str(source) if isinstance(source, (str, Path)) else "payments"
    if isinstance(source, (str, Path)):
        p = Path(source)
        if not p.exists():
            raise DataError(f"payment file not found: {p}. Check the path (relative paths are from {Path.cwd()}).")
        df = pd.read_excel(p, dtype=str) if p.suffix.lower() in (".xlsx", ".xls") else \
            pd.read_csv(p, dtype=str, keep_default_na=False, na_values=[""])
    elif isinstance(source, pd.DataFrame):
        df = source.copy()
    else:
        raise DataError(f"cannot read payments from a {type(source).__name__}; pass a DataFrame or a file path.")
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise data_error(f"missing column(s) {', '.join(missing)}", source=name, columns=df.columns,
                         fix="Rename the columns to customer_id, invoice_id, issue_date, due_date, paid_date, amount")
    df = df[COLUMNS + [c for c in df.columns if c not in COLUMNS]]
    df["customer_id"] = df["customer_id"].astype(str)
    df["invoice_id"] = df["invoice_id"].astype(str)
    for col in ("issue_date", "due_date", "paid_date"):
        raw = df[col]
        parsed = pd.to_datetime(raw, errors="coerce")
        bad = parsed.isna() & raw.notna() & (raw.astype(str).str.strip() != "")
        if col != "paid_date":
            bad |= parsed.isna()
        if bad.any():
            raise data_error("are not dates", source=name, column=col, n_bad=int(bad.sum()), n_total=len(df),
                             examples=list(raw[bad].head(3).items()),
                             fix="Write dates like 2025-03-31" + ("" if col != "paid_date" else
                                                                  "; leave paid_date empty for unpaid invoices"))
        df[col] = parsed.dt.normalize().astype("datetime64[us]")
    amt = pd.to_numeric(df["amount"], errors="coerce")
    bad = amt.isna() | (amt <= 0)
    if bad.any():
        raise data_error("are not positive numbers", source=name, column="amount", n_bad=int(bad.sum()),
                         n_total=len(df), examples=list(df.loc[bad, "amount"].head(3).items()),
                         fix="Record credit notes separately; every invoice amount must be > 0")
    df["amount"] = amt.astype(float)
    for col, what in (("due_date", "before the issue date"), ("paid_date", "before the issue date")):
        bad = df[col].notna() & (df[col] < df["issue_date"])
        if bad.any():
            raise data_error(f"are {what}", source=name, column=col, n_bad=int(bad.sum()), n_total=len(df),
                             examples=[(i, f"{df.at[i, 'issue_date']:%Y-%m-%d} → {df.at[i, col]:%Y-%m-%d}")
                                       for i in df.index[bad][:3]],
                             fix="Check the dates of those invoices")
    dup = df["invoice_id"].duplicated(keep=False)
    if dup.any():
        raise data_error("are duplicated", source=name, column="invoice_id", n_bad=int(dup.sum()), n_total=len(df),
                         examples=list(df.loc[dup, "invoice_id"].head(3).items()), fix="Keep one row per invoice")
    return df.reset_index(drop=True)


# ------------------------------------------------------------------ indicators and grades
def indicators(payments: Any, *, asof: Any) -> pd.DataFrame:
    """Per-customer payment indicators as of ``asof`` (see the module docstring)."""
    p = load_payments(payments)
    a = engine.check_asof(asof).normalize()
    p = p[p["issue_date"] < a].copy()
    if p.empty:
        raise DataError(f"no invoice is issued before asof={a:%Y-%m-%d}; choose a later asof.")
    paid = p["paid_date"].where(p["paid_date"] < a)          # a payment on/after asof has not happened yet
    is_due = p["due_date"] < a
    is_paid = paid.notna()
    late = (paid - p["due_date"]).dt.days.clip(lower=0)
    dpd = np.where(is_paid, late, (a - p["due_date"]).dt.days)
    p["due_amount"] = np.where(is_due, p["amount"], 0.0)
    p["collected"] = np.where(is_due & is_paid, p["amount"], 0.0)
    p["on_time_amount"] = np.where(is_due & is_paid & (paid <= p["due_date"]), p["amount"], 0.0)
    p["dpd_x_amount"] = np.where(is_due, dpd * p["amount"], 0.0)
    p["invoices_due"] = is_due.astype(int)
    open_ = ~is_paid
    p["outstanding"] = np.where(open_, p["amount"], 0.0)
    open_dpd = (a - p["due_date"]).dt.days
    p["current"] = np.where(open_ & ~is_due, p["amount"], 0.0)
    edges = {"0-30": (1, 30), "31-60": (31, 60), "61-90": (61, 90), "90+": (91, 10 ** 9)}
    for b, (lo, hi) in edges.items():
        p[f"overdue_{b}"] = np.where(open_ & is_due & (open_dpd >= lo) & (open_dpd <= hi), p["amount"], 0.0)
    p["invoiced_365"] = np.where(p["issue_date"] >= a - pd.Timedelta(days=365), p["amount"], 0.0)
    sums = ["amount", "due_amount", "collected", "on_time_amount", "dpd_x_amount", "invoices_due", "outstanding",
            "current", *(f"overdue_{b}" for b in BUCKETS), "invoiced_365"]
    g = p.groupby("customer_id", sort=True)
    out = g[sums].sum()
    out.insert(0, "invoices", g.size())
    out = out.rename(columns={"amount": "invoiced"})
    with np.errstate(invalid="ignore", divide="ignore"):
        out["collection_rate"] = out["collected"] / out["due_amount"].where(out["due_amount"] > 0)
        out["on_time_rate"] = out["on_time_amount"] / out["due_amount"].where(out["due_amount"] > 0)
        out["days_past_due"] = out["dpd_x_amount"] / out["due_amount"].where(out["due_amount"] > 0)
        base = out["outstanding"].where(out["outstanding"] > 0)
        for b in BUCKETS:
            out[f"share_{b}"] = (out[f"overdue_{b}"] / base).fillna(0.0)
    out["overdue_share"] = sum(out[f"share_{b}"] for b in BUCKETS)
    out["invoices_due"] = out["invoices_due"].astype(int)
    return out.drop(columns=["dpd_x_amount", "on_time_amount"]).reset_index()


def aging(payments: Any, *, asof: Any) -> pd.DataFrame:
    """Portfolio ageing of the amount outstanding at ``asof``: not yet due, 0–30, 31–60, 61–90, 90+."""
    ind = indicators(payments, asof=asof)
    amounts = {"current": ind["current"].sum(), **{b: ind[f"overdue_{b}"].sum() for b in BUCKETS}}
    df = pd.DataFrame({"bucket": list(amounts), "amount": [float(v) for v in amounts.values()]})
    tot = df["amount"].sum()
    df["share"] = df["amount"] / tot if tot else 0.0
    return df


def rate(payments: Any, *, asof: Any, weights: Any = None, cuts: tuple[float, float, float] = DEFAULT_CUTS,
         limit_months: Mapping[str, float] | None = None, dpd_cap: float = 90.0, round_to: float = 10.0) -> CreditResult:
    """Score, grade and credit limit for every customer with an invoice before ``asof``.

    Parameters
    ----------
    weights : dict over ``INDICATORS`` summing to 1 (default ``DEFAULT_WEIGHTS``), or an AHP result.
    cuts : score cut-offs for A, B, C (D below the last), descending.
    limit_months : months of average monthly invoicing granted per grade (default A 3, B 2, C 1, D 0).
    dpd_cap : days past due at which the days-past-due sub-score reaches 0.
    round_to : credit limits are rounded down to a multiple of this (0 = no rounding).
    """
    w = _weights(DEFAULT_WEIGHTS if weights is None else weights)
    cuts = tuple(float(c) for c in cuts)
    if len(cuts) != 3 or not (100 >= cuts[0] > cuts[1] > cuts[2] >= 0):
        raise ParameterError(f"cuts={cuts!r} must be three descending scores within 0–100, e.g. {DEFAULT_CUTS}.")
    months = dict(DEFAULT_MONTHS if limit_months is None else limit_months)
    if set(months) != set("ABCD") or any(v < 0 for v in months.values()):
        raise ParameterError(f"limit_months={limit_months!r} needs a non-negative number for each of A, B, C, D.")
    if dpd_cap <= 0 or round_to < 0:
        raise ParameterError(f"dpd_cap={dpd_cap!r} must be > 0 and round_to={round_to!r} ≥ 0.")
    a = engine.check_asof(asof).normalize()
    t = indicators(payments, asof=a)
    t["s_collection"] = 100 * t["collection_rate"]
    t["s_on_time"] = 100 * t["on_time_rate"]
    t["s_days_past_due"] = 100 * np.maximum(0.0, 1 - t["days_past_due"] / dpd_cap)
    t["s_overdue"] = 100 * (1 - sum(t[f"share_{b}"] * SEVERITY[b] for b in BUCKETS))
    rated = t["invoices_due"] > 0
    t["score"] = sum(w[k] * t[f"s_{k}"] for k in INDICATORS).where(rated)
    s = t["score"]
    t["grade"] = np.select([~rated, s >= cuts[0], s >= cuts[1], s >= cuts[2]], ["unrated", "A", "B", "C"], default="D")
    monthly = t["invoiced_365"] / 12.0
    raw = monthly * t["grade"].map(months).fillna(0.0)
    t["credit_limit"] = np.floor(raw / round_to + 1e-9) * round_to if round_to else raw.round(2)
    ag = aging(payments, asof=a)
    return CreditResult(t, ag, a, w, cuts, months, float(dpd_cap), float(round_to))


@dataclass(frozen=True)
class CreditResult(ParagraphResult):
    """Indicators, sub-scores, score, grade and limit per customer, and the portfolio ageing."""

    table: pd.DataFrame = field(repr=False)
    aging: pd.DataFrame = field(repr=False)
    asof: pd.Timestamp
    weights: Mapping[str, float]
    cuts: tuple[float, float, float]
    limit_months: Mapping[str, float]
    dpd_cap: float
    round_to: float
    title = "Customer credit grades (客户信用评级)"
    _conventions = ("asof", "weights", "cuts", "limit_months", "dpd_cap", "round_to")
    _columns = credit_text.RESULT_COLUMNS

    def aging_table(self, lang: str = "en") -> pd.DataFrame:
        """The portfolio ageing with the bucket names in ``lang`` ("not yet due" for current)."""
        check_lang(lang)
        a = self.aging.copy()
        a["bucket"] = [text("current", lang, LABELS) if b == "current" else b for b in a["bucket"]]
        return a

    def grades(self, lang: str | None = None) -> pd.DataFrame:
        """Customers, outstanding amount and total limit per grade (A–D, unrated; its name in ``lang``)."""
        t = self.table
        g = t.groupby("grade")
        out = pd.DataFrame({"customers": g.size(), "mean_score": g["score"].mean(),
                            "outstanding": g["outstanding"].sum(), "credit_limit": g["credit_limit"].sum()})
        out = out.reindex(["A", "B", "C", "D", "unrated"]).fillna({"customers": 0, "outstanding": 0.0, "credit_limit": 0.0})
        out["customers"] = out["customers"].astype(int)
        out.index.name = "grade"
        out = out.reset_index()
        if lang is not None:
            check_lang(lang)
            out["grade"] = [text(g, lang, LABELS) if g == "unrated" else g for g in out["grade"]]
        return out

    def _summary_text(self, lang: str = "en") -> str:
        return credit_text.grades_text(self, lang)

    def plot(self, ax=None, lang: str = "en"):
        return credit_plots.plot_grades(self, ax=ax, lang=lang)


# ------------------------------------------------------------------ helpers
def _weights(weights: Any) -> dict[str, float]:
    if hasattr(weights, "weights_dict"):
        weights = weights.weights_dict()
    if not isinstance(weights, Mapping):
        raise ParameterError(f"weights must be a dict like {DEFAULT_WEIGHTS} or an AHP result; got {type(weights).__name__}.")
    unknown = [k for k in weights if k not in INDICATORS]
    if unknown:
        raise ParameterError(f"unknown indicator(s) {', '.join(map(repr, unknown))} in weights; "
                             f"use {', '.join(INDICATORS)}.")
    w = {k: float(weights.get(k, 0.0)) for k in INDICATORS}
    if any(v < 0 for v in w.values()):
        raise DomainError(f"weights {w} include a negative weight; every weight must be ≥ 0.")
    total = sum(w.values())
    if abs(total - 1) > 1e-6:
        raise DomainError(f"weights sum to {total:.6g}, not 1: {w}. Normalise them (divide each by the sum).")
    return w
