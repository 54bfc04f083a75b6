"""Author the bundled problem files: specs here, expected answers from independent sources.

Run ``python tools/make_problems.py`` to (re)write ``problems/*.toml``. Expected answers come
from closed forms (``cvxreg.reference``), hand derivations written in the spec, scikit-learn
or SciPy (HiGHS LP, L-BFGS) -- never from a CVXPY solve of the same formulation. The files
are data; this script is only how they were written.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import cvxreg.closed_forms as ref
from cvxreg.exercises import read_table
from cvxreg.reference import box_orthonormal

OUT = Path(__file__).resolve().parents[1] / "problems"

ISLR = "James, Witten, Hastie & Tibshirani, An Introduction to Statistical Learning, 2nd ed. (2021)"
ESL = "Hastie, Tibshirani & Friedman, The Elements of Statistical Learning, 2nd ed. (2009)"
BV = "Boyd & Vandenberghe, Convex Optimization (2004)"
ZH = "Zou & Hastie, Regularization and variable selection via the elastic net, JRSS-B 67 (2005)"


def orth(n: int, d: int, seed: int, coef: list[float], noise: float, center: bool = False) -> dict[str, Any]:
    g = {"design": "orthonormal", "n": n, "d": d, "seed": seed, "coef": coef, "noise": noise}
    if center:
        g["center"] = True
    return {"generate": g}


def gauss(n: int, d: int, seed: int, coef: list[float], noise: float, **extra: Any) -> dict[str, Any]:
    return {"generate": {"design": "gaussian", "n": n, "d": d, "seed": seed, "coef": coef, "noise": noise, **extra}}


def z_of(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    return X.T @ y


# ---- expected-answer functions: (X, y) -> dict -------------------------------------------------
def e_ridge(lam: float):
    return lambda X, y: {"coef": ref.ridge(X, y, lam)}


def e_lasso_orth(lam: float):
    return lambda X, y: {"coef": ref.lasso_orthonormal(z_of(X, y), lam)}


def e_enet_orth(lam: float, a: float):
    return lambda X, y: {"coef": ref.elastic_net_orthonormal(z_of(X, y), lam, a)}


def e_group_orth(lam: float, groups: list[list[int]]):
    w = np.sqrt([len(g) for g in groups])
    return lambda X, y: {"coef": ref.group_lasso_orthonormal(z_of(X, y), lam, groups, w)}


def e_pow_orth(lam: float, p: float):
    return lambda X, y: {"coef": ref.prox_power(z_of(X, y), lam / p, p)}


def e_lpnorm_orth(lam: float, p: float):
    return lambda X, y: {"coef": ref.prox_norm(z_of(X, y), lam, p)}


def e_linf_pen_orth(lam: float):
    return lambda X, y: {"coef": ref.linf_penalty_orthonormal(z_of(X, y), lam)}


def e_ball(fn, t: float):
    def run(X, y):
        w, mu = fn(z_of(X, y), t)
        return {"coef": w, "dual": mu}

    return run


def e_ridge_con(t: float):
    def run(X, y):
        w, mu = ref.ridge_constrained(X, y, t)
        return {"coef": w, "dual": mu}

    return run


def e_norm2_con(r: float):
    def run(X, y):
        w, mu = ref.norm2_constrained(X, y, r)
        return {"coef": w, "dual": mu}

    return run


def e_augmented_ridge(lam: float):
    # ESL Exercise 3.12: ridge = OLS on [X; sqrt(lam) I], [y; 0].
    def run(X, y):
        d = X.shape[1]
        A = np.vstack([X, math.sqrt(lam) * np.eye(d)])
        return {"coef": np.linalg.lstsq(A, np.r_[y, np.zeros(d)], rcond=None)[0]}

    return run


def e_enet_augmented(lam: float, a: float):
    # Zou & Hastie Lemma 1: the (naive) elastic net is a lasso on augmented data; solved by
    # scikit-learn's coordinate descent.
    def run(X, y):
        from sklearn.linear_model import Lasso

        n, d = X.shape
        k = lam * (1 - a)
        Xa, ya = np.vstack([X, math.sqrt(k) * np.eye(d)]), np.r_[y, np.zeros(d)]
        est = Lasso(alpha=lam * a / (n + d), fit_intercept=False, tol=1e-15, max_iter=10**6).fit(Xa, ya)
        return {"coef": est.coef_}

    return run


def e_grouping(lam: float, a: float, copies: int):
    # Duplicated columns: the elastic net splits the weight equally (Zou & Hastie Thm 1).
    # Reduced problem in v (the total weight of a group): L1 weight a*lam, L2 weight
    # (1-a)*lam/copies, solved by scikit-learn's ElasticNet (mean loss: divide by n).
    def run(X, y):
        from sklearn.linear_model import ElasticNet

        n = X.shape[0]
        base = X[:, ::copies]
        l1, l2 = a * lam / n, (1 - a) * lam / copies / n
        est = ElasticNet(alpha=l1 + l2, l1_ratio=l1 / (l1 + l2), fit_intercept=False, tol=1e-15, max_iter=10**6)
        v = est.fit(base, y).coef_
        return {"coef": np.repeat(v / copies, copies)}

    return run


def e_lad():
    # B&V 6.1 l1 approximation as an LP: min 1't s.t. -t <= Ax - b <= t, by HiGHS (scipy).
    def run(X, y):
        from scipy.optimize import linprog

        n, d = X.shape
        c = np.r_[np.zeros(d), np.ones(n)]
        A = np.block([[X, -np.eye(n)], [-X, -np.eye(n)]])
        res = linprog(c, A_ub=A, b_ub=np.r_[y, -y], bounds=[(None, None)] * d + [(0, None)] * n, method="highs")
        return {"coef": res.x[:d]}

    return run


def e_huber_fit(M: float, lam: float):
    def run(X, y):
        from scipy.optimize import minimize

        def f(w):
            r = y - X @ w
            a = np.abs(r)
            h = np.where(a <= M, 0.5 * r**2, M * a - 0.5 * M**2)
            g = -X.T @ np.clip(r, -M, M) + lam * w
            return h.sum() + 0.5 * lam * w @ w, g

        res = minimize(f, np.zeros(X.shape[1]), jac=True, method="BFGS", options={"gtol": 1e-13, "maxiter": 10**5})
        return {"coef": res.x}

    return run


def e_least_norm():
    # B&V 6.2: x* = A^T (A A^T)^-1 b.
    return lambda X, y: {"coef": X.T @ np.linalg.solve(X @ X.T, y)}


def e_logistic_sklearn(C: float):
    def run(X, y):
        from sklearn.linear_model import LogisticRegression

        est = LogisticRegression(C=C, fit_intercept=True, tol=1e-14, max_iter=10**5).fit(X, y)
        return {"coef": est.coef_.ravel(), "intercept": float(est.intercept_[0])}

    return run


def e_svm_sklearn(lam: float):
    # LinearSVC(loss="hinge") minimizes C sum max(0, 1 - y w'x) + 1/2||w||^2: C = 1/lam.
    def run(X, y):
        from sklearn.svm import LinearSVC

        est = LinearSVC(
            C=1 / lam, loss="hinge", dual=True, fit_intercept=False, tol=1e-12, max_iter=10**7, random_state=0
        ).fit(X, y)
        return {"coef": est.coef_.ravel()}

    return run


def e_poisson_sklearn(alpha: float):
    # PoissonRegressor: 1/(2n) deviance + alpha/2 ||w||^2 = mean(exp(eta) - y eta) + alpha/2||w||^2 + const.
    def run(X, y):
        from sklearn.linear_model import PoissonRegressor

        est = PoissonRegressor(alpha=alpha, fit_intercept=True, tol=1e-14, max_iter=10**5, solver="newton-cholesky")
        est.fit(X, y)
        return {"coef": est.coef_, "intercept": float(est.intercept_)}

    return run


def e_quantile_sklearn(tau: float, alpha: float):
    def run(X, y):
        from sklearn.linear_model import QuantileRegressor

        est = QuantileRegressor(quantile=tau, alpha=alpha, fit_intercept=True, solver="highs").fit(X, y)
        return {"coef": est.coef_, "intercept": float(est.intercept_)}

    return run


def e_lasso_centered(lam: float):
    # Intercept: centre, soft-threshold on the centred orthonormal design, b = ybar - xbar'w.
    def run(X, y):
        xm, ym = X.mean(axis=0), y.mean()
        w = ref.lasso_orthonormal((X - xm).T @ (y - ym), lam)
        return {"coef": w, "intercept": ym - xm @ w}

    return run


def e_box_orth(lam: float, lo: float, hi: float):
    def run(X, y):
        from cvxreg.penalties import L1

        w, _, _ = box_orthonormal(z_of(X, y), lam, L1(), lo, hi)
        return {"coef": w}

    return run


# ---- the specs -----------------------------------------------------------------------------------
Y4 = [4.0, -2.0, 0.5, 1.5]
SPECS: list[dict[str, Any]] = [
    dict(
        id="islr-6.2.2-ridge-identity",
        title="Ridge with n = p and X = I: coefficients y/(1 + lambda)",
        source=f"{ISLR}, Section 6.2.2, 'A Simple Special Case for Ridge Regression and the Lasso', eq. (6.14)",
        statement="With n = p, X the identity and no intercept, ridge regression minimizes "
        "sum_j (y_j - beta_j)^2 + lambda sum_j beta_j^2. Find beta for lambda = 1.",
        tags=["ridge", "islr", "closed-form"],
        data={"X": np.eye(4).tolist(), "y": Y4},
        formulation=dict(loss="squared", penalty="squared_l2", form="penalized", lam=1.0),
        expected=dict(
            coef=[y / 2 for y in Y4],
            origin="book: ISLR eq. (6.14), beta_j = y_j / (1 + lambda); "
            "ISLR's RSS + lambda||beta||^2 is cvxreg's 1/2 RSS + lambda * 1/2 ||beta||^2, so lam = lambda",
        ),
    ),
    dict(
        id="islr-6.2.2-lasso-identity",
        title="Lasso with n = p and X = I: soft thresholding at lambda/2",
        source=f"{ISLR}, Section 6.2.2, eq. (6.15)",
        statement="With n = p, X = I and no intercept, the lasso minimizes sum_j (y_j - beta_j)^2 + lambda "
        "sum_j |beta_j|. Find beta for lambda = 2.",
        tags=["lasso", "islr", "closed-form"],
        data={"X": np.eye(4).tolist(), "y": Y4},
        formulation=dict(loss="squared", penalty="l1", form="penalized", lam=1.0),
        expected=dict(
            coef=[3.0, -1.0, 0.0, 0.5],
            origin="book: ISLR eq. (6.15), beta_j = sign(y_j)(|y_j| - "
            "lambda/2)_+; ISLR's lambda = 2 is cvxreg's lam = lambda/2 = 1",
        ),
    ),
    dict(
        id="islr-ch6-ex5-ridge-equal-columns",
        title="Ridge with two identical columns gives them equal coefficients",
        source=f"{ISLR}, Chapter 6, Conceptual Exercise 5(a)-(b)",
        statement="n = 2, p = 2, x11 = x12, x21 = x22, y1 + y2 = 0, x11 + x21 = 0, so the intercept is 0. "
        "Ridge with lambda = 1 (ISLR's RSS + lambda||beta||^2): show beta1 = beta2 and find them.",
        tags=["ridge", "islr", "equal-columns"],
        data={"X": [[1.0, 1.0], [-1.0, -1.0]], "y": [2.0, -2.0]},
        formulation=dict(loss="squared", penalty="squared_l2", form="penalized", lam=1.0),
        expected=dict(
            coef=[0.8, 0.8],
            origin="hand derivation: beta1 = beta2 = b minimizes (2 - 2b)^2 + b^2 "
            "(cvxreg scaling), so b = 4/(4 + lam) = 0.8",
        ),
    ),
    dict(
        id="islr-ch6-ex5-lasso-equal-columns",
        title="Lasso with two identical columns: the answer is a set, not a point",
        source=f"{ISLR}, Chapter 6, Conceptual Exercise 5(c)-(d)",
        statement="Same data as 5(a). The lasso with lambda = 2 (ISLR's RSS + lambda||beta||_1) has "
        "infinitely many solutions: every beta1, beta2 >= 0 with beta1 + beta2 = 3/2. Give one.",
        tags=["lasso", "islr", "equal-columns", "non-unique"],
        data={"X": [[1.0, 1.0], [-1.0, -1.0]], "y": [2.0, -2.0]},
        formulation=dict(loss="squared", penalty="l1", form="penalized", lam=1.0),
        expected=dict(
            coef=[0.75, 0.75],
            objective=1.75,
            unique=False,
            origin="hand derivation: Xw = (s, -s) with s = beta1 + beta2, so the objective is "
            "(2 - s)^2 + lam(|beta1| + |beta2|) >= (2 - s)^2 + lam*s, minimized at s = 2 - lam/2 = 3/2 "
            "with objective 1/4 + 3/2 = 7/4, reached by any split with beta1, beta2 >= 0",
            note="any minimizer is accepted: beta1, beta2 >= 0 and beta1 + beta2 = 1.5",
        ),
    ),
    dict(
        id="esl-table-3.4-ridge-orthonormal",
        title="Ridge with an orthonormal design: proportional shrinkage",
        source=f"{ESL}, Section 3.4.3, Table 3.4 (ridge: beta_j / (1 + lambda))",
        statement="X has orthonormal columns (X^T X = I). Ridge (ESL 3.41: RSS + lambda||beta||^2) with "
        "lambda = 1.5. Give beta.",
        tags=["ridge", "esl", "orthonormal", "closed-form"],
        data=orth(30, 5, 1, [3.0, -2.0, 1.0, 0.5, 0.0], 0.3),
        formulation=dict(loss="squared", penalty="squared_l2", form="penalized", lam=1.5),
        expected=dict(
            fn=e_ridge(1.5), origin="closed form: ESL Table 3.4, beta_ols / (1 + lambda) (cvxreg.reference.ridge)"
        ),
    ),
    dict(
        id="esl-table-3.4-lasso-orthonormal",
        title="Lasso with an orthonormal design: soft thresholding",
        source=f"{ESL}, Section 3.4.3, Table 3.4 (lasso: sign(beta_j)(|beta_j| - lambda)_+)",
        statement="X has orthonormal columns. Lasso in ESL's form (3.52): 1/2 RSS + lambda||beta||_1, "
        "lambda = 0.8. Give beta.",
        tags=["lasso", "esl", "orthonormal", "closed-form"],
        data=orth(30, 6, 2, [3.0, -2.0, 1.0, 0.5, 0.0, 0.0], 0.3),
        formulation=dict(loss="squared", penalty="l1", form="penalized", lam=0.8),
        expected=dict(
            fn=e_lasso_orth(0.8),
            origin="closed form: ESL Table 3.4 soft threshold (cvxreg.reference.lasso_orthonormal)",
        ),
    ),
    dict(
        id="esl-table-3.4-best-subset",
        title="Best subset selection (L0) is not convex: rejected",
        source=f"{ESL}, Section 3.3.1 and Table 3.4 (best subset: hard thresholding)",
        statement="Best subset of size M = 2: minimize RSS subject to ||beta||_0 <= 2. State it in cvxreg.",
        tags=["best-subset", "l0", "esl", "non-convex"],
        data=orth(30, 6, 2, [3.0, -2.0, 1.0, 0.5, 0.0, 0.0], 0.3),
        formulation=dict(loss="squared", penalty="l0", form="constrained", t=2.0),
        expected=dict(
            outcome="rejected",
            error="DCPError",
            message_contains=["not convex", "L1()"],
            origin="ESL 3.3.1: best subset is a combinatorial search; cvxreg refuses it (no convex form)",
        ),
    ),
    dict(
        id="esl-ex-3.12-ridge-augmented",
        title="Ridge as least squares on augmented data",
        source=f"{ESL}, Exercise 3.12",
        statement="Show that ridge estimates are OLS on X augmented with sqrt(lambda) I and y with p zeros. "
        "Compute ridge (RSS + lambda||beta||^2) with lambda = 4 on this data.",
        tags=["ridge", "esl", "augmentation"],
        data=gauss(40, 6, 3, [2.0, -1.0, 0.0, 0.5, 0.0, 1.0], 0.5, rounding=4),
        formulation=dict(loss="squared", penalty="squared_l2", form="penalized", lam=4.0),
        expected=dict(fn=e_augmented_ridge(4.0), origin="ESL Exercise 3.12: numpy lstsq on [X; sqrt(lam) I], [y; 0]"),
    ),
    dict(
        id="zou-hastie-lemma1-enet-augmented",
        title="Elastic net as a lasso on augmented data",
        source=f"{ZH}, Lemma 1",
        statement="The naive elastic net 1/2 RSS + lam(a||beta||_1 + (1-a)/2 ||beta||^2) equals a lasso on "
        "X* = [X; sqrt(lam(1-a)) I], y* = [y; 0]. Solve with lam = 3, a = 0.6.",
        tags=["elastic-net", "augmentation"],
        data=gauss(50, 8, 4, [2.0, -1.5, 1.0, 0.0, 0.0, 0.5, 0.0, 0.0], 0.5, rounding=4),
        formulation=dict(
            loss="squared", penalty="elastic_net", penalty_params={"l1_ratio": 0.6}, form="penalized", lam=3.0
        ),
        expected=dict(
            fn=e_enet_augmented(3.0, 0.6), origin="Zou & Hastie Lemma 1: scikit-learn Lasso on the augmented data"
        ),
    ),
    dict(
        id="zou-hastie-grouping-effect",
        title="Grouping effect: identical columns get identical elastic-net weights",
        source=f"{ZH}, Theorem 1 (grouping effect)",
        statement="Each of 3 base features appears twice (identical columns). The elastic net with lam = 2, "
        "l1_ratio = 0.5 gives each pair equal coefficients (the lasso would not). Give beta.",
        tags=["elastic-net", "grouping", "correlated"],
        data={
            "generate": {
                "design": "equal_columns",
                "n": 40,
                "d": 3,
                "copies": 2,
                "seed": 5,
                "coef": [1.0, 1.0, -0.8, -0.8, 0.5, 0.5],
                "noise": 0.3,
                "rounding": 4,
            }
        },
        formulation=dict(
            loss="squared", penalty="elastic_net", penalty_params={"l1_ratio": 0.5}, form="penalized", lam=2.0
        ),
        expected=dict(
            fn=e_grouping(2.0, 0.5, 2),
            origin="reduced problem on the base columns solved by scikit-learn "
            "ElasticNet, weight split equally (Zou & Hastie Thm 1 with rho = 1)",
        ),
    ),
    dict(
        id="bv-6.1-l1-norm-approximation",
        title="l1-norm approximation (least absolute deviations)",
        source=f"{BV}, Section 6.1.2 (penalty function approximation, l1 penalty), Figure 6.2",
        statement="Minimize ||Ax - b||_1 over x (no regularization: lam = 0).",
        tags=["norm-approximation", "boyd", "lp"],
        data=gauss(40, 5, 6, [1.0, -1.0, 0.5, 0.0, 2.0], 0.5, rounding=4),
        formulation=dict(loss="absolute", penalty="l1", form="penalized", lam=0.0),
        expected=dict(
            fn=e_lad(), origin="LP min 1't s.t. -t <= Ax - b <= t, solved by HiGHS via scipy.optimize.linprog"
        ),
        tolerance={"coef": 1e-6},
    ),
    dict(
        id="bv-6.1-huber-approximation",
        title="Robust (Huber) approximation with a small ridge term",
        source=f"{BV}, Section 6.1.2, Huber penalty function (6.3)",
        statement="Minimize sum_i h_M(a_i'x - b_i) + lam/2 ||x||^2 with M = 1, lam = 0.1, where b has outliers.",
        tags=["huber", "robust", "boyd"],
        data=gauss(60, 4, 7, [1.0, -2.0, 0.5, 0.0], 0.3, rounding=4),
        formulation=dict(loss="huber", loss_params={"M": 1.0}, penalty="squared_l2", form="penalized", lam=0.1),
        expected=dict(
            fn=e_huber_fit(1.0, 0.1), origin="scipy.optimize.minimize (BFGS, gtol 1e-13) on the smooth Huber objective"
        ),
        tolerance={"coef": 1e-6},
    ),
    dict(
        id="bv-6.2-least-norm-limit",
        title="Least-norm solution as the limit of ridge",
        source=f"{BV}, Section 6.2 (least-norm problems), x = A^T (A A^T)^-1 b; Section 6.3.2 (lambda -> 0)",
        statement="A is 6 x 12 (underdetermined). The least-norm solution of Ax = b is the limit of ridge as "
        "lambda -> 0. Solve ridge with lam = 1e-6 and compare with A^T (A A^T)^-1 b. (Much smaller lam "
        "is below what an interior-point solver resolves at its default tolerance.)",
        tags=["least-norm", "boyd", "ridge"],
        data=gauss(6, 12, 8, [0.0] * 12, 1.0, rounding=4),
        formulation=dict(loss="squared", penalty="squared_l2", form="penalized", lam=1e-6),
        expected=dict(
            fn=e_least_norm(), origin="closed form: B&V least-norm x = A^T (A A^T)^-1 b (ridge differs by O(lam))"
        ),
        tolerance={"coef": 1e-5, "objective": 1e-5},
    ),
    dict(
        id="bv-6.3-tikhonov",
        title="Tikhonov regularization",
        source=f"{BV}, Section 6.3.2 (Tikhonov regularization), x = (A^T A + delta I)^-1 A^T b",
        statement="Minimize ||Ax - b||^2 + delta ||x||^2 with delta = 0.5.",
        tags=["ridge", "tikhonov", "boyd"],
        data=gauss(30, 8, 9, [1.0, 0.0, -1.0, 0.5, 0.0, 0.0, 2.0, 0.0], 0.5, rounding=4),
        formulation=dict(loss="squared", penalty="squared_l2", form="penalized", lam=0.5),
        expected=dict(
            fn=e_ridge(0.5),
            origin="closed form: (A^T A + delta I)^-1 A^T b (cvxreg.reference.ridge); "
            "B&V's ||.||^2 + delta||x||^2 is cvxreg's lam = delta",
        ),
    ),
    dict(
        id="secular-ridge-constrained",
        title="Constrained ridge: the multiplier from the secular equation",
        source="Golub & Van Loan, Matrix Computations, 4th ed., Section 6.1.4 (LSQI: least squares with a "
        "quadratic inequality constraint; secular equation)",
        statement="Minimize 1/2||y - Xw||^2 subject to 1/2||w||^2 <= t = 1. Give w and the multiplier mu.",
        tags=["ridge", "constrained", "duality", "secular-equation"],
        data=gauss(30, 5, 10, [2.0, -2.0, 1.0, 0.0, 1.0], 0.5, rounding=4),
        formulation=dict(loss="squared", penalty="squared_l2", form="constrained", t=1.0),
        expected=dict(
            fn=e_ridge_con(1.0),
            origin="closed form: secular equation sum (s_i c_i/(s_i^2+mu))^2 = 2t (cvxreg.reference.ridge_constrained)",
        ),
    ),
    dict(
        id="secular-ridge-inactive",
        title="Constrained ridge with an inactive constraint: multiplier 0",
        source="Golub & Van Loan, Matrix Computations, 4th ed., Section 6.1.4 (the case ||x_LS|| <= alpha)",
        statement="Minimize 1/2||y - Xw||^2 subject to 1/2||w||^2 <= 50. The OLS solution is feasible.",
        tags=["ridge", "constrained", "duality"],
        data=gauss(30, 5, 10, [2.0, -2.0, 1.0, 0.0, 1.0], 0.5, rounding=4),
        formulation=dict(loss="squared", penalty="squared_l2", form="constrained", t=50.0),
        expected=dict(fn=e_ridge_con(50.0), origin="closed form: inactive constraint, w = OLS, mu = 0"),
    ),
    dict(
        id="duchi-l1-ball-orthonormal",
        title="L1-ball constrained least squares: the threshold is the multiplier",
        source="Duchi, Shalev-Shwartz, Singer & Chandra, Efficient projections onto the l1-ball, ICML 2008, Figure 1",
        statement="X orthonormal. Minimize 1/2||y - Xw||^2 subject to ||w||_1 <= 2. Give w and the multiplier.",
        tags=["lasso", "constrained", "duality", "orthonormal"],
        data=orth(30, 6, 11, [3.0, -2.0, 1.0, 0.5, 0.0, 0.0], 0.3),
        formulation=dict(loss="squared", penalty="l1", form="constrained", t=2.0),
        expected=dict(
            fn=e_ball(ref.l1_ball_orthonormal, 2.0),
            origin="closed form: sort-based projection (Duchi et al. 2008), multiplier theta",
        ),
    ),
    dict(
        id="l2-ball-orthonormal",
        title="L2-ball constrained least squares with an orthonormal design",
        source=f"{BV}, Section 5.5.3 (KKT conditions), applied to min 1/2||z - w||^2 s.t. ||w||_2 <= r",
        statement="X orthonormal. Minimize 1/2||y - Xw||^2 subject to ||w||_2 <= 1.5.",
        tags=["l2", "constrained", "duality", "orthonormal"],
        data=orth(30, 5, 12, [3.0, -2.0, 1.0, 0.5, 0.0], 0.3),
        formulation=dict(loss="squared", penalty="l2", form="constrained", t=1.5),
        expected=dict(
            fn=e_ball(ref.l2_ball_orthonormal, 1.5), origin="closed form: w = z r/||z||, multiplier ||z|| - r"
        ),
    ),
    dict(
        id="linf-ball-orthonormal",
        title="L-infinity-ball constrained least squares: clipping",
        source=f"{BV}, Section 5.5.3 (KKT conditions), applied to min 1/2||z - w||^2 s.t. ||w||_inf <= t",
        statement="X orthonormal. Minimize 1/2||y - Xw||^2 subject to ||w||_inf <= 1.",
        tags=["linf", "constrained", "duality", "orthonormal"],
        data=orth(30, 5, 13, [3.0, -2.0, 1.0, 0.5, 0.0], 0.3),
        formulation=dict(loss="squared", penalty="linf", form="constrained", t=1.0),
        expected=dict(
            fn=e_ball(ref.linf_ball_orthonormal, 1.0),
            origin="closed form: w = clip(z, -t, t), multiplier sum (|z_j| - t)_+",
        ),
    ),
    dict(
        id="l2-norm-constrained-any-x",
        title="Norm-constrained least squares: the multiplier of ||w||_2 <= r",
        source="Golub & Van Loan, Matrix Computations, 4th ed., Section 6.1.4; multiplier conversion "
        "mu_norm = mu_sq * r",
        statement="Minimize 1/2||y - Xw||^2 subject to ||w||_2 <= 2 (the norm, not its square). Give w and mu.",
        tags=["l2", "constrained", "duality"],
        data=gauss(30, 5, 14, [2.0, -2.0, 1.0, 0.0, 1.0], 0.5, rounding=4),
        formulation=dict(loss="squared", penalty="l2", form="constrained", t=2.0),
        expected=dict(fn=e_norm2_con(2.0), origin="closed form: secular equation at t = r^2/2, multiplier times r"),
    ),
    dict(
        id="yuan-lin-group-lasso-orthonormal",
        title="Group lasso with orthonormal groups: block soft thresholding",
        source="Yuan & Lin, Model selection and estimation in regression with grouped variables, JRSS-B "
        "68 (2006), eq. (2.4)",
        statement="X orthonormal, groups {0,1,2}, {3,4}, {5}, weights sqrt(group size). Penalized with lam = 1.2.",
        tags=["group-lasso", "orthonormal", "closed-form"],
        data=orth(30, 6, 15, [2.0, -1.0, 1.0, 0.3, 0.2, 0.0], 0.3),
        formulation=dict(
            loss="squared",
            penalty="group_lasso",
            penalty_params={"groups": [[0, 1, 2], [3, 4], [5]]},
            form="penalized",
            lam=1.2,
        ),
        expected=dict(
            fn=e_group_orth(1.2, [[0, 1, 2], [3, 4], [5]]),
            origin="closed form: block soft threshold (cvxreg.reference.group_lasso_orthonormal)",
        ),
    ),
    dict(
        id="seed-l3-power-penalty",
        title="The seed's L3 penalty: lam/3 sum |w_j|^3 with an orthonormal design",
        source="Chaux, Combettes, Pesquet & Wajs, A variational formulation for frame-based inverse problems, "
        "Inverse Problems 23 (2007), Example 4.4 (prox of |x|^3)",
        statement="X orthonormal. Minimize 1/2||y - Xw||^2 + lam (1/3) sum |w_j|^3 with lam = 0.9.",
        tags=["lp", "l3", "seed", "orthonormal"],
        data=orth(30, 5, 16, [3.0, -2.0, 1.0, 0.5, 0.0], 0.3),
        formulation=dict(loss="squared", penalty="lp_power", penalty_params={"p": 3}, form="penalized", lam=0.9),
        expected=dict(
            fn=e_pow_orth(0.9, 3.0), origin="closed form: prox of tau|x|^3, sign(x)(sqrt(1 + 12 tau|x|) - 1)/(6 tau)"
        ),
    ),
    dict(
        id="seed-l4-power-penalty",
        title="The seed's L4 penalty: lam/4 sum |w_j|^4 with an orthonormal design",
        source="Chaux, Combettes, Pesquet & Wajs, Inverse Problems 23 (2007), Example 4.4 (prox of |x|^4)",
        statement="X orthonormal. Minimize 1/2||y - Xw||^2 + lam (1/4) sum |w_j|^4 with lam = 0.5.",
        tags=["lp", "l4", "seed", "orthonormal"],
        data=orth(30, 5, 17, [3.0, -2.0, 1.0, 0.5, 0.0], 0.3),
        formulation=dict(loss="squared", penalty="lp_power", penalty_params={"p": 4}, form="penalized", lam=0.5),
        expected=dict(
            fn=e_pow_orth(0.5, 4.0), origin="closed form: prox of tau|x|^4 (Cardano), cvxreg.reference.prox_power"
        ),
    ),
    dict(
        id="seed-l3-norm-penalty",
        title="The L3 norm (not its cube) as a penalty",
        source="Parikh & Boyd, Proximal Algorithms, Found. Trends Optim. 1 (2014), Section 6.5 (norms via Moreau)",
        statement="X orthonormal. Minimize 1/2||y - Xw||^2 + lam ||w||_3 with lam = 1.",
        tags=["lp", "l3", "norm", "orthonormal"],
        data=orth(30, 5, 18, [3.0, -2.0, 1.0, 0.5, 0.0], 0.3),
        formulation=dict(loss="squared", penalty="lp", penalty_params={"p": 3}, form="penalized", lam=1.0),
        expected=dict(
            fn=e_lpnorm_orth(1.0, 3.0), origin="semi-closed form: w_i = prox_{tau|.|^3}(z_i), tau p ||w||_p^(p-1) = lam"
        ),
        tolerance={"coef": 1e-5},
    ),
    dict(
        id="seed-l3-norm-constrained",
        title="The L3-norm ball: a constrained problem on power cones",
        source="Boyd & Vandenberghe, Convex Optimization (2004), Section 4.4.2 (norm-constrained problems "
        "as cone programs)",
        statement="X orthonormal. Minimize 1/2||y - Xw||^2 subject to ||w||_3 <= 2.",
        tags=["lp", "l3", "constrained", "orthonormal"],
        data=orth(30, 5, 18, [3.0, -2.0, 1.0, 0.5, 0.0], 0.3),
        formulation=dict(loss="squared", penalty="lp", penalty_params={"p": 3}, form="constrained", t=2.0),
        expected=dict(
            fn="lp3-ball",
            origin="closed form through the Lagrangian link: w = prox_{mu||.||_3}(z) with mu "
            "found by a scalar root find so that ||w||_3 = t (cvxreg.reference.prox_norm)",
        ),
        tolerance={"coef": 1e-5, "dual": 1e-4},
    ),
    dict(
        id="lp-half-rejected",
        title="An L_{1/2} penalty is not convex: rejected",
        source="Frank & Friedman, A statistical view of some chemometrics regression tools, Technometrics 35 (1993) "
        "(bridge regression, q < 1); ESL Section 3.4.3, Figure 3.12",
        statement="Bridge regression with q = 1/2: minimize 1/2 RSS + lam ||w||_{1/2}. State it in cvxreg.",
        tags=["lp", "non-convex"],
        data=orth(30, 5, 19, [3.0, -2.0, 1.0, 0.5, 0.0], 0.3),
        formulation=dict(loss="squared", penalty="lp", penalty_params={"p": 0.5}, form="penalized", lam=1.0),
        expected=dict(
            outcome="rejected",
            error="DCPError",
            message_contains=["not convex", "not a convex set", "p = 1"],
            origin="for p < 1 the Lp quasi-norm is not convex (concave on each orthant only) "
            "and its ball is not convex",
        ),
    ),
    dict(
        id="sklearn-lasso-toy",
        title="scikit-learn's lasso toy: coef = 1 - 1.5 alpha",
        source="scikit-learn test suite, sklearn/linear_model/tests/test_coordinate_descent.py, test_lasso_toy",
        statement="X = [-1, 0, 1]^T, y = X, scikit-learn's Lasso objective 1/(2n)||y - Xw||^2 + alpha|w| with "
        "alpha = 0.1.",
        tags=["lasso", "sklearn"],
        data={"X": [[-1.0], [0.0], [1.0]], "y": [-1.0, 0.0, 1.0]},
        formulation=dict(loss="squared", scale="mean", penalty="l1", form="penalized", lam=0.1),
        expected=dict(coef=[0.85], origin="hand derivation: (2w - 2)/3 + alpha = 0, so w = 1 - 1.5 alpha"),
    ),
    dict(
        id="sklearn-elastic-net-orthonormal",
        title="Elastic net in scikit-learn's scaling with an orthonormal design",
        source="scikit-learn ElasticNet documentation (objective 1/(2n)||y - Xw||^2 + alpha l1_ratio ||w||_1 + "
        "alpha (1 - l1_ratio)/2 ||w||^2); ESL Section 3.4 orthonormal case",
        statement="X orthonormal, n = 40. ElasticNet(alpha = 0.02, l1_ratio = 0.5) in scikit-learn's scaling.",
        tags=["elastic-net", "sklearn", "orthonormal"],
        data=orth(40, 6, 20, [3.0, -2.0, 1.0, 0.5, 0.0, 0.0], 0.3),
        formulation=dict(
            loss="squared",
            scale="mean",
            penalty="elastic_net",
            penalty_params={"l1_ratio": 0.5},
            form="penalized",
            lam=0.02,
        ),
        expected=dict(
            fn=e_enet_orth(0.02 * 40, 0.5),
            origin="closed form: S(z, n alpha a) / (1 + n alpha (1 - a)) "
            "(cvxreg.reference.elastic_net_orthonormal with lam = n alpha)",
        ),
    ),
    dict(
        id="lasso-intercept-centred",
        title="Lasso with an unpenalized intercept on a centred orthonormal design",
        source=f"{ESL}, Section 3.4.1 (centring the inputs; the intercept is not penalized)",
        statement="The columns of X are centred and orthonormal. Lasso (1/2 RSS + lam||w||_1, lam = 0.5) "
        "with an intercept. Give w and b.",
        tags=["lasso", "intercept", "orthonormal"],
        data={
            "generate": {**orth(30, 5, 21, [2.0, -1.0, 0.5, 0.1, 0.0], 0.3, center=True)["generate"], "intercept": 3.0}
        },
        formulation=dict(loss="squared", penalty="l1", form="penalized", lam=0.5, fit_intercept=True),
        expected=dict(
            fn=e_lasso_centered(0.5), origin="closed form: soft threshold on centred data, b = ybar - xbar'w"
        ),
    ),
    dict(
        id="linf-penalty-orthonormal",
        title="L-infinity penalty: Moreau decomposition with the L1-ball projection",
        source="Parikh & Boyd, Proximal Algorithms (2014), Section 6.5.2 (prox of the l-infinity norm)",
        statement="X orthonormal. Minimize 1/2||y - Xw||^2 + lam ||w||_inf with lam = 2.",
        tags=["linf", "orthonormal", "closed-form"],
        data=orth(30, 5, 22, [3.0, -2.0, 1.0, 0.5, 0.0], 0.3),
        formulation=dict(loss="squared", penalty="linf", form="penalized", lam=2.0),
        expected=dict(fn=e_linf_pen_orth(2.0), origin="closed form: w = z - P_{||.||_1 <= lam}(z)"),
    ),
    dict(
        id="nonnegative-lasso-orthonormal",
        title="Non-negative lasso with an orthonormal design: clipped soft threshold",
        source="Efron, Hastie, Johnstone & Tibshirani, Least angle regression, Ann. Statist. 32 (2004), "
        "Section 3.4 (positive lasso)",
        statement="X orthonormal. Lasso with lam = 0.5 and w >= 0.",
        tags=["lasso", "bounds", "orthonormal"],
        data=orth(30, 5, 23, [2.0, -1.5, 1.0, -0.5, 0.0], 0.3),
        formulation=dict(loss="squared", penalty="l1", form="penalized", lam=0.5, bounds=[0.0, "inf"]),
        expected=dict(fn=e_box_orth(0.5, 0.0, math.inf), origin="closed form: max(S(z, lam), 0)"),
    ),
    dict(
        id="logistic-ridge-sklearn",
        title="Ridge-penalized logistic regression (scikit-learn's C = 1/lam)",
        source="scikit-learn LogisticRegression documentation (objective C sum log(1 + exp(-y f)) + 1/2||w||^2)",
        statement="Labels in {-1, +1}. Minimize sum log(1 + exp(-y_i (x_i'w + b))) + lam/2 ||w||^2, lam = 2.",
        tags=["logistic", "ridge", "sklearn", "classification"],
        data=gauss(80, 4, 24, [1.5, -1.0, 0.5, 0.0], 0.8, response="labels"),
        formulation=dict(loss="logistic", penalty="squared_l2", form="penalized", lam=2.0, fit_intercept=True),
        expected=dict(
            fn=e_logistic_sklearn(0.5), origin="scikit-learn LogisticRegression(C = 1/lam, lbfgs, tol 1e-14)"
        ),
    ),
    dict(
        id="quantile-regression-sklearn",
        title="L1-penalized quantile regression (scikit-learn's QuantileRegressor)",
        source="Koenker & Bassett, Regression quantiles, Econometrica 46 (1978); scikit-learn QuantileRegressor",
        statement="Minimize (1/n) sum pinball_0.7(y_i - x_i'w - b) + alpha ||w||_1 with alpha = 0.05.",
        tags=["quantile", "lp", "sklearn"],
        data=gauss(60, 4, 25, [1.0, -1.0, 0.5, 0.0], 0.5, rounding=3),
        formulation=dict(
            loss="quantile",
            loss_params={"tau": 0.7},
            scale="mean",
            penalty="l1",
            form="penalized",
            lam=0.05,
            fit_intercept=True,
        ),
        expected=dict(fn=e_quantile_sklearn(0.7, 0.05), origin="scikit-learn QuantileRegressor (HiGHS LP)"),
        tolerance={"coef": 1e-6},
    ),
    dict(
        id="benchmark-svm-hinge",
        title="Soft-margin linear SVM (hinge loss with a ridge penalty)",
        source="Cortes & Vapnik, Support-vector networks, Machine Learning 20 (1995); scikit-learn LinearSVC",
        statement="Labels in {-1, +1}. Minimize sum max(0, 1 - y_i x_i'w) + lam/2 ||w||^2 with lam = 1 (no intercept).",
        tags=["hinge", "svm", "classification", "benchmark"],
        data=gauss(120, 10, 27, [2.0, -1.5, 1.0, 0.5, -0.5, 0.0, 0.0, 0.0, 0.0, 0.0], 0.7, response="labels"),
        formulation=dict(loss="hinge", penalty="squared_l2", form="penalized", lam=1.0),
        expected=dict(fn=e_svm_sklearn(1.0), origin="scikit-learn LinearSVC(loss='hinge', C = 1/lam, tol 1e-12)"),
        tolerance={"coef": 1e-5, "objective": 1e-7},
    ),
    dict(
        id="benchmark-poisson-ridge",
        title="Poisson regression with a ridge penalty (scikit-learn's PoissonRegressor)",
        source="McCullagh & Nelder, Generalized Linear Models, 2nd ed. (1989), Ch. 6; scikit-learn PoissonRegressor",
        statement="Counts y. Minimize (1/n) sum (exp(x_i'w + b) - y_i (x_i'w + b)) + alpha/2 ||w||^2, alpha = 0.1.",
        tags=["poisson", "ridge", "glm", "benchmark"],
        data=gauss(150, 6, 28, [0.5, -0.3, 0.2, 0.0, 0.0, 0.1], 0.0, response="counts", intercept=0.5),
        formulation=dict(
            loss="poisson", scale="mean", penalty="squared_l2", form="penalized", lam=0.1, fit_intercept=True
        ),
        expected=dict(
            fn=e_poisson_sklearn(0.1), origin="scikit-learn PoissonRegressor(alpha, newton-cholesky, tol 1e-14)"
        ),
        tolerance={"coef": 1e-6},
    ),
    dict(
        id="benchmark-fused-lasso",
        title="Fused lasso (total variation) on a piecewise-constant signal",
        source="Tibshirani, Saunders, Rosset, Zhu & Knight, Sparsity and smoothness via the fused lasso, "
        "JRSS-B 67 (2005)",
        statement="Coefficients are piecewise constant. Minimize 1/2||y - Xw||^2 + lam sum |w_{j+1} - w_j|, lam = 5.",
        tags=["fused-lasso", "total-variation", "benchmark"],
        data=gauss(100, 20, 26, [0.0] * 5 + [2.0] * 5 + [-1.0] * 5 + [0.0] * 5, 0.5, rounding=4),
        formulation=dict(loss="squared", penalty="total_variation", form="penalized", lam=5.0),
        expected=dict(fn="scipy-tv", origin="scipy.optimize.minimize on the dual (a box-constrained QP, L-BFGS-B)"),
        tolerance={"coef": 1e-5, "objective": 1e-7},
    ),
]


def lp3_ball(X, y, t=2.0, p=3.0):
    from scipy.optimize import brentq

    z = X.T @ y
    if np.linalg.norm(z, p) <= t:
        return {"coef": z, "dual": 0.0}
    mu = brentq(
        lambda m: np.linalg.norm(ref.prox_norm(z, m, p), p) - t,
        1e-12,
        np.linalg.norm(z, p / (p - 1)),
        xtol=1e-15,
        rtol=1e-15,
    )
    return {"coef": ref.prox_norm(z, mu, p), "dual": mu}


def scipy_tv(X, y, lam=5.0):
    # Dual of min 1/2||y - Xw||^2 + lam||Dw||_1: w = (X'X)^-1 (X'y - D'u), |u| <= lam. Minimize
    # 1/2 (X'y - D'u)'(X'X)^-1(X'y - D'u) over the box by L-BFGS-B, then recover w.
    from scipy.optimize import minimize

    d = X.shape[1]
    D = np.diff(np.eye(d), axis=0)
    G = np.linalg.inv(X.T @ X)
    c = X.T @ y

    def f(u):
        v = c - D.T @ u
        g = G @ v
        return 0.5 * v @ g, -D @ g

    res = minimize(
        f,
        np.zeros(d - 1),
        jac=True,
        method="L-BFGS-B",
        bounds=[(-lam, lam)] * (d - 1),
        options={"ftol": 1e-16, "gtol": 1e-13, "maxiter": 100000, "maxcor": 50},
    )
    return {"coef": G @ (c - D.T @ res.x)}


SPECIAL = {"lp3-ball": lp3_ball, "scipy-tv": scipy_tv}


# ---- TOML writing --------------------------------------------------------------------------------
def tv(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        v = float(value)
        if math.isinf(v):
            return '"inf"' if v > 0 else '"-inf"'
        return repr(v)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(tv(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {tv(v)}" for k, v in value.items()) + " }"
    raise TypeError(type(value))


def table(name: str, items: dict[str, Any]) -> list[str]:
    lines = [f"[{name}]"]
    for k, v in items.items():
        if isinstance(v, dict) and k == "generate":
            continue
        if k == "X" and isinstance(v, list):
            lines.append("X = [\n" + "".join(f"  {tv(row)},\n" for row in v) + "]")
        else:
            lines.append(f"{k} = {tv(v)}")
    return lines


def clean(v: np.ndarray) -> list[float]:
    out = np.where(np.abs(v) < 1e-13, 0.0, v)  # exact zeros of thresholding stay zeros
    return [float(x) for x in out]


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for spec in SPECS:
        data = spec["data"]
        X, y, s, problem = read_table(f"{spec['id']}.toml", {"data": data, "formulation": spec["formulation"]})
        expected = dict(spec["expected"])
        fn = expected.pop("fn", None)
        if fn is not None:
            fn = SPECIAL[fn] if isinstance(fn, str) else fn
            found = fn(X, y)
            expected = {
                **{k: (clean(np.atleast_1d(v)) if k == "coef" else float(v)) for k, v in found.items()},
                **expected,
            }
        if expected.get("outcome", "solution") == "solution":
            assert problem is not None, spec["id"]
            coef = np.asarray(expected["coef"], dtype=float)
            expected.setdefault(
                "objective", problem.objective_value(X, y, coef, expected.get("intercept", 0.0), sample_weight=s)
            )
        order = [
            "outcome",
            "coef",
            "intercept",
            "objective",
            "dual",
            "unique",
            "error",
            "message_contains",
            "origin",
            "note",
        ]
        expected = {k: expected[k] for k in order if k in expected}
        lines = [
            f"# {spec['title']}",
            f"# Written by tools/make_problems.py; expected answer: {expected['origin']}.",
            f"id = {tv(spec['id'])}",
            f"title = {tv(spec['title'])}",
            f"source = {tv(spec['source'])}",
            'statement = """',
            spec["statement"],
            '"""',
            f"tags = {tv(spec.get('tags', []))}",
            "",
            *table("data", {k: v for k, v in data.items() if k != "generate"}),
        ]
        if "generate" in data:
            lines += ["", *table("data.generate", data["generate"])]
        lines += ["", *table("formulation", spec["formulation"]), "", *table("expected", expected)]
        if spec.get("tolerance"):
            lines += ["", *table("tolerance", spec["tolerance"])]
        (OUT / f"{spec['id']}.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        print("wrote", spec["id"])


if __name__ == "__main__":
    main()
