"""The door (crmcore.data.load_transactions) on analysts' own files: encodings, Chinese names and dates,
sidecar options, and the broken files that must give a crmcore error naming the file and the fix."""
from __future__ import annotations

import gzip
import warnings

import pandas as pd
import pytest

from crmcore import data, engine, rfm
from crmcore.door import data_read
from crmcore.errors import DataError, ParameterError

HEADER = "customer_id,order_id,order_date,product_id,quantity,unit_price\n"
GOOD = ("c1,o1,2024-01-05 10:00,p1,2,3.5\n"
        "c1,o2,2024-02-01 12:00,p2,1,10\n"
        "c2,o3,2024-02-03 09:30,p1,4,3.5\n")
ZH = "客户ID,订单号,下单日期,金额,地区\n"
ZH_ROWS = ("C001,D1,2024年03月05日,120.5,华东\n"
           "C001,D2,2024/3/18,80,华东\n"
           "C002,D3,2024-03-05 14:03,45,华南\n")


def write(tmp_path, text, name="tx.csv", encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


# ---------------------------------------------------------------- a new user's GBK file
def test_gbk_file_with_chinese_names_and_dates_and_no_product_id_loads(tmp_path, capsys):
    """客户ID, 订单号, 下单日期, 金额 in GBK (a Chinese Excel export): recognised, dates parsed, no product needed."""
    p = write(tmp_path, ZH + ZH_ROWS, "销售.csv", encoding="gbk")
    with pytest.warns(UserWarning, match="GBK"):
        tx = data.load_transactions(p)
    assert "Chinese column names recognised" in capsys.readouterr().out
    assert "product_id" not in tx.columns
    assert tx["order_date"].tolist() == [pd.Timestamp("2024-03-05"), pd.Timestamp("2024-03-18"),
                                         pd.Timestamp("2024-03-05 14:03")]
    assert tx["region"].tolist() == ["华东", "华东", "华南"]   # not 鍗庝笢 (UTF-8 bytes read as GBK)
    assert tx["amount"].tolist() == [120.5, 80.0, 45.0] and tx["quantity"].tolist() == [1.0, 1.0, 1.0]
    table = rfm.rfm_table(tx, asof="2024-04-01").set_index("customer_id")
    assert table.loc["C001", "frequency"] == 2 and table.loc["C001", "recency"] == 14  # 04-01 − 03-18


def test_more_chinese_column_names_are_recognised():
    df = pd.DataFrame({"会员ID": ["a"], "订单编号": ["o"], "交易日期": ["2024-01-02"], "数量": ["2"], "单价": ["3"],
                       "渠道": ["门店"], "商品编号": ["p"]})
    tx = data.load_transactions(df)
    assert tx.loc[0, "customer_id"] == "a" and tx.loc[0, "amount"] == 6.0 and tx.loc[0, "channel"] == "门店"
    assert tx.loc[0, "product_id"] == "p"
    # 实付金额 and 金额 both mean amount: the first one found is used, the other stays unmapped
    df2 = pd.DataFrame({"客户编号": ["a"], "订单日期": ["2024-01-02"], "订单号": ["o"], "实付金额": ["9"], "金额": ["10"]})
    assert data.load_transactions(df2).loc[0, "amount"] == 9.0


def test_mixed_encoding_file_is_refused_with_the_line_numbers(tmp_path):
    """One GBK line in a UTF-8 file used to turn the whole file into mojibake, silently."""
    lines = [ZH.encode("utf-8")] + [r.encode("utf-8") + b"\n" for r in ZH_ROWS.splitlines()]
    lines.insert(3, "C003,D9,2024-03-07,10,华北\n".encode("gbk"))   # line 4 of the file
    p = tmp_path / "mixed.csv"
    p.write_bytes(b"".join(lines))
    with pytest.raises(DataError, match=r"mixed\.csv mixes encodings: it is UTF-8, but 1 line\(s\) are not \(lines 4;"):
        data.load_transactions(p)
    # and the other way round: mostly GBK with one UTF-8 line
    lines = [ZH.encode("gbk")] + [("C%03d,D%d,2024-03-05,1,华东\n" % (i, i)).encode("gbk") for i in range(30)]
    lines.insert(11, "C999,D99,2024-03-05,1,华东\n".encode("utf-8"))   # line 12
    p.write_bytes(b"".join(lines))
    with pytest.raises(DataError, match=r"it is GBK/GB18030, but 1 line\(s\) are UTF-8 \(lines 12\)"):
        data.load_transactions(p)


def test_gbk_is_transcoded_in_chunks_with_the_same_result(tmp_path, monkeypatch):
    rows = "".join(f"C{i % 7},D{i},2024-03-{1 + i % 28:02d},{i % 5 + 1}.5,华东\n" for i in range(300))
    p = write(tmp_path, ZH + rows, "big.csv", encoding="gb18030")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        whole = data.load_transactions(p)
        monkeypatch.setattr(data_read, "_CHUNK", 1000)   # many chunks, each cut at a line end
        chunked = data.load_transactions(p)
    pd.testing.assert_frame_equal(whole.drop(columns=[]), chunked)
    assert len(chunked) == 300 and set(chunked["region"]) == {"华东"}


def test_utf16_file_with_encoding_in_the_sidecar(tmp_path):
    p = write(tmp_path, HEADER + GOOD, "u16.csv", encoding="utf-16")
    (tmp_path / "u16.csv.mapping.yaml").write_text("encoding: utf-16\n", encoding="utf-8")
    assert data.load_transactions(p)["amount"].tolist() == [7.0, 10.0, 14.0]


# ---------------------------------------------------------------- dates
@pytest.mark.parametrize("text, expected", [
    ("2024年03月05日", "2024-03-05"), ("2024年3月5日", "2024-03-05"), ("2024/3/5", "2024-03-05"),
    ("2024/03/05 14:03", "2024-03-05 14:03"), ("2024-03-05 14:03", "2024-03-05 14:03"), ("2024.03.05", "2024-03-05"),
    ("2024-03-05T14:03:00", "2024-03-05 14:03"), ("3/5/2024", "2024-03-05"), ("5 Mar 2024", "2024-03-05"),
    ("2024年03月05日 14:03", "2024-03-05 14:03"), ("2024年3月5日14:03", "2024-03-05 14:03"), (" 2024-03-05 ", "2024-03-05"),
])
def test_chinese_and_common_date_forms_parse(text, expected):
    df = pd.DataFrame({"customer_id": ["a"], "order_id": ["o"], "order_date": [text], "amount": [1.0]})
    assert data.load_transactions(df).loc[0, "order_date"] == pd.Timestamp(expected)


@pytest.mark.parametrize("text", ["March", "Dec 5", "5th", "0001-01-01", "2024-02-30"])
def test_non_dates_are_errors_never_year_0001(text):
    """pandas' format="mixed" retry turned "March", "Dec 5" and "5th" into dates (year 0001 or this year)."""
    df = pd.DataFrame({"customer_id": ["a", "b"], "order_id": ["o", "p"], "order_date": ["2024-01-01", text],
                       "amount": [1.0, 2.0]})
    with pytest.raises(DataError, match=rf"column 'order_date'.*1 of 2 values are not dates.*row 1: '{text}'"):
        data.load_transactions(df)


def test_dayfirst_and_date_format_from_the_sidecar(tmp_path):
    p = write(tmp_path, "customer_id;order_id;order_date;amount\na;o1;05/03/2024;1\nb;o2;13/03/2024;2\n", "eu.csv")
    with pytest.raises(DataError, match="not dates"):   # 13/03 is no month-first date
        data.load_transactions(p)
    side = tmp_path / "eu.csv.mapping.yaml"
    side.write_text("dayfirst: true\nsep: ';'\n", encoding="utf-8")
    tx = data.load_transactions(p)
    assert tx["order_date"].tolist() == [pd.Timestamp("2024-03-05"), pd.Timestamp("2024-03-13")]
    side.write_text("date_format: '%d/%m/%Y'\n", encoding="utf-8")
    assert data.load_transactions(p)["order_date"].tolist() == tx["order_date"].tolist()
    assert data.sidecar_mapping(p) == {} and data.sidecar_options(p) == {"date_format": "%d/%m/%Y"}


# ---------------------------------------------------------------- Excel
def test_xlsx_continuing_on_a_second_sheet_is_read_whole(tmp_path):
    df = pd.read_csv(write(tmp_path, HEADER + GOOD))
    p = tmp_path / "book.xlsx"
    with pd.ExcelWriter(p) as xw:
        df.iloc[:2].to_excel(xw, sheet_name="Sheet1", index=False)
        df.iloc[2:].to_excel(xw, sheet_name="Sheet2", index=False)
    with pytest.warns(UserWarning, match=r"continue over sheets 'Sheet1', 'Sheet2'.*3 rows"):
        tx = data.load_transactions(p)
    assert tx["amount"].tolist() == [7.0, 10.0, 14.0]
    with pd.ExcelWriter(p) as xw:   # the same data on two sheets with different columns: the user must choose
        df.to_excel(xw, sheet_name="A", index=False)
        df.assign(extra=1).to_excel(xw, sheet_name="B", index=False)
    with pytest.raises(DataError, match=r"sheets 'A', 'B' all hold transactions.*sheet="):
        data.load_transactions(p)
    (tmp_path / "book.xlsx.mapping.yaml").write_text("sheet: B\n", encoding="utf-8")
    assert len(data.load_transactions(p)) == 3


def test_encrypted_xlsx_is_a_crmcore_error(tmp_path):
    # a password-protected workbook is an OLE compound file, not a zip (first bytes D0 CF 11 E0)
    p = tmp_path / "locked.xlsx"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    with pytest.raises(DataError, match=r"locked\.xlsx is a password-protected.*remove the password"):
        data.load_transactions(p)


# ---------------------------------------------------------------- broken inputs → errors naming file and fix
def test_mapping_that_creates_a_duplicate_column(tmp_path):
    p = write(tmp_path, HEADER.strip() + ",list_price\n" + GOOD.replace("\n", ",4\n"))
    with pytest.raises(DataError, match=r"tx\.csv: the mapping makes two columns called 'unit_price' "
                                        r"\('unit_price' and 'list_price'\).*drop 'list_price'"):
        data.load_transactions(p, mapping={"list_price": "unit_price"})


def test_unknown_preset_is_a_parameter_error(tmp_path):
    with pytest.raises(ParameterError, match=r"preset='online_retial' is unknown.*'online_retail', 'cdnow'"):
        data.load_transactions(write(tmp_path, HEADER + GOOD), preset="online_retial")


def test_a_directory_names_the_files_inside(tmp_path):
    write(tmp_path, HEADER + GOOD, "jan.csv")
    with pytest.raises(DataError, match=r"is a folder, not a data file \(files in it: jan\.csv\)"):
        data.load_transactions(tmp_path)


def test_gz_that_is_not_gzip(tmp_path):
    p = write(tmp_path, HEADER + GOOD, "tx.csv.gz")
    with pytest.raises(DataError, match=r"tx\.csv\.gz ends in \.gz but is not gzip-compressed.*Rename it to \.csv"):
        data.load_transactions(p)
    p.write_bytes(gzip.compress((HEADER + GOOD).encode()))
    assert len(data.load_transactions(p)) == 3


def test_corrupt_parquet(tmp_path):
    p = tmp_path / "tx.parquet"
    p.write_bytes(b"PAR1 this is not really parquet PAR1")
    with pytest.raises(DataError, match=r"tx\.parquet is not a readable Parquet file.*Write it again"):
        data.load_transactions(p)


def test_asof_far_in_the_future_is_a_clear_error(tmp_path):
    p = write(tmp_path, HEADER + GOOD)
    with pytest.raises(ParameterError, match=r"asof='2999-01-01' is outside 1900-01-01"):
        data.load_transactions(p, asof="2999-01-01")
    tx = data.load_transactions(p)
    with pytest.raises(ParameterError, match="outside"):
        engine.customer_summary(tx, asof="2999-01-01")
    with pytest.raises(ParameterError, match="outside"):
        rfm.rfm_table(tx, asof="2999-01-01")


def test_raw_uci_online_retail_is_recognised_with_a_note(tmp_path, capsys):
    text = ("InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
            "536365,85123A,WHITE HANGING HEART,6,2010-12-01 08:26:00,2.55,17850,United Kingdom\n"
            "C536379,D,Discount,-1,2010-12-01 09:41:00,27.5,14527,United Kingdom\n"
            "536380,POST,POSTAGE,1,2010-12-01 09:45:00,18,,France\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tx = data.load_transactions(write(tmp_path, text, "Online Retail.csv"))
    assert "UCI Online Retail" in capsys.readouterr().out
    assert tx["is_return"].tolist() == [False, True, False] and tx.attrs["crmcore"]["preset"] == "online_retail"
    audit = data.clean(tx).audit.set_index("rule")
    assert audit.loc["missing_customer", "rows_removed"] == 1 and audit.loc["returns", "rows_removed"] == 1


# ---------------------------------------------------------------- the typed fast read of a CSV and its fallback
def _long_csv(tmp_path, last_line, n=5000):
    """n good ISO-dated lines (past DuckDB's type sniffing sample), then ``last_line``."""
    rows = "".join(f"c{i % 50},o{i},2024-01-{1 + i % 28:02d} 10:00,p{i % 7},{1 + i % 3},{2.5 + i % 4}\n"
                   for i in range(n))
    return write(tmp_path, HEADER + rows + last_line)


def test_a_bad_number_after_the_typed_sample_is_reported_as_written(tmp_path):
    """The reader types unit_price as a number; the text '12 元' on the last line makes that read fail, and
    the text path names it with its line and its text as written (not a conversion error of DuckDB)."""
    p = _long_csv(tmp_path, "c1,o9,2024-03-01,p1,1,12 元\n")
    with pytest.raises(DataError) as e:
        data.load_transactions(p)
    msg = str(e.value)
    assert "unit_price" in msg and "not numbers" in msg and "12 元" in msg and "5002" in msg


def test_a_chinese_date_after_iso_dates_still_parses(tmp_path):
    """The first 1,000 dates are ISO, so the reader types the column; 2024年3月5日 further down takes the
    text path (Chinese date forms), and the NULL text in quantity is a missing value, as before."""
    p = _long_csv(tmp_path, "c1,o9,2024年3月5日,p1,NULL,4\n")
    with pytest.raises(DataError, match=r"quantity.*are empty|are empty.*quantity"):
        data.load_transactions(p)
    p = _long_csv(tmp_path, "c1,o9,2024年3月5日,p1,2,4\n")
    tx = data.load_transactions(p)
    assert len(tx) == 5001
    assert tx["order_date"].iloc[-1] == pd.Timestamp("2024-03-05")
    assert tx["quantity"].iloc[-1] == 2 and tx["unit_price"].iloc[-1] == 4.0


def test_ids_with_leading_zeros_keep_them_when_the_numbers_are_typed(tmp_path):
    """Only number and date columns are typed by the reader: ids such as 007 stay text."""
    p = write(tmp_path, HEADER + "007,0010,2024-01-05,p1,2,3.5\n007,0011,2024-01-06,p1,1,3\n")
    tx = data.load_transactions(p)
    assert tx["customer_id"].tolist() == ["007", "007"] and tx["order_id"].tolist() == ["0010", "0011"]


def test_ids_with_a_tab_no_break_or_full_width_space_around_them_are_one_customer(tmp_path):
    """Exports from Excel and from Chinese input methods leave "C001\\t", "C001\\u00a0" or "C001\\u3000" (全角空格)
    beside "C001": the door trims them all, so one customer with three orders, not three customers."""
    f = tmp_path / "blanks.csv"
    f.write_text("customer_id,order_id,order_date,product_id,quantity,unit_price\n"
                 "C001,O1,2025-01-01,P1,1,10\n C001\t,O2,2025-01-02,P1,1,10\n"
                 "C001\u3000,O3,2025-01-03,\u00a0P1,1,10\n\u3000C002\u00a0,O4,2025-01-03,P1,1,10\n", encoding="utf-8")
    tx = data.load_transactions(f)
    assert tx.groupby("customer_id")["order_id"].nunique().to_dict() == {"C001": 3, "C002": 1}
    assert set(tx["product_id"]) == {"P1"}
