"""The Lagrangian round trip: penalized and constrained are one problem

Along the lasso path, each penalized answer w(λ) has a penalty value t = ‖w(λ)‖₁. Solving the
constrained problem ‖w‖₁ ≤ t as its own problem gives the same coefficients and a multiplier
μ of the constraint: the Lagrange multiplier is λ itself, wherever it is unique. The figure
puts μ against λ on the diagonal and the largest coefficient difference between the two
answers beside it.
"""

import numpy as np

import cvxreg as cr
from cvxreg import experiments, plot

rng = np.random.default_rng(0)
X = rng.standard_normal((100, 8))
y = X[:, :3] @ [2.0, -1.0, 0.5] + rng.standard_normal(100)
lasso = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(1.0))

curve = experiments.lagrange_curve(lasso, X, y)
print(curve.to_string(index=False, float_format=lambda v: f"{v:.6g}"))
print("largest |mu - lam| / lam:", float(((curve["mu"] - curve["lam"]).abs() / curve["lam"]).max()))
figure = plot.lagrange(curve)
