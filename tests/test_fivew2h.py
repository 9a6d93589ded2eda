"""5W2H answered from transactions: statuses from the columns present, hand-worked answers, bad input."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from crmcore import data, datasets, fivew2h
from crmcore.errors import DataError, ParameterError

ASOF = "2025-01-01"


def _tx(**extra_cols) -> pd.DataFrame:
    """Four customers, six orders, written out so every answer below can be worked by hand.

    order  customer  date (weekday, hour)      lines (product, category, qty × price)      value  items
    a1     A         2024-06-03 Mon 10:15      p1 X 2×10, p2 X 1×5                         25     3
    a2     A         2024-12-10 Tue 10:30      p1 X 1×10                                   10     1
    b1     B         2024-12-14 Sat 15:00      p3 Y 3×20                                   60     3
    c1     C         2024-12-20 Fri 15:40      p3 Y 1×20, p2 X 2×5                         30     3
    c2     C         2024-12-30 Mon 15:05      p1 X 1×10                                   10     1
    d1     D         2024-03-01 Fri 09:00      p4 Z 1×40                                   40     1
    """
    rows = [
        ("A", "a1", "2024-06-03 10:15", "p1", "X", 2, 10.0),
        ("A", "a1", "2024-06-03 10:15", "p2", "X", 1, 5.0),
        ("A", "a2", "2024-12-10 10:30", "p1", "X", 1, 10.0),
        ("B", "b1", "2024-12-14 15:00", "p3", "Y", 3, 20.0),
        ("C", "c1", "2024-12-20 15:40", "p3", "Y", 1, 20.0),
        ("C", "c1", "2024-12-20 15:40", "p2", "X", 2, 5.0),
        ("C", "c2", "2024-12-30 15:05", "p1", "X", 1, 10.0),
        ("D", "d1", "2024-03-01 09:00", "p4", "Z", 1, 40.0),
    ]
    df = pd.DataFrame(rows, columns=["customer_id", "order_id", "order_date", "product_id", "category",
                                     "quantity", "unit_price"])
    for k, v in extra_cols.items():
        df[k] = v
    return data.load_transactions(df)


@pytest.fixture(scope="module")
def small():
    return fivew2h.answer(_tx(), asof=ASOF, window_days=30)


def test_question_bank_has_the_seven_questions_in_zh_and_en():
    qs = fivew2h.questions("zh")
    assert list(dict.fromkeys(qs["question"])) == ["what", "who", "when", "where", "how_much", "how", "why"]
    labels = dict(zip(qs["question"], qs["label"]))
    assert labels["what"] == "买什么" and labels["how_much"] == "买多少" and labels["why"] == "为什么"
    en = dict(zip(fivew2h.questions("en")["question"], fivew2h.questions("en")["label"]))
    assert en["what"] == "What (买什么)" and en["how_much"] == "How much (买多少)"
    # the six buying roles of Who, only "who buys" is in a till roll
    who = qs[qs.question == "who"]
    assert len(who) == 6 and (who["columns"] != "").sum() == 1
    assert "谁做决定" in " ".join(who["text"])


def test_status_counts_only_data_subquestions():
    """Online Retail's columns: no category, channel, payment, is_promo."""
    cols = ["customer_id", "order_id", "order_date", "product_id", "quantity", "unit_price", "amount",
            "product_name", "region", "time_of_day"]
    st = fivew2h.status(cols).set_index("question")["status"].to_dict()
    assert st == {"what": "partly", "who": "answerable", "when": "answerable", "where": "partly",
                  "how_much": "answerable", "how": "not answerable", "why": "partly"}


def test_statuses_on_a_dataset_missing_columns(small):
    st = small.status_table.set_index("question")
    assert st.loc["what", "status"] == "answerable"       # category and product_id present
    assert st.loc["where", "status"] == "not answerable"  # no channel, no region
    assert st.loc["how", "status"] == "not answerable"
    assert st.loc["why", "status"] == "partly"            # price, but no is_promo
    assert st.loc["how", "missing_columns"] == "channel, payment"
    assert small["how"].tables == {}
    assert small["how"].headline.startswith("Not answerable from these data: no channel or payment column.")
    assert "is_promo" in small["why"].headline


def test_dates_without_times_make_when_partly():
    tx = _tx()
    tx["order_date"] = tx["order_date"].dt.normalize()
    res = fivew2h.answer(tx, asof=ASOF, window_days=30)
    assert res["when"].status == "partly"
    assert "weekday_hour" not in res["when"].tables
    assert "no time of day" in res["when"].headline


def test_what_top_category_and_product_by_hand(small):
    cat = small["what"].tables["categories"]
    # X: 20+5+10+10+10 = 55; Y: 60+20 = 80; Z: 40; total 175
    assert list(cat["category"]) == ["Y", "X", "Z"]
    assert list(cat["revenue"]) == [80.0, 55.0, 40.0]
    assert small["what"].facts["top_category_share"] == pytest.approx(80 / 175)
    prod = small["what"].tables["products"]
    # p3 80, then p1 40 and p4 40 (tie broken by product_id), p2 15
    assert list(prod["product_id"]) == ["p3", "p1", "p4", "p2"]
    assert "Y is the top category with 45.7% of revenue" in small["what"].headline


def test_who_new_vs_returning_by_hand(small):
    """Window: 30 days before 2025-01-01 = from 2024-12-02. A bought before and in it (returning);
    B and C first bought in it (new); D last bought in March (not active)."""
    nr = small["who"].tables["new_returning"].set_index("group")
    assert nr.loc["new", "customers"] == 2 and nr.loc["returning", "customers"] == 1
    # window revenue: new 60 + 30 + 10 = 100, returning 10
    assert nr.loc["new", "revenue"] == 100.0 and nr.loc["returning", "revenue"] == 10.0
    assert small["who"].facts["returning_revenue_share"] == pytest.approx(10 / 110)
    # lifetime: top 20% of 4 customers = ceil(0.8) = 1 customer: B with 60 of 175
    assert small["who"].facts["top20_revenue_share"] == pytest.approx(60 / 175)
    assert small["who"].facts["one_time_share"] == 0.5  # B and D


def test_how_much_basket_size_by_hand(small):
    f = small["how_much"].facts
    # orders 25, 10, 60, 30, 10, 40 → mean 175/6, median (25+30)/2; items 3,1,3,3,1,1; lines 2,1,1,2,1,1
    assert f["orders"] == 6
    assert f["mean_order_value"] == pytest.approx(175 / 6)
    assert f["median_order_value"] == pytest.approx(27.5)
    assert f["mean_items"] == pytest.approx(12 / 6)
    assert f["mean_lines"] == pytest.approx(8 / 6)
    # F and M of RFM: 6 orders / 4 customers, 175 / 4
    assert f["mean_orders_per_customer"] == pytest.approx(1.5)
    assert f["mean_revenue_per_customer"] == pytest.approx(43.75)
    assert "F (frequency) and M (monetary) of RFM" in small["how_much"].headline


def test_when_hours_and_repurchase_intervals_by_hand(small):
    f = small["when"].facts
    assert f["peak_hour"] == 15  # b1, c1, c2
    assert f["peak_hour_share"] == pytest.approx(3 / 6)
    # A: 2024-06-03 → 2024-12-10 = 190 days; C: 2024-12-20 → 2024-12-30 = 10 days
    assert f["repurchase_intervals"] == 2
    assert f["median_interval_days"] == pytest.approx(100.0)
    hist = small["when"].tables["repurchase_intervals"].set_index("days")["intervals"]
    assert hist["8–14"] == 1 and hist["181–365"] == 1 and hist.sum() == 2
    heat = small["when"].tables["weekday_hour"]
    assert heat.loc["Mon", 15] == 1 and heat.loc["Sat", 15] == 1 and heat.values.sum() == 6


def test_price_sensitivity_arc_elasticity_by_hand():
    """Product p: two lines at 10 (1 unit each), one at 8 (3 units). Reference = the product's median
    price 10, so the discounted line is at 0.8: arc elasticity ((3−1)/2) / ((0.8−1)/0.9) = −4.5."""
    df = pd.DataFrame({"customer_id": ["A", "B", "C"], "order_id": ["o1", "o2", "o3"],
                       "order_date": ["2024-05-01 10:00", "2024-05-02 11:00", "2024-05-03 12:00"],
                       "product_id": "p", "quantity": [1, 1, 3], "unit_price": [10.0, 10.0, 8.0]})
    res = fivew2h.answer(data.load_transactions(df), asof=ASOF)
    f = res["why"].facts
    assert f["arc_elasticity"] == pytest.approx(-4.5)
    assert f["units_lift_at_discount"] == pytest.approx(2.0)
    assert "200.0% more units per line" in res["why"].headline


def test_full_columns_answer_everything_and_the_mix_is_right():
    tx = _tx(channel=["store", "store", "online", "online", "app", "app", "online", "store"],
             payment=["card", "card", "cash", "card", "mobile", "mobile", "card", "cash"],
             region="East", is_promo=[False, True, False, False, True, True, False, False])
    res = fivew2h.answer(tx, asof=ASOF, window_days=30)
    assert set(res.status_table["status"]) == {"answerable"}
    mix = res["how"].tables["mix"].set_index(["channel", "payment"])["orders"]
    # orders: a1 store/card, a2 online/cash, b1 online/card, c1 app/mobile, c2 online/card, d1 store/cash
    assert mix[("online", "card")] == 2 and mix[("app", "mobile")] == 1 and mix.sum() == 6
    promo = res["why"].tables["promotion"].set_index("promo")
    # promo lines: a1/p2 5, c1/p3 20, c1/p2 10 = 35 of 175
    assert promo.loc[True, "revenue"] == 35.0
    assert res["why"].facts["promo_revenue_share"] == pytest.approx(35 / 175)
    pgp = res.people_goods_place
    assert set(pgp["dimension"]) == {"people", "goods", "place"}
    assert pgp.set_index("metric").loc["top_category", "shown"] == "Y (45.7%)"


def test_returns_are_left_out():
    tx = _tx()
    ret = tx.iloc[[3]].copy()
    ret["order_id"], ret["quantity"], ret["amount"], ret["is_return"] = "r1", -3, -60.0, True
    tx2 = pd.concat([tx, ret], ignore_index=True)
    a, b = fivew2h.answer(tx, asof=ASOF, window_days=30), fivew2h.answer(tx2, asof=ASOF, window_days=30)
    assert a["how_much"].facts == b["how_much"].facts


def test_zh_headlines_are_generated_from_the_numbers(small):
    zh = fivew2h.answer(_tx(), asof=ASOF, window_days=30, lang="zh")
    assert "Y是第一品类，占销售额 45.7%（共 3 个品类）" in zh["what"].headline
    assert "新客 2 位" in zh["who"].headline
    assert zh.status_table.set_index("question").loc["how", "status_label"] == "无法回答"


def test_demo_properties_on_tiny():
    tx = datasets.load("tiny")
    res = fivew2h.answer(tx, asof=datasets.DEMO_ASOF)
    sales = tx[~tx["is_return"] & (tx["order_date"] < datasets.DEMO_ASOF)]
    assert res["what"].tables["categories"]["revenue"].sum() == pytest.approx(sales["amount"].sum())
    assert res["how_much"].facts["orders"] == sales["order_id"].nunique()
    who = res["who"].facts
    assert who["new_customers"] + who["returning_customers"] == who["active_customers"]
    assert res["who"].tables["value_tiers"]["revenue_share"].sum() == pytest.approx(1.0)
    assert res["when"].tables["weekday_hour"].values.sum() == sales["order_id"].nunique()
    assert len(res.headlines()) == 7
    for key in fivew2h.KEYS:  # every plot draws
        assert res[key].plot() is not None


@pytest.mark.filterwarnings("ignore:kept rows with problems")
def test_online_retail_has_no_channel_payment_or_promo(shared_data):
    raw = data.load_transactions(shared_data / "online_retail.csv.gz", preset="online_retail")
    tx = data.clean(raw).transactions
    res = fivew2h.answer(tx, asof="2011-12-10", window_days=90)
    st = res.status_table.set_index("question")["status"].to_dict()
    assert st["how"] == "not answerable" and st["where"] == "partly" and st["why"] == "partly"
    assert st["what"] == "partly" and st["who"] == "answerable" and st["how_much"] == "answerable"
    assert "no channel or payment column" in res["how"].headline
    assert res["where"].facts["top_region"] == "United Kingdom"
    assert res["who"].facts["customers"] == tx.loc[tx.order_date < "2011-12-10", "customer_id"].nunique()
    assert res["how_much"].facts["orders"] == tx["order_id"].nunique()


@pytest.mark.parametrize("bad, exc, fragment", [
    ([1, 2, 3], DataError, "pandas DataFrame"),
    ("drop-amount", DataError, "lack column(s) amount"),
    ("text-dates", DataError, "not dates"),
    ("empty", DataError, "no rows"),
])
def test_bad_transactions_raise_a_clear_error(bad, exc, fragment):
    if bad == "drop-amount":
        bad = _tx().drop(columns="amount")
    elif bad == "text-dates":
        bad = _tx().assign(order_date="2024-01-01")
    elif bad == "empty":
        bad = _tx().iloc[0:0]
    with pytest.raises(exc) as e:
        fivew2h.answer(bad, asof=ASOF)
    assert fragment in str(e.value)


@pytest.mark.parametrize("kw, fragment", [
    (dict(asof=""), "asof is required"),
    (dict(asof="soon"), "not a date"),
    (dict(asof=ASOF, lang="fr"), "lang='fr'"),
    (dict(asof=ASOF, window_days=0), "window_days=0"),
    (dict(asof=ASOF, top=-1), "top=-1"),
])
def test_bad_parameters_raise_parameter_error(kw, fragment):
    with pytest.raises(ParameterError) as e:
        fivew2h.answer(_tx(), **kw)
    assert fragment in str(e.value)


def test_asof_before_all_sales_is_a_data_error():
    with pytest.raises(DataError, match="no sales lines dated before asof=2020-01-01"):
        fivew2h.answer(_tx(), asof="2020-01-01")


def test_unknown_question_and_plot_kind(small):
    with pytest.raises(ParameterError, match="use one of what"):
        small["whom"]
    with pytest.raises(ParameterError, match="kind='pie'"):
        small["when"].plot(kind="pie")


@pytest.mark.notebook
def test_notebook_runs_on_tiny(run_notebook):
    rec = run_notebook("01_5w2h.ipynb", dataset="tiny")
    assert rec["statuses"]["how"] == "answerable"
    assert 0 < rec["top_product_share"] <= rec["top_category_share"] <= 1
    assert rec["new_customers"] + rec["returning_customers"] == rec["active_customers"]
    assert not math.isnan(rec["mean_order_value"])


def test_status_reads_columns_and_times_from_a_dataframe():
    tx = _tx()
    assert fivew2h.status(tx).set_index("question").loc["when", "status"] == "answerable"
    tx["order_date"] = tx["order_date"].dt.normalize()
    assert fivew2h.status(tx).set_index("question").loc["when", "status"] == "partly"


def test_a_parquet_file_gives_the_same_answers_as_the_dataframe(tmp_path):
    """The engine scans the file: same facts as from the frame in memory."""
    tx = _tx(channel="store", payment="card", region="East", is_promo=False)
    path = tmp_path / "tx.parquet"
    tx.to_parquet(path)
    a, b = fivew2h.answer(tx, asof=ASOF, window_days=30), fivew2h.answer(path, asof=ASOF, window_days=30)
    def norm(facts):  # NaN == NaN here (no promotion lines in either)
        return {k: (round(v, 9) if isinstance(v, float) and v == v else str(v)) for k, v in facts.items()}

    for key in fivew2h.KEYS:
        assert a[key].status == b[key].status
        assert norm(a[key].facts) == norm(b[key].facts)
    assert a["how_much"].facts["orders"] == 6


def test_a_window_longer_than_the_history_warns_that_new_may_not_be_new():
    """The data begin on 2024-03-01; a 365-day window from 2024-01-02 starts before them, so every buyer
    looks new (left-censoring) and the headline says so."""
    res = fivew2h.answer(_tx(), asof=ASOF, window_days=365)
    assert res["who"].facts["new_customers"] == 4 and res["who"].facts["returning_customers"] == 0
    assert "Caution: the data begin on 2024-03-01, only 0 days before the window" in res["who"].headline
    assert "Caution" not in fivew2h.answer(_tx(), asof=ASOF, window_days=30)["who"].headline


def test_what_never_says_the_top_k_bring_100_percent_when_k_is_all_of_them(small):
    """Three categories and four products: "the top 3 categories bring 100%" would be an empty claim."""
    head = small["what"].headline
    assert "top 3" not in head and "100.0%" not in head
    assert "(of 3 categories)" in head and "(of 4 products)" in head


def test_what_names_a_tie_for_the_top_category_instead_of_one_winner():
    tx = _tx()
    tx = tx[tx["category"] != "Z"]
    tx.loc[tx["category"] == "X", ["unit_price", "amount"]] *= 80 / 55  # X and Y both 80 now
    head = fivew2h.answer(tx, asof=ASOF, window_days=30)["what"].headline
    assert "X and Y tie as the top category with 50.0% of revenue each" in head
    zh = fivew2h.answer(tx, asof=ASOF, window_days=30, lang="zh")["what"].headline
    assert "X与Y并列第一品类" in zh


def test_zh_sentences_translate_the_demo_values():
    """The issue's example: "最常用的支付方式是 card" must read 银行卡; stores, regions and categories likewise."""
    tx = _tx(channel="store", region="East", payment="card", is_promo=False)
    zh = fivew2h.answer(tx, asof=ASOF, window_days=30, lang="zh")
    assert "最常用的支付方式是银行卡" in zh["how"].headline and "card" not in zh["how"].headline
    assert "门店是销售额最大的渠道" in zh["where"].headline and "华东" in zh["where"].headline
    assert "East" not in " ".join(zh.headlines())
    en = fivew2h.answer(tx, asof=ASOF, window_days=30, lang="en")
    assert en["how"].headline.startswith("Card is the most used payment")  # capitalised although a value leads
    pgp = fivew2h.pgp_report(zh, "zh")
    assert "门店 (100.0%)" in list(pgp["shown"])
    assert fivew2h._v("Lighting item 5", "zh") == "灯具 5 号商品" and fivew2h._v("My lamp", "zh") == "My lamp"


def test_report_tables_and_status_are_in_the_language():
    zh = fivew2h.answer(_tx(), asof=ASOF, window_days=30, lang="zh")
    st = fivew2h.status_report(zh, "zh").set_index("label")
    assert st.loc["如何买", "status_label"] == "无法回答" and st.loc["如何买", "missing_columns"] == "渠道、支付方式"
    assert zh["why"].headline.endswith("（部分回答：缺少促销标记列。）")
    nr = fivew2h.report_table(zh, "who", "new_returning", "zh")
    assert list(nr["group"]) == ["新客", "老客（回头客）"]


def test_coverage_counts_what_online_retail_columns_can_answer():
    """Online Retail has no category, channel, payment or promotion flag: 3 questions fully (Who, When, How much),
    3 partly (What, Where, Why), How not at all — a sentence saying "all questions answered" would be false."""
    tx = _tx().drop(columns=["category"])
    tx["region"] = "United Kingdom"
    res = fivew2h.answer(tx, asof=ASOF, window_days=30)
    en = fivew2h.coverage(res, "en")
    assert en[0] == ("These data fully answer 3 of the 7 questions (Who, When, How much); partly answer 3 "
                     "(What, Where, Why); cannot answer 1 (How).")
    zh = fivew2h.coverage(res, "zh")
    assert zh[0].startswith("这份数据能完整回答 7 个问题中的 3 个（谁买、何时买、买多少）") and "无法回答 1 个（如何买）" in zh[0]
    full = fivew2h.answer(_tx(channel="store", region="East", payment="card", is_promo=False), asof=ASOF, window_days=30)
    assert fivew2h.coverage(full, "en")[0] == ("These data fully answer 7 of the 7 questions (What, Who, When, Where, "
                                               "How much, How, Why).")


def test_default_window_is_half_the_history_when_the_data_are_short():
    tx = _tx()  # first purchase 2024-03-01; asof 2025-01-01 is 306 days later: (306 - 1) // 2 = 152
    assert fivew2h.default_window(tx, ASOF) == 152
    res = fivew2h.answer(tx, asof=ASOF, window_days=152)
    assert "Caution" not in res["who"].headline  # 153 days of history before a 152-day window
    assert fivew2h.default_window(tx, "2027-01-01") == 365
    s = fivew2h.data_summary(tx, ASOF)
    assert s.loc[0, "lines"] == 8 and s.loc[0, "orders"] == 6 and s.loc[0, "asof"] == "2025-01-01"


def test_exercise_self_checks_accept_the_right_answer_and_refuse_a_wrong_one(capsys):
    from crmcore.exercises import n01_5w2h as ex

    tx = _tx()
    # window 30 days before 2025-01-01: buyers A (a2), B, C; new: B and C (first purchase in the window) -> 2/3
    assert ex.check_1(2 / 3, tx=tx, asof=ASOF, window_days=30) is True
    assert ex.check_1(66.67, tx=tx, asof=ASOF, window_days=30) is True  # a percentage is read as one
    assert ex.check_1(0.5, tx=tx, asof=ASOF, window_days=30, lang="zh") is False
    assert "还不对" in capsys.readouterr().out
    cols = ["customer_id", "order_id", "order_date", "product_id", "quantity", "unit_price", "amount",
            "product_name", "region", "time_of_day"]
    right = {"what": "partly", "who": "answerable", "when": "answerable", "where": "partly",
             "how_much": "answerable", "how": "not answerable", "why": "partly"}
    assert ex.check_2(right, columns=cols) is True
    assert ex.check_2({**right, "how": "partly"}, columns=cols) is False
    assert "how" in capsys.readouterr().out
    # orders by first line: a1 Mon, a2 Tue, b1 Sat, c1 Fri, c2 Mon, d1 Fri -> 1 of 6 on a weekend
    assert ex.check_3(1 / 6, tx=tx, asof=ASOF) is True
    assert ex.check_3(2 / 6, tx=tx, asof=ASOF) is False


def test_actions_follow_the_numbers_and_name_the_missing_columns():
    """Small data: 2 of 4 customers (B, D) bought once = 50%, so the second-purchase action is due; the median
    repurchase interval (A: 190 days, C: 10 days) is 100; no payment/channel/region/promo columns are recorded."""
    res = fivew2h.answer(_tx(), asof=ASOF, window_days=30)
    acts = fivew2h.actions(res, "en")
    assert acts[0].startswith("50.0% of customers bought only once: follow up a first purchase within about 100 days")
    assert any("Start recording channel, is_promo, payment, region" in a for a in acts)
    zh = fivew2h.actions(fivew2h.answer(_tx(), asof=ASOF, window_days=30, lang="zh"), "zh")
    assert any("开始记录渠道、促销标记、支付方式、区域" in a for a in zh)


def test_where_says_also_when_the_largest_channel_has_the_highest_order_value():
    """One channel is both the largest and the dearest: "the average order value is highest in store" after
    "store is the largest channel" reads as a second finding; the sentence says "also" instead."""
    res = fivew2h.answer(_tx(channel="store", region="East"), asof=ASOF, window_days=30)
    head = res["where"].headline
    assert head.startswith("Store is the largest channel (100.0% of revenue, 1 channel); it also has the highest "
                           "average order value (29.17).")
    zh = fivew2h.answer(_tx(channel="store", region="East"), asof=ASOF, window_days=30, lang="zh")["where"].headline
    assert zh.startswith("门店是销售额最大的渠道（占 100.0%，共 1 个渠道）；它的客单价也最高（29.17）。")


def test_hostile_names_in_the_data_are_escaped_in_the_report_html():
    import crmcore as crm

    tx = _tx(region="<img src=x onerror=alert(1)>", channel="<script>alert(2)</script>")
    tx["product_name"] = "<b onmouseover=x>"
    res = fivew2h.answer(tx, asof=ASOF, window_days=30)
    html = crm.say(res.headlines())._repr_html_() + crm.say(fivew2h.actions(res))._repr_html_()
    for key, name in (("what", "products"), ("where", "region"), ("where", "channel")):
        html += crm.show(fivew2h.report_table(res, key, name), "en", columns=fivew2h.COLUMNS)._repr_html_()
    html += crm.show(fivew2h.pgp_report(res), "en", columns=fivew2h.COLUMNS)._repr_html_()
    assert "<img" not in html and "<script" not in html and "<b onmouseover" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "&lt;script&gt;" in html


def test_returns_note_counts_the_returns_and_says_totals_are_gross():
    """Two return lines worth 10 + 5 = 15 against sales of 175 (8.6%); no note when the data hold no returns."""
    tx = _tx()
    extra = tx.iloc[[0, 1]].copy()
    extra["is_return"] = True
    extra["order_id"] = "r1"
    extra["quantity"] = [-1, -1]
    extra["amount"] = [-10.0, -5.0]
    tx = pd.concat([tx.assign(is_return=False), extra], ignore_index=True)
    note = fivew2h.returns_note(tx, ASOF)
    assert note[0].startswith("The data hold 2 return lines (15.00, 8.6% of sales value)") and "gross" in note[0]
    assert "毛销售额" in fivew2h.returns_note(tx, ASOF, "zh")[0]
    assert fivew2h.returns_note(_tx().assign(is_return=False), ASOF) == []


def test_why_answers_without_unit_price_when_promotions_and_list_prices_are_given():
    """Data with is_promo and list_price but no unit_price: the promotion table is still built (no mean
    discount, which needs unit prices) instead of failing on the missing column."""
    from crmcore import datasets

    tx = datasets.load("demo").drop(columns=["unit_price"])
    r = fivew2h.answer(tx, asof="2026-01-01")
    promo = r.answers["why"].tables["promotion"]
    assert "mean_discount" not in promo.columns and list(promo["promo"]) == [False, True]
    assert r.interpret("en")
