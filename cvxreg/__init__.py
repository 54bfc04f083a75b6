"""cvxreg: regularized learning problems stated once, solved by any convex solver, checked.

>>> import cvxreg as cr
>>> prob = cr.Problem(cr.SquaredLoss(), cr.L1(), cr.Penalized(lam=0.5))
"""

from cvxreg import blocks, conventions, exercises, losses, penalties, report
from cvxreg.benchmark import Case, benchmark
from cvxreg.certificates import certificate, lambda_max
from cvxreg.compare import compare_solvers
from cvxreg.cross_validation import CrossValidation, cross_validate
from cvxreg.errors import (
    AnswerError,
    CvxregError,
    DCPError,
    InvalidParameterError,
    NotSupportedError,
    ProblemFileError,
    SolveError,
)
from cvxreg.forms import Constrained, Equality, Form, Inequality, Penalized
from cvxreg.lagrange import convert_multiplier, round_trip
from cvxreg.losses import *  # noqa: F403
from cvxreg.multinomial import MultinomialLogisticLoss
from cvxreg.path import Path
from cvxreg.penalties import *  # noqa: F403
from cvxreg.problem import Problem
from cvxreg.reference import most_accurate_solve
from cvxreg.result import SOLVED_STATUSES, Certificate, Result, Status
from cvxreg.solvers import default_solver, installed_solvers

__version__ = "0.1.0"

__all__ = [
    *losses.__all__,
    *penalties.__all__,
    "SOLVED_STATUSES",
    "AnswerError",
    "Case",
    "Certificate",
    "Constrained",
    "CrossValidation",
    "CvxregError",
    "DCPError",
    "Equality",
    "Form",
    "Inequality",
    "InvalidParameterError",
    "MultinomialLogisticLoss",
    "NotSupportedError",
    "Path",
    "Penalized",
    "Problem",
    "ProblemFileError",
    "Result",
    "SolveError",
    "Status",
    "__version__",
    "benchmark",
    "certificate",
    "compare_solvers",
    "blocks",
    "conventions",
    "convert_multiplier",
    "cross_validate",
    "default_solver",
    "exercises",
    "installed_solvers",
    "lambda_max",
    "most_accurate_solve",
    "report",
    "round_trip",
]
