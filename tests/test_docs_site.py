"""The documentation site: every gallery example runs, and the site builds in MkDocs's strict
mode (a warning, a broken link or a failing example stops it), with the tutorial's figures and
the gallery's pages and figures in the build and nothing tracked rewritten."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("mkdocs")
pytest.importorskip("mkdocstrings")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "docs"))
import _site  # noqa: E402  # the site's hooks: docs/_site.py

SCRIPTS = _site.example_scripts()


def test_the_gallery_has_the_six_examples():
    assert len(SCRIPTS) >= 6
    for script in SCRIPTS:
        title, text, code = _site.title_and_text(script)
        assert title and text and code, script.name


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_each_example_runs_and_draws(script, tmp_path):
    printed, figures = _site.run_example(script, tmp_path)
    assert printed.strip(), "an example says what it found"
    assert figures and all(path.stat().st_size > 10_000 for path in figures)


def test_the_site_builds_strictly(tmp_path):
    status = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True).stdout
    site = tmp_path / "site"
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    for page in ("index.html", "tutorial/index.html", "api/index.html", "examples/index.html"):
        assert (site / page).is_file(), page
    for name in ("balls", "contours", "path", "path_t", "lagrange"):
        assert (site / "figures" / f"{name}.png").stat().st_size > 10_000
    for script in SCRIPTS:
        page = (site / "examples" / script.stem / "index.html").read_text(encoding="utf-8")
        assert f"{script.stem}-1.png" in page and "It prints" in page
    api = (site / "api" / "index.html").read_text(encoding="utf-8")
    assert "cross_validate" in api and "CvxClassifierCV" in api
    after = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True).stdout
    assert after == status  # nothing tracked (or untracked) was written
