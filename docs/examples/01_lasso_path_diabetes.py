"""The lasso path and its cross-validation on the diabetes data

The whole path of the lasso on scikit-learn's diabetes data (442 patients, 10 measurements),
then 5-fold cross-validation on the same grid. Every point of the path carries its optimality
certificate; the λ chosen by cross-validation is the one scikit-learn's `LassoCV` picks on the
same folds.
"""

import matplotlib.pyplot as plt
from sklearn.datasets import load_diabetes
from sklearn.linear_model import LassoCV
from sklearn.model_selection import KFold

import cvxreg as cr

X, y = load_diabetes(return_X_y=True)
lasso = cr.Problem(cr.SquaredLoss(scale="mean"), cr.L1(), cr.Penalized(lam=1.0), fit_intercept=True)

path = lasso.path(X, y, n_lams=60)
print(path)
print("worst certificate along the path:", max(c.worst for c in path.certificates))

folds = KFold(5, shuffle=True, random_state=0)
cv = cr.cross_validate(lasso, X, y, lams=path.lams, folds=folds)
sk = LassoCV(alphas=path.lams, cv=folds).fit(X, y)
print(f"chosen lam: cvxreg {cv.best_lam:.6g}, LassoCV {sk.alpha_:.6g}")

fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
left.plot(path.lams, path.coefs)
left.set_xscale("log")
left.axvline(cv.best_lam, color="k", ls="--", lw=1, label="chosen by CV")
left.axvline(cv.one_se_lam, color="grey", ls=":", lw=1, label="one standard error")
left.legend()
left.set_xlabel("λ")
left.set_ylabel("coefficient")
left.set_title("lasso path (diabetes)")
table = cv.table
right.errorbar(table["lam"], table["mean"], yerr=table["se"], marker=".", capsize=2)
right.set_xscale("log")
right.axvline(cv.best_lam, color="k", ls="--", lw=1)
right.set_xlabel("λ")
right.set_ylabel("mean squared error, 5 folds (± se)")
right.set_title("cross-validation")
fig.tight_layout()
