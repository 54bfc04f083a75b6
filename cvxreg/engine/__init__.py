"""cvxreg's own solver for smooth losses with separable penalties: working sets, proximal
Newton steps, and compiled coordinate descent — no conic solver in the hot path.

It solves ``min c sum_i s_i l(x_i^T w + b, y_i) + lam sum_j v_j (r |w_j| + (1 - r)/2 w_j^2)``
with box bounds, for every loss that gives a derivative and a curvature (squared, logistic,
Poisson, Huber, squared hinge, and a user's loss that defines them) and every penalty that is
an elastic net with factors (``L1``, ``SquaredL2``, ``ElasticNet``), on dense or sparse ``X``.

The method is glmnet's and skglm's: at the current point the loss is replaced by its
second-order model (exact for the squared loss), which coordinate descent minimizes on a
*working set* of coefficients (those not at zero, and the ones whose optimality test at zero
fails the most); a backtracking line search on the true objective makes each step descend.
The working set grows until the optimality conditions hold on every coefficient — checked
with one product ``X^T g`` over the whole data. Sparse ``X`` is read in CSC form (columns are
what coordinate descent walks); nothing of size ``n x d`` is ever formed.

The constrained form ``R(w) <= t`` is solved by continuation on lam (``_constrained``): the
root of ``R(w(lam)) = t`` is the constraint's multiplier.

Whatever this returns is judged by ``cvxreg.certificates`` like a solver's answer: the solve
pipeline keeps it only when its certificate passes, and falls back to CVXPY otherwise.
"""

from __future__ import annotations

from cvxreg.engine._constrained import solve_constrained
from cvxreg.engine._glm import applies, solve_penalized
from cvxreg.engine._group import group_applies, solve_group
from cvxreg.engine._lp import lp_applies, solve_lp

__all__ = ["applies", "group_applies", "lp_applies", "solve_constrained", "solve_group", "solve_lp", "solve_penalized"]
