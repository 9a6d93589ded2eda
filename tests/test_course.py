"""The course: the course map (one place, both languages) and `crm course DIR` learner copies."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from crmcore.course import COURSE, course_map_html, course_map_markdown, learner_copy, lessons

ROOT = Path(__file__).resolve().parent.parent


def crm(*args):
    return subprocess.run([sys.executable, "-m", "crmcore.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)


def tags(cell):
    return set(cell.metadata.get("tags", []))


def test_course_map_lists_every_method_notebook_in_order_with_known_prerequisites():
    stems = [x.stem for x in COURSE]
    on_disk = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert [s for s in stems if s in on_disk] == on_disk, "every notebook is on the course map, in order"
    for i, x in enumerate(COURSE):
        assert set(x.requires) <= set(stems[:i]), f"{x.stem}: a prerequisite comes later in the course"
        assert x.minutes > 0 and x.en and x.zh


def test_course_map_is_written_in_both_languages():
    en, zh = course_map_markdown("en"), course_map_markdown("zh")
    assert "| Order |" in en and "| 顺序 |" in zh
    assert "`05_rfm`" in en and "层次分析法" in zh and "min" in en and "分钟" in zh
    assert len(en.splitlines()) == len(lessons()) + 2
    assert 'lang="zh-CN"' in course_map_html("zh") and "<h1>Course map</h1>" in course_map_html("en")


def _nb(*cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = list(cells)
    return nb


def _cell(kind, source, *tags_):
    cell = (nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell)(source)
    cell.metadata["tags"] = list(tags_)
    return cell


def test_student_copy_drops_solutions_and_answers_but_keeps_self_checks_and_exercises():
    nb = _nb(_cell("code", 'lang: str = "en"  # {en, zh} language\nmarket_path: str = "../data/bcg_market.csv"  # x',
                   "parameters"),
             _cell("markdown", "## Exercises\n\n1. Count the customers.", "lesson", "lang-en"),
             _cell("markdown", "## 练习\n\n1. 统计客户数。", "lesson", "lang-zh"),
             _cell("code", "# ex.check_1(my_answer, tx=tx, lang=lang)", "lesson"),
             _cell("code", "answer = len(tx)", "solution"),
             _cell("markdown", "<details><summary>答案</summary>2,000</details>", "answer", "lang-zh"),
             _cell("code", "crm.record('x', 1)", "remove-cell"))
    nb.cells[4].outputs = [nbformat.v4.new_output("stream", text="2000\n")]
    student = learner_copy(nb, lang="zh", student=True)
    assert [sorted(tags(c)) for c in student.cells] == [["parameters"], ["lang-zh", "lesson"], ["lesson"]]
    assert 'lang: str = "zh"' in student.cells[0].source  # runs in the edition's language
    assert '"data/bcg_market.csv"' in student.cells[0].source  # data read from the course folder
    teacher = learner_copy(nb, lang="zh", student=False)
    assert {"solution", "answer"} <= set().union(*(tags(c) for c in teacher.cells))
    assert all(not c.get("outputs") for c in teacher.cells if c.cell_type == "code")  # outputs were English


@pytest.mark.notebook
def test_crm_course_writes_a_student_edition_that_runs_top_to_bottom(tmp_path):
    import papermill as pm

    res = crm("course", str(tmp_path), "--lang", "zh", "--student")
    assert res.returncode == 0, res.stderr
    written = sorted(p.stem for p in tmp_path.glob("*.ipynb"))
    assert written == [x.stem for x in lessons()]
    readme = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert "| 顺序 |" in readme and "学员版" in readme
    for p in tmp_path.glob("*.ipynb"):
        nb = nbformat.read(str(p), as_version=4)
        all_tags = set().union(*(tags(c) for c in nb.cells))
        assert not all_tags & {"solution", "answer", "lang-en", "remove-cell"}, p.name
        assert "../data/" not in "".join(c.source for c in nb.cells if c.cell_type == "code"), p.name
    assert (tmp_path / "data" / "porter_drivers.yaml").is_file()
    out = tmp_path / "run.ipynb"
    pm.execute_notebook(str(tmp_path / "03_porter.ipynb"), str(out), kernel_name="python3", cwd=str(tmp_path),
                        progress_bar=False)  # raises if a cell fails
    assert out.is_file()


def test_crm_course_refuses_the_notebooks_folder():
    res = crm("course", str(ROOT / "notebooks"))
    assert res.returncode == 2 and "notebooks folder" in res.stderr


def test_readme_course_map_is_the_one_in_crmcore_course():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert course_map_markdown("en") in readme and course_map_markdown("zh") in readme, \
        "paste the output of `python -m crmcore.runner.course` into README's For teachers section"
    assert "## For report runners" in readme and "## For teachers" in readme and "中文简介" in readme
