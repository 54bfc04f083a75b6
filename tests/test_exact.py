"""Exact answers (``cvxreg.exact``, ``cvxreg.exact_path``) against independent numbers: answers
by hand, NumPy's normal equations, SciPy's HiGHS on the LP written out, scikit-learn's SVC,
Lasso and lars_path."""

from __future__ import annotations

import itertools
from fractions import Fraction as F

import numpy as np
import pytest
from scipy.optimize import linprog

import cvxreg as cr
from cvxreg._rational import parse_rational, rational, solve_linear
from cvxreg.errors import InvalidParameterError, NotSupportedError
from cvxreg.exact import solve_exactly, solve_from_moments
from cvxreg.exact_path import exact_lasso_path, mismatch, parse_formula, read_pieces


def floats(values):
    return np.array([float(v) for v in values])


def test_rational_reads_a_float_as_its_author_wrote_it():
    assert rational(0.1) == F(1, 10) and rational(1 / 3) == F(1, 3) and rational(220 / 229) == F(220, 229)
    assert rational(0.123456789) == F(123456789, 10**9) and rational(-2.5) == F(-5, 2)
    assert parse_rational("35/16") == F(35, 16) and parse_rational("-0.25") == F(-1, 4) and parse_rational("3") == 3
    for bad in ("1/0", "x", "1e3", ""):
        with pytest.raises(InvalidParameterError):
            parse_rational(bad)
    assert solve_linear([[F(1), F(2)], [F(2), F(4)]], [F(1), F(1)]) is None


def test_lasso_on_the_identity_is_soft_thresholding_exactly():
    res = solve_exactly(cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(1.0)), np.eye(2), np.array([3.0, -0.5]))
    assert res.coef == (F(2), F(0)) and res.objective == F(1, 2) * (1 + F(1, 4)) + 2  # 1/2 (1 + 1/4) + |2|
    assert res.observation_duals == (F(1), F(-1, 2))  # the residuals


def test_ridge_equals_the_normal_equations_in_fractions():
    rng = np.random.default_rng(0)
    X, y = rng.integers(-3, 4, (7, 3)).astype(float), rng.integers(-5, 6, 7).astype(float)
    res = solve_exactly(cr.Problem(cr.SquaredLoss(), cr.SquaredL2(), cr.Penalized(2.0)), X, y)
    A = [[F(int(v)) for v in row] for row in (X.T @ X + 2 * np.eye(3))]
    assert list(res.coef) == solve_linear(A, [F(int(v)) for v in X.T @ y])


def test_least_absolute_deviations_line_is_the_highs_vertex_exactly():
    x = np.array([1.0, 2, 3, 4, 5])
    y = np.array([1.0, 3, 2, 5, 4])
    res = solve_exactly(cr.Problem(cr.AbsoluteLoss(), cr.L1(), cr.Penalized(0.0), fit_intercept=True), x[:, None], y)
    # min sum e+ + e-  s.t.  b + w x_i + e+_i - e-_i = y_i  (SciPy's HiGHS, written out)
    n = len(y)
    c = np.r_[0.0, 0.0, np.ones(2 * n)]
    A = np.c_[np.ones(n), x, np.eye(n), -np.eye(n)]
    lp = linprog(c, A_eq=A, b_eq=y, bounds=[(None, None)] * 2 + [(0, None)] * (2 * n), method="highs")
    assert lp.status == 0
    assert abs(float(res.objective) - lp.fun) < 1e-9
    assert res.coef == (F(3, 4),) and res.intercept == F(1, 4) and res.on_kinks == (0, 4)  # through (1, 1), (5, 4)
    assert sum(res.observation_duals) == 0 and all(-1 <= t <= 1 for t in res.observation_duals)


def test_svm_alphas_and_support_vectors_against_scikit_learn():
    from sklearn.svm import SVC

    X = np.array([[1.0, 1.0], [2.0, 2.0], [0.0, 1.0], [-1.0, -1.0], [-2.0, 0.0], [0.0, -1.5]])
    y = np.array([1.0, 1, 1, -1, -1, -1])
    C = 10.0  # 1/2 ||w||^2 + C sum hinge  =  C (sum hinge + lam/2 ||w||^2) at lam = 1/C
    res = solve_exactly(cr.Problem(cr.HingeLoss(), cr.SquaredL2(), cr.Penalized(1 / C), fit_intercept=True), X, y)
    svc = SVC(kernel="linear", C=C, tol=1e-12).fit(X, y)
    np.testing.assert_allclose(floats(res.coef), svc.coef_.ravel(), atol=1e-8)
    assert abs(float(res.intercept) - svc.intercept_[0]) < 1e-8
    alpha_book = np.zeros(len(y))
    alpha_book[svc.support_] = np.abs(svc.dual_coef_.ravel())  # scikit-learn's y_i alpha_i, alpha in [0, C]
    np.testing.assert_allclose(C * floats(res.observation_duals), alpha_book, atol=1e-8)
    assert res.coef == (F(3, 5), F(4, 5)) and res.intercept == F(1, 5)  # by hand: the margin through 3 points
    assert res.on_kinks == (2, 4, 5)


def test_quantile_regression_with_l1_against_highs():
    x = np.array([1.0, 2, 3, 4, 5, 6])
    y = np.array([2.0, 1, 4, 3, 6, 5])
    tau, lam = 0.25, 0.5
    res = solve_exactly(cr.Problem(cr.QuantileLoss(tau), cr.L1(), cr.Penalized(lam), fit_intercept=True), x[:, None], y)
    n = len(y)  # variables b, w+, w-, u, v: tau u + (1 - tau) v + lam (w+ + w-), b + w x + u - v = y
    c = np.r_[0.0, lam, lam, tau * np.ones(n), (1 - tau) * np.ones(n)]
    A = np.c_[np.ones(n), x, -x, np.eye(n), -np.eye(n)]
    lp = linprog(c, A_eq=A, b_eq=y, bounds=[(None, None)] + [(0, None)] * (2 + 2 * n), method="highs")
    assert abs(float(res.objective) - lp.fun) < 1e-9
    assert abs(float(res.coef[0]) - (lp.x[1] - lp.x[2])) < 1e-9


def test_constrained_lasso_gives_its_multiplier_exactly():
    rng = np.random.default_rng(2)
    X, y = rng.integers(-3, 4, (8, 3)).astype(float), rng.integers(-5, 6, 8).astype(float)
    res = solve_exactly(cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Constrained(1.0)), X, y)
    assert sum(abs(v) for v in res.coef) == 1
    # The penalized lasso at lam = the multiplier has the same answer (Lagrangian duality).
    twin = solve_exactly(cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(float(res.dual))), X, y)
    np.testing.assert_allclose(floats(twin.coef), floats(res.coef), atol=1e-12)


def test_box_constrained_least_squares_against_scipy_lsq_linear():
    from scipy.optimize import lsq_linear

    rng = np.random.default_rng(3)
    X, y = rng.integers(-3, 4, (9, 4)).astype(float), rng.integers(-5, 6, 9).astype(float)
    res = solve_exactly(cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(0.0), bounds=(0.0, 0.5)), X, y)
    ref = lsq_linear(X, y, bounds=(0.0, 0.5), tol=1e-14, method="bvls")
    np.testing.assert_allclose(floats(res.coef), ref.x, atol=1e-9)
    assert all(v >= 0 for v in res.lower_dual) and all(v >= 0 for v in res.upper_dual)


def test_no_exact_answer_is_said_why():
    X = np.c_[np.arange(4.0), np.arange(4.0)]  # two equal columns: least squares has a line of minimizers
    with pytest.raises(NotSupportedError, match=r"not unique|singular"):
        solve_exactly(cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(0.0)), X, np.array([1.0, 0, 2, 3]))
    # The lasso on them: the solver's vertex (one column used) is a minimizer, proven exactly.
    res = solve_exactly(cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(0.5)), X, np.array([1.0, 0, 2, 3]))
    assert sum(res.coef) == F(25, 28) and 0 in res.coef  # one column: (x'y - lam) / x'x = (13 - 1/2) / 14

    with pytest.raises(NotSupportedError, match="piecewise-quadratic"):
        solve_exactly(cr.Problem(cr.LogisticLoss(), cr.L1(), cr.Penalized(0.5)), X[:, :1], np.array([1.0, -1, 1, -1]))
    with pytest.raises(NotSupportedError, match="irrational"):
        solve_exactly(cr.Problem(cr.SquaredLoss(), cr.SquaredL2(), cr.Constrained(0.5)), X[:, :1], np.ones(4))


@pytest.mark.parametrize(
    "loss",
    [cr.SquaredLoss(), cr.AbsoluteLoss(), cr.QuantileLoss(0.3), cr.HuberLoss(0.7), cr.EpsilonInsensitiveLoss(0.4)],
    ids=repr,
)
def test_quadratic_pieces_are_the_loss(loss):
    """Each piece's formula equals the loss's own NumPy value on its interval."""
    y = 0.75
    kinks, pieces = loss.quadratic_pieces(rational(y))
    edges = [-5.0, *map(float, kinks), 5.0]
    for (lo, hi), (a, c, e) in zip(itertools.pairwise(edges), pieces, strict=True):
        eta = np.linspace(lo, hi, 7)
        got = float(a) * eta**2 / 2 + float(c) * eta + float(e)
        np.testing.assert_allclose(got, loss.terms_value(eta, y), atol=1e-12)


@pytest.mark.parametrize("loss", [cr.HingeLoss(), cr.SquaredHingeLoss()], ids=repr)
def test_quadratic_pieces_of_margin_losses(loss):
    for y in (1.0, -1.0):
        kinks, pieces = loss.quadratic_pieces(rational(y))
        edges = [-5.0, *map(float, kinks), 5.0]
        for (lo, hi), (a, c, e) in zip(itertools.pairwise(edges), pieces, strict=True):
            eta = np.linspace(lo, hi, 7)
            got = float(a) * eta**2 / 2 + float(c) * eta + float(e)
            np.testing.assert_allclose(got, loss.terms_value(eta, np.full(7, y)), atol=1e-12)


def test_exact_lasso_path_equals_lars():
    from sklearn.linear_model import lars_path

    rng = np.random.default_rng(1)
    X, y = rng.integers(-4, 5, (10, 4)).astype(float), rng.integers(-6, 7, 10).astype(float)
    path = exact_lasso_path(cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(1.0)), X, y)
    alphas, _, coefs = lars_path(X, y, method="lasso")
    np.testing.assert_allclose(floats(path.breakpoints), alphas[:-1] * len(y), rtol=1e-12)
    for k, (_, w, _) in enumerate(path.knots):
        np.testing.assert_allclose(floats(w), coefs[:, k], atol=1e-10)


def test_exact_lasso_path_with_intercept_equals_scikit_learn_lasso():
    from sklearn.linear_model import Lasso

    rng = np.random.default_rng(4)
    X, y = rng.integers(-4, 5, (12, 3)).astype(float), rng.integers(-6, 7, 12).astype(float)
    problem = cr.Problem(cr.SquaredLoss(scale="mean"), cr.L1(), cr.Penalized(1.0), fit_intercept=True)
    path = exact_lasso_path(problem, X, y)
    for lam in (F(3, 10), F(11, 10), F(5, 2)):
        w, b = path.at(lam)
        ref = Lasso(alpha=float(lam), tol=1e-14, max_iter=10**6).fit(X, y)
        np.testing.assert_allclose(floats(w), ref.coef_, atol=1e-9)
        assert abs(float(b) - ref.intercept_) < 1e-9


def test_a_path_formula_is_checked_as_the_formula_it_is():
    # One column with x'x = 16, x'y = 35 and the book's RSS + lambda |beta|: beta(lambda) = (35 - lambda/2)/16.
    x = np.full((4, 1), 2.0)
    y = np.array([4.0, 4.5, 5.0, 4.0])
    path = exact_lasso_path(cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(1.0)), x, y)
    book = F(1, 2)  # cvxreg's lam = lambda / 2
    assert path.breakpoints == (F(35),)
    right = read_pieces([{"from": 0, "to": 70, "coef": ["(35 - lam/2)/16"]}, {"from": 70, "to": "inf", "coef": ["0"]}],
                        1, "f")  # fmt: skip
    assert mismatch(path, right, book) is None
    wrong = read_pieces([{"from": 0, "to": 70, "coef": ["(35 - lam)/16"]}], 1, "f")
    assert "lam = 0" not in (mismatch(path, wrong, book) or "") and mismatch(path, wrong, book) is not None
    short = read_pieces([{"from": 0, "to": 60, "coef": ["(35 - lam/2)/16"]}], 1, "f")
    assert "cover" in mismatch(path, short, book)
    for bad in ("__import__('os')", "lam ** 2", "a + b", "f(lam)"):
        with pytest.raises(InvalidParameterError):
            parse_formula(bad, "f")


def test_every_bundled_exact_claim_is_the_exact_answer():
    """Every file that writes a number exactly states the exact answer, compared as fractions."""
    from cvxreg.exercises import bundled_files, load

    stated = 0
    for path in bundled_files():
        ex = load(path)
        if ex.expected.exact:
            found = ex.exact_answer()
            for name, claim in ex.expected.exact.items():
                assert getattr(found, name) == claim, (ex.id, name)
                stated += 1
        if ex.expected.path_formula is not None:
            from cvxreg.exact_path import mismatch

            assert mismatch(ex.exact_path(), ex.expected.path_formula, F(ex.path_lam_factor())) is None, ex.id
        if ex.expected.path_breakpoints is not None:
            assert ex.exact_path().breakpoints == ex.expected.path_breakpoints, ex.id
    assert stated >= 40


def test_the_lars_file_agrees_with_scikit_learn():
    from sklearn.linear_model import lars_path

    from cvxreg.exercises import load

    ex = load("efron-lars-two-predictor-path")
    alphas, _, _ = lars_path(ex.X, ex.y, method="lasso")
    np.testing.assert_allclose(alphas[:-1] * len(ex.y), floats(ex.expected.path_breakpoints), rtol=1e-12)


def test_svm_file_in_the_books_scale_and_its_mistakes():
    from cvxreg.exercises import load

    ex = load("esl-12.2-svm-alphas-support-vectors")
    book = {"scale": "book", "coef": ["3/5", "4/5"], "intercept": "1/5", "objective": "1/2",
            "observation_duals": ["0", "0", "1/2", "0", "3/10", "1/5"], "support_vectors": [2, 4, 5]}  # fmt: skip
    assert ex.check(book).passed
    # The alphas read in cvxreg's scale (not divided by C) fail; so does a wrong support set.
    assert not ex.check({**book, "scale": "cvxreg", "objective": "1/20"}).passed
    verdict = ex.check({**book, "support_vectors": [2, 4]})
    assert [c.name for c in verdict.checks if not c.passed] == ["support vectors"]
    verdict = ex.check({**book, "coef": ["3/5", "4/5001"]})
    assert "coef (exact)" in [c.name for c in verdict.checks if not c.passed]


def test_observation_duals_that_are_not_unique_pass_when_valid():
    """At a degenerate vertex (three observations on the line, two unknowns) many multiplier
    vectors certify the answer: any valid one passes, an invalid one fails."""
    from cvxreg.exercises import load

    ex = load("koenker-quantile-line-degenerate-vertex")
    exact = ex.exact_answer()
    base = {"coef": [1.0], "intercept": -1.0}
    from cvxreg._file_exact import _dual_violation

    eta = ex.X @ np.array([1.0]) - 1.0
    theta = floats(exact.observation_duals)
    assert _dual_violation(ex, theta, np.array([1.0]), eta) < 1e-12
    # Another vertex of the multipliers' set: the LP's dual by SciPy's HiGHS.
    n, x, y, tau, lam = 6, ex.X[:, 0], ex.y, 0.25, 0.5
    c = np.r_[0.0, lam, lam, tau * np.ones(n), (1 - tau) * np.ones(n)]
    A = np.c_[np.ones(n), x, -x, np.eye(n), -np.eye(n)]
    lp = linprog(c, A_eq=A, b_eq=y, bounds=[(None, None)] + [(0, None)] * (2 + 2 * n), method="highs")
    assert _dual_violation(ex, lp.eqlin.marginals, np.array([1.0]), eta) < 1e-9
    bad = theta.copy()
    bad[0] = 0.9  # outside [tau - 1, tau]
    assert _dual_violation(ex, bad, np.array([1.0]), eta) > 0.1
    assert ex.check({**base, "interpolated": [1, 3, 5]}).passed
    assert not ex.check({**base, "interpolated": [1, 3]}).passed


def test_lad_file_observation_duals_are_highs_marginals():
    from cvxreg.exercises import load

    ex = load("koenker-lad-line-interpolates")
    n, x, y = 5, ex.X[:, 0], ex.y
    A = np.c_[np.ones(n), x, np.eye(n), -np.eye(n)]
    lp = linprog(np.r_[0, 0, np.ones(2 * n)], A_eq=A, b_eq=y, bounds=[(None, None)] * 2 + [(0, None)] * (2 * n),
                 method="highs")  # fmt: skip
    np.testing.assert_allclose(ex.expected.observation_duals, lp.eqlin.marginals, atol=1e-12)
    duals = list(lp.eqlin.marginals)
    answer = {"coef": ["3/4"], "intercept": "1/4", "observation_duals": duals, "interpolated": [0, 4]}
    assert ex.check(answer).passed
    assert not ex.check({**answer, "observation_duals": list(-lp.eqlin.marginals)}).passed  # the other sign


def test_answers_with_exact_numbers_are_compared_exactly():
    from cvxreg.exercises import load

    ex = load("hoerl-kennard-ridge-fractions")
    assert ex.check({"coef": ["11/8", "-1/8"], "objective": "37/16"}).passed
    verdict = ex.check({"coef": ["11/8", "-1/8"], "objective": "37/16000001"})
    assert not verdict.passed
    near = ex.check({"coef": [1.375 + 1e-12, -0.125]})  # a float within the tolerance passes as a float
    assert near.passed and not any("exact" in c.name for c in near.checks)
    with pytest.raises(cr.AnswerError, match="coef"):
        ex.check({"coef": ["11/8", "x"]})


def test_summary_statistics_have_exact_answers_too():
    """Strang's normal equations with a ridge term, from X'X, X'y and y'y alone: compared exactly."""
    from cvxreg.exercises import load

    ex = load("strang-4.3-ridge-from-normal-equations")
    good = ex.check({"coef": ["12/5", "-6/5"]})
    assert good.passed and any(c.name == "coef (exact)" and c.passed for c in good.checks)
    assert not ex.check({"coef": ["12/5", "-5/6"]}).passed
    # With an intercept, n and the means: the rows' answer and the moments' answer are one.
    rng = np.random.default_rng(6)
    X, y = rng.integers(-3, 4, (7, 2)).astype(float), rng.integers(-5, 6, 7).astype(float)
    problem = cr.Problem(cr.SquaredLoss(scale="mean"), cr.L1(), cr.Penalized(0.4), fit_intercept=True)
    res = problem.solve(X, y)
    rows = solve_exactly(problem, X, y, result=res)
    sums = solve_from_moments(problem, X.T @ X, X.T @ y, y @ y, res, n=7, means=[*X.mean(0), y.mean()])
    assert (rows.coef, rows.intercept, rows.objective) == (sums.coef, sums.intercept, sums.objective)


def test_exact_texts_without_an_exact_answer_are_read_as_floats():
    """Logistic regression has no rational answer: an answer's texts are checked as the floats
    they stand for, and the verdict says so."""
    from cvxreg.exercises import load

    ex = load("logistic-ridge-sklearn")
    texts = [str(rational(v)) for v in ex.expected.coef]
    verdict = ex.check({"coef": texts, "intercept": ex.expected.intercept})
    assert verdict.passed and any(c.name == "exact" and "read as floats" in c.detail for c in verdict.checks)


LAD = """id = "t"
title = "t"
source = "s"
statement = "s"
[data]
X = [[1.0], [2.0], [3.0], [4.0], [5.0]]
y = [1.0, 3.0, 2.0, 5.0, 4.0]
[formulation]
loss = "absolute"
fit_intercept = true
[expected]
coef = ["3/4"]
origin = "o"
"""


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ('observation_duals = [1.0, 2.0]', "expected.observation_duals"),
        ("support_vectors = [0, 4]", "expected.support_vectors"),
        ("interpolated = [0, 9]", "expected.interpolated"),
        ('path_breakpoints = ["0"]', "expected.path_breakpoints"),
        ('path_formula = [{ from = 0, to = 1, coef = ["lam ** 2"] }]', "expected.path_formula"),
        ('intercept = "1/0"', "expected.intercept"),
    ],
)
def test_malformed_exact_fields_name_the_field(tmp_path, extra, field):
    from cvxreg.exercises import load

    path = tmp_path / "bad.toml"
    path.write_text(LAD + extra + "\n")
    with pytest.raises(cr.ProblemFileError, match=field.replace(".", r"\.")):
        load(path)


def test_the_library_has_eighty_cited_problems():
    from cvxreg.exercises import load_all

    files = load_all()
    assert len(files) >= 80 and all(ex.source.strip() and ex.expected.origin.strip() for ex in files)


def test_weights_and_the_mean_scale_against_scikit_learn():
    from sklearn.linear_model import ElasticNet, Ridge

    rng = np.random.default_rng(5)
    X, y = rng.integers(-3, 4, (9, 3)).astype(float), rng.integers(-5, 6, 9).astype(float)
    s = rng.integers(1, 4, 9).astype(float)
    res = solve_exactly(cr.Problem(cr.SquaredLoss(), cr.SquaredL2(), cr.Penalized(1.5), fit_intercept=True), X, y, s)
    ref = Ridge(alpha=1.5).fit(X, y, sample_weight=s)
    np.testing.assert_allclose(floats(res.coef), ref.coef_, atol=1e-10)
    assert abs(float(res.intercept) - ref.intercept_) < 1e-10
    problem = cr.Problem(cr.SquaredLoss(scale="mean"), cr.ElasticNet(0.5), cr.Penalized(0.3), fit_intercept=True)
    res = solve_exactly(problem, X, y, s)
    ref = ElasticNet(alpha=0.3, l1_ratio=0.5, tol=1e-14, max_iter=10**6).fit(X, y, sample_weight=s)
    np.testing.assert_allclose(floats(res.coef), ref.coef_, atol=1e-9)  # both divide by the weights' sum


def test_sparse_and_pandas_inputs_and_bad_shapes():
    import pandas as pd
    import scipy.sparse as sp

    X, y = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]), np.array([3.0, 0.0, 1.0])
    problem = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(1.0))
    assert solve_exactly(problem, sp.csr_matrix(X), y).coef == (F(3, 2), F(0))  # (4 - lam) / 2 by hand
    assert solve_exactly(problem, pd.DataFrame(X, columns=["a", "b"]), pd.Series(y)).coef == (F(3, 2), F(0))
    assert exact_lasso_path(problem, sp.csr_matrix(X), y).breakpoints == (F(4), F(2, 3))
    with pytest.raises(cr.InvalidParameterError, match="'y' parameter of solve_exactly"):
        solve_exactly(problem, X, y[:2])


def test_exact_multipliers_at_a_degenerate_vertex_pass_when_valid():
    """Three observations on a quartile line: HiGHS' multipliers differ from cvxreg's vertex;
    written exactly they still pass, and a set outside the subgradients does not."""
    from cvxreg.exercises import load

    ex = load("koenker-quantile-line-degenerate-vertex")
    n, x, y, tau, lam = 6, ex.X[:, 0], ex.y, 0.25, 0.5
    c = np.r_[0.0, lam, lam, tau * np.ones(n), (1 - tau) * np.ones(n)]
    A = np.c_[np.ones(n), x, -x, np.eye(n), -np.eye(n)]
    lp = linprog(c, A_eq=A, b_eq=y, bounds=[(None, None)] + [(0, None)] * (2 + 2 * n), method="highs")
    theirs = [str(F(v).limit_denominator(1000)) for v in lp.eqlin.marginals]
    assert [rational(t) for t in theirs] != list(ex.exact_answer().observation_duals)  # another vertex
    verdict = ex.check({"coef": ["1"], "intercept": "-1", "observation_duals": theirs})
    assert verdict.passed, verdict
    bad = ["1", *theirs[1:]]  # 1 > tau: outside observation 0's subgradient
    assert not ex.check({"coef": ["1"], "intercept": "-1", "observation_duals": bad}).passed


def test_a_large_sparse_x_is_refused_before_any_dense_copy():
    import scipy.sparse as sp

    from cvxreg._rational import EXACT_ENTRIES

    X = sp.random(100_000, 50, density=1e-4, format="csr", random_state=0)  # 5e6 entries, 500 nonzeros
    y = np.ones(100_000)
    assert X.shape[0] * X.shape[1] > EXACT_ENTRIES
    problem = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(1.0))
    for call in (solve_exactly, exact_lasso_path):
        with pytest.raises(NotSupportedError, match=r"100000 x 50 = 5000000 entries.*at most 200000"):
            call(problem, X, y)
