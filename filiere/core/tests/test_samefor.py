"""`{% samefor %}` (core/templatetags/layout.py): the layout's parts rendered once per key."""

from __future__ import annotations

from typing import Any

from django.template import Context, Template
from django.utils import translation

TEMPLATE = (
    "{% load i18n layout %}{% samefor SECTION %}{{ SECTION }} {{ other }} "
    "{% translate 'Annuaire' %} {% url 'core:home' %}{% endsamefor %}"
)


def test_same_key_same_text_other_key_rendered_again() -> None:
    template = Template(TEMPLATE)
    first = template.render(Context({"SECTION": "a", "other": 1}))
    assert first == "a 1 Annuaire /"
    # Same key: the text kept (a variable not listed is not read again: the rule of the tag).
    assert template.render(Context({"SECTION": "a", "other": 2})) == first
    assert template.render(Context({"SECTION": "b", "other": 2})) == "b 2 Annuaire /"
    with translation.override("en"):
        assert template.render(Context({"SECTION": "a", "other": 3})) == "a 3 Directory /"


def test_a_setting_change_forgets_what_was_kept(settings: Any) -> None:
    template = Template("{% load layout %}{% samefor %}{{ SITE_NAME }}{% endsamefor %}")
    assert template.render(Context({"SITE_NAME": "Un"})) == "Un"
    settings.SITE_NAME = "Deux"  # the context processor would give the new name
    assert template.render(Context({"SITE_NAME": "Deux"})) == "Deux"


def test_unhashable_value_rendered_every_time() -> None:
    template = Template("{% load layout %}{% samefor items %}{{ items|length }}{% endsamefor %}")
    assert template.render(Context({"items": [1]})) == "1"
    assert template.render(Context({"items": [1, 2]})) == "2"


def test_the_layouts_kept_parts_read_only_the_variables_they_list() -> None:
    """A part kept per key must not read the request or the user (it would be shown to the next
    person with the same key): every variable its content reads is one of those it lists."""
    import re
    from pathlib import Path

    from django.conf import settings

    templates = Path(settings.BASE_DIR) / "filiere" / "core" / "templates"
    blocks = 0
    for path in (templates / "base.html", templates / "core" / "error.html"):
        text = path.read_text()
        for listed, body in re.findall(r"{%\s*samefor([^%]*)%}(.*?){%\s*endsamefor\s*%}", text, flags=re.S):
            blocks += 1
            allowed = set(listed.split())
            read = set(re.findall(r"{{\s*([A-Za-z_][\w]*)", body))
            read |= set(re.findall(r"{%\s*(?:if|elif)\s+([A-Za-z_][\w]*)", body))
            read |= set(re.findall(r"with\s+\w+=([A-Za-z_][\w]*)", body))
            read -= set(re.findall(r"with\s+(\w+)=", body))  # names a blocktranslate binds
            assert "csrf_token" not in body and "user" not in read, (path.name, body[:80])
            assert read <= allowed, (path.name, sorted(read - allowed))
    assert blocks >= 4
