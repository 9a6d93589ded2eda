"""crmcore.clv: published parameters (CDNOW, sBG example), hand-worked likelihoods, properties, sentences,
bad input, notebook smoke runs."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from crmcore import clv
from crmcore.errors import DataError, DomainError, ParameterError

# Fader & Hardie (2007), "How to project customer retention", J. Interactive Marketing 21(1), table 1: the share
# of 1,000 customers still active at the start of years 0..7. The counts lost per year (regular 369, 163, 86, 56,
# 37, 27, 21; high end 131, 126, 90, 60, 42, 34, 26) are also in the public ShiftedBetaSurvival examples
# ("make_raw_article_data": regular_lost = [0, 369, 532, 618, 674, 711, 738, 759], cumulative).
REGULAR = [1.000, 0.631, 0.468, 0.382, 0.326, 0.289, 0.262, 0.241]
HIGH_END = [1.000, 0.869, 0.743, 0.653, 0.593, 0.551, 0.517, 0.491]


@pytest.fixture(scope="module")
def cdnow(shared_data):
    """Hardie's CDNOW calibration summary (39 weeks to 1997-09-30): x, t_x, T, zbar — 2,357 customers."""
    return pd.read_csv(shared_data / "cdnow_customers_summary_with_transactions.csv")


@pytest.fixture(scope="module")
def cdnow_bg(cdnow):
    return clv.fit(cdnow, model="bgnbd")


def _summary(rows):
    return pd.DataFrame(rows, columns=["frequency", "recency", "T", "monetary_value"])


# ---------------------------------------------------------------- published figures
@pytest.mark.shared
def test_bgnbd_reproduces_fader_hardie_lee_2005_cdnow(cdnow_bg):
    """Fader, Hardie & Lee (2005a), "Counting your customers the easy way", Marketing Science 24(2), section 5:
    r = 0.243, α = 4.414, a = 0.793, b = 2.426, LL = −9582.4 (the same four values are asserted to 3 decimals in
    lifetimes' test_estimation.py, test_params_out_is_close_to_Hardie_paper)."""
    p = cdnow_bg.params
    assert (round(p["r"], 3), round(p["alpha"], 3), round(p["a"], 3), round(p["b"], 3)) == (0.243, 4.414, 0.793, 2.426)
    assert round(cdnow_bg.loglik, 1) == -9582.4
    assert cdnow_bg.n == 2357 and all(v > 0 for v in cdnow_bg.se.values())


@pytest.mark.shared
def test_bgnbd_conditional_expectation_worked_example(cdnow_bg):
    """Fader, Hardie & Lee (2005a), section 5 / Hardie's BG/NBD spreadsheet: a customer with x = 2, t_x = 30.43,
    T = 38.86 (customer 1 of the sample) is expected to make 1.226 purchases in the next 39 weeks (also asserted in
    lifetimes' test_conditional_expectation_returns_same_value_as_Hardie_excel_sheet)."""
    e = cdnow_bg.expected_purchases(39, pd.DataFrame({"x": [2], "t_x": [30.43], "T": [38.86]}))
    assert round(float(e[0]), 3) == 1.226


@pytest.mark.shared
def test_pareto_nbd_reproduces_fader_hardie_note(cdnow):
    """Fader & Hardie (2005), "A note on deriving the Pareto/NBD model and related expressions" and FHL (2005a)
    table comparing the models on CDNOW: r = 0.553, α = 10.578, s = 0.606, β = 11.669, LL = −9595.0.
    β is flat in the likelihood: our optimum (LL −9594.9739, a better value than at the printed parameters,
    −9594.9740) lies at β = 11.6679, one unit off in the printed third decimal."""
    m = clv.fit(cdnow, model="pareto_nbd")
    p = m.params
    assert (round(p["r"], 3), round(p["alpha"], 3), round(p["s"], 3)) == (0.553, 10.578, 0.606)
    assert abs(p["beta"] - 11.669) <= 0.0015
    assert round(m.loglik, 1) == -9595.0
    x, tx, T = (cdnow[c].to_numpy(dtype=float) for c in ("x", "t_x", "T"))
    assert m.loglik >= clv._pnbd_ll((0.553, 10.578, 0.606, 11.669), x, tx, T).sum()


@pytest.mark.shared
def test_gamma_gamma_reproduces_fader_hardie_lee_rfm_clv(cdnow, shared_data):
    """Fader, Hardie & Lee (2005b), "RFM and CLV", JMR 42(4), and Fader & Hardie (2013), "The Gamma-Gamma model
    of monetary value": p = 6.25, q = 3.74, γ = 15.44 on the 946 repeat customers (lifetimes asserts the same
    values to 2 decimals); the frequency–spend correlation of the CDNOW sample is weak (0.11), as the model needs.
    From the transactions (btyd_summary's unrounded mean spend) all three round to the printed digits; the shared
    summary's zbar is rounded to cents, which moves γ to 15.448."""
    from crmcore import data, rfm

    with pytest.warns(UserWarning):
        tx = data.load_transactions(shared_data / "CDNOW_sample.txt", preset="cdnow")
    exact = clv.fit(rfm.btyd_summary(tx, asof="1997-10-01", freq_multiplier=7), model="gamma_gamma")
    p = exact.params
    assert (round(p["p"], 2), round(p["q"], 2), round(p["gamma"], 2)) == (6.25, 3.74, 15.44)
    m = clv.fit(cdnow, model="gamma_gamma")
    p = m.params
    assert (round(p["p"], 2), round(p["q"], 2)) == (6.25, 3.74) and abs(p["gamma"] - 15.44) < 0.01
    assert m.n == 946
    assert round(m.extra["frequency_spend_correlation"], 2) == 0.11
    # population mean spend p·γ/(q − 1) and the shrinkage for customer with x = 2, zbar = 100 (FHL 2005b, eq. 5)
    assert m.population_spend() == pytest.approx(p["p"] * p["gamma"] / (p["q"] - 1))
    e = m.expected_spend(_summary([(2, 10, 20, 100.0)]))[0]
    w = 2 * p["p"] / (2 * p["p"] + p["q"] - 1)
    assert e == pytest.approx(w * 100 + (1 - w) * m.population_spend())


@pytest.mark.parametrize("curve,alpha,beta", [(REGULAR, 0.704, 1.182), (HIGH_END, 0.668, 3.806)])
def test_sbg_reproduces_fader_hardie_2007(curve, alpha, beta):
    """Fader & Hardie (2007), "How to project customer retention", section 3: fitted to years 0–7 of 1,000 customers,
    regular α = 0.704, β = 1.182; high end α = 0.668, β = 3.806. Counts give the same fit as shares × 1,000."""
    m = clv.fit(curve, model="sbg")
    assert (round(m.params["alpha"], 3), round(m.params["beta"], 3)) == (alpha, beta)
    n = clv.fit([1000 * v for v in curve], model="sbg")
    assert n.params["alpha"] == pytest.approx(m.params["alpha"], rel=1e-5)
    # retention (β + t − 1)/(α + β + t − 1) rises with t; S(1) = β/(α + β)
    r = m.retention(np.arange(1, 13))
    assert np.all(np.diff(r) > 0)
    assert m.survival(1) == pytest.approx(beta / (alpha + beta), abs=2e-3)
    assert m.survival(0) == 1.0


@pytest.mark.shared
def test_holdout_reproduces_fhl_2005_cdnow_validation(shared_data):
    """FHL (2005a), section 7: calibration weeks 1–39, holdout 40–78. The correlation of BG/NBD's conditional
    expectations with the actual holdout purchases is 0.626; the 1,411 customers with no repeat purchase in
    calibration made 334 repeat purchases in the holdout (0.24 each) against 0.23 predicted; cumulative repeat
    purchases at week 78 are under-forecast by about 4 %."""
    from crmcore import data

    with pytest.warns(UserWarning):
        tx = data.load_transactions(shared_data / "CDNOW_sample.txt", preset="cdnow")
    h = clv.holdout(tx, calibration_end="1997-10-01", holdout_end="1998-07-01")
    assert h.holdout_length == 39
    assert round(h.correlation, 3) == 0.626
    z = h.by_frequency.set_index("calibration_frequency").loc["0"]
    assert z["customers"] == 1411 and round(z["actual"] * 1411) == 334 and round(z["predicted"], 2) == 0.23
    last = h.tracking.iloc[-1]
    assert round((last["predicted"] - last["actual"]) / last["actual"], 2) == -0.04
    assert "under-forecast" in h.interpret()[0] and "低估" in h.interpret("zh")[0]


# ---------------------------------------------------------------- hand-worked likelihoods
def test_bgnbd_loglik_by_hand_and_gradient():
    """FHL (2005a) eq. 6 with r = α = a = b = 1 for x = 1, t_x = 2, T = 5:
    L = B(1,2)/B(1,1) · Γ(2)/Γ(1) · 1/6² + B(2,1)/B(1,1) · Γ(2)/Γ(1) · 1/3² = ½ · 1/36 + ½ · 1/9 = 5/72."""
    th = np.array([1.0, 1.0, 1.0, 1.0])
    ll = clv._bgnbd_ll(th, np.array([1.0]), np.array([2.0]), np.array([5.0]))
    assert ll[0] == pytest.approx(math.log(5 / 72))
    # x = 0: only the first term, Γ(1)/Γ(1) · 1/(1+5)
    assert clv._bgnbd_ll(th, np.array([0.0]), np.array([0.0]), np.array([5.0]))[0] == pytest.approx(math.log(1 / 6))
    # the fast weighted objective's analytic gradient equals a numeric one
    x, tx, T = np.array([0.0, 1, 3, 7]), np.array([0.0, 2, 10, 30]), np.array([20.0, 15, 30, 31])
    w = np.array([3.0, 1, 2, 1])
    fg = clv._bgnbd_objective(x, tx, T, w)
    z = np.log([0.7, 3.0, 0.9, 2.5])
    assert fg(z)[0] == pytest.approx(-(clv._bgnbd_ll(np.exp(z), x, tx, T) @ w) / w.sum())
    assert fg(z)[1] == pytest.approx(clv._num_grad(lambda zz: fg(zz)[0], z), rel=1e-5)


def test_gamma_gamma_objective_gradient_and_loglik():
    x, m = np.array([1.0, 2, 2, 5]), np.array([10.0, 20, 35, 12])
    fg = clv._gg_objective(x, m)
    z = np.log([4.0, 3.0, 20.0])
    assert fg(z)[0] == pytest.approx(-clv._gg_ll(np.exp(z), x, m).mean())
    assert fg(z)[1] == pytest.approx(clv._num_grad(lambda zz: fg(zz)[0], z), rel=1e-5)


def _simulate_bgnbd(n, seed, r=0.5, alpha=5.0, a=0.8, b=2.5):
    """Customers of the BG/NBD story: rate λ ~ Gamma(r, α), drop out after each purchase with p ~ Beta(a, b)."""
    rng = np.random.default_rng(seed)
    T = rng.integers(20, 60, n).astype(float)
    lam, p = rng.gamma(r, 1 / alpha, n), rng.beta(a, b, n)
    x, tx = np.zeros(n), np.zeros(n)
    for i in range(n):
        t = 0.0
        while True:
            t += rng.exponential(1 / lam[i])
            if t > T[i]:
                break
            x[i], tx[i] = x[i] + 1, np.floor(t)
            if rng.random() < p[i]:
                break
    return pd.DataFrame({"frequency": x, "recency": tx, "T": T})


def test_weights_of_unique_rows_equal_repeating_the_rows():
    s = _simulate_bgnbd(600, 3)
    a = clv.fit(s, model="bgnbd")
    b = clv.fit(pd.concat([s, s], ignore_index=True), model="bgnbd")
    for k in a.params:
        assert b.params[k] == pytest.approx(a.params[k], rel=1e-4)
    assert b.loglik == pytest.approx(2 * a.loglik, rel=1e-6)
    assert b.se["r"] == pytest.approx(a.se["r"] / math.sqrt(2), rel=1e-2)   # twice the data, SE / √2


# ---------------------------------------------------------------- properties
@pytest.mark.shared
def test_p_alive_is_one_for_one_time_buyers_in_bgnbd_not_in_pareto(cdnow, cdnow_bg):
    one = cdnow[cdnow["x"] == 0]
    assert np.all(cdnow_bg.p_alive(one) == 1.0)
    pn = clv.fit(cdnow, model="pareto_nbd")
    assert np.all(pn.p_alive(one) < 1.0)                      # Pareto/NBD lets a one-time buyer die


@pytest.mark.shared
@pytest.mark.parametrize("model", ["bgnbd", "pareto_nbd"])
def test_expectations_increase_with_frequency_at_fixed_recency(cdnow, model):
    """(Within the data's range: at x far above a 4-week silence's plausibility, P(alive) falls faster than the
    rate rises — FHL 2005a's iso-curves bend the same way — so the property is checked for x = 1..10.)"""
    m = clv.fit(cdnow, model=model)
    s = pd.DataFrame({"x": np.arange(1, 11), "t_x": 35.0, "T": 39.0})
    e = m.expected_purchases(39, s)
    assert np.all(np.diff(e) > 0)
    # at fixed frequency, a longer silence (older last purchase) lowers the expectation
    s2 = pd.DataFrame({"x": 3, "t_x": [5.0, 15, 25, 35], "T": 39.0})
    assert np.all(np.diff(m.expected_purchases(39, s2)) > 0)


@pytest.mark.shared
def test_clv_is_non_negative_linear_in_margin_and_falls_with_discount(cdnow, cdnow_bg):
    gg = clv.fit(cdnow, model="gamma_gamma")
    c = cdnow_bg.clv(gg, horizon=52, discount_rate=0.10, margin=0.3)
    assert np.all(c >= 0) and len(c) == 2357
    assert cdnow_bg.clv(gg, horizon=52, discount_rate=0.10, margin=0.6) == pytest.approx(2 * c)
    assert np.all(cdnow_bg.clv(gg, horizon=52, discount_rate=0.30, margin=0.3) <= c + 1e-12)
    # without discounting, CLV = margin × E[Z] × E[Y(52)]
    c0 = cdnow_bg.clv(gg, horizon=52, discount_rate=0.0, margin=1.0)
    spend = gg.expected_spend(cdnow)
    assert c0 == pytest.approx(spend * cdnow_bg.expected_purchases(52), rel=1e-9)
    ci = clv.clv_interval(cdnow_bg, gg, horizon=52, discount_rate=0.1, margin=0.3, draws=60)
    assert np.all(ci["clv_low"] <= ci["clv"]) and np.all(ci["clv"] <= ci["clv_high"])
    assert (ci["clv_high"] - ci["clv_low"]).iloc[0] > 0


@pytest.mark.shared
def test_population_curve_is_the_mean_of_new_customers(cdnow_bg):
    """E[X(t)] of a new customer equals E[Y(t) | x = 0, t_x = 0, T = 0] (nothing observed yet)."""
    s = pd.DataFrame({"x": [0.0], "t_x": [0.0], "T": [0.0]})
    assert cdnow_bg.expected_cumulative(39.0) == pytest.approx(cdnow_bg.expected_purchases(39, s)[0])
    assert np.all(np.diff(cdnow_bg.expected_cumulative(np.arange(0, 100, 5.0))) > 0)


# ---------------------------------------------------------------- sentences
def _fake(model, params, summary=None, unit="weeks", extra=None):
    summary = summary if summary is not None else pd.DataFrame(
        {"frequency": [0.0, 2, 5], "recency": [0.0, 10, 30], "T": [40.0, 40, 40], "monetary_value": [0, 20, 30.0]})
    k = len(params)
    return clv.Fit(model=model, params=params, se={p: 0.0 for p in params}, loglik=0.0, n=len(summary), unit=unit,
                   summary=summary, cov_log=np.eye(k), extra=extra or {})


def test_interpret_bgnbd_heterogeneity_and_one_time_buyers():
    """A naive 'customers buy at similar rates' is false when r < 1; with r ≥ 1 the sentence says the opposite.
    One-time buyers' P(alive) = 1 is called out, so '100 % alive' is not read as a finding about loyalty."""
    uneven = _fake("bgnbd", {"r": 0.3, "alpha": 5.0, "a": 0.8, "b": 2.5}).interpret()
    even = _fake("bgnbd", {"r": 3.0, "alpha": 50.0, "a": 0.8, "b": 2.5}).interpret("zh")
    assert "very uneven" in uneven[1] and "0.060 repeat purchases per week" in uneven[0]
    assert "比较均匀" in even[1]
    assert "drops out with probability 24.2%" in uneven[2]              # a/(a+b) = 0.8/3.3
    assert "one-time buyers (33% of customers) all count as alive" in uneven[3]


def test_interpret_pareto_refuses_an_unbounded_mean_lifetime():
    """With s ≤ 1 the mean lifetime β/(s − 1) is infinite (a naive formula gives a negative number): the sentence
    gives the median β(2^{1/s} − 1) instead; with s > 1 it gives both."""
    low = _fake("pareto_nbd", {"r": 0.55, "alpha": 10.6, "s": 0.6, "beta": 11.7}).interpret()
    high = _fake("pareto_nbd", {"r": 0.55, "alpha": 10.6, "s": 2.0, "beta": 20.0}).interpret()
    med = 11.7 * (2 ** (1 / 0.6) - 1)
    assert "unbounded" in low[2] and f"{med:,.0f} weeks" in low[2]
    assert "mean customer lifetime is about 20 weeks" in high[2]        # β/(s − 1) = 20


def test_interpret_gamma_gamma_independence_check_follows_the_data():
    """Spend that grows with frequency makes 'independent, as assumed' false: the sentence then warns."""
    rng = np.random.default_rng(0)
    x = rng.integers(1, 12, 400).astype(float)
    nu = rng.gamma(4.0, 1 / 15.0, 400)                          # Gamma-Gamma: ν ~ Gamma(q, γ), z̄ ~ Gamma(px, νx)
    indep = _summary(np.c_[x, x, x + 5, rng.gamma(6 * x, 1 / (nu * x))])
    dep = _summary(np.c_[x, x, x + 5, 10 * x * rng.gamma(6 * x, 1 / (nu * x))])
    a, b = clv.fit(indep, model="gamma_gamma"), clv.fit(dep, model="gamma_gamma")
    assert abs(a.extra["frequency_spend_correlation"]) < 0.3 < b.extra["frequency_spend_correlation"]
    assert "weak, as the Gamma-Gamma model assumes" in a.interpret()[-1]
    assert "independence is doubtful" in b.interpret()[-1] and "假设存疑" in b.interpret("zh")[-1]


def test_interpret_sbg_retention_rises_by_sorting():
    m = clv.fit(REGULAR, model="sbg")
    s = m.interpret()
    r1, r7 = m.retention(1), m.retention(7)
    assert r7 > r1 and f"from {r1:.1%} in period 1 to {r7:.1%} in period 7" in s[0]
    assert "leave first" in s[0] and "筛选效应" in m.interpret("zh")[0]
    assert f"{100 * m.survival(14):.1f} after 14" in s[1]


def test_interpret_holdout_direction_follows_the_totals():
    base = dict(table=pd.DataFrame(), tracking=pd.DataFrame(), fitted=_fake("bgnbd", {"r": 1, "alpha": 1, "a": 1,
                                                                                        "b": 1}),
                calibration_end="2025-01-01", holdout_end="2025-07-01", holdout_length=26.0, model="bgnbd", mae=1.0,
                correlation=0.7,
                by_frequency=pd.DataFrame({"calibration_frequency": ["0"], "customers": [10], "predicted": [0.3],
                                           "actual": [0.1]}))
    over = clv.Holdout(predicted_total=110.0, actual_total=100.0, **base).interpret()
    under = clv.Holdout(predicted_total=90.0, actual_total=100.0, **base).interpret("zh")
    assert "over-forecast by 10.0%" in over[0] and "above the actual 0.10" in over[2]
    assert "低估了 10.0%" in under[0]


# ---------------------------------------------------------------- demo data: customer value and P(alive) vs truth
@pytest.fixture(scope="module")
def demo_value():
    import crmcore as crm

    tx = crm.load_dataset("demo")
    return clv.customer_value(tx, asof=crm.resolve_asof("", tx), horizon=52, discount_rate=0.1, margin=0.3)


def test_customer_value_on_demo_segments_and_truth(demo_value):
    from crmcore import datasets

    t = demo_value.table
    assert set(t["segment"]) == {"star", "rising", "fading", "low"}
    assert (t["future_value"] >= 0).all() and (t["historical_value"] > 0).mean() > 0.99   # net of returns
    truth = datasets.customers("demo").set_index("customer_id")["true_type"]
    t = t.assign(true_type=truth.reindex(t["customer_id"]).to_numpy())
    rep = t[t["frequency"] > 0].groupby("true_type")["p_alive"].mean()
    assert rep["at_risk"] < 0.3 and rep["lost"] < 0.5 < rep["loyal"] and rep["champion"] > 0.9
    seg = demo_value.segment_table()
    assert seg["customers"].sum() == len(t) and seg["share_of_future_value"].sum() == pytest.approx(1)
    fad = seg.iloc[2]
    # the 'fading' customers brought more of the past than they will of the future: the sentence says so
    assert fad["share_of_historical_value"] > fad["share_of_future_value"]
    s = demo_value.interpret()
    assert any("win back" in x and f"{fad['share_of_historical_value']:.0%} of historical" in x for x in s)
    zh = demo_value.interpret("zh")
    assert any("流失挽回" in x for x in zh)
    assert "流失挽回" in demo_value.to_frame("zh")["价值分群"].str.cat()


def test_customer_value_table_reads_in_chinese_and_keeps_code_names_without_lang(demo_value):
    """to_frame("zh") used to keep the code's headers (frequency, recency, T …); without lang it still does."""
    raw = demo_value.to_frame()
    assert {"customer_id", "frequency", "recency", "T", "p_alive", "expected_purchases", "value_segment"} <= set(raw.columns)
    zh = demo_value.to_frame("zh")
    assert list(zh.columns)[:6] == ["客户编号", "重复购买次数", "首末购间隔", "客龄", "存活概率", "预期购买次数"]
    assert not {"frequency", "recency", "T", "p_alive", "value_segment", "action"} & set(zh.columns)
    assert zh.shape == raw.shape and (zh["重复购买次数"].to_numpy() == raw["frequency"].to_numpy()).all()
    en = demo_value.to_frame("en")
    assert {"Repeat purchases", "Age (first→asof)", "Value segment"} <= set(en.columns)


# ---------------------------------------------------------------- input and errors
def test_columns_mapping_and_hardie_names_give_the_same_fit():
    sim = _simulate_bgnbd(400, 1)
    x, tx, T = sim["frequency"].to_numpy(), sim["recency"].to_numpy(), sim["T"].to_numpy()
    a = clv.fit(pd.DataFrame({"frequency": x, "recency": tx, "T": T}), model="bgnbd")
    b = clv.fit(pd.DataFrame({"x": x, "t_x": tx, "T": T}), model="bgnbd")
    c = clv.fit(pd.DataFrame({"n_rep": x, "rec": tx, "age": T}), model="bgnbd",
                columns={"frequency": "n_rep", "recency": "rec", "T": "age"})
    assert a.params == pytest.approx(b.params) and a.params == pytest.approx(c.params)


def test_negative_mean_spend_is_refused_for_gamma_gamma():
    s = _summary([(1, 5, 10, 20.0), (2, 6, 10, -15.0), (3, 9, 10, 30.0), (1, 2, 10, 25.0), (4, 8, 10, 12.0),
                  (2, 7, 10, 40.0)])
    with pytest.raises(DomainError, match=r"1 of 6 repeat customers have a zero or negative mean spend.*returns='drop'"):
        clv.fit(s, model="gamma_gamma")


def test_bad_input_errors_name_the_problem():
    with pytest.raises(ParameterError, match="model='bgnb'"):
        clv.fit(_summary([(1, 1, 2, 1.0)]), model="bgnb")
    with pytest.raises(DataError, match="needs column\\(s\\) recency"):
        clv.fit(pd.DataFrame({"frequency": [1.0], "T": [3.0]}), model="bgnbd")
    with pytest.raises(DataError, match="0 ≤ recency ≤ T"):
        clv.fit(_summary([(1, 5, 3, 1.0)]), model="bgnbd")
    with pytest.raises(DataError, match="not counts"):
        clv.fit(_summary([(1.5, 1, 3, 1.0)]), model="bgnbd")
    with pytest.raises(DomainError, match="none of the 2 customers made a repeat purchase"):
        clv.fit(_summary([(0, 0, 3, 0.0), (0, 0, 5, 0.0)]), model="bgnbd")
    with pytest.raises(DataError, match="cannot rise"):
        clv.fit([1.0, 0.6, 0.7], model="sbg")
    m = clv.fit(REGULAR, model="sbg")
    with pytest.raises(DomainError, match="needs BG/NBD or Pareto/NBD"):
        m.p_alive()
    with pytest.raises(ParameterError, match="discount_rate"):
        clv.customer_value(pd.DataFrame(), asof="2024-01-01", discount_rate=5)


# ---------------------------------------------------------------- plots and tables
def test_plots_and_tables_follow_the_language(demo_value):
    bg = demo_value.transactions_model
    assert bg.plot(lang="zh").get_title() == "新客户的预期累计重复购买次数（BG/NBD）"
    assert bg.plot(kind="p_alive").get_xlabel() == "P(alive)"
    assert demo_value.plot(lang="zh").get_xlabel() == "历史价值（毛利）"
    assert clv.fit(REGULAR, model="sbg").plot(lang="zh").get_title().startswith("客户群留存比例")
    f = bg.to_frame("zh")
    assert list(f.columns) == ["参数", "估计值", "标准误", "含义"] and f.iloc[0, 0] == "r"


# ---------------------------------------------------------------- exercises
def test_exercise_checks_accept_right_and_reject_wrong(capsys):
    from crmcore.exercises import n11_clv as ex

    assert ex.check_1(5 / 72, lang="en")
    assert not ex.check_1(0.5, lang="en")
    m = clv.fit(REGULAR, model="sbg")
    assert ex.check_2(float(m.retention(8)), lang="zh")
    assert not ex.check_2(float(m.retention(1)), lang="zh")
    assert ex.check_3(1.0, lang="en") and not ex.check_3(0.3, lang="en")
    out = capsys.readouterr().out
    assert "✓" in out and "✗" in out


# ---------------------------------------------------------------- notebook
@pytest.mark.notebook
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_notebook_11_clv_runs_on_demo(run_notebook, lang):
    rec = run_notebook("11_clv.ipynb", lang=lang)
    assert rec["customers"] == 2000
    assert 0.3 < rec["bg_r"] < 1.0
    assert rec["p_alive_at_risk"] < 0.3 < rec["p_alive_loyal"]
    assert rec["holdout_correlation"] > 0.7
    assert set(rec["segments"]) == {"star", "rising", "fading", "low"}


def test_value_sentences_only_claim_a_shift_that_the_shares_show():
    """'brought X of the past but only Y of the future' must not appear when Y ≥ X (and '0%' never stands for a
    small positive share)."""
    from crmcore import clv_text

    t = pd.DataFrame({"customer_id": list("abcd"), "historical_value": [10.0, 1, 10, 1],
                      "future_value": [10.0, 0.2, 0.001, 0.5], "segment": ["star", "rising", "fading", "low"]})
    v = clv.CustomerValue(table=t, asof="2025-01-01", horizon=52, unit="weeks", discount_rate=0.1, margin=0.3,
                          current_days=90, transactions_model=None, spend_model=None)
    s = v.interpret()
    assert any("<1% of future value" in x for x in s)                     # 0.001 / 10.701, not "0%"
    assert not any("rising customers" in x for x in s)                     # rising: 1/22 of past but 0.2/10.7 of future
    t2 = t.assign(future_value=[10.0, 5, 0.001, 0.5])
    assert any("rising customers hold only" in x for x in clv.CustomerValue(**{**v.__dict__, "table": t2}).interpret())
    assert clv_text._share(0.0, True) == "0%" and clv_text._share(0.003, True) == "不到 1%"


def test_holdout_on_demo_tracks_and_plots_in_both_languages():
    """Demo: fit before the last 26 weeks, predict them; per-customer predictions follow the actual purchases
    (correlation > 0.7), the tracking curve ends at holdout_end and both plots speak the chosen language."""
    import crmcore as crm

    tx = crm.load_dataset("demo")
    asof = crm.resolve_asof("", tx)
    cal = (pd.Timestamp(asof) - pd.Timedelta(weeks=26)).strftime("%Y-%m-%d")
    h = clv.holdout(tx, calibration_end=cal, holdout_end=asof)
    assert h.holdout_length == pytest.approx(26.0) and h.correlation > 0.7
    assert h.tracking["date"].iloc[-1] == pd.Timestamp(asof)
    assert h.actual_total == h.table["actual"].sum() and h.mae == pytest.approx(
        (h.table["predicted"] - h.table["actual"]).abs().mean())
    assert h.plot(lang="zh").get_title().startswith("按周累计重复购买次数")
    assert h.plot(kind="conditional").get_xlabel() == "Repeat purchases in calibration"
    with pytest.raises(ParameterError, match="kind='scatter'"):
        h.plot(kind="scatter")
    with pytest.raises(ParameterError, match="must be later"):
        clv.holdout(tx, calibration_end=asof, holdout_end=cal)
