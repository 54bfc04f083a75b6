"""Bad input refused with a typed error that names the argument (issue: reliability round three):
sizes before allocation, no bool or complex read as numbers, typos not silently ignored."""

from __future__ import annotations

import numpy as np
import pytest

import cvxreg as cr
from cvxreg.errors import InvalidParameterError


def _data():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((30, 3))
    return X, X @ np.ones(3) + rng.standard_normal(30)


def test_a_path_of_a_billion_points_is_refused_before_allocation():
    X, y = _data()
    prob = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(1.0))
    with pytest.raises(InvalidParameterError, match="n_lams"):
        prob.path(X, y, n_lams=10**9)


def test_a_misspelled_path_keyword_is_not_passed_to_the_solver_as_an_option():
    X, y = _data()
    prob = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(1.0))
    with pytest.raises(InvalidParameterError, match="did you mean 'n_lams'"):
        prob.path(X, y, n_lam=5)
    assert len(prob.path(X, y, n_lams=5, solver="CLARABEL", max_iter=200).values) == 5  # a real solver option passes


@pytest.mark.parametrize("bad", [np.array([[1 + 2j, 0, 0]]), np.array([[True, False, True]])], ids=["complex", "bool"])
def test_constraint_matrices_must_be_real_numbers(bad):
    with pytest.raises(InvalidParameterError, match="'matrix'"):
        cr.Equality(bad, [1.0])
    with pytest.raises(InvalidParameterError, match="'rhs'"):
        cr.Inequality(np.ones((1, 3)), np.array([1 + 1j]))


@pytest.mark.parametrize("value", ["no", 0, None])
def test_estimators_take_fit_intercept_as_a_bool(value):
    from cvxreg.sklearn import CvxRegressor

    X, y = _data()
    with pytest.raises(InvalidParameterError, match="fit_intercept"):
        CvxRegressor(fit_intercept=value).fit(X, y)
    assert CvxRegressor(fit_intercept=np.bool_(False)).fit(X, y).intercept_ == 0.0


def test_most_accurate_solve_refuses_a_negative_tolerance():
    from cvxreg.reference import most_accurate_solve

    X, y = _data()
    with pytest.raises(InvalidParameterError, match="'tol'"):
        most_accurate_solve(cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(1.0)), X, y, tol=-1)


@pytest.mark.parametrize("dpi", ["0", "100000", "abc"])
def test_plot_dpi_out_of_range_is_a_usage_error(dpi, tmp_path, capsys):
    from cvxreg.cli import main

    assert main(["plot", "balls", "--out", str(tmp_path / "b.png"), "--dpi", dpi]) == 2
    assert "dpi" in capsys.readouterr().err
    assert not (tmp_path / "b.png").exists()


@pytest.mark.parametrize("args", [{"sizes": [10**9]}, {"groups": [[0], [10**12]]}], ids=["sizes", "index"])
def test_group_structures_beyond_any_data_are_refused_before_allocation(args):
    with pytest.raises(InvalidParameterError, match="GroupLasso"):
        cr.GroupLasso(**args)


def test_group_lasso_duplicates_are_named():
    with pytest.raises(InvalidParameterError, match=r"indices \[1\] in more than one group"):
        cr.GroupLasso([[0, 1], [1, 2]])


def test_total_variation_on_one_column_is_least_squares():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((20, 1))
    y = 2.0 * X[:, 0] + 0.1 + 0.01 * rng.standard_normal(20)
    res = cr.Problem(cr.SquaredLoss(), cr.TotalVariation(), cr.Penalized(1.0), fit_intercept=True).solve(X, y)
    ols = np.linalg.lstsq(np.column_stack([X, np.ones(20)]), y, rcond=None)[0]  # TV of one coefficient is 0
    assert res.status == "optimal"
    np.testing.assert_allclose([res.coef[0], res.intercept], ols, rtol=1e-10)


@pytest.mark.parametrize(
    ("params", "match"),
    [({"scale": "sum"}, "without 'scale'"), ({"Mx": 1.0}, r"keys \['Mx'\]"), ("M=1", "a dict")],
    ids=["scale", "unknown key", "string"],
)
def test_estimator_loss_params_are_checked(params, match):
    from cvxreg.sklearn import CvxRegressor

    X, y = _data()
    with pytest.raises(InvalidParameterError, match=match):
        CvxRegressor(loss="huber", loss_params=params).fit(X, y)
    assert CvxRegressor(loss="huber", loss_params={"M": 2.0}).fit(X, y).result_.status == "optimal"


def test_estimators_refuse_what_they_would_ignore_or_misread():
    from cvxreg.sklearn import CvxClassifier, CvxRegressor

    X, y = _data()
    with pytest.raises(InvalidParameterError, match="l1_ratio"):
        CvxRegressor(penalty="l1", l1_ratio=0.3).fit(X, y)
    with pytest.raises(InvalidParameterError, match="classification loss"):
        CvxClassifier(loss=cr.SquaredLoss()).fit(X, np.where(y > 0, 1, 0))
    with pytest.raises(InvalidParameterError, match="regression loss"):
        CvxRegressor(loss=cr.LogisticLoss()).fit(X, y)


@pytest.mark.parametrize("entry", ["compare_solvers", "benchmark"])
def test_a_timeout_beyond_a_year_is_refused(entry):
    X, y = _data()
    prob = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(1.0))
    with pytest.raises(InvalidParameterError, match="timeout"):
        if entry == "compare_solvers":
            cr.compare_solvers(prob, X, y, solvers=["CLARABEL"], timeout=1e300)
        else:
            cr.benchmark({"p": (prob, X, y)}, solvers=["CLARABEL"], timeout=1e300)


class _Splitter:
    def __init__(self, pairs):
        self.pairs = pairs

    def split(self, X, y):
        return iter(self.pairs)


@pytest.mark.parametrize(
    "pairs",
    [
        [(np.arange(20), np.arange(20, 40))],
        [(np.arange(20.0), np.arange(20, 30))],
        [(np.arange(25), np.array([], dtype=int))],
    ],
    ids=["out of range", "float indices", "empty test fold"],
)
def test_cross_validate_checks_a_splitters_folds(pairs):
    X, y = _data()
    prob = cr.Problem(cr.SquaredLoss(scale="mean"), cr.L1(), cr.Penalized(1.0))
    with pytest.raises(InvalidParameterError, match="'folds'"):
        cr.cross_validate(prob, X, y, folds=_Splitter(pairs), n_lams=5)


def test_cross_validate_refuses_a_fold_of_zero_weight_and_a_scoring_that_is_not_a_number():
    X, y = _data()
    prob = cr.Problem(cr.SquaredLoss(scale="mean"), cr.L1(), cr.Penalized(1.0))
    s = np.ones(30)
    s[:10] = 0.0
    with pytest.raises(InvalidParameterError, match="weight 0"):
        cr.cross_validate(prob, X, y, sample_weight=s, folds=_Splitter([(np.arange(10, 30), np.arange(10))]), n_lams=5)
    with pytest.raises(InvalidParameterError, match="'scoring'"):
        cr.cross_validate(prob, X, y, folds=3, n_lams=5, scoring=lambda y, eta, s: "good")


def test_cross_validate_refuses_to_choose_from_nan_scores():
    X, y = _data()
    prob = cr.Problem(cr.SquaredLoss(scale="mean"), cr.L1(), cr.Penalized(1.0))
    with pytest.raises(InvalidParameterError, match="NaN"):
        cr.cross_validate(prob, X, y, folds=3, n_lams=5, scoring=lambda y, eta, s: float("nan"))


def test_objective_value_takes_a_real_intercept_only():
    X, y = _data()
    prob = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(1.0))
    with pytest.raises(InvalidParameterError, match="'intercept'"):
        prob.objective_value(X, y, np.zeros(3), "1.0")
    assert prob.objective_value(X, y, np.zeros(3), 0.0) == pytest.approx(0.5 * float(y @ y))


def test_an_answer_of_booleans_is_not_read_as_numbers():
    from cvxreg.errors import AnswerError
    from cvxreg.exercises import bundled_dir, load

    ex = load(bundled_dir() / "logistic-ridge-sklearn.toml")
    with pytest.raises(AnswerError, match="'coef'"):
        ex.check({"coef": [True, False, True, False], "intercept": 0.0})


@pytest.mark.parametrize(
    ("bounds", "match"),
    [("[false, true]", "bounds"), ("[[0.0, 0.0, 0.0, 0.0, 0.0], \"inf\"]", "bounds|lower|suit")],
    ids=["booleans", "wrong length"],
)
def test_problem_file_bounds_are_numbers_of_the_right_length(tmp_path, bounds, match):
    from cvxreg.errors import ProblemFileError
    from cvxreg.exercises import bundled_dir, load

    text = (bundled_dir() / "lawson-hanson-nnls-multipliers.toml").read_text()
    lines = [f"bounds = {bounds}" if line.startswith("bounds =") else line for line in text.splitlines()]
    path = tmp_path / "bad-bounds.toml"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ProblemFileError, match=match):
        load(path)


@pytest.mark.parametrize(
    ("edit", "field"),
    [(("lam = [1.0, 1.0]", "lam = [1.0, 1.0]\nt = [1.0, 1.0]"), "notation.t"),
     (('names = ["lambda1", "lambda2"]', 'names = ["lambda1"]'), "notation.names")],
    ids=["lam and t", "names of the wrong length"],
)  # fmt: skip
def test_problem_file_notation_is_consistent(tmp_path, edit, field):
    from cvxreg.errors import ProblemFileError
    from cvxreg.exercises import bundled_dir, load

    text = (bundled_dir() / "zou-hastie-naive-enet-orthogonal.toml").read_text()
    assert edit[0] in text
    path = tmp_path / "bad-notation.toml"
    path.write_text(text.replace(edit[0], edit[1], 1))
    with pytest.raises(ProblemFileError, match=field.replace(".", r"\.")):
        load(path)


def test_a_path_answer_with_a_missing_lam_is_an_answer_error():
    from cvxreg.errors import AnswerError
    from cvxreg.exercises import bundled_files, load

    ex = next(e for e in map(load, bundled_files()) if e.expected.path)
    with pytest.raises(AnswerError, match=r"path\[0\]\.(lam|t)"):
        ex.check({"path": [{"lam": None, "coef": [0.0] * ex.X.shape[1]}]})


@pytest.mark.parametrize("text", ["{not json", "null", "[1, 2]"], ids=["invalid JSON", "null", "a list"])
def test_a_damaged_store_row_is_left_out_and_computed_again(tmp_path, text):
    import sqlite3

    from cvxreg.store import ResultStore

    X, y = _data()
    prob = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(1.0))
    db = tmp_path / "store.sqlite"
    first = cr.benchmark({"p": (prob, X, y)}, solvers=["CLARABEL"], out=db)
    with sqlite3.connect(db) as con:
        con.execute("UPDATE rows SET row = ?", (text,))
    store = ResultStore(db)
    with pytest.warns(RuntimeWarning, match="not JSON objects"):
        assert store.rows() == []
    assert store.done() == set()  # so a rerun computes it again
    store.close()
    again = cr.benchmark({"p": (prob, X, y)}, solvers=["CLARABEL"], out=db)
    assert len(again) == len(first) and set(again["status"]) == {"optimal"}


def test_formula_looking_names_are_text_in_the_csv_files(tmp_path):
    X, y = _data()
    prob = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(1.0))
    out = tmp_path / "results.csv"
    cr.benchmark({"=HYPERLINK(1)": (prob, X, y)}, solvers=["CLARABEL"], out=out)
    text = out.read_text()
    assert "'=HYPERLINK(1)" in text and "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text


_FILE = """id = "probe"
title = "probe"
source = "a test"
statement = "probe"

[formulation]
loss = "{loss}"
penalty = "l1"
form = "penalized"
lam = 1.0

[expected]
coef = [0.0, 0.0]
origin = "a test"
{expected}

{data}
"""


_POLY = '[data.generate]\ndesign = "polynomial"\nn = 10\ndegree = 1\nfunction = "exp"\n'


@pytest.mark.parametrize(
    ("data", "field"),
    [('[data]\nX = [[true, false], [false, true]]\ny = [1.0, 2.0]', "data.X"),
     (_POLY + "copies = 3", "data.generate.copies"),
     (_POLY + "rho = 0.5", "data.generate.rho"),
     ('[data.generate]\ndesign = "gaussian"\nn = 10\nd = 2\nrho = 0.5', "data.generate.rho"),
     ('[data.generate]\ndesign = "gaussian"\nn = 10\nd = 2\nrounding = 4000000000000000000', "data.generate.rounding"),
     ('[data.generate]\ndesign = "gaussian"\nn = 10\nd = 2\ncoef = [800.0, 800.0]\nresponse = "counts"',
      "data.generate.coef"),
     ('[data]\ngram = [[1e308, 1e308], [1e308, 1e308]]\nxty = [1.0, 1.0]\nyty = 1.0', "data.gram")],
    ids=["booleans in X", "polynomial copies", "polynomial rho", "gaussian rho", "rounding 4e18", "counts overflow",
         "gram near 1e308"],
)  # fmt: skip
def test_problem_file_data_is_refused_where_it_would_be_misread_or_overflow(tmp_path, data, field):
    # Were: read as 1/0; ignored; ignored; ignored; OverflowError; ValueError; LinAlgError.
    from cvxreg.errors import ProblemFileError
    from cvxreg.exercises import load

    path = tmp_path / "bad.toml"
    path.write_text(_FILE.format(loss="squared", expected="", data=data))
    with pytest.raises(ProblemFileError, match=field.replace(".", r"\.")):
        load(path)


def test_a_problem_file_asks_degrees_of_freedom_only_where_they_are_defined(tmp_path):
    # Was: loaded, then `cvxreg solve` exited 2 on a Huber loss.
    from cvxreg.errors import ProblemFileError
    from cvxreg.exercises import load

    path = tmp_path / "huber-df.toml"
    data = "[data]\nX = [[1.0, 0.0], [0.0, 1.0]]\ny = [1.0, 2.0]"
    path.write_text(_FILE.format(loss="huber", expected="df = 2", data=data))
    with pytest.raises(ProblemFileError, match=r"expected\.df"):
        load(path)


@pytest.mark.parametrize(
    ("argv", "what"),
    [(["plot", "contours", "--penalties", "abc"], "--penalties"),
     (["plot", "contours", "--penalties", "0.5"], "--penalties"),
     (["plot", "path", "--chosen", "nan"], "--chosen"),
     (["plot", "contours", "--t", "-1"], "--t"),
     (["report", "sklearn-lasso-toy", "--sizes", "50", "10"], "sizes"),
     (["report", "sklearn-lasso-toy", "--sizes", "3000000"], "sizes")],
    ids=["penalty name", "p below 1", "chosen nan", "negative radius", "sizes decreasing", "sizes too large"],
)  # fmt: skip
def test_cli_flags_are_checked_before_any_work(argv, what, tmp_path, capsys):
    # Were: a ValueError traceback; accepted; exit 0; ...; rejected after the whole benchmark ran.
    from cvxreg.cli import main

    out = tmp_path / ("fig.png" if argv[0] == "plot" else "rep")
    assert main([*argv, "--out", str(out)]) == 2
    assert what in capsys.readouterr().err
    assert not out.exists()


def test_plot_into_a_path_through_a_file_is_a_one_line_error(tmp_path, capsys):
    from cvxreg.cli import main

    (tmp_path / "afile").write_text("")
    assert main(["plot", "balls", "--out", str(tmp_path / "afile" / "x.png")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("cvxreg: error: --out") and "Traceback" not in err


def test_gradebook_goes_on_past_a_malformed_problem_file_and_refuses_two_files_with_one_id(tmp_path, capsys):
    import json
    import shutil

    from cvxreg.cli import main
    from cvxreg.exercises import bundled_dir, load

    problems, answers = tmp_path / "problems", tmp_path / "answers" / "ann"
    problems.mkdir()
    answers.mkdir(parents=True)
    shutil.copy(bundled_dir() / "islr-6.2.2-lasso-identity.toml", problems)
    ex = load(problems / "islr-6.2.2-lasso-identity.toml")
    (answers / f"{ex.id}.json").write_text(json.dumps({"coef": ex.expected.coef.tolist()}))
    (problems / "broken.toml").write_text("id = [\n")  # not TOML
    out = tmp_path / "book.csv"
    assert main(["check", str(problems), "--answers", str(answers.parent), "--out", str(out)]) == 0
    assert "broken.toml" in capsys.readouterr().err and out.exists()  # was: no CSV at all
    (problems / "broken.toml").unlink()
    text = (problems / f"{ex.id}.toml").read_text()
    (problems / "copy.toml").write_text(text)  # a second file with the same id
    assert main(["check", str(problems), "--answers", str(answers.parent), "--out", str(out)]) == 2
    assert "both have id" in capsys.readouterr().err


def test_a_refusal_answer_states_nothing_else_and_answer_files_are_capped(tmp_path):
    from cvxreg.errors import AnswerError
    from cvxreg.exercises import LIMITS, load_all
    from cvxreg.grading import read_answer

    refused = next(ex for ex in load_all() if ex.problem is None)
    assert refused.check({"rejected": True}).passed
    with pytest.raises(AnswerError, match="coef"):
        refused.check({"rejected": True, "coef": [1.0], "whatever": 2})  # was: passed
    big = tmp_path / "big.json"
    with open(big, "wb") as fh:
        fh.truncate(LIMITS["file_bytes"] + 1)  # sparse: nothing is written, nothing may be read
    with pytest.raises(AnswerError, match="limit"):
        read_answer(big)


def test_cross_validate_refuses_a_training_fold_of_one_class():
    # Was: each such fold fitted (no minimizer with an intercept) and a lam chosen from them.
    pytest.importorskip("sklearn")
    from sklearn.model_selection import KFold, StratifiedKFold

    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((20, 3)), np.r_[np.ones(15), -np.ones(5)]
    prob = cr.Problem(cr.LogisticLoss(), cr.L1(), cr.Penalized(1.0), fit_intercept=True)
    with pytest.raises(InvalidParameterError, match="training fold 3 with only the label"):
        cr.cross_validate(prob, X, y, folds=KFold(4), n_lams=5)
    cv = cr.cross_validate(prob, X, y, folds=StratifiedKFold(4), n_lams=5)
    assert np.isfinite(cv.best_lam)


@pytest.mark.parametrize(
    "edit", [("lam = [1.0, 1.0]", "lam = [1e308, 1e308]"), ("loss_factor = 2", "loss_factor = 1e-308")]
)
def test_notation_that_overflows_in_cvxregs_scale_names_the_file_and_field(tmp_path, edit):
    # Was: an InvalidParameterError about Penalized, without the file's name.
    from cvxreg.errors import ProblemFileError
    from cvxreg.exercises import bundled_dir, load

    text = (bundled_dir() / "zou-hastie-naive-enet-orthogonal.toml").read_text()
    assert edit[0] in text
    path = tmp_path / "overflow.toml"
    path.write_text(text.replace(edit[0], edit[1], 1))
    with pytest.raises(ProblemFileError, match=r"overflow\.toml.*notation\.lam"):
        load(path)


def test_n_jobs_starts_no_more_workers_than_tasks_or_eight_per_core():
    # Was: cross_validate(n_jobs=10**6) asked joblib for a million processes (1033 were found
    # running after a fuzz run); every one beyond the tasks is idle.
    import os

    from cvxreg._validation import workers

    cores = os.cpu_count() or 1
    assert workers(10**6, 5) == 5
    assert workers(10**6, 10**6) == 8 * cores
    assert workers(-1, 3) == min(cores, 3)
    assert workers(1, 100) == 1
    X, y = _data()
    prob = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(1.0))
    cv = cr.cross_validate(prob, X, y, folds=3, n_jobs=10**6, n_lams=3)
    assert np.isfinite(cv.best_lam)
