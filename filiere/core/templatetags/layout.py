"""`{% samefor %}`: a part of the layout rendered once per process and per key.

The header, the navigation and the footer of `base.html` are the same on every page for a given
language and a few context values, yet each request rendered them again: about 30 `{% url %}`
(a `reverse()` each) and 40 `{% translate %}`, half of the rendering of a small page.

    {% samefor NAV_SECTION SITE_NAME %}…{% endsamefor %}

renders its content the first time, and then returns the same text for the same key: the active
language, the URL prefix and URLconf (what `{% url %}` depends on), the autoescape flag and the
values of the variables listed. Its content may use only `{% url %}`, `{% static %}`,
`{% translate %}` and the variables listed: nothing else of the request or the user (no
`{% csrf_token %}`, no `user`). A test's change of settings (`override_settings`, pytest-django's
`settings`) forgets what was kept, since a setting may change what a tag returns.
"""

from __future__ import annotations

import weakref
from typing import Any

from django import template
from django.core.signals import setting_changed
from django.urls import get_script_prefix, get_urlconf
from django.utils import translation

register = template.Library()

#: Every `samefor` node compiled (a template edited and reloaded makes new ones).
_NODES: weakref.WeakSet[SameForNode] = weakref.WeakSet()
#: Keys kept per node: a few languages × a few sections; more means a variable listed that varies.
MAX_KEYS = 64


class SameForNode(template.Node):
    def __init__(self, nodelist: template.NodeList, variables: list[template.base.FilterExpression]):
        self.nodelist = nodelist
        self.variables = variables
        self.rendered: dict[tuple[Any, ...], str] = {}
        _NODES.add(self)

    def render(self, context: template.Context) -> str:
        key = (
            translation.get_language(),
            get_script_prefix(),
            get_urlconf(),
            context.autoescape,
            *(variable.resolve(context) for variable in self.variables),
        )
        try:
            return self.rendered[key]
        except KeyError:
            pass
        except TypeError:  # a value that cannot be a key: render every time
            return self.nodelist.render(context)
        text = self.nodelist.render(context)
        if len(self.rendered) < MAX_KEYS:
            self.rendered[key] = text
        return text


@register.tag
def samefor(parser: template.base.Parser, token: template.base.Token) -> SameForNode:
    """`{% samefor VAR … %}…{% endsamefor %}` (see the module docstring)."""
    variables = [parser.compile_filter(bit) for bit in token.split_contents()[1:]]
    nodelist = parser.parse(("endsamefor",))
    parser.delete_first_token()
    return SameForNode(nodelist, variables)


def forget(**kwargs: Any) -> None:
    """Forget every rendered part (a setting changed)."""
    for node in list(_NODES):
        node.rendered.clear()


setting_changed.connect(forget, dispatch_uid="filiere.core.templatetags.layout.forget")
