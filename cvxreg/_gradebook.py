"""``cvxreg check DIR --answers ANSWERS_DIR``: a class's answers graded against a folder of problem
files, one row per (student, problem), written as a CSV; one bad answer or one bad problem file
never stops the others."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

__all__ = ["grade_student", "gradebook"]


_ANSWER_SUFFIXES = (".json", ".toml", ".csv")


def grade_student(student: Path, exercises: dict[str, Any], read_answer: Any) -> list[dict[str, Any]]:
    """One student's rows: each answer file graded on its own (one that cannot be read fails
    alone, whatever it holds), a row for each problem not handed in. Links and anything that is
    not a regular file are refused, never followed; what could not be parsed is never echoed."""
    rows: list[dict[str, Any]] = []
    files = sorted(p for p in student.iterdir() if p.suffix.lower() in _ANSWER_SUFFIXES)
    handed = {p.stem for p in files}
    for ident in sorted(set(exercises) - handed):  # an answer not handed in is a row too
        if exercises[ident].problem is None:
            continue  # a refused problem has no coefficients to hand in
        rows.append(
            {
                "student": student.name,
                "exercise": ident,
                "file": "",
                "passed": False,
                "failed_checks": "missing",
                "diagnoses": "no answer submitted",
            }
        )
    for path in files:
        row: dict[str, Any] = {"student": student.name, "exercise": path.stem, "file": str(path), "passed": False}
        ex = exercises.get(path.stem)
        if path.is_symlink() or not path.is_file():
            row.update(failed_checks="unusable answer", diagnoses="not a regular file (links are not followed)")
        elif ex is None:
            row.update(failed_checks="", diagnoses=f"no problem file with id {path.stem!r}")
        else:
            try:
                v = ex.check(read_answer(path))
                row.update(
                    passed=v.passed,
                    failed_checks="; ".join(c.name for c in v.checks if not c.passed),
                    diagnoses="; ".join(v.diagnoses),
                )
            except Exception as exc:  # one answer must never stop the class's grading
                from cvxreg.errors import CvxregError

                why = str(exc) if isinstance(exc, CvxregError) else f"{type(exc).__name__} while grading"
                row.update(failed_checks="unusable answer", diagnoses=why[:300])
        rows.append(row)
    return rows


def _problems(directory: Path) -> dict[str, Any] | None:
    """The problem files of ``directory`` by id. A file that cannot be loaded is named on stderr
    and left out (its answers are graded "no problem file"), the others graded; two files with
    one id are an error (None): either could be the one the answers were written for."""
    from cvxreg.errors import CvxregError
    from cvxreg.exercises import load

    exercises: dict[str, Any] = {}
    for path in sorted(directory.glob("*.toml")):
        try:
            ex = load(path)
        except CvxregError as exc:
            print(f"cvxreg: warning: {exc} Its answers are not graded.", file=sys.stderr)
            continue
        if ex.id in exercises:
            first = exercises[ex.id].path.name
            print(f"cvxreg: error: {first} and {path.name} both have id {ex.id!r}; give each its own", file=sys.stderr)
            return None
        exercises[ex.id] = ex
    return exercises


def gradebook(args: argparse.Namespace, directory: Path) -> int:
    """Grade ANSWERS_DIR/<student>/<problem-id>.(json|toml|csv) against every problem file in DIR."""
    import pandas as pd

    from cvxreg.grading import read_answer

    if args.answers is None:
        print("cvxreg: error: check DIR needs --answers ANSWERS_DIR", file=sys.stderr)
        return 2
    answers = Path(args.answers)
    if not answers.is_dir():
        print(f"cvxreg: error: --answers {answers} is not a folder", file=sys.stderr)
        return 2
    exercises = _problems(directory)
    if exercises is None:
        return 2
    rows = []
    for student in sorted(p for p in answers.iterdir() if p.is_dir() and not p.is_symlink()):
        rows += grade_student(student, exercises, read_answer)
    book = pd.DataFrame(rows, columns=["student", "exercise", "passed", "failed_checks", "diagnoses", "file"])
    if args.out:
        try:
            from cvxreg._atomic import write_csv_atomic

            write_csv_atomic(book, args.out)
        except OSError as exc:
            print(f"cvxreg: error: --out {args.out}: cannot be written ({exc.strerror or exc})", file=sys.stderr)
            return 2
        print(f"wrote gradebook: {args.out}")
    if len(book):
        print(
            book.assign(
                grade=[
                    "missing" if why == "missing" else ("pass" if ok else "FAIL")
                    for ok, why in zip(book["passed"], book["failed_checks"], strict=True)
                ]
            )
            .pivot_table(index="student", columns="exercise", values="grade", aggfunc="first")
            .fillna("")
            .to_string()
        )
    return 0 if len(book) and bool(book["passed"].all()) else 1
