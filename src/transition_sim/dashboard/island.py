"""A part of the page with its own render loop, so that what changes every month is drawn without the rest.

Reacton draws a page again from its root whenever any state of it changes, comparing and updating every widget
on the way, even those whose component did not run: for our page, some 200 widgets and 30 to 40 ms per step,
paid 40 times over when a room steps at once. The run's views change at every step, the controls almost
never; an :func:`Island` gives the views a root of their own (a second reacton render context inside the
page), and a step costs what the views cost. The island's components read their inputs from
:class:`solara.Reactive` values (not arguments), which is how a change in the page reaches them.
"""

from __future__ import annotations

from collections.abc import Callable

import ipyvuetify
import reacton
import solara
from reacton.core import Element


@solara.component
def Island(make: Callable[[], Element]) -> None:
    """Render ``make()`` in a render context of its own, mounted once and closed with the page."""
    box = solara.use_memo(lambda: ipyvuetify.Html(tag="div", children=[], style_="min-width: 0"), [])

    # errors are handled as the page handles them: shown in place in the server (the rest of the page goes on),
    # raised in tests
    handle_error = reacton.core.get_render_context().handle_error

    def mount() -> Callable[[], None]:
        _, context = reacton.render(make(), box, handle_error=handle_error)
        return context.close

    solara.use_effect(mount, [])
    solara.v.Html(tag="div", children=[box], class_="ts-island", style_="min-width: 0")
