"""End to end: `crm report` runs a notebook with parameters and writes an offline HTML report."""
from __future__ import annotations

import re
from html import unescape
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.notebook
ROOT = Path(__file__).resolve().parent.parent


def crm(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "crmcore.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    res = crm("report", "00_data_overview", "-p", "dataset", "tiny", "--out", str(out))
    assert res.returncode == 0, res.stderr
    return out, res


def test_report_html_has_plots_header_and_no_code(built):
    out, _ = built
    html = (out / "00_data_overview.html").read_text(encoding="utf-8")
    assert html.count('src="data:image/png;base64,') >= 3  # monthly, time and space plots
    assert "Report parameters" in html and "dataset = 'tiny'" in unescape(html)
    assert "tiny_transactions.csv.gz" in html and re.search(r"sha256 [0-9a-f]{64}", html)
    assert "crm.setup_notebook" not in html and "overview.plot_monthly(ov" not in html  # inputs hidden
    assert "hl-ipython3" not in html  # no highlighted code block
    assert "Solution 1" not in html  # solution cells are not part of the report


def test_report_loads_nothing_from_the_internet(built):
    out, _ = built
    for page in ("00_data_overview.html", "index.html"):
        html = (out / page).read_text(encoding="utf-8")
        assert not re.search(r"""<(script|link|img|iframe)[^>]+(src|href)=["']?(https?:)?//""", html), page
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", html), page
    html = (out / "00_data_overview.html").read_text(encoding="utf-8")
    assert "window.MathJax" in html  # formulas render from the bundled MathJax


def test_index_lists_the_report_with_its_parameters(built):
    out, _ = built
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="00_data_overview.html"' in index and "dataset = 'tiny'" in unescape(index)


def test_unknown_parameter_is_refused_before_running(tmp_path):
    res = crm("report", "00", "-p", "datset", "tiny", "--out", str(tmp_path))
    assert res.returncode == 2
    assert "has no parameter(s) datset" in res.stderr and "dataset (str)" in res.stderr
    assert not any(tmp_path.iterdir())


def test_failing_cell_exits_nonzero_and_keeps_the_good_html(built, tmp_path):
    out, _ = built
    good = (out / "00_data_overview.html").read_bytes()
    res = crm("report", "00", "-p", "dataset", "no_such_data", "--out", str(out))
    assert res.returncode == 1
    assert "ParameterError" in res.stderr and "no_such_data" in res.stderr
    assert (out / "00_data_overview.failed.ipynb").exists()
    assert (out / "00_data_overview.html").read_bytes() == good


def test_html_in_product_names_is_shown_as_text(tmp_path):
    evil = "<b>bold</b><script>alert(1)</script>"
    csv = tmp_path / "evil.csv"
    csv.write_text("customer_id,order_id,order_date,product_id,product_name,quantity,unit_price,region\n"
                   f'c1,o1,2024-01-05 10:00,p1,"{evil}",1,2.5,North\n'
                   "c2,o2,2024-02-05 10:00,p2,mug,2,4.0,South\n"
                   "c1,o3,2024-03-05 10:00,p2,mug,1,4.0,North\n", encoding="utf-8")
    res = crm("report", "00", "--data", str(csv), "-p", "asof", "2024-04-01", "--out", str(tmp_path / "r"))
    assert res.returncode == 0, res.stderr
    html = (tmp_path / "r" / "00_data_overview.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_chinese_text_gets_the_used_cjk_glyphs_embedded_and_nothing_else():
    import base64
    import io

    from fontTools.ttLib import TTFont

    from crmcore.report import embed_cjk_font

    page = ("<html><head><title>t</title></head><body><p>重要价值客户：RFM 分析</p>"
            "<script>var s = '不应计入';</script><img src=\"data:image/png;base64,QUJD\"></body></html>")
    out = embed_cjk_font(page)
    uri = re.search(r"url\(data:font/woff;base64,([A-Za-z0-9+/=]+)\)", out)
    assert uri and out.index("@font-face") < out.index("</head>")
    font = TTFont(io.BytesIO(base64.b64decode(uri.group(1))))
    covered = {chr(c) for c in font.getBestCmap()}
    assert covered == set("重要价值客户：分析")  # the page's CJK characters, not the script's, not Latin
    english = "<html><head></head><body><p>Champions</p></body></html>"
    assert embed_cjk_font(english) == english  # an English page is left as it was


# ------------------------------------------------------------------------- helpers for the tests below

def tree_state(folder: Path) -> dict[str, float]:
    """Every file under ``folder`` with its mtime and size (a change anywhere shows)."""
    return {str(p.relative_to(folder)): (p.stat().st_mtime_ns, p.stat().st_size)
            for p in folder.rglob("*") if p.is_file()}


def temp_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if "crmtmp" in p.name or p.name.endswith(".running.ipynb"))


def write_mode_notebook(folder: Path) -> Path:
    """A small notebook with every tag the builds select on (runs in a second or two)."""
    import nbformat

    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell

    def tagged(cell, *tags):
        cell.metadata["tags"] = list(tags)
        return cell

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        tagged(md("# Mode test EN-TITLE\n\nWhich cells does a manager see?"), "lang-en"),
        tagged(md("# 模式测试标题\n\n经理看到哪些单元格？"), "lang-zh"),
        tagged(code('lang: str = "en"  # {en, zh} language of the report\n'
                    'n: int = 3  # [1, 5] how many lines\n'
                    'scheme: str = "rfm11"  # {rfm11, cn8} segment scheme'), "parameters"),
        tagged(md("## Learning goals\n\nLESSON-GOALS-EN"), "lesson", "lang-en"),
        tagged(md("## 学习目标\n\n课程目标中文"), "lesson", "lang-zh"),
        code("print('REPORT-OUTPUT', lang, n, scheme)"),
        tagged(code("print('SOLUTION-OUTPUT')"), "solution"),
        tagged(md("<details><summary>Answer</summary>ANSWER-TEXT-EN</details>"), "answer", "lang-en"),
        tagged(code("print('REMOVED-OUTPUT')"), "remove-cell"),
        tagged(md("FINDING-EN"), "lang-en"),
        tagged(md("结论中文"), "lang-zh"),
    ]
    path = folder / "mode_test.ipynb"
    nbformat.write(nb, str(path))
    return path


# ----------------------------------------------------------------------------------------- parameters

def test_parameters_cell_declares_allowed_values_and_ranges():
    from crmcore.report import parse_parameters

    spec = parse_parameters('scheme: str = "rfm11"  # {rfm11, cn8} the segment scheme\n'
                            'bins: int = 5  # [2, 10] number of score classes\n'
                            'rate: float = 0.1  # [0, 1] a share\n'
                            'label: str = "a # b"  # a hash inside the value is not a comment\n'
                            'dataset: str = "demo"  # "demo", "tiny", or a file path')
    assert spec["scheme"].choices == ("rfm11", "cn8") and spec["scheme"].help == "the segment scheme"
    assert spec["bins"].bounds == (2, 10) and spec["bins"].default == 5
    assert spec["rate"].bounds == (0.0, 1.0)
    assert spec["label"].default == "a # b" and spec["label"].help.startswith("a hash")
    assert spec["dataset"].choices is None and spec["dataset"].bounds is None


def test_bad_parameter_values_are_refused_naming_the_parameter_and_the_allowed_values(tmp_path):
    nb = write_mode_notebook(tmp_path)
    out = tmp_path / "out"
    res = crm("report", str(nb), "-p", "scheme", "rfm12", "--out", str(out))
    assert res.returncode == 2
    assert "'scheme'" in res.stderr and "'rfm11', 'cn8'" in res.stderr and "rfm12" in res.stderr
    res = crm("report", str(nb), "-p", "n", "9", "--out", str(out))
    assert res.returncode == 2 and "'n'" in res.stderr and "[1, 5]" in res.stderr
    res = crm("report", str(nb), "-p", "n", "many", "--out", str(out))
    assert res.returncode == 2 and "declared int" in res.stderr
    assert not out.exists() or not any(out.iterdir())  # refused before a kernel started: nothing written


def test_crm_params_shows_effective_values_their_source_and_allowed_values():
    res = crm("params", "05_rfm", "-p", "seed", "7")
    assert res.returncode == 0, res.stderr
    seed = next(line for line in res.stdout.splitlines() if line.strip().startswith("seed"))
    assert "7" in seed and "-p" in seed
    data_path = next(line for line in res.stdout.splitlines() if line.strip().startswith("data_path"))
    assert "notebook default" in data_path


def test_crm_params_reports_the_params_file_value_not_the_notebook_default(tmp_path):
    pf = tmp_path / "p.yaml"
    pf.write_text("seed: 11\n", encoding="utf-8")
    res = crm("params", "05_rfm", "-f", str(pf))
    seed = next(line for line in res.stdout.splitlines() if line.strip().startswith("seed"))
    assert "11" in seed and "params file p.yaml" in seed


def test_asof_after_the_data_is_refused_with_the_range_and_the_fix(tmp_path):
    out = tmp_path / "out"
    res = crm("report", "05_rfm", "-p", "dataset", "online_retail", "-p", "asof", "2026-01-01", "--out", str(out))
    assert res.returncode == 2
    assert "2010-12-01 to 2011-12-09" in res.stderr and "asof=2026-01-01" in res.stderr
    assert "Leave asof empty" in res.stderr and "2011-12-10" in res.stderr
    assert not out.exists() or not any(out.iterdir())


def test_asof_before_the_data_is_refused(tmp_path):
    res = crm("report", "05_rfm", "-p", "dataset", "tiny", "-p", "asof", "2001-01-01", "--out", str(tmp_path))
    assert res.returncode == 2 and "on or before the first transaction" in res.stderr


def test_data_is_given_only_to_notebooks_that_read_transactions():
    from crmcore.report import plan

    csv = ROOT / "data" / "tiny_transactions.csv.gz"
    jobs, skipped = plan(["03_porter", "05_rfm"], data=csv, out_dir=ROOT / "reports")
    assert [p.stem for p in skipped] == ["03_porter"]
    by = {j.notebook.stem: j.parameters for j in jobs}
    assert by["05_rfm"]["data_path"] == str(csv) and "data_path" not in by["03_porter"] or \
        by["03_porter"].get("data_path") != str(csv)


# ------------------------------------------------------------------------------------------- --out

@pytest.mark.parametrize("case", ["notebooks", "file", "read-only"])
def test_hostile_out_is_refused_before_a_kernel_starts_and_nothing_changes(tmp_path, case):
    if case == "notebooks":
        out = ROOT / "notebooks"
    elif case == "file":
        out = tmp_path / "a_file.html"
        out.write_text("keep me", encoding="utf-8")
    else:
        out = tmp_path / "ro"
        out.mkdir()
        out.chmod(0o555)
    watched = [ROOT / "notebooks", tmp_path]
    before = [tree_state(w) for w in watched]
    res = crm("report", "03_porter", "--out", str(out))
    try:
        assert res.returncode == 2, res.stderr
        assert "--out" in res.stderr and "Fix:" in res.stderr
        assert {"notebooks": "notebooks folder", "file": "is a file", "read-only": "not writable"}[case] in res.stderr
        assert "Traceback" not in res.stderr
        assert [tree_state(w) for w in watched] == before
    finally:
        if case == "read-only":
            out.chmod(0o755)


def test_out_inside_the_notebooks_folder_is_refused(tmp_path):
    from crmcore.report import ReportError, check_out_dir

    with pytest.raises(ReportError, match="notebooks folder"):
        check_out_dir(ROOT / "notebooks" / "reports")
    with pytest.raises(ReportError, match="contains the notebooks folder"):
        check_out_dir(ROOT)


# ----------------------------------------------------------------------------------- modes and files

@pytest.fixture(scope="module")
def mode_builds(tmp_path_factory):
    src = tmp_path_factory.mktemp("src")
    nb = write_mode_notebook(src)
    report, lesson = tmp_path_factory.mktemp("report"), tmp_path_factory.mktemp("lesson")
    res = crm("report", str(nb), "--lang", "en,zh", "-j", "2", "--out", str(report))
    assert res.returncode == 0, res.stderr
    res2 = crm("report", str(nb), "--lesson", "--out", str(lesson))
    assert res2.returncode == 0, res2.stderr
    return report, lesson


def test_report_mode_drops_lesson_solution_answer_and_the_other_language(mode_builds):
    report, _ = mode_builds
    en = (report / "mode_test.html").read_text(encoding="utf-8")
    assert "REPORT-OUTPUT en 3 rfm11" in en and "FINDING-EN" in en and "EN-TITLE" in en
    for gone in ("LESSON-GOALS-EN", "SOLUTION-OUTPUT", "ANSWER-TEXT-EN", "REMOVED-OUTPUT", "模式测试标题", "结论中文"):
        assert gone not in en, gone
    assert '<html lang="en">' in en
    zh = (report / "mode_test-zh.html").read_text(encoding="utf-8")
    assert "REPORT-OUTPUT zh" in zh and "结论中文" in zh and "模式测试标题" in zh
    for gone in ("FINDING-EN", "EN-TITLE", "课程目标中文", "SOLUTION-OUTPUT"):
        assert gone not in zh, gone
    assert '<html lang="zh-CN">' in zh
    assert "lang = &#x27;en&#x27;" not in zh  # the parameters cell's input is hidden


def test_lesson_mode_keeps_the_lesson_in_its_language(mode_builds):
    _, lesson = mode_builds
    page = (lesson / "mode_test.html").read_text(encoding="utf-8")
    for kept in ("LESSON-GOALS-EN", "SOLUTION-OUTPUT", "ANSWER-TEXT-EN", "REPORT-OUTPUT"):
        assert kept in page, kept
    for gone in ("REMOVED-OUTPUT", "课程目标中文", "结论中文"):
        assert gone not in page, gone


def test_index_shows_titles_in_the_reports_language_and_a_language_column(mode_builds):
    report, lesson = mode_builds
    index = (report / "index.html").read_text(encoding="utf-8")
    assert "Mode test EN-TITLE" in index and "模式测试标题" in index
    assert "<th>Language</th>" in index and "中文" in index and 'lang="zh-CN"' in index
    assert "Course map" not in index
    assert "Course map" in (lesson / "index.html").read_text(encoding="utf-8")  # lesson builds open with it


def test_no_temporary_files_stay_after_success_or_failure(mode_builds, tmp_path):
    report, lesson = mode_builds
    assert temp_files(report) == [] and temp_files(lesson) == []
    res = crm("report", "00", "-p", "dataset", "no_such_data", "--out", str(tmp_path))
    assert res.returncode == 1 and "failed" in res.stderr
    assert temp_files(tmp_path) == [] and (tmp_path / "00_data_overview.failed.ipynb").exists()


def test_sigterm_removes_temporary_files(tmp_path):
    import signal
    import time

    proc = subprocess.Popen([sys.executable, "-m", "crmcore.cli", "report", "03_porter", "--out", str(tmp_path)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while time.time() < deadline and not temp_files(tmp_path):
        time.sleep(0.1)
    assert temp_files(tmp_path), "the run never started"
    time.sleep(1.0)  # the kernel is running
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 143, err
    assert temp_files(tmp_path) == []
    assert not (tmp_path / "03_porter.html").exists()


@pytest.fixture(scope="module")
def porter_twice(tmp_path_factory):
    """03_porter built twice: alone, then in a parallel build of both languages (-j 2)."""
    outs = [tmp_path_factory.mktemp("det1"), tmp_path_factory.mktemp("det2")]
    res = crm("report", "03_porter", "--out", str(outs[0]))
    assert res.returncode == 0, res.stderr
    res = crm("report", "03_porter", "--lang", "en,zh", "-j", "2", "--out", str(outs[1]))
    assert res.returncode == 0, res.stderr
    return outs


def test_two_runs_sequential_and_parallel_give_byte_identical_html(porter_twice):
    a, b = porter_twice
    assert (a / "03_porter.html").read_bytes() == (b / "03_porter.html").read_bytes()
    page = (a / "03_porter.html").read_text(encoding="utf-8")
    assert 'id="cell-id=injected-parameters"' in page or "injected-parameters" not in page


def test_concurrent_runs_into_one_folder_both_finish_with_consistent_pairs(tmp_path):
    import nbformat

    procs = [subprocess.Popen([sys.executable, "-m", "crmcore.cli", "report", "03_porter", "-p", "step", step,
                               "--out", str(tmp_path), "--no-progress"], cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for step in ("0.05", "0.1")]
    results = [p.communicate(timeout=300) + (p.returncode,) for p in procs]
    assert [r[2] for r in results] == [0, 0], [r[1] for r in results]
    page = (tmp_path / "03_porter.html").read_text(encoding="utf-8")
    nb = nbformat.read(str(tmp_path / "03_porter.ipynb"), as_version=4)
    step = nb.metadata.papermill.parameters["step"]
    assert f"step = {step!r}" in unescape(page)  # the HTML and the notebook come from the same run
    assert temp_files(tmp_path) == []


def test_export_names_carry_the_language():
    from crmcore.export import export_name

    assert export_name("rfm_customers", "zh") == "rfm_customers-zh" and export_name("x", "en") == "x"


def test_cjk_font_resolved_by_matplotlib_is_simplified_chinese():
    from matplotlib import font_manager
    from matplotlib import rcParams
    from fontTools.ttLib import TTFont

    from crmcore.plotting import CJK_FACE, cjk_font_path, use_style

    use_style("zh")
    fonts = font_manager.fontManager._find_fonts_by_props(font_manager.FontProperties(family=rcParams["font.family"]))
    for ch in "门值次类近数最新客":
        covering = next(f for f in fonts if ord(ch) in TTFont(f, lazy=True, fontNumber=0).getBestCmap())
        assert font_manager.FontProperties(fname=covering).get_name() == CJK_FACE, ch
    assert Path(cjk_font_path()).suffix == ".otf"
    assert rcParams["axes.titleweight"] == "normal"  # the SC face has no bold: no half-bold titles
    use_style("en")


def test_hostile_customer_region_and_channel_names_never_become_live_tags(tmp_path):
    script, img = "<script>alert(1)</script>", "<img src=x onerror=alert(1)>"
    csv = tmp_path / "hostile.csv"
    rows = ["customer_id,order_id,order_date,product_id,product_name,quantity,unit_price,region,channel"]
    for i in range(12):
        who = script if i % 2 else img
        rows.append(f'"{who}{i % 3}",o{i},2024-0{1 + i % 6}-0{1 + i % 7} 10:00,p{i % 4},"{img}",{1 + i % 3},2.5,'
                    f'"{script}","{img}"')
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    res = crm("report", "00", "--data", str(csv), "--lang", "en,zh", "--out", str(tmp_path / "r"))
    assert res.returncode == 0, res.stderr
    for name in ("00_data_overview.html", "00_data_overview-zh.html", "index.html"):
        page = (tmp_path / "r" / name).read_text(encoding="utf-8")
        assert "<script>alert(1)" not in page and not re.search(r"<img\s+src=x\s+onerror", page), name


def test_a_report_cell_that_needs_a_lesson_cell_still_builds_and_is_named(tmp_path):
    """Reports run only the cells they show; when a report cell uses a name a lesson cell defines, the whole
    notebook runs instead and the run says which name, so the owner can fix the tags."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    cells = [nbformat.v4.new_code_cell('lang: str = "en"  # {en, zh} language'),
             nbformat.v4.new_code_cell("helper_value = 41\nprint('LESSON-RAN')"),
             nbformat.v4.new_code_cell("print('ANSWER', helper_value + 1)")]
    cells[0].metadata["tags"], cells[1].metadata["tags"] = ["parameters"], ["lesson"]
    nb.cells = cells
    path = tmp_path / "dep_test.ipynb"
    nbformat.write(nb, str(path))
    res = crm("report", str(path), "--out", str(tmp_path / "out"))
    assert res.returncode == 0, res.stderr
    assert "needs helper_value" in res.stderr
    page = (tmp_path / "out" / "dep_test.html").read_text(encoding="utf-8")
    assert "ANSWER 42" in page and "LESSON-RAN" not in page


# ----------------------------------------------------------------------------------- warm kernel pool

_PROBE_HELPER = "VALUE = 'from the folder'\n"


def write_probe_notebook(folder: Path) -> Path:
    """A notebook that prints the kernel state a previous notebook could leak, then changes all of it."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    code = nbformat.v4.new_code_cell
    nb.cells = [
        code('lang: str = "en"  # {en, zh} language'),
        code("import os, sys, warnings\nimport matplotlib as mpl, numpy as np, pandas as pd\n"
             "import crmcore as crm\nfrom crmcore import engine\nip = get_ipython()\n"
             "print('names', sorted(k for k in ip.user_ns if not k.startswith('_')))\n"
             "print('count', ip.execution_count, 'precision', pd.get_option('display.precision'),\n"
             "      'weight', mpl.rcParams['axes.titleweight'], 'family', mpl.rcParams['font.family'])\n"
             "print('filters', len(warnings.filters), 'np', np.get_printoptions()['precision'],\n"
             "      'env', os.environ.get('CRM_PROBE'), 'cwd', os.path.basename(os.getcwd()))\n"
             "print('fresh engine', engine._backend is None, 'helper loaded', 'probe_helper' in sys.modules)\n"
             "np.mean([])  # a warning numpy shows once per fresh kernel (its registry lives in numpy)"),
        code("import logging, probe_helper\npd.set_option('display.precision', 7)\n"
             "mpl.rcParams['axes.titleweight'] = 'light'\nnp.set_printoptions(precision=2)\n"
             "warnings.simplefilter('ignore')\nos.environ['CRM_PROBE'] = 'changed'\nengine.backend()\n"
             "logging.getLogger('matplotlib').setLevel(logging.CRITICAL)\ncrm.setup_notebook(lang)\n"
             "LEAK = probe_helper.VALUE\nos.chdir('/')\npd.DataFrame({'a': [1.23456789]})"),
    ]
    nb.cells[0].metadata["tags"] = ["parameters"]
    path = folder / "probe_test.ipynb"
    nbformat.write(nb, str(path))
    (folder / "probe_helper.py").write_text(_PROBE_HELPER, encoding="utf-8")
    return path


def _same_pages(a: Path, b: Path, names) -> list[str]:
    """The names whose HTML or executed notebook differ between two builds (the --out path aside)."""
    bad = []
    for name in names:
        for suffix in (".html", ".ipynb"):
            x = (a / f"{name}{suffix}").read_bytes().replace(str(a).encode(), b"OUT")
            y = (b / f"{name}{suffix}").read_bytes().replace(str(b).encode(), b"OUT")
            if x != y:
                bad.append(name + suffix)
    return bad


@pytest.fixture(scope="module")
def pool_builds(tmp_path_factory):
    """A probe notebook and 03_porter (zh) built one at a time on fresh kernels, on one warm kernel in both
    orders, and on two worker processes with a warm kernel each (four reports)."""
    from crmcore.runner.report import plan, run_jobs

    probe = write_probe_notebook(tmp_path_factory.mktemp("probe"))
    outs = {}
    for key, order, workers, pool in (("fresh", "pz", 1, False), ("warm", "pz", 1, True),
                                      ("warm-reversed", "zp", 1, True), ("parallel", "pzPZ", 2, True)):
        out = tmp_path_factory.mktemp(key)
        pick = {"p": (probe, "en"), "z": ("03_porter", "zh"), "P": (probe, "zh"), "Z": ("03_porter", "en")}
        jobs = [plan([pick[c][0]], langs=[pick[c][1]], out_dir=out)[0][0] for c in order]
        runs = run_jobs(jobs, out, workers=workers, progress=False, pool=pool)
        assert all(r.ok for r in runs), [r.error for r in runs]
        outs[key] = out
    return outs


def test_a_warm_kernel_gives_the_bytes_of_a_fresh_kernel_in_either_order(pool_builds):
    names = ("probe_test", "03_porter-zh")
    for key in ("warm", "warm-reversed", "parallel"):
        assert _same_pages(pool_builds["fresh"], pool_builds[key], names) == [], key
    page = unescape((pool_builds["warm-reversed"] / "probe_test.html").read_text(encoding="utf-8"))
    assert "Mean of empty slice" in page and "names ['In', 'Out', 'crm'" in page and "env None cwd probe" in page
    assert "precision 3" not in page and "fresh engine True helper loaded False" in page
