"""Why the L1 penalty gives zeros: unit balls and contours

The unit balls of the Lp norms for several p (p < 1 is not a norm: its ball is not convex, and
cvxreg refuses it with an error that says why), then the contours of a least-squares loss
meeting the L1 and L2 balls: the L1 ball is met at a corner, where a coordinate is zero.
"""

import cvxreg as cr
from cvxreg import plot
from cvxreg.errors import DCPError

balls = plot.balls(surface_p=3)
contours = plot.contours()

try:
    cr.Problem(cr.SquaredLoss(), cr.Lp(0.5), cr.Penalized(1.0))
except DCPError as error:
    print("refused:", error)
