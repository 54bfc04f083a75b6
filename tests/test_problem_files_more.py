"""What problem files can now say: summary statistics and generated polynomial designs, the
active set, signs, degrees of freedom, bound multipliers, the unique parts of a solution set,
and answers at several lam -- each checked against hand-derived or closed-form numbers."""

from __future__ import annotations

import json

import numpy as np
import pytest

import cvxreg as cr
from cvxreg.cli import main
from cvxreg.exercises import load, read_table
from cvxreg.quantities import active_set, degrees_of_freedom, sign_pattern
from tests.conftest import regression_data

HEAD = 'id = "t"\ntitle = "t"\nsource = "s"\nstatement = "s"\n'


def write(tmp_path, text):
    path = tmp_path / "t.toml"
    path.write_text(HEAD + text)
    return path


# -- data ---------------------------------------------------------------------------------------
def test_summary_statistics_reproduce_every_least_squares_objective():
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((12, 3)), rng.standard_normal(12)
    table = {
        "data": {"gram": (X.T @ X).tolist(), "xty": (X.T @ y).tolist(), "yty": float(y @ y)},
        "formulation": {"loss": "squared", "penalty": "l1", "form": "penalized", "lam": 0.7},
    }
    Xs, ys, _, prob = read_table("s.toml", table)
    assert np.allclose(Xs.T @ Xs, X.T @ X) and np.allclose(Xs.T @ ys, X.T @ y) and ys @ ys == pytest.approx(y @ y)
    w = rng.standard_normal(3)
    assert prob.objective_value(Xs, ys, w) == pytest.approx(prob.objective_value(X, y, w), rel=1e-12)
    assert np.allclose(prob.solve(Xs, ys).coef, prob.solve(X, y).coef, atol=1e-8)


def test_summary_statistics_with_a_singular_gram_matrix():
    X = np.array([[1.0, 1.0], [2.0, 2.0], [0.5, 0.5]])  # equal columns: X'X singular
    y = np.array([1.0, 0.0, 2.0])
    table = {"data": {"gram": (X.T @ X).tolist(), "xty": (X.T @ y).tolist(), "yty": float(y @ y)}}
    Xs, ys, _, _ = read_table("s.toml", table)
    assert np.allclose(Xs.T @ Xs, X.T @ X) and np.allclose(Xs.T @ ys, X.T @ y)


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        ("gram = [[1.0, 2.0], [0.0, 1.0]]\nxty = [1.0, 1.0]\nyty = 5.0", "symmetric"),
        ("gram = [[1.0, 0.0], [0.0, -1.0]]\nxty = [1.0, 1.0]\nyty = 5.0", "positive semidefinite"),
        ("gram = [[1.0, 0.0], [0.0, 1.0]]\nxty = [3.0, 4.0]\nyty = 1.0", "at least 25"),
        ("gram = [[1.0, 1.0], [1.0, 1.0]]\nxty = [1.0, 2.0]\nyty = 9.0", "range"),
        ("gram = [[1.0, 0.0], [0.0, 1.0]]\nxty = [1.0, 1.0]\nyty = 5.0\ny = [1.0, 2.0]", "not 'y'"),
        ("xty = [1.0, 1.0]\nX = [[1.0, 0.0]]\ny = [1.0]", "goes with"),
    ],
)
def test_summary_statistics_errors_name_the_field(tmp_path, data, needle):
    text = f'[data]\n{data}\n[formulation]\nloss = "squared"\n[expected]\ncoef = [0.0, 0.0]\norigin = "o"\n'
    with pytest.raises(cr.ProblemFileError, match=needle):
        load(write(tmp_path, text))


def test_summary_statistics_refuse_what_they_do_not_determine(tmp_path):
    text = (
        "[data]\ngram = [[1.0, 0.0], [0.0, 1.0]]\nxty = [1.0, 1.0]\nyty = 5.0\n"
        '[formulation]\nloss = "absolute"\n[expected]\ncoef = [0.0, 0.0]\norigin = "o"\n'
    )
    with pytest.raises(cr.ProblemFileError, match=r"data\.gram"):
        load(write(tmp_path, text))


def test_polynomial_design_and_named_function():
    table = {"data": {"generate": {"design": "polynomial", "x": [0.0, 0.25, 0.5], "degree": 2, "function": "sin_2pi"}}}
    X, y, _, _ = read_table("p.toml", table)
    assert np.allclose(X, [[1, 0, 0], [1, 0.25, 0.0625], [1, 0.5, 0.25]])
    assert np.allclose(y, [0.0, 1.0, 0.0], atol=1e-15)
    table = {"data": {"generate": {"design": "polynomial", "n": 3, "degree": 1, "coef": [1.0, 2.0]}}}
    X, y, _, _ = read_table("p.toml", table)
    assert np.allclose(y, [1.0, 2.0, 3.0])


def test_polynomial_design_errors(tmp_path):
    for gen, needle in (('degree = 2\nfunction = "tan"\nn = 3', "function"), ("degree = 99\nn = 3", "degree")):
        text = (
            f'[data.generate]\ndesign = "polynomial"\n{gen}\n[formulation]\nloss = "squared"\n'
            '[expected]\ncoef = [0.0, 0.0, 0.0]\norigin = "o"\n'
        )
        with pytest.raises(cr.ProblemFileError, match=needle):
            load(write(tmp_path, text))


# -- asked-for quantities -----------------------------------------------------------------------
def test_degrees_of_freedom_against_textbook_formulas():
    X, y = regression_data(n=30, d=5, seed=2)
    lasso = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(lam=3.0))
    res = lasso.solve(X, y)
    assert degrees_of_freedom(lasso, X, y, res) == pytest.approx(len(active_set(res.coef)), abs=1e-9)
    d = np.linalg.svd(X, compute_uv=False)
    ridge = cr.Problem(cr.SquaredLoss(), cr.SquaredL2(), cr.Penalized(lam=4.0))
    assert degrees_of_freedom(ridge, X, y, ridge.solve(X, y)) == pytest.approx(np.sum(d**2 / (d**2 + 4.0)))
    with_b = cr.Problem(cr.SquaredLoss(), cr.SquaredL2(), cr.Penalized(lam=4.0), fit_intercept=True)
    dc = np.linalg.svd(X - X.mean(axis=0), compute_uv=False)
    expected = 1 + np.sum(dc**2 / (dc**2 + 4.0))  # ESL 3.4.1: the intercept adds one
    assert degrees_of_freedom(with_b, X, y, with_b.solve(X, y)) == pytest.approx(expected)
    s = np.random.default_rng(4).uniform(0.5, 2.0, len(y))  # weighted: ridge on sqrt(s) X (ESL 3.50 rescaled)
    ds = np.linalg.svd(np.sqrt(s)[:, None] * X, compute_uv=False)
    weighted = degrees_of_freedom(ridge, X, y, ridge.solve(X, y, sample_weight=s), sample_weight=s)
    assert weighted == pytest.approx(np.sum(ds**2 / (ds**2 + 4.0)))
    with pytest.raises(cr.NotSupportedError):
        constrained = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Constrained(t=1.0))
        degrees_of_freedom(constrained, X, y, constrained.solve(X, y))


def test_active_set_and_signs():
    assert active_set([1.5, 0.0, -2e-9, -0.8]) == [0, 3]
    assert sign_pattern([1.5, 0.0, -2e-9, -0.8]) == [1, 0, 0, -1]


def test_support_signs_and_df_are_graded():
    ex = load("zht-lasso-degrees-of-freedom")
    right = {"coef": [1.5, 0.0, -0.8, 0.0], "support": [0, 2], "signs": [1, 0, -1, 0], "df": 2}
    assert ex.check(right).passed
    assert not ex.check({**right, "df": 4}).passed  # the number of coefficients, not |A|
    assert not ex.check({**right, "support": [1, 2]}).passed
    assert not ex.check({**right, "signs": [1, 0, 1, 0]}).passed
    with pytest.raises(cr.AnswerError, match="signs"):
        ex.check({**right, "signs": [2, 0, 0, 0]})


def test_bound_multipliers_are_graded():
    ex = load("lawson-hanson-nnls-multipliers")
    right = {"coef": [1.5, 0.0], "lower_dual": [0.0, 1.5], "upper_dual": [0.0, 0.0]}
    assert ex.check(right).passed
    assert not ex.check({**right, "lower_dual": [0.0, -1.5]}).passed  # Lawson & Hanson's sign
    assert not ex.check({"coef": [1.5, 0.0]}).passed  # asked for, not given


def test_a_solution_set_is_graded_by_its_unique_parts():
    ex = load("tibshirani-lasso-solution-set")
    for theta in (0.0, 0.3, 1.0):
        assert ex.check({"coef": [2 * theta, 2 * (1 - theta), 0.0]}).passed
    assert not ex.check({"coef": [1.0, 1.0, 0.1]}).passed  # b3 is 0 in every solution
    assert not ex.check({"coef": [2.0, 1.0, 0.0]}).passed  # wrong fit
    verdict = ex.check({"coef": [1.0, 1.0, 0.1]})
    assert any(c.name == "fixed coordinates" and not c.passed for c in verdict.checks)


def test_a_path_is_checked_at_each_lam(tmp_path, capsys):
    ex = load("fht-lasso-path-identity")
    y = np.array([3.0, -1.5, 0.5])
    good = [{"lam": lam, "coef": (np.sign(y) * np.maximum(np.abs(y) - lam, 0)).tolist()} for lam in (0.25, 1, 2, 3.5)]
    assert ex.check({"path": good}).passed
    bad = [dict(p) for p in good]
    bad[2]["coef"] = [1.0, -0.1, 0.0]
    verdict = ex.check({"path": bad})
    assert not verdict.passed and "lam = 2" in str(verdict)
    assert not ex.check({"path": good[:3]}).passed  # lam = 3.5 missing
    with pytest.raises(cr.AnswerError, match="path"):
        ex.check({"path": [{"coef": [0, 0, 0]}]})
    assert main(["solve", "fht-lasso-path-identity", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [p["lam"] for p in doc["path"]] == [0.25, 1.0, 2.0, 3.5]
    answer = tmp_path / "a.json"
    answer.write_text(json.dumps(doc))
    assert main(["check", "fht-lasso-path-identity", "--answer", str(answer)]) == 0


@pytest.mark.parametrize(
    ("expected", "needle"),
    [
        ("support = [0, 5]", "support"),
        ("signs = [1, 0]", "signs"),
        ("lower_dual = [0.0, 0.0, 0.0]", "lower_dual"),
        ('fixed = { index = [7], value = [0.0] }', "fixed"),
        ("fit = [1.0]", "fit"),
        ("path = [{ t = 1.0, coef = [0.0, 0.0, 0.0] }]", "path"),
        ("path = [{ lam = -1.0, coef = [0.0, 0.0, 0.0] }]", "lam"),
    ],
)
def test_asked_quantities_errors_name_the_field(tmp_path, expected, needle):
    text = (
        "[data]\nX = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]\ny = [1.0, 2.0, 3.0]\n"
        '[formulation]\nloss = "squared"\npenalty = "l1"\nform = "penalized"\nlam = 1.0\n'
        f'[expected]\ncoef = [0.0, 1.0, 2.0]\norigin = "o"\n{expected}\n'
    )
    with pytest.raises(cr.ProblemFileError, match=needle):
        load(write(tmp_path, text))


# -- intercept-only models ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("ident", "b", "value"),
    [
        ("koenker-median-intercept-only", 4.0, 18.0),  # the median
        ("koenker-bassett-quantile-intercept-only", 3.0, 6.5),  # the 0.3 quantile
        ("bv-6.1-midrange-intercept-only", 6.5, 5.5),  # the midrange
    ],
)
def test_intercept_only_models_need_no_dummy_column(ident, b, value, capsys):
    ex = load(ident)
    assert ex.intercept_only and ex.X.shape[1] == 1 and not np.any(ex.X)
    res = ex.solve()
    assert res.intercept == pytest.approx(b, abs=1e-8) and res.objective == pytest.approx(value, abs=1e-8)
    assert ex.check({"intercept": b}).passed
    assert not ex.check({"intercept": b + 0.5}).passed
    assert main(["solve", ident, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert "coef" not in doc and doc["intercept"] == pytest.approx(b, abs=1e-8)
    # An independent check of the location: the loss's own intercept-only minimizer.
    assert ex.problem.loss.intercept_only(ex.y) == pytest.approx(b, abs=1e-6)


@pytest.mark.parametrize(
    "formulation",
    ['loss = "absolute"', 'loss = "absolute"\nfit_intercept = true\npenalty = "l1"\nform = "penalized"\nlam = 1.0'],
)
def test_intercept_only_files_must_fit_the_intercept_alone(tmp_path, formulation):
    text = f'[data]\ny = [1.0, 2.0]\n[formulation]\n{formulation}\n[expected]\nintercept = 1.5\norigin = "o"\n'
    with pytest.raises(cr.ProblemFileError, match="fit_intercept"):
        load(write(tmp_path, text))


@pytest.mark.parametrize(
    "ident", ["bv-6.1-chebyshev-line", "bv-6.1-midrange-intercept-only", "koenker-median-intercept-only"]
)
def test_a_file_without_a_penalty_is_an_lp_when_its_loss_is(ident):
    # Was: "none" was a zero-weight SquaredL2, so CVXPY saw these LPs as QPs, the report counted
    # them as QPs, and SCIPY (an LP solver) was "unsupported" on them.
    from cvxreg.exercises import load
    from cvxreg.solvers import model_class

    ex = load(ident)
    built = ex.problem.build(ex.problem.check_data(ex.X, ex.y, ex.sample_weight))
    assert model_class(built.problem) == "LP"
    frame = cr.compare_solvers(ex.problem, ex.X, ex.y, solvers=["SCIPY"])
    assert list(frame["status"]) == ["optimal"]


def _diabetes_statistics():
    from sklearn.datasets import load_diabetes

    X, y = load_diabetes(return_X_y=True)
    X, y = X[:, :4] * 100.0, y  # four columns, in units where the numbers read like a book's
    n = len(y)
    return X, y, {"gram": (X.T @ X).tolist(), "xty": (X.T @ y).tolist(), "yty": float(y @ y),
                  "means": [*X.mean(axis=0).tolist(), float(y.mean())], "n": n}  # fmt: skip


@pytest.mark.parametrize("scale", ["sum", "mean"])
def test_summary_statistics_with_means_and_n_give_the_intercept_model_of_the_raw_rows(scale):
    # The book prints X'X, X'y, y'y uncentred, the means and n; the model has an intercept.
    # Independent: scikit-learn's Lasso on the raw rows (alpha = lam / n for the sum scale).
    from sklearn.linear_model import Lasso

    X, y, stats = _diabetes_statistics()
    n, lam = len(y), 2.0
    formulation = {"loss": "squared", "scale": scale, "penalty": "l1", "form": "penalized", "lam": lam,
                   "fit_intercept": True}  # fmt: skip
    table = {"data": stats, "formulation": formulation}
    Xs, ys, s, problem = read_table("stats.toml", table)
    assert s is not None and s.sum() == pytest.approx(n)
    alpha = lam if scale == "mean" else lam / n
    sk = Lasso(alpha=alpha, tol=1e-14, max_iter=1_000_000).fit(X, y)
    res = problem.solve(Xs, ys, sample_weight=s)
    assert np.allclose(res.coef, sk.coef_, atol=1e-6) and res.intercept == pytest.approx(sk.intercept_, abs=1e-6)
    # The objective at any (w, b), not only the optimum, is the raw rows' one.
    rng = np.random.default_rng(0)
    for _ in range(3):
        w, b = rng.normal(size=4), float(rng.normal() * 50)
        raw = problem.objective_value(X, y, w, b)
        assert problem.objective_value(Xs, ys, w, b, sample_weight=s) == pytest.approx(raw, rel=1e-10)


def test_summary_statistics_with_means_are_checked(tmp_path):
    _, _, stats = _diabetes_statistics()
    base = (
        '[formulation]\nloss = "squared"\nfit_intercept = true\n'
        '[expected]\ncoef = [0.0, 0.0, 0.0, 0.0]\norigin = "o"\n'
    )

    def data(**change):
        table = {**stats, **change}
        table = {k: v for k, v in table.items() if v is not None}
        return "[data]\n" + "\n".join(f"{k} = {v!r}" for k, v in table.items()) + "\n" + base

    with pytest.raises(cr.ProblemFileError, match=r"data\.n.*together"):
        load(write(tmp_path, data(n=None)))
    with pytest.raises(cr.ProblemFileError, match=r"data\.means.*5 numbers"):
        load(write(tmp_path, data(means=stats["means"][:4])))
    with pytest.raises(cr.ProblemFileError, match=r"positive semidefinite after centring"):
        load(write(tmp_path, data(means=[50.0, 0.0, 0.0, 0.0, 150.0])))  # a mean too large for X'X
    # Without the means, a model with an intercept is refused (its objective is not fixed).
    plain = {k: v for k, v in stats.items() if k not in ("means", "n")}
    text = "[data]\n" + "\n".join(f"{k} = {v!r}" for k, v in plain.items()) + "\n" + base
    with pytest.raises(cr.ProblemFileError, match=r"data\.means"):
        load(write(tmp_path, text))


def test_a_path_and_lambda_max_in_the_books_scale():
    # ISLR (6.7), RSS + lambda ||beta||_1: cvxreg's lam is lambda / 2. The file keys its path by
    # the book's lambda; a student answering in the book's scale says so and passes.
    ex = load("islr-6.2.2-lasso-path-book-scale")
    assert [p.param for p in ex.expected.path] == [0.25, 1.0, 2.0, 3.5]  # cvxreg's lam = lambda / 2
    assert ex.expected.lambda_max == pytest.approx(3.0) and ex.expected.path[0].objective == pytest.approx(1.15625)
    y = np.array([3.0, -1.5, 0.5])
    book = [{"lam": lam, "coef": (np.sign(y) * np.maximum(np.abs(y) - lam / 2, 0)).tolist(),  # ISLR (6.15)
             "objective": f} for lam, f in ((0.5, 2.3125), (2.0, 7.25), (4.0, 10.5), (7.0, 11.5))]  # fmt: skip
    answer = {"coef": [2.0, -0.5, 0.0], "objective": 7.25, "lambda_max": 6.0, "path": book}
    assert ex.check({**answer, "scale": "book"}).passed
    verdict = ex.check(answer)  # the same numbers read in cvxreg's scale: wrong
    assert not verdict.passed
    failed = {c.name for c in verdict.checks if not c.passed}
    assert {"lambda_max", "path"} <= failed, failed


def test_a_balls_multiplier_written_both_ways():
    # Nocedal & Wright, Theorem 4.1: (B + lambda I) p = -g; with B = I, g = -(3, 4), Delta = 2,
    # p = (1.2, 1.6) and lambda = 1.5 (the multiplier of 1/2||p||^2 <= 1/2 Delta^2); the
    # multiplier of ||p|| <= Delta is lambda Delta = 3 (by hand, in the file's origin).
    ex = load("nocedal-wright-4.1-trust-region-both-multipliers")
    assert ex.expected.multipliers == {"norm": 3.0, "half_squared_norm": 1.5} and ex.expected.dual == 3.0
    p = [1.2, 1.6]
    assert ex.check({"coef": p, "multipliers": {"half_squared_norm": 1.5}}).passed
    assert ex.check({"coef": p, "multipliers": {"norm": 3.0, "half_squared_norm": 1.5}}).passed
    assert ex.check({"coef": p, "dual": 3.0}).passed  # the formulation's own way (L2: the norm)
    swapped = ex.check({"coef": p, "multipliers": {"norm": 1.5}})  # lambda given as the norm's
    assert not swapped.passed
    assert [c.name for c in swapped.checks if not c.passed] == ["multiplier (norm: ||w|| <= r)"]
    assert not ex.check({"coef": p}).passed  # a multiplier is asked for
    with pytest.raises(cr.AnswerError, match="multipliers"):
        ex.check({"coef": p, "multipliers": {"squared": 1.5}})


@pytest.mark.parametrize(
    ("formulation", "multipliers", "needle"),
    [
        ('penalty = "l2"\nform = "constrained"\nt = 2.0', "{ norm = 3.0, half_squared_norm = 3.0 }", "agree"),
        ('penalty = "l1"\nform = "constrained"\nt = 2.0', "{ norm = 3.0 }", "Euclidean ball"),
        ('penalty = "l2"\nform = "penalized"\nlam = 2.0', "{ norm = 3.0 }", "Euclidean ball"),
        ('penalty = "l2"\nform = "constrained"\nt = 2.0', "{ radius = 3.0 }", "either or both"),
        ('penalty = "squared_l2"\nform = "constrained"\nt = 2.0\n', "{ norm = 2.0 }\ndual = 2.0", "agree"),
    ],
)
def test_ball_multipliers_that_cannot_be_are_refused(tmp_path, formulation, multipliers, needle):
    text = ('[data]\nX = [[1.0, 0.0], [0.0, 1.0]]\ny = [3.0, 4.0]\n[formulation]\nloss = "squared"\n'
            f'{formulation}\n[expected]\ncoef = [1.2, 1.6]\nmultipliers = {multipliers}\norigin = "o"\n')  # fmt: skip
    with pytest.raises(cr.ProblemFileError, match=needle):
        load(write(tmp_path, text))


def test_a_penalized_intercept_is_named_anywhere_in_its_solution_set():
    """Wang et al.'s LAD-lasso leaves b out of the penalty; penalized, every b in [1, 2] minimizes
    the mistaken LP (SciPy's HiGHS gives its optimum 21 and one point of it). Each is named; a b
    outside that set is not."""
    from scipy.optimize import linprog

    ex = load("wang-lad-lasso-penalized-intercept-set")
    x, y, lam, n = ex.X[:, 0], ex.y, 3.0, 5
    A = np.c_[np.ones(n), -np.ones(n), x, -x, np.eye(n), -np.eye(n)]  # b = b+ - b-, w = w+ - w-
    lp = linprog(np.r_[lam, lam, lam, lam, np.ones(2 * n)], A_eq=A, b_eq=y, bounds=[(0, None)] * (4 + 2 * n),
                 method="highs")  # fmt: skip
    assert lp.fun == pytest.approx(21.0)
    for b in (1.0, 1.25, 1.5, 2.0):
        assert np.sum(np.abs(y - b)) + lam * abs(b) == pytest.approx(lp.fun)
        verdict = ex.check({"coef": [0.0], "intercept": b})
        assert any("intercept was penalized" in d for d in verdict.diagnoses), (b, verdict.diagnoses)
    assert not any("intercept was penalized" in d for d in ex.check({"coef": [0.0], "intercept": 3.0}).diagnoses)
    right = linprog(np.r_[0.0, lam, lam, np.ones(2 * n)], A_eq=np.c_[np.ones(n), x, -x, np.eye(n), -np.eye(n)],
                    b_eq=y, bounds=[(None, None)] + [(0, None)] * (2 + 2 * n), method="highs")  # fmt: skip
    assert right.x[0] == pytest.approx(4.0) and right.fun == pytest.approx(13.0)
