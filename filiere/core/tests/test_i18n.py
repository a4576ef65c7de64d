"""The English catalogues: one per app in filiere/<app>/locale/en (msgids are French).

Regenerate with `make messages`, translate the new (empty) and fuzzy entries, then run
`make messages` again to compile the .mo files.
"""

import ast
import re
import shutil
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

FILIERE = Path(__file__).resolve().parents[2]
APPS = sorted(app.removeprefix("filiere.") for app in settings.INSTALLED_APPS if app.startswith("filiere."))
REGENERATE = "regenerate with `make messages`, translate the new entries, then `make messages` again"


def po_path(app: str, root: Path = FILIERE) -> Path:
    return root / app / "locale" / "en" / "LC_MESSAGES" / "django.po"


def parse_po(path: Path) -> list[dict]:
    """The entries of a .po file (header and obsolete `#~` entries left out).

    Each entry: {"msgctxt": str | None, "msgid": str, "msgid_plural": str | None,
    "msgstr": {index: str} (index 0 for singular entries), "flags": set}.
    """
    entries, entry, key = [], None, None

    def close():
        if entry is not None and "msgid" in entry and entry["msgid"] != "":
            entries.append(entry)

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if entry is not None and "msgid" in entry:  # a comment starts the next entry
                close()
                entry, key = None, None
            if line.startswith("#,"):
                entry = entry or {"msgstr": {}, "flags": set()}
                entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith('"'):
            text = ast.literal_eval(line)
            if isinstance(key, tuple):
                entry["msgstr"][key[1]] += text
            else:
                entry[key] += text
            continue
        keyword, _, value = line.partition(" ")
        text = ast.literal_eval(value)
        if keyword in ("msgctxt", "msgid") and entry is not None and "msgid" in entry:
            close()
            entry = None
        entry = entry or {"msgstr": {}, "flags": set()}
        if keyword.startswith("msgstr"):
            index = int(keyword[7:-1]) if keyword.startswith("msgstr[") else 0
            entry["msgstr"][index] = text
            key = ("msgstr", index)
        else:
            entry[keyword] = text
            key = keyword
    close()
    for e in entries:
        e.setdefault("msgctxt", None)
        e.setdefault("msgid_plural", None)
    return entries


def ids(entries: list[dict]) -> set[tuple[str | None, str]]:
    return {(e["msgctxt"], e["msgid"]) for e in entries}


def describe(keys) -> str:
    return "\n".join(
        f"  {msgid!r}" + (f" (context {ctxt!r})" if ctxt else "") for ctxt, msgid in sorted(keys, key=str)
    )


@pytest.mark.parametrize("app", APPS)
def test_catalogue_has_no_empty_or_fuzzy_entry(app):
    path = po_path(app)
    assert path.exists(), f"no English catalogue for {app}: {REGENERATE}"
    assert path.with_suffix(".mo").exists(), f"{app}: .mo not compiled: {REGENERATE}"
    entries = parse_po(path)
    assert entries
    empty = {(e["msgctxt"], e["msgid"]) for e in entries if not e["msgstr"] or not all(e["msgstr"].values())}
    fuzzy = {(e["msgctxt"], e["msgid"]) for e in entries if "fuzzy" in e["flags"]}
    assert not empty, f"{app}: untranslated entries ({REGENERATE}):\n{describe(empty)}"
    assert not fuzzy, f"{app}: fuzzy entries, check them and drop the flag:\n{describe(fuzzy)}"
    plurals = [e for e in entries if e["msgid_plural"]]
    assert all(sorted(e["msgstr"]) == [0, 1] for e in plurals), (
        f"{app}: English plurals need msgstr[0] and msgstr[1]"
    )


PLACEHOLDER = re.compile(r"%\((\w+)\)[sdifr]|\{(\w*)\}")


@pytest.mark.parametrize("app", APPS)
def test_translations_keep_the_placeholders(app):
    """Each translation names the same %(name)s placeholders as its French source (a translation
    carried over from a similar message, "Rendez-vous avec %(who)s" → "B2B meetings", drops them
    and breaks compilemessages)."""
    wrong = set()
    for e in parse_po(po_path(app)):
        if "python-format" not in e["flags"]:
            continue
        sources = [e["msgid"]] + ([e["msgid_plural"]] if e["msgid_plural"] else [])
        expected = {m.group(1) for source in sources for m in PLACEHOLDER.finditer(source) if m.group(1)}
        for text in e["msgstr"].values():
            found = {m.group(1) for m in PLACEHOLDER.finditer(text) if m.group(1)}
            if found - expected or (not e["msgid_plural"] and expected - found):
                wrong.add((e["msgctxt"], e["msgid"]))
    assert not wrong, f"{app}: translations whose placeholders differ from the French:\n{describe(wrong)}"


@pytest.mark.parametrize("app", APPS)
def test_compiled_catalogue_matches_po(app):
    """What Django serves in English is what the .po says (compiled, and no other app's
    catalogue shadows it with another translation of the same msgid: use a msgctxt then)."""
    wrong = []
    with translation.override("en"):
        for e in parse_po(po_path(app)):
            ctxt, msgid, plural, msgstr = e["msgctxt"], e["msgid"], e["msgid_plural"], e["msgstr"]
            if plural:
                got = [
                    translation.npgettext(ctxt, msgid, plural, n)
                    if ctxt
                    else translation.ngettext(msgid, plural, n)
                    for n in (1, 2)
                ]
                want = [msgstr[0], msgstr[1]]
            else:
                got = translation.pgettext(ctxt, msgid) if ctxt else translation.gettext(msgid)
                want = msgstr[0]
            if got != want:
                wrong.append(f"  {msgid!r}: served {got!r}, .po says {want!r}")
    assert not wrong, f"{app}: .mo out of date or shadowed by another app ({REGENERATE}):\n" + "\n".join(
        wrong
    )


@pytest.mark.makemessages
@pytest.mark.parametrize("app", APPS)
def test_catalogue_is_complete(app, tmp_path, monkeypatch):
    """makemessages over a copy of the app finds exactly the msgids of the committed catalogue."""
    copy = tmp_path / app
    shutil.copytree(FILIERE / app, copy, ignore=shutil.ignore_patterns("__pycache__", "locale"))
    (copy / "locale").mkdir()
    # The copy's modules (e.g. selectors.py) must not shadow the standard library while we are in it.
    monkeypatch.setattr(sys, "path", [p for p in sys.path if p not in ("", ".")])
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["en"], no_location=True, no_obsolete=True, verbosity=0)
    fresh = ids(parse_po(po_path(app, tmp_path)))
    committed = ids(parse_po(po_path(app)))
    missing, stale = fresh - committed, committed - fresh
    assert not missing, (
        f"{app}: strings missing from the English catalogue ({REGENERATE}):\n{describe(missing)}"
    )
    assert not stale, f"{app}: catalogue entries no longer in the code ({REGENERATE}):\n{describe(stale)}"


@pytest.mark.django_db
def test_pages_in_english_and_french(client):
    home = reverse("core:home")
    french = client.get(home).content.decode()
    assert "Annuaire" in french and "Se connecter" in french and 'lang="fr"' in french
    # French first: an English browser still gets French until the visitor picks English.
    assert "Annuaire" in client.get(home, headers={"accept-language": "en"}).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(home).content.decode()
    assert "Directory" in english and "Log in" in english and 'lang="en"' in english
    assert "Annuaire" not in english
    page = client.get(reverse("organisations:search")).content.decode()
    assert "Directory" in page and "Apply filters" in page and "Appliquer les filtres" not in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    page = client.get(reverse("organisations:search"), headers={"accept-language": "en"}).content.decode()
    assert "Annuaire" in page and "Appliquer les filtres" in page
