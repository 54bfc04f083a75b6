"""Checking a textbook exercise and naming the mistake

ISLR's lasso with X = I (Section 6.2.2): the answer is soft-thresholding of y at λ/2. The
bundled exercise carries that answer from the book; cvxreg solves it, checks its own answer
against the book's, then grades two students: one right, and one whose coefficients solve the
problem at twice the book's λ (a 1/2 dropped in front of the loss). The verdict names that
mistake.
"""

import matplotlib.pyplot as plt
import numpy as np

from cvxreg.exercises import load

ex = load("islr-6.2.2-lasso-identity")
print(ex.title, "—", ex.source)
res = ex.solve()
print("cvxreg against the book:", "passed" if ex.check(res).passed else "failed")

right = ex.check({"coef": list(res.coef)})
wrong = ex.check({"coef": [2.0, 0.0, 0.0, 0.0]})
print("right answer:", right.passed)
print(wrong)

fig, ax = plt.subplots(figsize=(6, 3.5))
index = np.arange(len(res.coef))
ax.bar(index - 0.2, res.coef, width=0.4, label="the book's answer (cvxreg's solve)")
ax.bar(index + 0.2, [2.0, 0.0, 0.0, 0.0], width=0.4, label="the student's answer")
ax.set_xticks(index, [f"β{j + 1}" for j in index])
ax.axhline(0, color="k", lw=0.5)
ax.set_title("a verdict: " + ("passed" if wrong.passed else "failed, with its diagnosis"))
ax.legend(fontsize=8)
fig.tight_layout()
