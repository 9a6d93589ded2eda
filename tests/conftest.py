"""Shared fixtures: the ../shared data (skipped when absent) and papermill notebook runs."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

# one BLAS/OpenMP thread: deterministic k-means and no oversubscription on 2 cores (kernels inherit it)
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("PYTHONHASHSEED", "0")

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
SHARED = ROOT.parent / "shared" / "data"


@pytest.fixture(autouse=True)
def _agg_backend(monkeypatch):
    """Unit tests draw off-screen; notebook kernels keep the inline backend (their env is not touched)."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Path of ../shared/data; the test is skipped on a user's clone that does not have it."""
    if not SHARED.is_dir():
        pytest.skip("../shared/data is not present (only the project's CI and developers have it)")
    return SHARED


@pytest.fixture(scope="session")
def run_notebook(tmp_path_factory):
    """Run a notebook with papermill on given parameters; return the values it recorded."""
    import papermill as pm

    from crmcore.nbtools import read_records

    out_dir = tmp_path_factory.mktemp("nbruns")

    def _run(name: str, **parameters):
        src = NOTEBOOKS / name
        out = out_dir / f"{src.stem}-{len(list(out_dir.iterdir()))}.ipynb"
        parameters.setdefault("output_dir", str(out_dir / "output"))
        env_backup = os.environ.pop("MPLBACKEND", None)
        try:
            nb = pm.execute_notebook(str(src), str(out), parameters=parameters, kernel_name="python3",
                                     cwd=str(NOTEBOOKS), progress_bar=False, log_output=False)
        finally:
            if env_backup is not None:
                os.environ["MPLBACKEND"] = env_backup
        return read_records(nb)

    return _run
