"""How a ``Result``, a ``Path`` and a ``CrossValidation`` show in a notebook (``_repr_html_``): a
title, a few facts as a two-column table, then the numbers as a table (pandas' HTML), cut to the
first and last rows when long. Every text is escaped."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["facts_html", "few"]


def few(frame: pd.DataFrame, rows: int = 10) -> pd.DataFrame:
    """The first and last ``rows // 2`` rows of a long frame (all of a short one)."""
    if len(frame) <= rows:
        return frame
    import pandas as pd

    return pd.concat([frame.head(rows // 2), frame.tail(rows - rows // 2)])


def facts_html(title: str, facts: list[tuple[str, Any]], frame: pd.DataFrame | None = None, note: str = "") -> str:
    """A title, a table of ``(name, value)`` facts, and ``frame`` as HTML under them."""
    cells = "".join(
        f"<tr><th style='text-align:left'>{html.escape(str(k))}</th><td style='text-align:left'>"
        f"{html.escape(str(v))}</td></tr>"
        for k, v in facts
    )
    body = f"<div><strong>{html.escape(title)}</strong><table>{cells}</table>"
    if frame is not None:
        body += frame.to_html(float_format=lambda x: f"{x:.6g}", escape=True, border=0)
    if note:
        body += f"<p><em>{html.escape(note)}</em></p>"
    return body + "</div>"
