"""DuPont analysis (杜邦分析): ROE split into margin, turnover and leverage, and the change in ROE
between two periods attributed to those factors.

3-step:  ROE = NI/Revenue × Revenue/Assets × Assets/Equity
         (销售净利率 × 总资产周转率 × 权益乘数)
5-step:  ROE = NI/EBT × EBT/EBIT × EBIT/Revenue × Revenue/Assets × Assets/Equity
         (税负 × 利息负担 × 息税前利润率 × 总资产周转率 × 权益乘数)

Every convention is a keyword (``steps``, ``balance``, ``ebit``, ``missing_prior``,
``nonpositive_equity``) and is echoed in the result, its tables and plot subtitles. Items are
looked up by *name*, never by position, so operating and pre-tax income cannot be swapped
silently (ROE would survive such a swap because the terms cancel; the components would not).
FinanceToolkit 2.3.0's extended (5-step) DuPont — interest burden = income before tax / operating
income, operating margin = operating income / revenue, average balances — equals
``steps=5, ebit="operating_income", balance="average"`` here (to 1e-16 on the same statements);
it takes EBIT as operating income, which under Chinese GAAP (营业利润 stated after interest) makes
the interest burden exceed 1, hence the default ``ebit="pretax_plus_interest"``.

The change in ROE between two periods is attributed to the factors by chain substitution
(连环替代法, order-dependent; the range over every order is reported), by the Shapley value
(the mean of the chain effects over all orders; Shapley 1953; Ang, Liu & Chew 2003) and by LMDI-I
(Ang 2004), which needs every factor > 0 in both periods.

This module computes; reading the statements is in ``dupont_statements``, the words, sentences and reader
tables in ``dupont_text``, the plots in ``dupont_plots`` — their public names are re-exported here.
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from crmcore.errors import DataError, DomainError, ParameterError, data_error
from crmcore.labels import check_lang, text
from crmcore.results import Result
# reading statements, words and sentences, and plots live in their own modules; their public names are
# re-exported here, so ``dupont.read_statements``, ``dupont.LABELS`` or ``dupont.plot_tree`` keep working
from crmcore.strategy.dupont_plots import (  # noqa: F401
    DOWN_COLOR, FLAT_COLOR, UP_COLOR, plot_peers, plot_tree, plot_trends, plot_waterfall)
from crmcore.strategy.dupont_statements import (  # noqa: F401
    BALANCE_ITEMS, COLUMN_ALIASES, FLOW_ITEMS, ITEM_ALIASES, _norm_period, _prior, demo_statements, describe_statements,
    read_statements, statements_table)
from crmcore.strategy.dupont_text import (  # noqa: F401
    ACTIONS_DOWN, COLUMNS, COMPANY_NAMES, LABELS, RESULT_COLUMNS, _item_label, actions, attribution_table,
    company_name, components_table, conventions_text, factor_name, interpret, warnings_text)

FACTORS_3 = ("net_margin", "asset_turnover", "equity_multiplier")
FACTORS_5 = ("tax_burden", "interest_burden", "ebit_margin", "asset_turnover", "equity_multiplier")
_EBIT_ITEM = {"operating_income": ("operating_income",), "pretax_plus_interest": ("pretax_income", "interest_expense"),
              "reported": ("ebit",)}
#: largest number of factors for which every substitution order is enumerated (8! = 40,320)
MAX_FACTORS = 8


# --------------------------------------------------------------------------------------------
# DuPont
# --------------------------------------------------------------------------------------------

def dupont(
    fin: Any,
    *,
    steps: int = 3,
    balance: str = "average",
    ebit: str = "pretax_plus_interest",
    missing_prior: str = "skip",
    nonpositive_equity: str = "raise",
    reconcile_tol: float = 0.0005,
) -> DupontResult:
    """DuPont decomposition of ROE for every company and period in ``fin``.

    3-step: ROE = (NI/Revenue) × (Revenue/Assets) × (Assets/Equity).
    5-step: ROE = (NI/EBT) × (EBT/EBIT) × (EBIT/Revenue) × (Revenue/Assets) × (Assets/Equity),
    i.e. tax burden = NI/EBT, interest burden = EBT/EBIT, EBIT margin = EBIT/revenue.

    Parameters
    ----------
    fin : statements table or path (any layout :func:`read_statements` accepts).
    steps : 3 or 5.
    balance : "average" (mean of the opening and closing balance, as in FinanceToolkit and
        most textbooks) or "end" (closing balance). Flows cover a year, so averages match them.
    ebit : (5-step) "pretax_plus_interest" (default: 息税前利润 = 利润总额 + 利息费用, right whether
        or not operating income is stated after interest, as 营业利润 is under Chinese GAAP),
        "operating_income" (EBIT taken as operating income) or "reported" (an ``ebit`` item).
    missing_prior : with balance="average", what to do for a period whose prior balance sheet is
        missing: "skip" the period (default) or use its year-end balance ("end"; the row's
        ``balance_basis`` says so). Either way a warning names the period.
    nonpositive_equity : "raise" (default: ROE and the equity multiplier mean nothing when equity
        ≤ 0 — a loss on negative equity would show a positive ROE) or "drop" the row with a warning.
    reconcile_tol : a warning is added when |ROE − reported ROE| exceeds this (0.0005 = 0.05 pp).

    Negative net income, EBT or EBIT and burdens above 1 are computed and reported as warnings;
    zero revenue, assets, EBT or EBIT (a division by zero) raise a DomainError.
    """
    _check_choice("steps", steps, (3, 5))
    _check_choice("balance", balance, ("average", "end"))
    _check_choice("ebit", ebit, ("operating_income", "pretax_plus_interest", "reported"))
    _check_choice("missing_prior", missing_prior, ("skip", "end"))
    _check_choice("nonpositive_equity", nonpositive_equity, ("raise", "drop"))
    tidy = read_statements(fin)
    src = tidy.attrs.get("source", "the statements table")
    if tidy.empty:
        raise DataError(f"{src}: no values found. Fill in the statements (company, period, item, value).")
    wide = tidy.pivot(index=["company", "period"], columns="item", values="value")
    needed_flows = ["net_income", "revenue"]
    if steps == 5:
        needed_flows += ["pretax_income", *[i for i in _EBIT_ITEM[ebit] if i != "pretax_income"]]
    for it in (*needed_flows, *BALANCE_ITEMS, "roe"):
        if it not in wide.columns:
            wide[it] = np.nan
    flows_present = [c for c in FLOW_ITEMS if c in wide.columns]
    analysed = [ix for ix in wide.index if wide.loc[ix, flows_present].notna().any()]
    if not analysed:
        raise data_error(
            f"no income-statement item ({', '.join(map(_item_label, needed_flows))}) was found",
            source=src, fix="Check the item names; English or Chinese names are accepted (see ITEM_ALIASES)",
            columns=sorted(set(tidy["item"])))

    # every analysed company-period needs the flows and its year-end balances
    missing = [(c, p, it) for (c, p) in analysed for it in (*needed_flows, *BALANCE_ITEMS)
               if pd.isna(wide.loc[(c, p), it])]
    if missing:
        c, p, it = missing[0]
        more = f" ({len(missing) - 1} more missing: " + ", ".join(
            f"{m[2]} {m[0]} {m[1]}" for m in missing[1:4]) + ")" if len(missing) > 1 else ""
        hint = ""
        if it in ("pretax_income", "interest_expense", "operating_income", "ebit"):
            hint = f", or choose steps=3 / another ebit= convention (now steps={steps}, ebit={ebit!r})"
        found = ", ".join(i for i in wide.columns if pd.notna(wide.loc[(c, p), i]))
        raise data_error(
            f"item {_item_label(it)} is missing for company {c!r} period {p}{more}; items found for "
            f"{c} {p}: {found or 'none'}", source=src, fix=f"Add that row{hint}")

    warns: list[str] = []
    rows: list[dict[str, Any]] = []
    dropped_equity: list[str] = []
    for (c, p) in analysed:
        w = wide.loc[(c, p)]
        ta_end, eq_end = float(w["total_assets"]), float(w["equity"])
        basis = balance
        ta_prior = eq_prior = np.nan
        if balance == "average":
            pk = (c, _prior(p))
            if pk in wide.index and wide.loc[pk, list(BALANCE_ITEMS)].notna().all():
                ta_prior, eq_prior = float(wide.loc[pk, "total_assets"]), float(wide.loc[pk, "equity"])
            else:
                what = ("no balance sheet" if pk not in wide.index else
                        "no " + " or ".join(i for i in BALANCE_ITEMS if pd.isna(wide.loc[pk, i])))
                if missing_prior == "skip":
                    warns.append(f"{c} {p}: skipped — average balances need the prior period {pk[1]}, "
                                 f"which has {what} (missing_prior='skip').")
                    continue
                warns.append(f"{c} {p}: year-end balances used — the prior period {pk[1]} has {what} "
                             f"(missing_prior='end'); do not compare this ROE with average-balance rows.")
                basis = "end"
        used_ta = [ta_end] + ([ta_prior] if basis == "average" else [])
        used_eq = [eq_end] + ([eq_prior] if basis == "average" else [])
        if min(used_ta) <= 0:
            raise DomainError(f"total assets are {min(used_ta):,.2f} for company {c!r} around period {p}: "
                              f"turnover and the equity multiplier need assets > 0. Check the balance sheet.")
        if min(used_eq) <= 0:
            msg = (f"equity is {min(used_eq):,.2f} for company {c!r} period {p}"
                   f"{' (or its prior year)' if basis == 'average' else ''}: ROE and the equity multiplier "
                   f"have no meaning when equity ≤ 0 (a loss would show as a positive ROE)")
            if nonpositive_equity == "raise":
                raise DomainError(msg + ". Drop that company-period or pass nonpositive_equity='drop'.")
            dropped_equity.append(f"{c} {p}")
            warns.append(f"{c} {p}: {msg}; row dropped (nonpositive_equity='drop').")
            continue
        ta = float(np.mean(used_ta))
        eq = float(np.mean(used_eq))
        ni, rev = float(w["net_income"]), float(w["revenue"])
        if rev <= 0:
            raise DomainError(f"revenue is {rev:,.2f} for company {c!r} period {p}: margins and turnover need "
                              f"revenue > 0. Check the income statement or leave that period out.")
        r: dict[str, Any] = {"company": c, "period": p, "balance_basis": basis, "net_income": ni, "revenue": rev,
                             "total_assets": ta, "equity": eq, "total_assets_end": ta_end, "equity_end": eq_end}
        if ni < 0:
            warns.append(f"{c} {p}: net income is negative ({ni:,.0f}); ROE and the net margin are negative and "
                         f"LMDI attribution is not possible for this period.")
        if steps == 5:
            ebt = float(w["pretax_income"])
            e = (float(w["operating_income"]) if ebit == "operating_income" else
                 ebt + float(w["interest_expense"]) if ebit == "pretax_plus_interest" else float(w["ebit"]))
            for name, v in (("pre-tax income (利润总额)", ebt), ("EBIT (息税前利润)", e)):
                if v == 0:
                    raise DomainError(f"{name} is 0 for company {c!r} period {p}: the 5-step burdens divide by it. "
                                      f"Use steps=3 for this table.")
            if e < 0:
                warns.append(f"{c} {p}: EBIT is negative ({e:,.0f}); the interest burden and EBIT margin are "
                             f"both negative and read the wrong way round.")
            if ebt < 0:
                warns.append(f"{c} {p}: pre-tax income is negative ({ebt:,.0f}); the tax burden is hard to read.")
            r.update(pretax_income=ebt, ebit=e, tax_burden=ni / ebt, interest_burden=ebt / e, ebit_margin=e / rev)
            if r["interest_burden"] > 1:
                warns.append(f"{c} {p}: interest burden {r['interest_burden']:.3f} > 1 — pre-tax income exceeds EBIT "
                             f"({ebt:,.0f} > {e:,.0f}) under ebit={ebit!r}. Check that operating and pre-tax income "
                             f"are not swapped; under Chinese GAAP 营业利润 is after interest, so consider "
                             f"ebit='pretax_plus_interest'.")
            if r["tax_burden"] > 1:
                warns.append(f"{c} {p}: tax burden {r['tax_burden']:.3f} > 1 — net income exceeds pre-tax income "
                             f"(a tax credit, or items swapped).")
        r.update(net_margin=ni / rev, asset_turnover=rev / ta, equity_multiplier=ta / eq, roa=ni / ta, roe=ni / eq)
        factors = FACTORS_5 if steps == 5 else FACTORS_3
        r["roe_product"] = float(np.prod([r[k] for k in factors]))
        rep = float(w["roe"]) if pd.notna(w["roe"]) else np.nan
        r["reported_roe"] = rep
        r["reconciliation_error"] = r["roe"] - rep if pd.notna(rep) else np.nan
        if pd.notna(rep) and abs(r["roe"] - rep) > reconcile_tol:
            pct = " It looks like a percentage: give reported ROE as a fraction (0.152, not 15.2)." if (
                abs(r["roe"] - rep / 100) <= max(reconcile_tol, 0.005)) else (
                " Reported ROE often uses weighted-average equity (加权平均净资产收益率) or profit "
                "attributable to the parent; check which.")
            warns.append(f"{c} {p}: ROE {r['roe']:.4f} differs from the reported {rep:.4f} by "
                         f"{(r['roe'] - rep) * 100:+.2f} pp.{pct}")
        rows.append(r)
    if not rows:
        raise DomainError(f"{src}: no company-period could be analysed. " + " ".join(warns[:3]) +
                          " Add the missing statements, or pass balance='end' / missing_prior='end'.")
    factors = FACTORS_5 if steps == 5 else FACTORS_3
    cols = ["company", "period", "balance_basis", "net_income", "revenue", "total_assets", "equity",
            "total_assets_end", "equity_end"]
    if steps == 5:
        cols += ["pretax_income", "ebit"]
    cols += [*factors, *(["net_margin"] if steps == 5 else []), "roa", "roe", "roe_product", "reported_roe",
             "reconciliation_error"]
    table = pd.DataFrame(rows)[cols]
    table["period"] = table["period"].astype(object)
    return DupontResult(table=table, steps=steps, balance=balance, ebit=ebit if steps == 5 else None,
                        missing_prior=missing_prior, nonpositive_equity=nonpositive_equity,
                        factors=factors, warnings=tuple(warns), source=src)


def balance_comparison(fin: Any, *, steps: int = 3, **kwargs: Any) -> pd.DataFrame:
    """ROE and its components on year-end and on average balances, side by side per company-period."""
    end = dupont(fin, steps=steps, balance="end", **kwargs).components()
    avg = dupont(fin, steps=steps, balance="average", **kwargs).components()
    t = end.merge(avg, on=["company", "period"], how="inner", suffixes=("_end", "_average"))
    t["roe_gap"] = t["roe_end"] - t["roe_average"]
    return t

# --------------------------------------------------------------------------------------------
# Attribution of the change
# --------------------------------------------------------------------------------------------

def attribute(base: Any, current: Any, *, method: str = "chain",
              order: Sequence[str] | None = None) -> AttributionResult:
    """Attribute the change of a product of factors (ROE) to each factor.

    Parameters
    ----------
    base, current : mapping or Series ``{factor: value}`` with the same factors; their product is
        the total (e.g. ``{"net_margin": .16, "asset_turnover": .5, "equity_multiplier": 2.2}``).
    method : "chain" — chain substitution (连环替代法) in ``order``, plus the range of every factor's
        effect over all n! orders (``chain_min``, ``chain_max``); "shapley" — the mean of the chain
        effects over all orders, computed exactly (Shapley 1953; Ang, Liu & Chew 2003, Energy Policy
        31:1561); "lmdi" — additive LMDI-I (Ang 2004, Energy Policy 32:1131), refused with a
        DomainError when a factor is ≤ 0 or changes sign; "all" — every one of them (LMDI left
        empty, with the reason in ``lmdi_refused``, when it cannot apply).
    order : substitution order for "chain"; default the order of ``base`` (for DuPont the textbook
        order margin → turnover → multiplier).

    Every effect column sums to current − base (up to floating-point rounding).
    """
    _check_choice("method", method, ("chain", "shapley", "lmdi", "all"))
    b, c = _as_factors(base, "base"), _as_factors(current, "current")
    if set(b) != set(c):
        raise DataError(f"base and current do not line up: base has {sorted(b)}, current has {sorted(c)}. "
                        f"Give the same factors for both periods.")
    names = tuple(b)
    if len(names) > MAX_FACTORS:
        raise ParameterError(f"{len(names)} factors; at most {MAX_FACTORS} (every order is enumerated).")
    order = _order_index(names, order)
    x0 = np.array([b[k] for k in names])
    x1 = np.array([c[k] for k in names])
    effects = pd.DataFrame({"base": x0, "current": x1}, index=pd.Index(names, name="factor"))
    warns: list[str] = []
    refused = None
    n_orders = 0
    if method in ("chain", "all"):
        effects["chain"] = _chain(x0, x1, [names.index(o) for o in order])
        allc = np.array([_chain(x0, x1, perm) for perm in itertools.permutations(range(len(names)))])
        n_orders = len(allc)
        effects["chain_min"] = allc.min(axis=0)
        effects["chain_max"] = allc.max(axis=0)
    if method in ("shapley", "all"):
        effects["shapley"] = _shapley(x0, x1)
    if method in ("lmdi", "all"):
        refused = _lmdi_refusal(names, x0, x1)
        if refused is None:
            effects["lmdi"] = _lmdi(x0, x1)
        elif method == "lmdi":
            raise DomainError(refused + ". Use method='shapley' (order-free, works for any sign).")
        else:
            effects["lmdi"] = np.nan
            warns.append(refused + "; LMDI left empty.")
    return AttributionResult(effects=effects, method=method, order=order, base_total=float(np.prod(x0)),
                             current_total=float(np.prod(x1)), lmdi_refused=refused, n_orders=n_orders,
                             warnings=tuple(warns))


def chain_all_orders(base: Any, current: Any) -> pd.DataFrame:
    """Chain-substitution effects for every substitution order: one row per order ("a → b → c")."""
    b, c = _as_factors(base, "base"), _as_factors(current, "current")
    if set(b) != set(c):
        raise DataError(f"base and current do not line up: base has {sorted(b)}, current has {sorted(c)}.")
    names = tuple(b)
    if len(names) > MAX_FACTORS:
        raise ParameterError(f"{len(names)} factors; at most {MAX_FACTORS}.")
    x0 = np.array([b[k] for k in names])
    x1 = np.array([c[k] for k in names])
    rows = {" → ".join(names[i] for i in perm): _chain(x0, x1, perm)
            for perm in itertools.permutations(range(len(names)))}
    return pd.DataFrame.from_dict(rows, orient="index", columns=list(names)).rename_axis("order")

# --------------------------------------------------------------------------------------------
# The comparison a report makes
# --------------------------------------------------------------------------------------------

def compare_periods(result: DupontResult, company: str = "", base_period: Any = "",
                    current_period: Any = "") -> tuple[str, str, str]:
    """The company and the two periods a report compares: an empty company is the file's first, an
    empty current period the company's last analysed one, an empty base period the one before it."""
    c = company or result.companies[0]
    c = result._company(c)
    ps = [str(p) for p in result.table.loc[result.table["company"] == c, "period"]]
    cur = str(_norm_period(current_period)) if current_period else (ps[-1] if ps else "")
    if not base_period:
        earlier = [p for p in ps if p in ps[:ps.index(cur)]] if cur in ps else []
        if not earlier:
            raise DataError(f"company {c!r} has no analysed period before {cur or 'the last one'} "
                            f"(periods analysed: {', '.join(ps) or 'none'}); the comparison needs two.")
        base = earlier[-1]
    else:
        base = str(_norm_period(base_period))
    return c, base, cur

# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DupontResult(Result):
    """DuPont components per company and period, with the conventions that produced them.

    ``table`` has one row per company-period: the inputs used (``total_assets`` and ``equity`` are
    the balances on the ``balance_basis`` of that row), every component, ``roa``, ``roe``
    (= NI / equity), ``roe_product`` (the product of the components), ``reported_roe`` and
    ``reconciliation_error`` (roe − reported_roe) where a reported ROE was given.
    """

    table: pd.DataFrame
    steps: int
    balance: str
    ebit: str | None
    missing_prior: str
    nonpositive_equity: str
    factors: tuple[str, ...]
    warnings: tuple[str, ...] = ()
    source: str = "the statements table"

    title = "DuPont analysis (杜邦分析)"
    _conventions = ("steps", "balance", "ebit", "missing_prior", "nonpositive_equity")
    _columns = RESULT_COLUMNS

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def components(self, lang: str | None = None) -> pd.DataFrame:
        """Company, period, the factors and ROE; column names translated when ``lang`` is given."""
        t = self.table[["company", "period", *self.factors, "roe"]].copy()
        if lang is not None:
            t = t.rename(columns={k: text(k, lang, LABELS) for k in (*self.factors, "roe")})
        return t

    @property
    def companies(self) -> list[str]:
        return list(dict.fromkeys(self.table["company"]))

    def _company(self, company: str | None) -> str:
        cs = self.companies
        if company is None:
            if len(cs) == 1:
                return cs[0]
            raise ParameterError(f"the table holds {len(cs)} companies ({', '.join(map(repr, cs))}); pass company=...")
        if company not in cs:
            raise DataError(f"company {company!r} is not in the DuPont table. Companies found: {', '.join(map(repr, cs))}.")
        return company

    def row(self, period: Any, *, company: str | None = None) -> pd.Series:
        """The table row of one company-period (a DataError names the periods available)."""
        c = self._company(company)
        try:
            p = _norm_period(period)
        except (ValueError, TypeError):
            raise ParameterError(f"period={period!r} is not a year, quarter or month.") from None
        t = self.table[(self.table["company"] == c) & (self.table["period"] == p)]
        if t.empty:
            have = ", ".join(str(x) for x in self.table.loc[self.table["company"] == c, "period"])
            raise DataError(
                f"company {c!r} has no DuPont row for period {p}; periods analysed: {have or 'none'}. "
                f"With balance='average' the first period needs the prior year's balance sheet; "
                f"see result.warnings.")
        return t.iloc[0]

    def interpret(self, lang: str = "en") -> list[str]:
        """Per company: ROE of the latest period as the product of its factors; with an earlier period,
        the first sentence of the attribution of the change (see :func:`interpret`)."""
        check_lang(lang)
        out = []
        times = " × "
        for c in self.companies:
            rows = self.table[self.table["company"] == c].sort_values("period")
            last = rows.iloc[-1]
            factors = times.join(f"{factor_name(k, lang)} " + (f"{float(last[k]):.1%}" if "margin" in k else f"{float(last[k]):,.3f}")
                                 for k in self.factors)
            name = company_name(c, lang)
            out.append(f"{name} {last['period']} 的净资产收益率为 {float(last['roe']):.1%} = {factors}。" if lang == "zh"
                       else f"{name} {last['period']}: ROE {float(last['roe']):.1%} = {factors}.")
            if len(rows) > 1:
                out.append(interpret(self.attribute(rows.iloc[-2]["period"], last["period"], company=c), lang)[0])
        return out

    def factor_values(self, period: Any, *, company: str | None = None) -> dict[str, float]:
        r = self.row(period, company=company)
        return {k: float(r[k]) for k in self.factors}

    def attribute(self, base_period: Any, current_period: Any, *, company: str | None = None,
                  method: str = "chain", order: Sequence[str] | None = None) -> "AttributionResult":
        """Attribute the change in ROE from ``base_period`` to ``current_period`` (see :func:`attribute`)."""
        c = self._company(company)
        b = self.factor_values(base_period, company=c)
        cur = self.factor_values(current_period, company=c)
        a = attribute(b, cur, method=method, order=order)
        return AttributionResult(
            effects=a.effects, method=a.method, order=a.order, base_total=a.base_total,
            current_total=a.current_total, lmdi_refused=a.lmdi_refused, n_orders=a.n_orders,
            company=c, base_label=str(_norm_period(base_period)), current_label=str(_norm_period(current_period)),
            source_conventions=self.conventions(), warnings=a.warnings,
        )

    def plot(self, kind: str = "trends", ax=None, lang: str = "en", **kwargs):
        """``kind`` = "trends" (default; with several companies and no ``company=``, "peers"), "tree" (needs
        base_period, current_period) or "peers"."""
        kinds = {"trends": plot_trends, "tree": plot_tree, "peers": plot_peers}
        if kind == "trends" and len(self.companies) > 1 and kwargs.get("company") is None:
            kind = "peers"   # one company's trend needs a name; the default shows them all side by side
        if kind not in kinds:
            raise ParameterError(f"kind={kind!r}; use one of {', '.join(map(repr, kinds))}.")
        return kinds[kind](self, ax=ax, lang=lang, **kwargs)

    def _repr_html_(self) -> str:
        import html as _html
        base = super()._repr_html_()
        if not self.warnings:
            return base
        items = "".join(f"<li>{_html.escape(w)}</li>" for w in self.warnings)
        return base[:-6] + f"<p><small>warnings:</small></p><ul><small>{items}</small></ul></div>"


@dataclass(frozen=True)
class AttributionResult(Result):
    """Effect of each factor on the change of a product (ROE) from a base to a current period.

    ``effects`` is indexed by factor with columns ``base``, ``current`` and, by method, ``chain``
    (in ``order``), ``chain_min``/``chain_max`` (over every order), ``shapley``, ``lmdi``. Each effect
    column sums to ``change`` = current_total − base_total.
    """

    effects: pd.DataFrame
    method: str
    order: tuple[str, ...]
    base_total: float
    current_total: float
    lmdi_refused: str | None = None
    n_orders: int = 0
    company: str | None = None
    base_label: str = "base"
    current_label: str = "current"
    source_conventions: dict = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    title = "Attribution of the ROE change (因素分析)"
    _conventions = ("method", "order", "lmdi_refused")

    @property
    def change(self) -> float:
        return self.current_total - self.base_total

    @property
    def headline(self) -> str:
        """The effect column the report leads with: Shapley for "all", else the method asked for."""
        return "shapley" if self.method == "all" else self.method

    @property
    def effect(self) -> pd.Series:
        return self.effects[self.headline]

    def to_frame(self, *, pp: bool = False) -> pd.DataFrame:
        """Effects per factor plus a ``total`` row (base and current totals, summed effects).

        ``pp=True`` gives the effect columns in percentage points (× 100); base/current stay as they are.
        """
        t = self.effects.copy()
        eff_cols = [c for c in ("chain", "shapley", "lmdi") if c in t]
        total = {c: t[c].sum(min_count=1) for c in eff_cols}
        total.update(base=self.base_total, current=self.current_total)
        t.loc["total"] = pd.Series(total)  # chain_min/max do not add up: left empty on the total row
        if pp:
            rng = [c for c in ("chain_min", "chain_max") if c in t]
            t[eff_cols + rng] = t[eff_cols + rng] * 100
        return t

    def interpret(self, lang: str = "en") -> list[str]:
        return interpret(self, lang=lang)

    def plot(self, ax=None, lang: str = "en", **kwargs):
        return plot_waterfall(self, ax=ax, lang=lang, **kwargs)

# --------------------------------------------------------------------------------------------
# Private helpers
# --------------------------------------------------------------------------------------------

def _check_choice(name: str, value: Any, choices: Sequence[Any]) -> None:
    if value not in choices:
        raise ParameterError(f"{name}={value!r} is not an option; use one of {', '.join(map(repr, choices))}.")


def _as_factors(x: Any, name: str) -> dict[str, float]:
    if isinstance(x, pd.Series):
        x = x.to_dict()
    if not isinstance(x, Mapping):
        raise ParameterError(f"{name} must be a mapping or Series of factor values "
                             f"({{'net_margin': 0.05, ...}}), not {type(x).__name__}.")
    out = {}
    for k, v in x.items():
        try:
            f = float(v)
        except (TypeError, ValueError):
            raise DataError(f"{name} factor {k!r} is {v!r}, not a number.") from None
        if not math.isfinite(f):
            raise DataError(f"{name} factor {k!r} is {f}; every factor must be a finite number.")
        out[str(k)] = f
    if not out:
        raise DataError(f"{name} has no factors.")
    return out


def _chain(x0: np.ndarray, x1: np.ndarray, order: Sequence[int]) -> np.ndarray:
    """Chain substitution: replace base by current values one factor at a time, in ``order``."""
    eff = np.zeros(len(x0))
    x = x0.astype(float).copy()
    prev = float(np.prod(x))
    for k in order:
        x[k] = x1[k]
        now = float(np.prod(x))
        eff[k] = now - prev
        prev = now
    return eff


def _shapley(x0: np.ndarray, x1: np.ndarray) -> np.ndarray:
    """Exact Shapley value over subsets: φ_k = Σ_S |S|!(n−|S|−1)!/n! [v(S∪k) − v(S)]."""
    n = len(x0)
    phi = np.zeros(n)
    for k in range(n):
        others = [j for j in range(n) if j != k]
        for size in range(n):
            w = math.factorial(size) * math.factorial(n - size - 1) / math.factorial(n)
            for S in itertools.combinations(others, size):
                x = x0.astype(float).copy()
                x[list(S)] = x1[list(S)]
                before = float(np.prod(x))
                x[k] = x1[k]
                phi[k] += w * (float(np.prod(x)) - before)
    return phi


def _lmdi_refusal(names: Sequence[str], x0: np.ndarray, x1: np.ndarray) -> str | None:
    for k, a, b in zip(names, x0, x1):
        if a * b < 0:
            return f"LMDI needs every factor > 0 in both periods: {k!r} changes sign ({a:.4g} → {b:.4g})"
        if a <= 0 or b <= 0:
            return f"LMDI needs every factor > 0 in both periods: {k!r} is {min(a, b):.4g} (≤ 0)"
    return None


def _lmdi(x0: np.ndarray, x1: np.ndarray) -> np.ndarray:
    """Additive LMDI-I (Ang 2004): ΔV_k = L(V1, V0) · ln(x1_k / x0_k), L(a, b) = (a − b)/(ln a − ln b)."""
    v0, v1 = float(np.prod(x0)), float(np.prod(x1))
    lv = math.log(v1 / v0)
    L = v0 if abs(lv) < 1e-15 else (v1 - v0) / lv
    return L * np.log(x1 / x0)


def _order_index(names: tuple[str, ...], order: Sequence[str] | None) -> tuple[str, ...]:
    if order is None:
        return names
    if isinstance(order, str):
        raise ParameterError(f"order must be a list of factor names, e.g. {list(names)}, not a string.")
    order = tuple(str(o) for o in order)
    if sorted(order) != sorted(names):
        missing = [n for n in names if n not in order]
        extra = [o for o in order if o not in names]
        raise ParameterError(f"order must list every factor once: {list(names)}; "
                             f"missing {missing}, unknown or repeated {extra or [o for o in order if order.count(o) > 1]}.")
    return order
