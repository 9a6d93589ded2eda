"""Tests for crmcore.swot: IFE/EFE totals, IE cells, SWOT position, TOWS ranking, bad input."""
from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

from crmcore import swot
from crmcore.errors import DataError, DomainError, ParameterError

ROOT = Path(__file__).resolve().parent.parent


def _table(rows):
    return pd.DataFrame(rows, columns=["id", "type", "factor", "weight", "rating"])


# A small table worked by hand below.
HAND = _table([
    ("S1", "S", "strong brand", 0.30, 4),
    ("S2", "S", "three channels", 0.20, 3),
    ("W1", "W", "shrinking stationery", 0.30, 2),
    ("W2", "W", "promotion reliance", 0.20, 1),
    ("O1", "O", "gifting festivals", 0.40, 3),
    ("O2", "O", "mobile shopping", 0.20, 4),
    ("T1", "T", "platform price wars", 0.25, 2),
    ("T2", "T", "rising rents", 0.15, 1),
])


def test_ife_and_efe_totals_match_hand_computation():
    r = swot.evaluate(HAND)
    # IFE = .30*4 + .20*3 + .30*2 + .20*1 = 1.20 + 0.60 + 0.60 + 0.20 = 2.60
    assert r.ife_total == pytest.approx(2.60)
    # EFE = .40*3 + .20*4 + .25*2 + .15*1 = 1.20 + 0.80 + 0.50 + 0.15 = 2.65
    assert r.efe_total == pytest.approx(2.65)
    assert (r.ife_level, r.efe_level) == ("average", "medium")
    # average IFE, medium EFE -> centre cell V, hold and maintain
    assert (r.ie_cell, r.ie_strategy) == ("V", "hold")
    assert r.matrix("IFE")["weighted_score"].iloc[-1] == pytest.approx(2.60)


def test_swot_position_uses_mirrored_magnitudes_for_weaknesses_and_threats():
    r = swot.evaluate(HAND)
    # S = 1.20 + 0.60 = 1.80; W = .30*(5-2) + .20*(5-1) = 0.90 + 0.80 = 1.70 -> x = +0.10
    # O = 1.20 + 0.80 = 2.00; T = .25*(5-2) + .15*(5-1) = 0.75 + 0.60 = 1.35 -> y = +0.65
    assert (r.s_score, r.w_score, r.o_score, r.t_score) == pytest.approx((1.80, 1.70, 2.00, 1.35))
    assert (r.x, r.y) == pytest.approx((0.10, 0.65))
    assert r.quadrant == "SO"
    raw = swot.evaluate(HAND, position="raw")
    # raw: W = .30*2 + .20*1 = 0.80 -> x = 1.00; T = .25*2 + .15*1 = 0.65 -> y = 1.35
    assert (raw.x, raw.y) == pytest.approx((1.00, 1.35))


def test_tows_ranks_every_pair_by_product_of_factor_scores_with_ties_in_so_st_wo_wt_order():
    r = swot.evaluate(HAND)
    # factor scores (weight x magnitude): S1 1.2, S2 .6, W1 .9, W2 .8, O1 1.2, O2 .8, T1 .75, T2 .6
    expected = [
        ("S1+O1", 1.44), ("W1+O1", 1.08),
        ("S1+O2", 0.96), ("W2+O1", 0.96),          # tie: SO before WO
        ("S1+T1", 0.90),
        ("S2+O1", 0.72), ("S1+T2", 0.72), ("W1+O2", 0.72),  # tie: SO, ST, WO
        ("W1+T1", 0.675), ("W2+O2", 0.64), ("W2+T1", 0.60), ("W1+T2", 0.54),
        ("S2+O2", 0.48), ("W2+T2", 0.48),          # tie: SO before WT
        ("S2+T1", 0.45), ("S2+T2", 0.36),
    ]
    assert list(r.tows["pair"]) == [p for p, _ in expected]
    assert list(r.tows["importance"]) == pytest.approx([v for _, v in expected])
    assert list(r.tows["rank"]) == list(range(1, 17))
    # 2 strengths x 2 opportunities + 2x2 + 2x2 + 2x2 = 16 pairs
    assert r.tows.groupby("quadrant").size().to_dict() == {"SO": 4, "ST": 4, "WO": 4, "WT": 4}


def test_tows_sum_rule_changes_the_order():
    r = swot.evaluate(HAND, tows="sum")
    # S1+O1 = 1.2 + 1.2 = 2.4; W1+O1 = 0.9 + 1.2 = 2.1; S1+O2 = 1.2 + 0.8 = 2.0 (W2+O1 = 0.8 + 1.2 = 2.0 ties, WO after SO)
    assert list(r.tows["pair"].head(4)) == ["S1+O1", "W1+O1", "S1+O2", "W2+O1"]
    assert list(r.tows["importance"].head(4)) == pytest.approx([2.4, 2.1, 2.0, 2.0])


def test_published_ife_example_david_retail_computer_store_totals_2_50():
    """David, F. R. (2011). Strategic Management: Concepts and Cases, 13th ed., Prentice Hall,
    ch. 4 p. 123, Table 4-10 "A Sample Internal Factor Evaluation Matrix for a Retail Computer
    Store": 9 strengths and 8 weaknesses, weights summing to 1.00, published total 2.50.
    Rows as reproduced at https://www.yumpu.com/en/document/view/5059290/strategic-management/312
    (page header "CHAPTER 4 • THE INTERNAL ASSESSMENT 123").

    Every product below was checked by hand against the table: strengths 0.15 + 0.28 + 0.30 +
    0.15 + 0.06 + 0.45 + 0.20 + 0.09 + 0.06 = 1.74; weaknesses 0.20 + 0.30 + 0.02 + 0.02 +
    0.04 + 0.10 + 0.03 + 0.05 = 0.76; total 1.74 + 0.76 = 2.50.
    """
    rows = [
        ("S1", "S", "Inventory turnover increased from 5.8 to 6.7", 0.05, 3, 0.15),
        ("S2", "S", "Average customer purchase increased from $97 to $128", 0.07, 4, 0.28),
        ("S3", "S", "Employee morale is excellent", 0.10, 3, 0.30),
        ("S4", "S", "In-store promotions resulted in 20 percent increase in sales", 0.05, 3, 0.15),
        ("S5", "S", "Newspaper advertising expenditures increased 10 percent", 0.02, 3, 0.06),
        ("S6", "S", "Revenues from repair/service segment of store up 16 percent", 0.15, 3, 0.45),
        ("S7", "S", "In-store technical support personnel have MIS college degrees", 0.05, 4, 0.20),
        ("S8", "S", "Store's debt-to-total assets ratio declined to 34 percent", 0.03, 3, 0.09),
        ("S9", "S", "Revenues per employee up 19 percent", 0.02, 3, 0.06),
        ("W1", "W", "Revenues from software segment of store down 12 percent", 0.10, 2, 0.20),
        ("W2", "W", "Location of store negatively impacted by new Highway 34", 0.15, 2, 0.30),
        ("W3", "W", "Carpet and paint in store somewhat in disrepair", 0.02, 1, 0.02),
        ("W4", "W", "Bathroom in store needs refurbishing", 0.02, 1, 0.02),
        ("W5", "W", "Revenues from businesses down 8 percent", 0.04, 1, 0.04),
        ("W6", "W", "Store has no Web site", 0.05, 2, 0.10),
        ("W7", "W", "Supplier on-time delivery increased to 2.4 days", 0.03, 1, 0.03),
        ("W8", "W", "Often customers have to wait to check out", 0.05, 1, 0.05),
    ]
    table = pd.DataFrame(rows, columns=["id", "type", "factor", "weight", "rating", "published"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the published table follows David's rating convention
        m = swot.evaluate_matrix(table, which="IFE", ratings="david")
    assert list(m.table["weighted_score"]) == pytest.approx(list(table["published"]))
    assert m.subtotal("S") == pytest.approx(1.74)
    assert m.subtotal("W") == pytest.approx(0.76)
    assert m.total == pytest.approx(2.50)
    assert m.level == "average"  # 2.50: exactly the midpoint, inside the 2.0-2.99 band
    assert m.to_frame()["weight"].iloc[-1] == pytest.approx(1.00)


def test_published_efe_example_david_ust_totals_2_10():
    """David, F. R., Strategic Management: Concepts and Cases (an early-2000s edition, Prentice
    Hall), ch. 3, Table 3-11 "An Example External Factor Evaluation Matrix for UST, Inc.":
    5 opportunities and 5 threats, weights summing to 1.00, published total 2.10.
    Rows as reproduced at https://studylib.net/doc/8043564 (a copy of the textbook page; a second,
    font-garbled copy is at https://www.scribd.com/doc/234689610/efe-cpm).

    In that copy the numbers of threats 1-2 and 4-5 are printed interleaved (".10 .05 / 2 3 /
    .20 .15" and ".10 .20 / 2 1 / .20 .20"); the pairing below is the only one in which every
    weight × rating equals its printed score. Opportunities .15 + .15 + .05 + .60 + .30 = 1.25;
    threats .20 + .15 + .10 + .20 + .20 = .85; total 2.10.
    """
    rows = [
        ("O1", "O", "Global markets are practically untapped by smokeless tobacco market", 0.15, 1, 0.15),
        ("O2", "O", "Increased demand caused by public banning of smoking", 0.05, 3, 0.15),
        ("O3", "O", "Astronomical Internet advertising growth", 0.05, 1, 0.05),
        ("O4", "O", "Pinkerton is leader in discount tobacco market", 0.15, 4, 0.60),
        ("O5", "O", "More social pressure to quit smoking, thus leading users to switch to alternatives", 0.10, 3, 0.30),
        ("T1", "T", "Legislation against the tobacco industry", 0.10, 2, 0.20),
        ("T2", "T", "Production limits on tobacco increases competition for production", 0.05, 3, 0.15),
        ("T3", "T", "Smokeless tobacco market is concentrated in southeast region of United States", 0.05, 2, 0.10),
        ("T4", "T", "Bad media exposure from the FDA", 0.10, 2, 0.20),
        ("T5", "T", "Clinton Administration", 0.20, 1, 0.20),
    ]
    table = pd.DataFrame(rows, columns=["id", "type", "factor", "weight", "rating", "published"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # weights already sum to 1.00: no normalising, no warning
        m = swot.evaluate_matrix(table, which="EFE", ratings="david")
    assert list(m.table["weighted_score"]) == pytest.approx(list(table["published"]))
    assert m.subtotal("O") == pytest.approx(1.25)
    assert m.subtotal("T") == pytest.approx(0.85)
    assert m.total == pytest.approx(2.10)
    assert m.total < 2.5 and m.level == "medium"  # below David's 2.5 average, in the 2.0-2.99 band
    # the same rows inside a full SWOT table give the same EFE total, whatever the IFE rows are
    full = pd.concat([HAND[HAND["type"].isin(["S", "W"])], table.drop(columns="published")], ignore_index=True)
    r = swot.evaluate(full, ratings="david")
    assert r.efe_total == pytest.approx(2.10) and r.ife_total == pytest.approx(2.6)
    assert r.ie_cell == "V"  # IFE 0.3×4 + 0.2×3 + 0.3×2 + 0.2×1 = 2.6 average × EFE 2.1 medium


@pytest.mark.parametrize(
    "ife, efe, cell",
    [
        (3.0, 3.0, "I"), (4.0, 4.0, "I"), (2.99, 3.0, "II"), (2.0, 3.0, "II"), (1.99, 3.0, "III"),
        (3.0, 2.99, "IV"), (3.0, 2.0, "IV"), (2.0, 2.0, "V"), (2.99, 2.99, "V"), (1.99, 2.0, "VI"),
        (3.0, 1.99, "VII"), (2.0, 1.99, "VIII"), (1.0, 1.0, "IX"), (1.99, 1.99, "IX"),
    ],
)
def test_ie_cell_boundaries_put_a_total_of_exactly_2_or_3_in_the_upper_band(ife, efe, cell):
    assert swot.ie_cell(ife, efe) == cell


def test_ie_strategy_groups_follow_david():
    groups = {c: swot.ie_strategy(c) for c in ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX")}
    assert [c for c, g in groups.items() if g == "grow"] == ["I", "II", "IV"]
    assert [c for c, g in groups.items() if g == "hold"] == ["III", "V", "VII"]
    assert [c for c, g in groups.items() if g == "harvest"] == ["VI", "VIII", "IX"]


def test_a_total_of_3_reached_through_floating_point_sums_is_classified_strong():
    # 0.7*3 + 0.3*3 is 2.9999999999999996 in floating point; the grid must still read 3.0
    t = _table([("S1", "S", "a", 0.7, 3), ("S2", "S", "b", 0.3, 3),
                ("O1", "O", "c", 0.7, 3), ("O2", "O", "d", 0.3, 3)])
    r = swot.evaluate(t)
    assert (r.ife_level, r.efe_level, r.ie_cell) == ("strong", "high", "I")


def test_position_on_an_axis_goes_to_the_strength_and_opportunity_side():
    assert swot.position_quadrant(0.0, 0.0) == "SO"
    assert swot.position_quadrant(-0.01, 0.0) == "WO"
    assert swot.position_quadrant(0.0, -0.01) == "ST"
    assert swot.position_quadrant(-0.01, -0.01) == "WT"


def test_normalise_rescales_weights_within_each_matrix_and_warns():
    t = HAND.copy()
    t.loc[t["type"].isin(["S", "W"]), "weight"] *= 2  # IFE weights now sum to 2
    with pytest.warns(UserWarning, match="IFE weights summed to 2"):
        r = swot.evaluate(t, weights="normalise")
    assert r.ife_total == pytest.approx(2.60)
    assert r.efe_total == pytest.approx(2.65)
    assert len(r.warnings) == 1
    assert r.factors.groupby(r.factors["type"].isin(["S", "W"]))["weight"].sum().tolist() == pytest.approx([1.0, 1.0])


def test_evaluate_does_not_mutate_its_input():
    t = HAND.copy()
    before = t.copy()
    swot.evaluate(t)
    pd.testing.assert_frame_equal(t, before)


def test_weighted_totals_stay_between_1_and_4_for_any_valid_ratings():
    import numpy as np

    rng = np.random.default_rng(0)
    for _ in range(15):
        t = HAND.copy()
        t["weight"] = rng.random(len(t))
        t["rating"] = rng.integers(1, 5, len(t))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the rescaling warning is expected here
            r = swot.evaluate(t, weights="normalise", ratings="any")
        assert 1.0 - 1e-9 <= r.ife_total <= 4.0 + 1e-9
        assert 1.0 - 1e-9 <= r.efe_total <= 4.0 + 1e-9


# --------------------------------------------------------------------------- bad input
def test_weights_not_summing_to_1_are_refused_naming_the_matrix_and_factors():
    t = HAND.copy()
    t.loc[t["id"] == "O1", "weight"] = 0.50  # EFE now sums to 1.10
    with pytest.raises(DomainError, match=r"EFE weights \(O\+T\) sum to 1.1.*O1=0.5.*weights='normalise'"):
        swot.evaluate(t)


def test_rating_out_of_range_names_the_factor():
    t = HAND.copy()
    t.loc[t["id"] == "S2", "rating"] = 5
    with pytest.raises(DomainError, match=r"factor 'S2' has rating 5, outside 1–4"):
        swot.evaluate(t)
    t = t.astype({"rating": float})
    t.loc[t["id"] == "S2", "rating"] = 0.5
    with pytest.raises(DomainError, match="'S2'"):
        swot.evaluate(t)


def test_unknown_type_names_the_factor():
    t = HAND.copy()
    t.loc[t["id"] == "T2", "type"] = "X"
    with pytest.raises(DomainError, match=r"factor 'T2' has unknown type 'X'.*S \(strength\)"):
        swot.evaluate(t)


def test_type_aliases_in_english_and_chinese_are_accepted():
    t = HAND.copy()
    t["type"] = ["strength", "优势", "Weakness", "劣势", "opportunity", "机会", "threat", "威胁"]
    assert swot.evaluate(t).ife_total == pytest.approx(2.60)


def test_non_numeric_weight_names_the_factor():
    t = HAND.astype({"weight": object})
    t.loc[t["id"] == "W1", "weight"] = "high"
    with pytest.raises(DomainError, match=r"factor 'W1' has weight 'high'"):
        swot.evaluate(t)


def test_david_rating_convention_enforced_or_warned():
    t = HAND.copy()
    t.loc[t["id"] == "S2", "rating"] = 2  # a strength rated as a weakness
    with pytest.raises(DomainError, match="strength S2 rated 2"):
        swot.evaluate(t, ratings="david")
    with pytest.warns(UserWarning, match="strength S2 rated 2"):
        r = swot.evaluate(t, ratings="warn")
    assert any("S2" in w for w in r.warnings)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        swot.evaluate(t, ratings="any")


def test_missing_column_duplicate_ids_and_empty_matrix_are_data_errors():
    with pytest.raises(DataError, match="'rating'.*missing"):
        swot.evaluate(HAND.drop(columns="rating"))
    dup = HAND.copy()
    dup.loc[1, "id"] = "S1"
    with pytest.raises(DataError, match="duplicated ids.*S1"):
        swot.evaluate(dup)
    with pytest.raises(DomainError, match="EFE matrix has no factors"):
        swot.evaluate(HAND[HAND["type"].isin(["S", "W"])])


def test_unknown_options_are_parameter_errors():
    with pytest.raises(ParameterError, match="weights='scale'"):
        swot.evaluate(HAND, weights="scale")
    with pytest.raises(ParameterError, match="kind='pie'"):
        swot.evaluate(HAND).plot("pie")


# --------------------------------------------------------------------------- files, text, plots
def test_demo_factor_file_loads_from_yaml_and_csv(tmp_path):
    r = swot.evaluate(ROOT / "data" / "swot_factors.yaml")
    assert r.name.startswith("Harbour Lane")
    assert len(r.factors) == 19 and not r.warnings
    # hand check of the file: IFE = .56+.48+.24+.30+.24 + .20+.12+.16+.12+.12 = 2.54
    assert r.ife_total == pytest.approx(2.54)
    # EFE = .42+.36+.40+.16+.06 + .32+.20+.24+.36 = 2.52
    assert r.efe_total == pytest.approx(2.52)
    csv = tmp_path / "f.csv"
    r.factors[["id", "type", "factor", "weight", "rating", "evidence"]].to_csv(csv, index=False)
    assert swot.evaluate(csv).ife_total == pytest.approx(2.54)


def test_sentences_are_generated_from_the_numbers_in_both_languages():
    r = swot.evaluate(HAND)
    en = " ".join(r.sentences("en"))
    assert "2.60" in en and "2.65" in en and "cell V" in en and "S1+O1" in en and "hold and maintain" in en
    zh = " ".join(r.sentences("zh"))
    assert "第 V 格" in zh and "开拓型" in zh and "S1+O1" in zh
    t = HAND.copy()
    t.loc[t["id"] == "S1", "rating"] = 3  # IFE 2.30; S = 1.5 < W = 1.7 -> WO
    r2 = swot.evaluate(t)
    assert r2.quadrant == "WO" and "争取型" in " ".join(r2.sentences("zh"))


def test_plots_return_axes_in_both_languages():
    r = swot.evaluate(ROOT / "data" / "swot_factors.yaml")
    for kind in ("board", "position", "ie"):
        for lang in ("en", "zh"):
            ax = r.plot(kind, lang=lang)
            assert ax.get_title()


def test_ie_plot_draws_the_firm_at_its_totals():
    r = swot.evaluate(HAND)
    ax = r.plot("ie")
    x, y = ax.lines[0].get_data()
    assert (x[0], y[0]) == pytest.approx((2.60, 2.65))
    assert ax.get_xlim() == (4.0, 1.0)  # strong on the left, as in David's figure


@pytest.mark.notebook
def test_notebook_records_the_demo_numbers(run_notebook):
    rec = run_notebook("02_swot.ipynb")
    assert rec["ife_total"] == pytest.approx(2.54)
    assert rec["efe_total"] == pytest.approx(2.52)
    assert rec["ie_cell"] == "V"
    assert rec["quadrant"] == "SO"
    assert rec["top_pair"] == "S1+T1"


@pytest.mark.notebook
def test_notebook_runs_in_chinese_with_other_conventions(run_notebook):
    rec = run_notebook("02_swot.ipynb", lang="zh", weights="normalise", ratings="david", tows="sum")
    # the demo file's weights already sum to 1, so normalising changes nothing
    assert rec["ife_total"] == pytest.approx(2.54)
    # sum rule: S1 (.14*4 = .56) + T1 (.16*(5-2) = .48) = 1.04 is still the top pair
    assert rec["top_pair"] == "S1+T1"


# --------------------------------------------------------------------------- true sentences, safe output
def test_ife_sentence_states_band_and_midpoint_without_contradiction():
    """The demo's 2.54 is in David's average band (2.0–2.99) *and* above the 2.5 midpoint; the old sentence said
    "above the 2.5 average, so the internal position is average". Bands: 1.0–1.99 weak, 2.0–2.99 average, 3.0–4.0 strong."""
    r = swot.evaluate(ROOT / "data" / "swot_factors.yaml")
    ife = r.sentences("en")[0]
    assert "2.54: in the average band" in ife and "1.0–1.99 weak, 2.0–2.99 average, 3.0–4.0 strong" in ife
    assert "0.04 above the 2.5 midpoint" in ife and "on the strong side of the midpoint but not strong" in ife
    assert "above the 2.5 average" not in ife
    zh = r.sentences("zh")[0]
    assert "处于“中等”区间" in zh and "比中点 2.5 高 0.04" in zh and "略偏强" in zh
    efe = r.sentences("en")[1]
    assert "2.52: in the medium band" in efe and "slightly better than average" in efe


@pytest.mark.parametrize("rating, phrase", [(3.5, "3.50: in the strong band"), (1.5, "1.50: in the weak band")])
def test_ife_sentence_outside_the_average_band(rating, phrase):
    """IFE = 0.5 r + 0.5 r = r: 3.5 is strong (not merely 'above the midpoint'), 1.5 weak."""
    t = _table([("S1", "S", "a", 0.5, rating), ("W1", "W", "b", 0.5, rating), ("O1", "O", "c", 1.0, 2)])
    s = swot.evaluate(t, ratings="any").sentences("en")[0]
    assert phrase in s
    assert ("strengths dominate: the internal position is strong" if rating > 2.5
            else "weaknesses dominate: the internal position is weak") in s


def test_ife_sentence_below_midpoint_in_the_average_band_leans_weak():
    t = HAND.copy()
    t.loc[t["id"] == "S1", "rating"] = 3  # IFE 2.30: average band, 0.20 below 2.5
    s = swot.evaluate(t).sentences("en")[0]
    assert "2.30: in the average band" in s and "0.20 below the 2.5 midpoint" in s and "weak side" in s


def test_tied_weaknesses_are_named_as_a_tie_not_one_winner():
    """Demo W2 and W4 both score 0.12 × (5 − 1) = 0.48: neither alone is 'the most serious weakness'."""
    r = swot.evaluate(ROOT / "data" / "swot_factors.yaml")
    s = r.sentences("en")[0]
    assert "the most serious weaknesses are W2" in s and "and W4" in s and "tied" in s
    assert "两者并列" in r.sentences("zh")[0]


def test_tows_sentence_says_when_pairs_beyond_the_cut_tie_with_the_last_listed():
    """Demo: S2+T1, W2+T1 and W4+T1 all have importance 0.48 × 0.48 = 0.2304; a top-3 list ends at S2+T1."""
    r = swot.evaluate(ROOT / "data" / "swot_factors.yaml")
    s = r.sentences("en", top=3)[-1]
    assert "S1+T1 (0.269), S1+O1 (0.235), S2+T1 (0.230)" in s
    assert "2 more pairs tie with the last one at 0.230" in s
    assert "另有 2 个组合与第 3 个同为 0.230" in r.sentences("zh", top=3)[-1]
    assert "tie" not in r.sentences("en", top=5)[-1]


def test_hostile_factor_text_is_escaped_in_report_tables_and_sentences():
    import crmcore as crm

    t = HAND.copy()
    t.loc[0, "factor"] = "<img src=x onerror=alert(1)>"
    r = swot.evaluate(t)
    html = crm.show(r.matrix("IFE"), "en", columns=swot.COLUMNS)._repr_html_()
    html += crm.show(r.pairs(top=5), "en", columns=swot.COLUMNS)._repr_html_()
    html += crm.say(r.sentences("en"))._repr_html_()
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_factor_table_and_matrix_read_in_chinese_when_the_file_has_chinese():
    r = swot.evaluate(ROOT / "data" / "swot_factors.yaml")
    ft = r.factor_table("zh")
    assert ft.loc[0, "factor"].startswith("礼品和灯具") and ft.loc[0, "evidence"].startswith("示例销售数据")
    assert ft.loc[0, "type"] == "优势"
    assert r.matrix("IFE", lang="zh")["id"].iloc[-1] == "合计"
    # a file with one language only works as is
    assert swot.evaluate(HAND).factor_table("zh").loc[0, "factor"] == "strong brand"


def test_exercise_self_checks_accept_the_right_answer_and_refuse_a_wrong_one(capsys):
    from crmcore.exercises import n02_swot as ex

    factors = swot.load_factors(ROOT / "data" / "swot_factors.yaml")
    # W2 weight 0.12: rating 1 -> 2 adds 0.12 to 2.54
    assert ex.check_1(2.66, factors=factors) is True
    assert ex.check_1(2.54, factors=factors, lang="zh") is False
    assert "还不对" in capsys.readouterr().out
    # EFE with O6 (0.10 x 3 = 0.30): (2.52 + 0.30) / 1.10 = 2.5636
    assert ex.check_2(2.5636, factors=factors) is True
    assert ex.check_2(2.82, factors=factors) is False
