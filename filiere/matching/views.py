"""The /correspondances/ page: paste a text, see the skills found in it highlighted."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from filiere.matching import services

MAX_PAGE_CHARS = 100_000


def segments(text: str, skills: list[services.SkillMatch]) -> list[tuple[str, str]]:
    """The text cut into (piece, skill label or "") so the template can mark skills (auto-escaped)."""
    pieces: list[tuple[str, str]] = []
    position = 0
    for skill in sorted(skills, key=lambda s: s.start):
        if skill.start < position:
            continue
        pieces.append((text[position : skill.start], ""))
        pieces.append((text[skill.start : skill.end], skill.label))
        position = skill.end
    pieces.append((text[position:], ""))
    return [p for p in pieces if p[0]]


def extract_page(request: HttpRequest) -> HttpResponse:
    """Form and result on one page; a bad text gives the French message, never an error page."""
    context: dict = {"text": "", "skills": [], "segments": [], "error": "", "notice": ""}
    if request.method == "POST":
        raw = request.POST.get("text", "")
        context["text"] = raw[:MAX_PAGE_CHARS]
        try:
            clean = services.clean_user_text(raw, max_chars=MAX_PAGE_CHARS)
            skills = services.extract_skills(clean)
        except services.UserTextError as exc:
            context["error"] = exc.message
        else:
            if clean.truncated:
                context["notice"] = services.truncation_message(MAX_PAGE_CHARS)
            context["skills"] = skills
            context["segments"] = segments(str(clean), skills)
    return render(request, "matching/extract.html", context)
