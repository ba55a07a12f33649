"""A self-contained HTML page: plotly.js inlined once, the "what happened" paragraph, key-number
cards, the figures (each with an optional caption), in the shared style
(:data:`quotasim.outputs.style.PAGE_CSS`)."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any, Sequence, Union

from quotasim.outputs.style import PAGE_CSS

if TYPE_CHECKING:
    import plotly.graph_objects as go

FigureLike = Union["go.Figure", dict[str, Any]]

STYLE = PAGE_CSS  # the old name, kept for code that imported it


def page(
    *, title: str, intro: str, cards: str = "", figures: Sequence[FigureLike | tuple[FigureLike, str]], footer: str,
    card_groups: Sequence[tuple[str, str]] = (), story: str = "", notes: str = "",
) -> str:
    """``intro``: HTML above ``story``, the "what happened" paragraph (plain text, escaped here);
    ``notes``: HTML below it.
    ``cards``: one group of cards (HTML); ``card_groups``: (heading, cards HTML) pairs.
    ``figures``: plotly.py figures or plain ``{"data", "layout"}`` dicts
    (:mod:`quotasim.outputs.plotly_dict`, much quicker to write), each alone or as
    ``(figure, caption HTML)``."""
    groups = "".join(f"<h2>{html.escape(head)}</h2><div class='cards'>{body}</div>" for head, body in card_groups)
    if cards:
        groups = f"<div class='cards'>{cards}</div>" + groups
    parts = []
    for i, item in enumerate(figures):
        fig, caption = item if isinstance(item, tuple) else (item, "")
        if isinstance(fig, dict):
            from quotasim.outputs.plotly_dict import figure_div

            div = figure_div(fig, div_id=f"figure-{i + 1}", include_plotlyjs=(i == 0), config={"displaylogo": False})
        else:
            div = fig.to_html(full_html=False, include_plotlyjs=(i == 0), config={"displaylogo": False})
        note = f"<p class='note'>{caption}</p>" if caption else ""
        parts.append(f"<section class='figure'>{div}{note}</section>")
    lead = f"<p class='story' id='what-happened'>{html.escape(story)}</p>" if story else ""
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{PAGE_CSS}</style></head><body>"
        f"<h1>{html.escape(title)}</h1>{intro}{lead}{notes}{groups}"
        + "".join(parts)
        + f"<footer>{footer}</footer></body></html>"
    )
