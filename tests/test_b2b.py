"""The B2B schema: validation at the door, the CRM-export mapping, and the seeded demo's known truth."""
from __future__ import annotations

import pandas as pd
import pytest

from crmcore import b2b
from crmcore.errors import DataError, ParameterError


def _opps(**over):
    d = {"opportunity_id": ["O1", "O2"], "account_id": ["A", "B"], "owner": ["Li Na", "Zhao Lei"],
         "product": ["Analytics", "Consulting"], "amount": [100.0, 200.0], "created": ["2025-01-01", "2025-01-05"],
         "closed": ["2025-02-01", None], "outcome": ["won", "open"]}
    d.update(over)
    return pd.DataFrame(d)


def test_text_amount_is_refused_with_the_row_and_the_fix():
    with pytest.raises(DataError, match=r"column 'amount'.*1 of 2 values are missing or not numbers.*'12,000'"):
        b2b.check_opportunities(_opps(amount=[100.0, "12,000"]))


def test_close_before_creation_is_refused_naming_the_opportunity():
    with pytest.raises(DataError, match=r"close before they were created.*O1: created 2025-01-01, closed 2024-12-01"):
        b2b.check_opportunities(_opps(closed=["2024-12-01", None]))


def test_unknown_outcome_and_closed_without_date_are_refused():
    with pytest.raises(DataError, match="are not won, lost or open"):
        b2b.check_opportunities(_opps(outcome=["won", "pending"]))
    with pytest.raises(DataError, match="without a close date"):
        b2b.check_opportunities(_opps(closed=[None, None]))


def test_input_is_not_mutated():
    o = _opps()
    before = o.copy()
    b2b.check_opportunities(o)
    pd.testing.assert_frame_equal(o, before)


def test_unknown_stage_is_refused_with_the_stage_list():
    h = pd.DataFrame({"opportunity_id": ["O1"], "stage": ["demo call"], "entered": ["2025-01-02"]})
    with pytest.raises(DataError, match=r"unknown stages \('demo call'\).*qualify, needs, proposal, negotiate"):
        b2b.check_stage_history(h)


def test_history_going_backwards_is_refused_or_dropped_when_asked():
    h = pd.DataFrame({"opportunity_id": ["O1"] * 3, "stage": ["qualify", "proposal", "needs"],
                      "entered": ["2025-01-02", "2025-01-10", "2025-01-20"]})
    with pytest.raises(DataError, match=r"go back to a stage.*O1 → needs on 2025-01-20.*backwards='drop'"):
        b2b.check_stage_history(h)
    kept = b2b.check_stage_history(h, backwards="drop")
    assert kept["stage"].tolist() == ["qualify", "proposal"]
    with pytest.raises(ParameterError):
        b2b.check_stage_history(h, backwards="fix")


def test_stage_entered_before_creation_is_refused():
    h = pd.DataFrame({"opportunity_id": ["O1"], "stage": ["qualify"], "entered": ["2024-12-31"]})
    with pytest.raises(DataError, match="before the opportunity was created"):
        b2b.check_stage_history(h, opportunities=b2b.check_opportunities(_opps()))


def test_demo_files_are_byte_identical_on_regeneration(tmp_path):
    for p in b2b.write_demo(tmp_path):
        assert p.read_bytes() == (b2b.DATA_DIR / p.name).read_bytes(), p.name


def test_export_file_and_sidecar_are_byte_identical_on_regeneration(tmp_path):
    p = b2b.write_export(tmp_path / "sales_pipeline_export.csv")
    assert p.read_bytes() == (b2b.DATA_DIR / "sales_pipeline_export.csv").read_bytes()
    side = tmp_path / "sales_pipeline_export.csv.mapping.yaml"
    assert side.read_bytes() == (b2b.DATA_DIR / "sales_pipeline_export.csv.mapping.yaml").read_bytes()


def test_export_maps_stages_and_flags_what_it_lacks():
    d = b2b.load(data_path=str(b2b.DATA_DIR / "sales_pipeline_export.csv"))
    raw = pd.read_csv(b2b.DATA_DIR / "sales_pipeline_export.csv")
    assert len(d.opportunities) == len(raw) == 600
    assert (d.opportunities["outcome"] == "won").sum() == (raw["deal_stage"] == "Won").sum()
    assert d.current_stage_only and not d.lost_amount_known
    open_ids = set(d.opportunities.loc[d.opportunities["outcome"] == "open", "opportunity_id"])
    assert set(d.stage_history["opportunity_id"]) == open_ids
    assert set(d.stage_history["stage"]) <= {"qualify", "proposal"}


def test_export_without_mapping_or_with_an_unknown_stage_is_refused(tmp_path):
    src = b2b.DATA_DIR / "sales_pipeline_export.csv"
    p = tmp_path / "x.csv"
    p.write_bytes(src.read_bytes())
    with pytest.raises(DataError, match="no mapping"):
        b2b.load_export(p)
    m = dict(b2b.EXPORT_MAPPING, stages={"Won": "won", "Lost": "lost"})
    with pytest.raises(DataError, match="stages the mapping does not know"):
        b2b.load_export(p, mapping=m)


@pytest.fixture(scope="module")
def demo():
    return b2b.load()


def test_demo_conversion_recovers_the_true_early_stage_probabilities(demo):
    from crmcore import pipeline as pl

    c = pl.conversion(demo.stage_history, opportunities=demo.opportunities).table.set_index("from_stage")
    for s in ("qualify", "needs"):   # the sandbagger and the price competitor act only later
        assert abs(c.loc[s, "rate"] - b2b.TRUTH["conversion"][s]) < 0.04


def test_demo_price_competitor_wins_price_driven_deals(demo):
    from crmcore import pipeline as pl

    o = demo.opportunities.assign(against=lambda d: (d["competitor"] == b2b.TRUTH["price_competitor"])
                                  & d["price_driven"].astype(bool))
    t = pl.win_rate(o, by="against").table.set_index("against")
    assert t.loc[True, "upper"] < t.loc[False, "lower"]


def test_demo_sandbagger_has_the_highest_win_rate_and_seasonality_is_there(demo):
    from crmcore import pipeline as pl

    t = pl.win_rate(demo.opportunities, by="owner").table.sort_values("win_rate", ascending=False)
    assert t.iloc[0]["owner"] == b2b.TRUTH["sandbagger"]
    by_month = demo.opportunities["created"].dt.month.value_counts()
    assert by_month[12] > 2 * by_month[2]


def test_demo_asof_derives_from_the_data_never_the_clock(demo):
    assert b2b.resolve_asof("", demo) == "2026-01-01"
    with pytest.raises(ParameterError, match="outside the data"):
        b2b.resolve_asof("2030-01-01", demo)
