"""A self-contained HTML page: plotly.js inlined once, the figures, key-number cards."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any, Sequence

if TYPE_CHECKING:
    import plotly.graph_objects as go

STYLE = """
body { font-family: system-ui, -apple-system, Segoe UI, Roboto, sans-serif; margin: 2rem auto; max-width: 1100px; color: #222; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
h2 { font-size: 1.1rem; margin: 1.2rem 0 .2rem; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: .6rem; margin: 1rem 0 1.5rem; }
.card { background: #f7f7f7; border-radius: 6px; padding: .6rem .8rem; }
.num { font-size: 1.3rem; font-weight: 600; }
.lbl { font-size: .8rem; color: #555; }
footer { margin-top: 2rem; font-size: .8rem; color: #666; }
"""


def page(
    *, title: str, intro: str, cards: str = "", figures: Sequence[go.Figure | dict[str, Any]], footer: str,
    card_groups: Sequence[tuple[str, str]] = (),
) -> str:
    """``cards``: one group of cards; ``card_groups``: (heading, cards) pairs, each under its
    heading. ``figures``: plotly.py figures, or plain ``{"data", "layout"}`` dicts
    (:mod:`quotasim.outputs.plotly_dict`), which are much quicker to write."""
    groups = "".join(f"<h2>{html.escape(head)}</h2><div class='cards'>{body}</div>" for head, body in card_groups)
    if cards:
        groups = f"<div class='cards'>{cards}</div>" + groups
    parts = []
    for i, fig in enumerate(figures):
        if isinstance(fig, dict):
            from quotasim.outputs.plotly_dict import figure_div

            parts.append(figure_div(fig, div_id=f"figure-{i + 1}", include_plotlyjs=(i == 0),
                                    config={"displaylogo": False}))
        else:
            parts.append(fig.to_html(full_html=False, include_plotlyjs=(i == 0), config={"displaylogo": False}))
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>"
        f"<h1>{html.escape(title)}</h1>{intro}{groups}"
        + "".join(f"<section>{p}</section>" for p in parts)
        + f"<footer>{footer}</footer></body></html>"
    )
