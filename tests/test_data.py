"""Loading, validation at the door, and cleaning with an audit (crmcore.data)."""
from __future__ import annotations

import warnings

import pandas as pd
import pytest

from crmcore import data
from crmcore.errors import DataError, ParameterError

HEADER = "customer_id,order_id,order_date,product_id,quantity,unit_price\n"
GOOD = ("c1,o1,2024-01-05 10:00,p1,2,3.5\n"
        "c1,o2,2024-02-01 12:00,p2,1,10\n"
        "c2,o3,2024-02-03 09:30,p1,4,3.5\n")


def write(tmp_path, text, name="tx.csv", encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def test_csv_loads_into_canonical_schema_with_amount_computed(tmp_path):
    tx = data.load_transactions(write(tmp_path, HEADER + GOOD))
    assert list(tx.columns[:7]) == data.REQUIRED
    assert tx["amount"].tolist() == [7.0, 10.0, 14.0]  # 2×3.5, 1×10, 4×3.5
    assert str(tx["order_date"].dtype) == "datetime64[us]"
    assert tx["is_return"].sum() == 0
    assert tx.attrs["crmcore"]["sha256"] == data.file_hash(tmp_path / "tx.csv")


def test_utf8_bom_and_gbk_files_read_the_same(tmp_path):
    text = HEADER.replace("product_id", "product_id,product_name").replace("\n", "\n", 1)
    rows = "c1,o1,2024-01-05,p1,杯子,2,3.5\nc2,o2,2024-01-06,p2,茶壶,1,10\n"
    utf = data.load_transactions(write(tmp_path, "\ufeff" + text + rows, "bom.csv"))
    with pytest.warns(UserWarning, match="GBK"):
        gbk = data.load_transactions(write(tmp_path, text + rows, "gbk.csv", encoding="gbk"))
    assert utf.columns[0] == "customer_id"  # the BOM is not part of the first column name
    assert gbk["product_name"].tolist() == ["杯子", "茶壶"]
    pd.testing.assert_frame_equal(utf.drop(columns=[]), gbk, check_like=True)


def test_wrong_encoding_is_a_clear_error(tmp_path):
    p = write(tmp_path, HEADER + GOOD, "u16.csv", encoding="utf-16")
    with pytest.raises(DataError, match=r"neither UTF-8 nor GBK.*encoding='utf-16'"):
        data.load_transactions(p)


def test_file_not_found_names_the_path(tmp_path):
    with pytest.raises(DataError, match=r"file not found: .*missing\.csv"):
        data.load_transactions(tmp_path / "missing.csv")


def test_empty_file_and_header_only(tmp_path):
    with pytest.raises(DataError, match="empty"):
        data.load_transactions(write(tmp_path, "", "empty.csv"))
    with pytest.raises(DataError, match="has a header but no rows.*Columns found: customer_id"):
        data.load_transactions(write(tmp_path, HEADER, "header.csv"))


def test_missing_column_suggests_the_close_match(tmp_path):
    p = write(tmp_path, HEADER.replace("customer_id", "CustomerID") + GOOD)
    with pytest.raises(DataError) as e:
        data.load_transactions(p)
    msg = str(e.value)
    assert "missing required column(s) 'customer_id'" in msg
    assert "'CustomerID' → 'customer_id'" in msg and "mapping=" in msg
    assert str(p) in msg
    # and the suggested mapping works
    assert len(data.load_transactions(p, mapping={"CustomerID": "customer_id"})) == 3


def test_unparseable_dates_name_rows_and_values(tmp_path):
    rows = GOOD + "c3,o4,2024-13-01,p1,1,2\nc3,o5,n/a,p1,1,2\n"
    with pytest.raises(DataError) as e:
        data.load_transactions(write(tmp_path, HEADER + rows))
    msg = str(e.value)
    # lines 5 and 6 of the file (header is line 1)
    assert "column 'order_date'" in msg and "2 of 5 values are not dates" in msg
    assert "row 5: '2024-13-01'" in msg and "row 6: 'n/a'" in msg and "date_format" in msg


def test_text_in_numeric_column(tmp_path):
    rows = GOOD + "c3,o4,2024-03-01,p1,three,2\n"
    with pytest.raises(DataError, match=r"column 'quantity'.*1 of 4 values are not numbers.*row 5: 'three'"):
        data.load_transactions(write(tmp_path, HEADER + rows))


def test_currency_and_thousands_separators_are_numbers(tmp_path):
    rows = 'c1,o1,2024-01-05,p1,2,"¥1,200.50"\n'
    tx = data.load_transactions(write(tmp_path, HEADER + rows))
    assert tx["unit_price"].tolist() == [1200.5] and tx["amount"].tolist() == [2401.0]


def test_non_positive_price_raises_or_is_kept_for_clean(tmp_path):
    rows = GOOD + "c3,o4,2024-03-01,p1,1,0\nc3,o5,2024-03-02,p1,1,-2\n"
    p = write(tmp_path, HEADER + rows)
    with pytest.raises(DataError, match=r"column 'unit_price'.*2 of 5 values are zero or negative prices.*invalid='keep'"):
        data.load_transactions(p)
    with pytest.warns(UserWarning, match="zero or negative"):
        tx = data.load_transactions(p, invalid="keep")
    audit = data.clean(tx).audit.set_index("rule")
    assert audit.loc["non_positive_price", "rows_removed"] == 2
    assert audit.loc["non_positive_price", "customers_removed"] == 1  # c3 had only those rows


def test_negative_quantity_must_be_marked_as_return(tmp_path):
    rows = GOOD + "c1,o6,2024-03-01,p1,-1,3.5\n"
    with pytest.raises(DataError, match=r"quantities ≤ 0 on lines not marked as returns.*row 5: -1"):
        data.load_transactions(write(tmp_path, HEADER + rows))
    marked = HEADER.strip() + ",is_return\n" + "".join(l + ",0\n" for l in GOOD.splitlines()) + "c1,o6,2024-03-01,p1,-1,3.5,1\n"
    tx = data.load_transactions(write(tmp_path, marked, "marked.csv"))
    assert tx["is_return"].tolist() == [False, False, False, True]
    net = data.clean(tx, returns="net").transactions
    assert net["amount"].sum() == pytest.approx(7 + 10 + 14 - 3.5)
    assert len(data.clean(tx, returns="drop").transactions) == 3


def test_future_dates_relative_to_asof(tmp_path):
    p = write(tmp_path, HEADER + GOOD)
    with pytest.raises(DataError, match=r"2 of 3 values are on or after asof=2024-02-01 00:00.*row 3: .2024-02-01 12:00:00"):
        data.load_transactions(p, asof="2024-02-01")
    assert len(data.load_transactions(p, asof="2024-03-01")) == 3
    with pytest.raises(ParameterError, match="not a date"):
        data.load_transactions(p, asof="last tuesday")


def test_duplicate_rows(tmp_path):
    p = write(tmp_path, HEADER + GOOD + GOOD.splitlines()[0] + "\n")
    with pytest.raises(DataError, match=r"1 of 4 values are exact duplicates.*row 5: 'o1'"):
        data.load_transactions(p)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tx = data.load_transactions(p, invalid="keep")
    audit = data.clean(tx).audit.set_index("rule")
    assert audit.loc["duplicates", "rows_removed"] == 1 and audit.loc["duplicates", "rows"] == 3


def test_excel_with_data_on_second_sheet(tmp_path):
    p = tmp_path / "book.xlsx"
    df = pd.read_csv(write(tmp_path, HEADER + GOOD))
    with pd.ExcelWriter(p) as xw:
        pd.DataFrame({"note": ["exported from the ERP"]}).to_excel(xw, sheet_name="Cover", index=False)
        df.to_excel(xw, sheet_name="Data", index=False)
    with pytest.warns(UserWarning, match="sheet 'Data'"):
        tx = data.load_transactions(p)
    assert tx["amount"].tolist() == [7.0, 10.0, 14.0]
    # two candidate sheets: the user must choose, and is told the sheet names
    with pd.ExcelWriter(p) as xw:
        pd.DataFrame({"note": ["x"]}).to_excel(xw, sheet_name="Cover", index=False)
    with pytest.raises(DataError, match=r"no sheet has the columns.*'Cover'.*sheet="):
        data.load_transactions(p)


def test_dataframe_input_is_not_mutated():
    df = pd.DataFrame({"customer_id": [1.0, 2.0], "order_id": ["a", "b"], "order_date": ["2024-01-01", "2024-01-02"],
                       "product_id": ["p", "q"], "quantity": [1, 2], "unit_price": [2.0, 3.0]})
    before = df.copy()
    tx = data.load_transactions(df)
    pd.testing.assert_frame_equal(df, before)
    assert tx["customer_id"].tolist() == ["1", "2"]  # float ids (from empty cells) back to their integer text


def test_unknown_option_values_are_parameter_errors(tmp_path):
    tx = data.load_transactions(write(tmp_path, HEADER + GOOD))
    with pytest.raises(ParameterError, match="returns='sometimes'"):
        data.clean(tx, returns="sometimes")
    with pytest.raises(ParameterError, match="invalid='ignore'"):
        data.load_transactions(tmp_path / "tx.csv", invalid="ignore")


@pytest.mark.shared
def test_online_retail_audit_reproduces_the_published_counts(shared_data):
    """UCI Online Retail (Chen 2015): the standard cleaning leaves 397,884 rows and 4,338 customers.

    541,909 raw rows; 135,080 without CustomerID; removing those, the cancellation invoices (C...)
    and non-positive prices gives 397,884 rows of 4,338 customers (the figures quoted in most
    RFM tutorials on this data set).
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tx = data.load_transactions(shared_data / "online_retail.csv.gz", preset="online_retail")
    audit = data.clean(tx).audit.set_index("rule")
    assert audit.loc["raw", "rows"] == 541_909
    assert audit.loc["missing_customer", "rows_removed"] == 135_080
    assert audit.loc["returns", "rows_removed"] == 8_905
    assert audit.loc["non_positive_price", "rows"] == 397_884
    assert audit.loc["non_positive_price", "customers"] == 4_338
    # every step's removed + remaining = the step before
    rows = audit["rows"].tolist()
    assert all(a - r == b for a, r, b in zip(rows, audit["rows_removed"].tolist()[1:], rows[1:]))


@pytest.mark.shared
def test_cdnow_preset_reads_master_and_sample(shared_data):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        master = data.load_transactions(shared_data / "CDNOW_master.txt.gz", preset="cdnow")
        sample = data.load_transactions(shared_data / "CDNOW_sample.txt", preset="cdnow")
    assert len(master) == 69_659 and master["customer_id"].nunique() == 23_570
    assert len(sample) == 6_919 and sample["customer_id"].nunique() == 2_357
    assert master["order_date"].min() == pd.Timestamp("1997-01-01")


def test_scan_transactions_validates_a_parquet_file_in_the_engine(tmp_path):
    from crmcore import datasets, engine

    tx = datasets.load("tiny").rename(columns={"customer_id": "CustomerID"})
    p = tmp_path / "tx.parquet"
    tx.drop(columns=["amount"]).to_parquet(p)
    t = data.scan_transactions(p, mapping={"CustomerID": "customer_id"})
    lazy = engine.customer_summary(t, asof=datasets.DEMO_ASOF)
    eager = engine.customer_summary(datasets.load("tiny"), asof=datasets.DEMO_ASOF)
    pd.testing.assert_frame_equal(lazy, eager, check_dtype=False, atol=1e-9)
    bad = tx.assign(unit_price=tx["unit_price"].where(tx.index != 5, 0.0))
    bad.to_parquet(p)
    with pytest.raises(DataError, match=r"column 'unit_price'.*1 of [0-9,]+ values are zero or negative prices"):
        data.scan_transactions(p, mapping={"CustomerID": "customer_id"})
    with pytest.raises(DataError, match="'CustomerID' → 'customer_id'"):
        data.scan_transactions(p)


def test_net_returns_keep_matched_returns_and_drop_unmatched(tmp_path):
    text = (HEADER.strip() + ",is_return\n" + "".join(l + ",0\n" for l in GOOD.splitlines())
            + "c1,o6,2024-03-01,p1,-1,3.5,1\n"      # c1 bought before: netted
            + "c9,o7,2024-03-01,p1,-2,3.5,1\n")     # c9 never bought here: nothing to net against
    tx = data.load_transactions(write(tmp_path, text))
    res = data.clean(tx, returns="net")
    audit = res.audit.set_index("rule")
    assert audit.loc["returns_unmatched", "rows_removed"] == 1
    assert audit.loc["returns_unmatched", "customers_removed"] == 1
    assert res.transactions["amount"].sum() == pytest.approx(7 + 10 + 14 - 3.5)
    assert len(data.clean(tx, returns="keep").transactions) == 5


def test_missing_columns_suggest_common_synonyms_and_a_sidecar_mapping_file_fixes_them(tmp_path):
    p = write(tmp_path, "CustomerID,InvoiceNo,Date,StockCode,Qty,Price\n1,a,2024-01-01,p,1,2\n", "erp.csv")
    with pytest.raises(DataError) as e:
        data.load_transactions(p)
    msg = str(e.value)
    for pair in ("'CustomerID' → 'customer_id'", "'InvoiceNo' → 'order_id'", "'Date' → 'order_date'",
                 "'StockCode' → 'product_id'", "'Qty' → 'quantity'", "'Price' → 'unit_price'"):
        assert pair in msg
    assert "erp.csv.mapping.yaml" in msg
    (tmp_path / "erp.csv.mapping.yaml").write_text(
        "CustomerID: customer_id\nInvoiceNo: order_id\nDate: order_date\nStockCode: product_id\nQty: quantity\n"
        "Price: unit_price\n", encoding="utf-8")
    tx = data.load_transactions(p)
    assert tx.loc[0, "amount"] == 2.0 and tx.attrs["crmcore"]["mapping_file"].endswith("erp.csv.mapping.yaml")
    (tmp_path / "erp.csv.mapping.yaml").write_text("CustomerID: client\n", encoding="utf-8")
    with pytest.raises(DataError, match="canonical name"):
        data.load_transactions(p)


def test_clean_interpret_names_only_the_rules_that_removed_lines_in_both_languages():
    """A naive audit sentence lists every rule; on data with no returns or duplicates only the kept share is true.

    Hand count: 4 lines, one return (removed with returns='drop') → 3 of 4 lines (75.0%) kept, 2 customers kept.
    """
    tx = pd.DataFrame({
        "customer_id": ["a", "a", "b", "b"], "order_id": ["1", "2", "3", "4"],
        "order_date": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-01-03", "2025-01-04"]),
        "product_id": ["p", "p", "p", "p"], "quantity": [1.0, 1.0, 1.0, -1.0], "unit_price": [2.0, 2.0, 2.0, 2.0],
        "amount": [2.0, 2.0, 2.0, -2.0], "is_return": [False, False, False, True]})
    res = data.clean(tx, returns="drop")
    en = res.interpret("en")
    assert en[0] == "Cleaning kept 3 of 4 lines (75.0%) and 2 of 2 customers."
    assert en[1:] == ["The rule 'returns / cancellations' removed 1 line (25.0%) in 1 order."]
    assert res.interpret("zh")[1] == "“退货/取消订单”规则删除 1 行（25.0%），涉及 1 张订单。"
    clean_again = data.clean(res.transactions, returns="drop")
    assert clean_again.interpret("en")[1:] == ["No rule removed any line: the data were clean already."]
    assert list(res.to_frame("zh").columns[:3]) == ["规则", "步骤", "删除行数"]
