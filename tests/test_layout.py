"""The layout rules of ARCHITECTURE.md (issue 17), checked over every file under crmcore/.

- a file holds one idea a reader can keep in mind: at most 800 lines;
- only the ``*_plots`` modules (and ``crmcore/plotting.py``) import matplotlib, seaborn or crmcore.plotting
  at module level: computation does not draw;
- user-facing words are :class:`crmcore.labels.Catalogue` tables of one shape; a module holding more than 30
  entries is a ``*_text`` module (or labels.py itself): long label tables do not sit in computation;
- every module answers to its short name (``crmcore.MODULES``), so ``from crmcore import rfm`` keeps working;
- ``crmcore/locale/zh.po``, the whole Chinese edition of the catalogued words in one file, is in step with the
  code; and a third language added as a .po file works without touching code.
"""
from __future__ import annotations

import ast
import importlib
import shutil
from pathlib import Path

import pandas as pd
import pytest

import crmcore
from crmcore import labels

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "crmcore"
FILES = sorted(p for p in PKG.rglob("*.py"))
MAX_LINES = 800
DRAWING = ("matplotlib", "seaborn", "crmcore.plotting")


def _rel(p: Path) -> str:
    return str(p.relative_to(ROOT))


def test_every_file_is_at_most_800_lines():
    long = {_rel(p): n for p in FILES if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def _module_level_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()

    def walk(body):
        for n in body:
            if isinstance(n, ast.If) and "TYPE_CHECKING" in ast.unparse(n.test):
                continue
            if isinstance(n, ast.Import):
                out.update(a.name for a in n.names)
            elif isinstance(n, ast.ImportFrom):
                mod = n.module or ""
                out.add(mod)
                out.update(f"{mod}.{a.name}" for a in n.names)
            elif isinstance(n, (ast.If, ast.Try, ast.With)):
                for field in ("body", "orelse", "finalbody", "handlers"):
                    sub = getattr(n, field, None)
                    if isinstance(sub, list):
                        walk(sub)

    walk(tree.body)
    return out


def _draws(imports: set[str]) -> bool:
    return any(i == d or i.startswith(d + ".") for i in imports for d in DRAWING)


def test_only_plot_modules_import_drawing_libraries_at_module_level():
    # crmcore/__init__.py registers the Simplified-Chinese font at start-up (crmcore.plotting.ensure_cjk)
    drawing = [_rel(p) for p in FILES if not (p.stem.endswith("_plots") or p.name == "plotting.py" or p == PKG / "__init__.py")
               and _draws(_module_level_imports(p))]
    assert drawing == []


def test_the_drawing_check_sees_a_module_level_matplotlib_import(tmp_path):
    f = tmp_path / "m.py"
    f.write_text("import numpy\nfrom matplotlib import pyplot as plt\ndef f():\n    import seaborn\n")
    assert _draws(_module_level_imports(f))
    f.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import matplotlib\n"
                 "def f():\n    import seaborn\n")
    assert not _draws(_module_level_imports(f))


def test_long_word_tables_live_in_text_modules():
    labels.load_all()
    per_module: dict[str, int] = {}
    for cat in labels.REGISTRY.values():
        per_module[cat.module] = per_module.get(cat.module, 0) + len(cat)
    long = {m: n for m, n in per_module.items()
            if n > 30 and not (m.endswith("_text") or m == "crmcore.labels")}
    assert long == {}


def test_user_facing_tables_have_one_shape_and_both_languages():
    labels.load_all()
    assert len(labels.REGISTRY) >= 20
    for cat in labels.REGISTRY.values():
        for key, entry in cat.items():
            assert entry["en"].strip() and entry["zh"].strip(), (cat.name, key)
    with pytest.raises(ValueError, match="lack one of"):
        labels.Catalogue("test.bad", {"a": {"en": "only English"}})


def test_every_module_answers_to_its_short_name():
    for short, full in crmcore.MODULES.items():
        assert importlib.import_module(f"crmcore.{short}") is importlib.import_module(full)
        assert (PKG / (full.removeprefix("crmcore.").replace(".", "/") + ".py")).exists()
    moved = [p.stem for p in FILES if p.parent != PKG and p.parent.name != "exercises" and p.name != "__init__.py"]
    assert sorted(moved) == sorted(crmcore.MODULES), "two modules share a short name, or one has none"
    assert {"rfm", "ahp", "data", "report", "bcg", "targets"} <= set(crmcore.MODULES)


def test_the_chinese_catalogue_file_is_in_step_with_the_code():
    labels.load_all()
    assert (PKG / "locale" / "zh.po").read_text(encoding="utf-8") == labels.po_text("zh") + "\n", \
        "run `python -m crmcore.labels` to rewrite crmcore/locale/zh.po"


def test_po_round_trip_keeps_every_entry(tmp_path):
    labels.load_all()
    (tmp_path / "zh.po").write_text(labels.po_text("zh"), encoding="utf-8")
    back = labels.read_po(tmp_path / "zh.po")
    want = {f"{c.name}:{k}": e["zh"] for c in labels.REGISTRY.values() for k, e in c.items()}
    assert back == want


def test_a_third_language_needs_only_a_po_file(tmp_path, monkeypatch):
    """A French file translating one header: lang="fr" is accepted, that header is French, the others fall back
    to English (never Chinese), and nothing else changes for en and zh."""
    labels.load_all()
    shutil.copy(PKG / "locale" / "zh.po", tmp_path / "zh.po")
    (tmp_path / "fr.po").write_text(
        'msgid ""\nmsgstr ""\n"Language: fr\\n"\n\n'
        'msgctxt "columns:revenue"\nmsgid "Revenue"\nmsgstr "Chiffre d\'affaires"\n', encoding="utf-8")
    monkeypatch.setattr(labels, "LOCALE_DIR", tmp_path)
    monkeypatch.setattr(labels, "_PO", {})
    assert labels.languages() == ("en", "zh", "fr")
    frame = pd.DataFrame({"revenue": [1.0], "orders": [2]})
    assert list(labels.translate_frame(frame, "fr").columns) == ["Chiffre d'affaires", "Orders"]
    assert list(labels.translate_frame(frame, "zh").columns) == ["销售额", "订单数"]
    assert labels.value("East", "fr") == "East"
    with pytest.raises(crmcore.ParameterError, match="'de'"):
        labels.check_lang("de")


def test_architecture_md_names_every_module_and_no_module_that_is_gone():
    """ARCHITECTURE.md describes the code as it is: each module's short name appears (a method's ``_text`` and
    ``_plots`` through the method), and every `name` in its layout table that looks like a module is one."""
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    modules = set(crmcore.MODULES) | {p.stem for p in PKG.glob("*.py") if p.name != "__init__.py"}
    # a method's `<method>_text` and `<method>_plots` are described by the convention ("Each method keeps …")
    described = {m for m in modules if m.endswith(("_text", "_plots")) and f"`{m.rsplit('_', 1)[0]}`" in text}
    assert sorted(m for m in modules - described if f"`{m}`" not in text) == []
    table = text[text.index("| group | modules |"):text.index("Each method keeps")]
    named = set(__import__("re").findall(r"`([a-z][a-z0-9_]*)`", table))
    assert sorted(named - modules) == []
