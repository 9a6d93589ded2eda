"""Tests for crmcore.porter: force intensities, attractiveness, binding force, sensitivity, bad input."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from crmcore import porter
from crmcore.errors import DataError, DomainError, ParameterError

ROOT = Path(__file__).resolve().parent.parent


def _drivers(rows, scenario="A"):
    df = pd.DataFrame(rows, columns=["force", "driver", "weight", "score"])
    df.insert(0, "scenario", scenario)
    return df


# worked by hand in the tests below
HAND = [
    ("supplier_power", "s1", 0.6, 2), ("supplier_power", "s2", 0.4, 4),   # 1.2 + 1.6 = 2.8
    ("buyer_power", "b1", 0.5, 4), ("buyer_power", "b2", 0.5, 5),         # 2.0 + 2.5 = 4.5
    ("new_entrants", "e1", 1.0, 3),                                       # 3.0
    ("substitutes", "u1", 0.3, 1), ("substitutes", "u2", 0.7, 3),         # 0.3 + 2.1 = 2.4
    ("rivalry", "r1", 0.25, 4), ("rivalry", "r2", 0.75, 4),               # 1.0 + 3.0 = 4.0
]


def test_force_intensities_overall_and_attractiveness_match_hand_computation():
    r = porter.five_forces(_drivers(HAND))
    assert r.intensity().to_dict() == pytest.approx(
        {"supplier_power": 2.8, "buyer_power": 4.5, "new_entrants": 3.0, "substitutes": 2.4, "rivalry": 4.0})
    s = r.summary()
    # overall = (2.8 + 4.5 + 3.0 + 2.4 + 4.0) / 5 = 16.7 / 5 = 3.34; attractiveness = 6 - 3.34 = 2.66
    assert s["overall_intensity"] == pytest.approx(3.34)
    assert s["attractiveness"] == pytest.approx(2.66)
    assert s["binding_force"] == "buyer_power"
    assert s["ranking"] == "buyer_power > rivalry > new_entrants > supplier_power > substitutes"
    assert r.forces.set_index("force")["level"].to_dict() == {
        "supplier_power": "moderate", "buyer_power": "strong", "new_entrants": "moderate",
        "substitutes": "weak", "rivalry": "strong"}


def test_force_weights_change_the_overall_intensity():
    fw = {"supplier_power": 0.15, "buyer_power": 0.15, "new_entrants": 0.15, "substitutes": 0.15, "rivalry": 0.40}
    r = porter.five_forces(_drivers(HAND), force_weights=fw)
    # 0.15 * (2.8 + 4.5 + 3.0 + 2.4) + 0.40 * 4.0 = 1.905 + 1.6 = 3.505 -> attractiveness 2.495
    assert r.summary()["overall_intensity"] == pytest.approx(3.505)
    assert r.summary()["attractiveness"] == pytest.approx(2.495)
    with pytest.raises(ParameterError, match="missing rivalry"):
        porter.five_forces(_drivers(HAND), force_weights={k: 0.25 for k in list(fw)[:4]})


def test_stronger_driver_scores_never_raise_attractiveness():
    base = porter.five_forces(_drivers(HAND)).summary()["attractiveness"]
    for i, row in enumerate(HAND):
        if row[3] < 5:
            up = list(HAND)
            up[i] = (*row[:3], row[3] + 1)
            assert porter.five_forces(_drivers(up)).summary()["attractiveness"] < base


def test_sensitivity_of_a_clear_ranking_reports_no_change():
    r = porter.five_forces(_drivers(HAND))
    # supplier weights .6/.4 -> .65/.35 gives 2.7, .55/.45 gives 2.9: still between 2.4 and 3.0, etc.
    # moves: 2 drivers x 2 directions in supplier, buyer, substitutes, rivalry; new entrants has one driver
    assert len(r.sensitivity) == 16
    assert set(r.sensitivity["force"]) == {"supplier_power", "buyer_power", "substitutes", "rivalry"}
    sup = r.sensitivity[(r.sensitivity["force"] == "supplier_power") & (r.sensitivity["driver"] == "s1")]
    assert list(sup["intensity_after"]) == pytest.approx([2.7, 2.9])  # +0.05, -0.05
    assert r.ranking_changes().empty
    assert r.summary()["ranking_stable"] is True


def test_sensitivity_reports_the_moves_that_reorder_forces_and_those_that_move_the_binding_force():
    rows = [x for x in HAND if x[0] != "substitutes"] + [("substitutes", "u1", 0.3, 1), ("substitutes", "u2", 0.7, 4)]
    r = porter.five_forces(_drivers(rows))
    # substitutes = .3*1 + .7*4 = 3.1 just above new entrants 3.0
    # u1 +.05: .35*1 + .65*4 = 2.95 < 3.0 -> swap; u2 -.05 gives the same; the other two moves give 3.25
    ch = r.ranking_changes()
    assert list(zip(ch["driver"], ch["delta"])) == [("u1", 0.05), ("u2", -0.05)]
    assert list(ch["intensity_after"]) == pytest.approx([2.95, 2.95])
    assert not ch["binding_changed"].any()

    tie = [x for x in HAND if x[0] != "rivalry"] + [("rivalry", "r1", 0.5, 5), ("rivalry", "r2", 0.5, 4)]
    r = porter.five_forces(_drivers(tie))
    # rivalry = 2.5 + 2.0 = 4.5 ties buyer 4.5; the tie goes to buyer (FORCES order) and is reported
    assert r.summary()["binding_force"] == "buyer_power"
    assert r.overall["binding_ties"].iloc[0] == "rivalry"
    ch = r.ranking_changes()
    # buyer b1 (score 4) +.05 -> .55*4 + .45*5 = 4.45; b2 -.05 the same; rivalry r1 +.05 -> .55*5 + .45*4 = 4.55; r2 -.05 the same
    assert sorted(zip(ch["force"], ch["driver"], ch["delta"])) == [
        ("buyer_power", "b1", 0.05), ("buyer_power", "b2", -0.05), ("rivalry", "r1", 0.05), ("rivalry", "r2", -0.05)]
    assert ch["binding_changed"].all()
    assert "sensitive" in " ".join(r.sentences("en"))


def test_weights_moved_at_a_bound_are_clipped_to_0_and_1():
    rows = [x for x in HAND if x[0] != "supplier_power"] + [("supplier_power", "s1", 0.98, 2), ("supplier_power", "s2", 0.02, 4)]
    r = porter.five_forces(_drivers(rows))
    sup = r.sensitivity[r.sensitivity["force"] == "supplier_power"].set_index(["driver", "delta"])
    # s1 +0.05 would be 1.03: clipped to 1.00 (a move of +0.02), intensity 2.0
    assert sup.loc[("s1", 0.02), "weight_after"] == pytest.approx(1.0)
    assert sup.loc[("s1", 0.02), "intensity_after"] == pytest.approx(2.0)
    # s2 -0.05 would be -0.03: clipped to 0 (a move of -0.02)
    assert sup.loc[("s2", -0.02), "weight_after"] == pytest.approx(0.0)


def test_normalise_rescales_driver_weights_within_a_force_and_warns():
    rows = [(f, d, w * 2 if f == "supplier_power" else w, s) for f, d, w, s in HAND]
    with pytest.raises(DomainError, match=r"force 'supplier_power' in scenario 'A' sum to 2.*s1=1.2.*weights='normalise'"):
        porter.five_forces(_drivers(rows))
    with pytest.warns(UserWarning, match="supplier_power.*summed to 2"):
        r = porter.five_forces(_drivers(rows), weights="normalise")
    assert r.intensity()["supplier_power"] == pytest.approx(2.8)
    assert len(r.warnings) == 1


def test_a_force_with_no_drivers_is_a_domain_error():
    with pytest.raises(DomainError, match="force 'rivalry' in scenario 'A' has no drivers"):
        porter.five_forces(_drivers([x for x in HAND if x[0] != "rivalry"]))
    spec = {"scenarios": [{"name": "Y", "forces": {f: [{"driver": "d", "weight": 1, "score": 3}] for f in porter.FORCES}}]}
    spec["scenarios"][0]["forces"]["substitutes"] = []
    with pytest.raises(DomainError, match="force 'substitutes' in scenario 'Y' has no drivers"):
        porter.five_forces(spec)


def test_score_out_of_range_names_the_driver_and_force():
    rows = list(HAND)
    rows[3] = ("buyer_power", "b2", 0.5, 6)
    with pytest.raises(DomainError, match=r"driver 'b2' of force 'buyer_power' \(scenario 'A'\) has score 6, outside 1–5"):
        porter.five_forces(_drivers(rows))
    rows[3] = ("buyer_power", "b2", 0.5, 0)
    with pytest.raises(DomainError, match="'b2'"):
        porter.five_forces(_drivers(rows))


def test_unknown_force_missing_columns_and_bad_options():
    rows = list(HAND) + [("government", "g1", 1.0, 3)]
    with pytest.raises(DomainError, match="unknown force 'government'"):
        porter.five_forces(_drivers(rows))
    with pytest.raises(DataError, match="'score'.*missing"):
        porter.five_forces(_drivers(HAND).drop(columns="score"))
    with pytest.raises(ParameterError, match="weights='scale'"):
        porter.five_forces(_drivers(HAND), weights="scale")
    with pytest.raises(ParameterError, match="step"):
        porter.five_forces(_drivers(HAND), step=0)
    with pytest.raises(ParameterError, match="scenario='B'"):
        porter.five_forces(_drivers(HAND)).summary("B")


def test_force_names_in_words_are_accepted():
    rows = [({"supplier_power": "Bargaining power of suppliers", "buyer_power": "购买者议价能力",
              "new_entrants": "threat of new entrants", "substitutes": "Threat of substitutes",
              "rivalry": "competitive rivalry"}[f], d, w, s) for f, d, w, s in HAND]
    assert porter.five_forces(_drivers(rows)).summary()["overall_intensity"] == pytest.approx(3.34)


def test_input_is_not_mutated():
    df = _drivers(HAND)
    before = df.copy()
    porter.five_forces(df)
    pd.testing.assert_frame_equal(df, before)


def test_checklist_and_template_cover_every_force_in_both_languages():
    en, zh = porter.checklist("en"), porter.checklist("zh")
    assert set(en["force"]) == set(porter.FORCES)
    assert en.groupby("force").size().min() >= 3
    assert (zh["label"].str.len() > 0).all() and not (zh["label"] == en["label"]).any()
    t = porter.template("my shop")
    assert t.groupby("force")["weight"].sum().tolist() == pytest.approx([1.0] * 5)
    # a template filled with 3s scores 3 everywhere: attractiveness 3
    t["score"] = 3
    assert porter.five_forces(t).summary("my shop")["attractiveness"] == pytest.approx(3.0)


def test_demo_driver_file_has_three_scenarios_with_hand_checked_2024_numbers():
    r = porter.five_forces(ROOT / "data" / "porter_drivers.yaml")
    assert r.scenarios == ("Gift & home retail 2024", "Gift & home retail 2025", "Online gift marketplace 2025")
    s = r.summary("Gift & home retail 2024")
    # supplier = .25*2 + .20*3 + .20*2 + .15*2 + .20*3 = 2.40; buyer = .1+.6+1.0+1.0+.8 = 3.50
    # entrants = .6+.8+.6+1.0+.6 = 3.60; substitutes = 1.2+1.2+.9 = 3.30; rivalry = 1.0+.3+.6+.45+1.0 = 3.35
    assert [s[f] for f in porter.FORCES] == pytest.approx([2.40, 3.50, 3.60, 3.30, 3.35])
    assert s["overall_intensity"] == pytest.approx(3.23)  # 16.15 / 5
    assert s["binding_force"] == "new_entrants"
    # buyer b1 (score 1) weight .10 -> .05: .05*1 + 3.4*.95/.90 = 3.639 > 3.60, buyer power becomes binding
    ch = r.ranking_changes("Gift & home retail 2024").set_index("driver")
    assert ch.loc["buyer_concentration", "intensity_after"] == pytest.approx(0.05 + 3.4 * 0.95 / 0.90)
    assert bool(ch.loc["buyer_concentration", "binding_changed"])
    assert r.summary("Online gift marketplace 2025")["ranking_stable"] is True
    assert r.drivers.loc[r.drivers["driver"] == "slow_growth", "label_zh"].iloc[0] == "行业增长缓慢"


def test_flat_csv_round_trip_and_yaml_without_scenarios(tmp_path):
    r = porter.five_forces(ROOT / "data" / "porter_drivers.yaml")
    csv = tmp_path / "drivers.csv"
    r.drivers[["scenario", "force", "driver", "weight", "score", "evidence"]].to_csv(csv, index=False)
    back = porter.five_forces(csv)
    pd.testing.assert_frame_equal(back.to_frame(), r.to_frame())
    with pytest.raises(DataError, match="no 'scenarios' list"):
        porter.five_forces({"forces": {}})


def test_to_frame_in_chinese_names_the_scenarios_by_their_chinese_names():
    """The demo file gives name_zh for every scenario: in zh the index reads Chinese, not the English names
    that index the raw frame; a scenario without a Chinese name keeps its name; the numbers do not change."""
    r = porter.five_forces(ROOT / "data" / "porter_drivers.yaml")
    raw, en, zh = r.to_frame(), r.to_frame("en"), r.to_frame("zh")
    assert list(raw.index) == ["Gift & home retail 2024", "Gift & home retail 2025", "Online gift marketplace 2025"]
    assert list(en.index) == list(raw.index) and en.index.name == "Scenario"
    assert list(zh.index) == ["礼品家居零售 2024", "礼品家居零售 2025", "线上礼品平台 2025"]
    assert zh.index.name == "情景" and "行业吸引力（1–5）" in zh.columns
    assert zh["行业吸引力（1–5）"].tolist() == raw["attractiveness"].tolist()
    mixed = pd.concat([r.drivers[r.drivers["scenario"] == "Gift & home retail 2024"],
                       _drivers(HAND, scenario="no Chinese name")], ignore_index=True)
    assert list(porter.five_forces(mixed).to_frame("zh").index) == ["礼品家居零售 2024", "no Chinese name"]


def test_to_frame_in_chinese_names_the_binding_force_in_chinese_not_its_code():
    """The raw frame keeps the force codes (notebooks index them); in zh the binding force is a Chinese name."""
    r = porter.five_forces(ROOT / "data" / "porter_drivers.yaml")
    raw, zh = r.to_frame(), r.to_frame("zh")
    assert set(raw["binding_force"]) <= set(porter.FORCES)
    col = porter.COLUMNS["binding_force"]["zh"]
    assert [porter.LABELS[f]["zh"] for f in raw["binding_force"]] == zh[col].tolist()
    assert not any(f in porter.FORCES for f in zh[col])


def test_sentences_state_the_direction_of_attractiveness_in_both_languages():
    r = porter.five_forces(ROOT / "data" / "porter_drivers.yaml")
    en = " ".join(r.sentences("en", "Gift & home retail 2025", compare_with="Gift & home retail 2024"))
    assert "3.42" in en and "2.58" in en and "less attractive" in en and "fell by 0.19" in en
    zh = " ".join(r.sentences("zh", "Gift & home retail 2025"))
    assert "作用力越强，行业吸引力越低" in zh and "潜在进入者的威胁" in zh and "礼品家居零售 2025" in zh


def test_plots_return_axes_and_radar_refuses_a_cartesian_axes():
    import matplotlib.pyplot as plt

    r = porter.five_forces(ROOT / "data" / "porter_drivers.yaml")
    ax = r.plot("radar")
    assert len(ax.get_legend().get_texts()) == 3
    assert len(ax.lines) == 3
    ax = r.plot("drivers", scenario="Gift & home retail 2025", lang="zh")
    assert len(ax.patches) == len(r.drivers[r.drivers["scenario"] == "Gift & home retail 2025"])
    _, flat = plt.subplots()
    with pytest.raises(ParameterError, match="polar"):
        r.plot("radar", ax=flat)


@pytest.mark.notebook
def test_notebook_records_the_demo_numbers(run_notebook):
    rec = run_notebook("03_porter.ipynb")
    assert rec["overall_intensity"] == pytest.approx(3.42)
    assert rec["attractiveness"] == pytest.approx(2.58)
    assert rec["binding_force"] == "new_entrants"
    assert rec["n_scenarios"] == 3
    assert rec["n_ranking_changes"] == 2


@pytest.mark.notebook
def test_notebook_reports_another_scenario_in_chinese(run_notebook):
    rec = run_notebook("03_porter.ipynb", scenario="Online gift marketplace 2025", compare_with="", lang="zh")
    assert rec["binding_force"] == "buyer_power"
    assert rec["intensity"]["buyer_power"] == pytest.approx(4.70)
    assert rec["ranking_stable"] is True


# --------------------------------------------------------------------------- true sentences, language, safety
def test_tied_weakest_forces_and_tied_top_drivers_are_named_as_ties():
    """Supplier power 0.5 × 2 + 0.5 × 2 = 2.0 = substitutes 1.0 × 2: "the weakest is supplier power" would be false;
    buyer power's two drivers contribute 0.5 × 5 = 2.5 each: neither alone "drives it most"."""
    rows = [("supplier_power", "s1", 0.5, 2), ("supplier_power", "s2", 0.5, 2), ("buyer_power", "b1", 0.5, 5),
            ("buyer_power", "b2", 0.5, 5), ("new_entrants", "e1", 1.0, 3), ("substitutes", "u1", 1.0, 2),
            ("rivalry", "r1", 1.0, 4)]
    r = porter.five_forces(_drivers(rows))
    en = r.sentences("en")[1]
    assert "the weakest are supplier power and threat of substitutes, tied at 2.00." in en
    assert "driven most by 'b1' (score 5, weight 0.50) and equally by 'b2'" in en
    zh = r.sentences("zh")[1]
    assert "最弱的是供应商议价能力、替代品的威胁，并列 2.00" in zh and "以及同样重要的“b2”" in zh


def test_report_tables_read_in_chinese_with_the_files_chinese_evidence():
    r = porter.five_forces(ROOT / "data" / "porter_drivers.yaml")
    t = r.report_table("zh")
    assert list(t["scenario"]) == ["礼品家居零售 2024", "礼品家居零售 2025", "线上礼品平台 2025"]
    assert t.loc[1, "binding_force"] == "潜在进入者的威胁" and t.loc[1, "ranking_stable"] == "否"
    d = r.driver_table("Gift & home retail 2025", "zh")
    assert d.loc[0, "force"] == "供应商议价能力" and d.loc[0, "evidence"] == "与上年相同。"
    assert not d["evidence"].str.contains("[A-Za-z]{4}").any()  # every demo driver has Chinese evidence
    ch = r.changes_table("Gift & home retail 2025", "zh")
    assert list(ch["binding_changed"]) == ["否", "是"] and ch.loc[1, "new_ranking"].startswith("购买者议价能力 >")
    # a file of one language works as is
    assert porter.five_forces(_drivers(HAND)).driver_table(lang="zh").loc[0, "evidence"] == ""


def test_hostile_driver_text_is_escaped_in_report_html():
    import crmcore as crm

    rows = [list(x) for x in HAND]
    rows[0][1] = "<img src=x onerror=alert(1)>"
    r = porter.five_forces(_drivers(rows))
    html = crm.show(r.driver_table(lang="en"), "en", columns=porter.COLUMNS)._repr_html_()
    html += crm.say(r.sentences("en"))._repr_html_()
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_exercise_self_checks_accept_the_right_answer_and_refuse_a_wrong_one(capsys):
    from crmcore.exercises import n03_porter as ex

    drivers = porter.load_drivers(ROOT / "data" / "porter_drivers.yaml")
    # 2025: rivalry + 0.15 x (4 - 2) = +0.30, overall +0.06, attractiveness 2.58 - 0.06 = 2.52
    assert ex.check_1(2.52, drivers=drivers, scenario="Gift & home retail 2025") is True
    assert ex.check_1(2.28, drivers=drivers, scenario="Gift & home retail 2025", lang="zh") is False
    assert "还不对" in capsys.readouterr().out
    fw = {"supplier_power": 0.175, "buyer_power": 0.175, "new_entrants": 0.175, "substitutes": 0.175, "rivalry": 0.30}
    # attractiveness 2.755 (2024), 2.558 (2025), 2.570 (marketplace): the marketplace now beats 2025
    order = ["Gift & home retail 2024", "Online gift marketplace 2025", "Gift & home retail 2025"]
    assert ex.check_3(order, drivers=drivers, force_weights=fw) is True
    assert ex.check_3(order[::-1], drivers=drivers, force_weights=fw) is False
