"""Which solver to trust: a lasso solved by five conic and QP solvers

`compare_solvers` solves one problem with each solver at three settings (`low`, `default`,
`high`) and scores every answer against cvxreg's exact one: the coefficient error, the
objective gap, the KKT residual and the duality gap of its certificate, the error of the
multiplier, and the time. "optimal" from a solver is not the same as right: the table shows
how far each status is from the answer.
"""

import warnings

import matplotlib.pyplot as plt
import numpy as np

import cvxreg as cr

warnings.filterwarnings("ignore")  # the solvers' own chatter about their accuracy
rng = np.random.default_rng(0)
X = rng.standard_normal((200, 30))
y = X[:, :5] @ np.ones(5) + rng.standard_normal(200)
lasso = cr.Problem(cr.SquaredLoss(scale="mean"), cr.L1(), cr.Penalized(lam=0.1), fit_intercept=True)

table = cr.compare_solvers(
    lasso, X, y, solvers=["CLARABEL", "OSQP", "SCS", "ECOS", "PIQP"], settings=["low", "default", "high"],
    isolate=False,
)
print(table[["solver", "settings", "status", "coef_error", "kkt_residual", "solve_time"]].to_string(index=False))

fig, ax = plt.subplots(figsize=(7, 4.5))
for solver, rows in table.groupby("solver"):
    ax.plot(rows["solve_time"] * 1e3, rows["coef_error"], marker="o", label=solver)
    for _, row in rows.iterrows():
        ax.annotate(row["settings"], (row["solve_time"] * 1e3, row["coef_error"]), fontsize=7,
                    xytext=(3, 3), textcoords="offset points")
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel("solve time (ms)")
ax.set_ylabel("largest coefficient error")
ax.set_title("accuracy against time, lasso 200×30")
ax.legend()
fig.tight_layout()
