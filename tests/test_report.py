"""Report writers, figures and the command line of the main job."""

from __future__ import annotations

import base64
import re

import pandas as pd
import pytest

import cvxreg as cr
from cvxreg import report
from cvxreg.benchmark import benchmark, builtin_cases
from cvxreg.cli import main


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    cases = [c for c in builtin_cases() if c.name in ("lasso-orthonormal", "ridge-constrained", "logistic-l1")]
    cases[0].name = "lasso <script>alert(1)</script>"  # text that must be escaped in HTML
    return benchmark(cases, ["CLARABEL", "SCS", "OSQP"], settings=["default", "tight"])


def test_summary_counts(frame):
    s = report.summary(frame)
    row = s[(s["solver"] == "CLARABEL") & (s["settings"] == "tight")].iloc[0]
    assert row["problems"] == 3 and row["solved"] == 3 and row["accurate_1e-06"] == 3
    assert row["failures"] == 0
    osqp = s[s["solver"] == "OSQP"].iloc[0]
    # OSQP refuses exponential cones and a sum-of-squares constraint: named explicitly, it keeps
    # a row for each, with the reason.
    assert osqp["problems"] == 3 and osqp["failures"] == 2
    assert "logistic-l1: unsupported" in osqp["failure_reasons"]
    assert "ridge-constrained: unsupported" in osqp["failure_reasons"]


def test_accuracy_counts_against_the_bars(frame):
    acc = report.accuracy(frame)
    for a, status, gap, kkt in zip(acc, frame["status"], frame["objective_gap"], frame["kkt_residual"], strict=True):
        if status in ("optimal", "optimal_inaccurate"):
            assert a == pytest.approx(max(gap, kkt))
        else:
            assert a == float("inf")


def test_write_formats(frame, tmp_path):
    md = report.write(frame, tmp_path / "r.md").read_text()
    assert md.startswith("# cvxreg solver comparison") and "| solver |" in md
    csv = pd.read_csv(report.write(frame, tmp_path / "r.csv"))
    assert len(csv) == len(frame)
    html = report.write(frame, tmp_path / "r.html").read_text()
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    pngs = re.findall(r"data:image/png;base64,([A-Za-z0-9+/=]+)", html)
    assert len(pngs) == 4
    assert all(base64.b64decode(p)[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)
    with pytest.raises(cr.InvalidParameterError, match=r"'path'.*'\.pdf'"):
        report.write(frame, tmp_path / "r.pdf")


def test_write_report_folder(frame, tmp_path):
    paths = report.write_report(frame, tmp_path / "out")
    for key in ("csv", "md", "html", "error_vs_time", "dual_error", "status_matrix", "coef_error"):
        assert paths[key].exists() and paths[key].stat().st_size > 0


def test_cli_report_and_compare(tmp_path, capsys):
    from cvxreg.exercises import bundled_files

    files = [str(f) for f in bundled_files()[:2]]
    if not files:
        pytest.skip("no bundled problem files")
    out = tmp_path / "rep"
    assert main(["report", *files, "--solvers", "CLARABEL", "SCS", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "wrote html" in text and (out / "report.html").exists() and (out / "results.csv").exists()
    assert main(["compare", files[0], "--solvers", "CLARABEL"]) == 0
    assert "CLARABEL" in capsys.readouterr().out


def test_cli_strict_and_bad_usage(tmp_path, capsys):
    from cvxreg.exercises import bundled_files

    files = [str(f) for f in bundled_files()[:1]]
    if not files:
        pytest.skip("no bundled problem files")
    # SCS at default settings is not accurate to 1e-14: --strict fails with exit 1.
    code = main(
        [
            "report",
            *files,
            "--solvers",
            "SCS",
            "--settings",
            "default",
            "--out",
            str(tmp_path),
            "--strict",
            "--bar",
            "1e-14",
        ]
    )
    assert code == 1
    assert main(["report", "--settings", "sloppy", "--out", str(tmp_path)]) == 2
    assert "'settings'" in capsys.readouterr().err
    assert main(["compare", str(tmp_path / "missing.toml")]) == 2
    assert main(["report", "--help"]) == 0
