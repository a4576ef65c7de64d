"""French text normalisation for matching: cleaning user input, tokens with spans, light stemming.

Every text the engine compares (taxonomy labels, documents, queries) goes through the same
`normalize_word`, so "Développeuses", "developpeur" and "développeurs" meet on one stem:
fold accents (`filiere.core.text.fold`), map feminine endings to the masculine, then the
Snowball French stemmer (`snowballstemmer`, which runs Snowball's C build, PyStemmer, when
installed: the same stems, `matching/tests/test_text_handling.py` compares them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer
from django.utils.translation import gettext as _

from filiere.core.text import fold

MAX_CHARS = 100_000

# Words carrying no skill meaning. Elided forms (l', d', qu') come out of the tokenizer as their
# bare letter, and "H/F" as two one-letter tokens: all one-letter tokens are dropped anyway.
STOPWORDS = frozenset(
    """
    a au aux avec ce ces cet cette dans de des du en et est il ils elle elles je la le les leur
    leurs lui mais me meme mes moi mon ne ni nos notre nous on ou par pas pour qu que qui sa se
    ses son sur ta te tes toi ton tu un une vos votre vous y sont etre avoir ete fait faire plus
    tres tout tous toute toutes afin ainsi aussi comme dont entre lors selon sans sous vers chez
    cas the and of for to in with on an or
    """.split()
)

# Feminine (and a few plural) endings mapped to the masculine before stemming: Snowball alone
# leaves "developpeuse" → "developp" but "developpeur" → "developpeur".
_FEMININE = (
    ("euses", "eur"),
    ("euse", "eur"),
    ("trices", "teur"),
    ("trice", "teur"),
    ("iennes", "ien"),
    ("ienne", "ien"),
    ("ennes", "en"),
    ("ives", "if"),
    ("ive", "if"),
    ("ieres", "ier"),
    ("iere", "ier"),
)

_TOKEN = re.compile(r"[^\W_]+(?:[+#]+)?", re.UNICODE)
_SCRIPT = re.compile(r"<\s*(script|style)\b[^>]*>.*?<\s*/\s*\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_stemmer = snowballstemmer.stemmer("french")


class UserTextError(ValueError):
    """A user text the engine refuses; ``message`` is French and safe to show as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class CleanText(str):
    """A cleaned text (a `str`) that remembers whether it was truncated."""

    truncated: bool = False
    original_length: int = 0


def clean_user_text(text: str | bytes, *, max_chars: int = MAX_CHARS) -> CleanText:
    """Check and clean a text typed or pasted by a user; raise `UserTextError` when unusable.

    Refuses empty text and binary content (NUL bytes, undecodable bytes, mostly control
    characters); removes <script>/<style> blocks, HTML tags and control characters; truncates past
    ``max_chars`` (the result's ``truncated`` flag is then True, with ``truncation_message``).
    HTML escaping is still the templates' job: this keeps the text, not markup.
    """
    if isinstance(text, bytes):
        if b"\x00" in text:
            raise UserTextError(
                _("Ce fichier semble binaire : collez du texte, pas un document Word ou PDF.")
            )
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise UserTextError(
                _("Ce texte n'est pas lisible (encodage inconnu) : enregistrez-le en UTF-8.")
            ) from exc
    if not isinstance(text, str):
        raise UserTextError(_("Le texte est vide."))
    if "\x00" in text or "\ufffd" in text[:1000]:
        raise UserTextError(_("Ce fichier semble binaire : collez du texte, pas un document Word ou PDF."))
    original_length = len(text)
    # Refuse before any regex work on something that is not text at all.
    sample = text[:4000]
    if sample and len(_CONTROL.findall(sample)) > len(sample) * 0.1:
        raise UserTextError(_("Ce fichier semble binaire : collez du texte, pas un document Word ou PDF."))
    truncated = len(text) > max_chars
    if truncated:
        text = text[:max_chars]
    # Removed parts become spaces of the same length, so spans found in the result are also
    # spans in the text the user sent (the showcase highlights them in place).
    text = _SCRIPT.sub(_blank, text)
    text = _TAG.sub(_blank, text)
    text = _CONTROL.sub(" ", text)
    if not text.strip() or not _TOKEN.search(text):
        raise UserTextError(_("Le texte est vide : saisissez quelques mots."))
    result = CleanText(text)
    result.truncated = truncated
    result.original_length = original_length
    return result


def _blank(match: re.Match[str]) -> str:
    return " " * (match.end() - match.start())


def truncation_message(max_chars: int = MAX_CHARS) -> str:
    """The French notice shown when a text was cut at ``max_chars`` characters."""
    return _("Le texte dépassait %(max)s caractères : seuls les %(max)s premiers ont été analysés.") % {
        "max": f"{max_chars:,}".replace(",", " ")
    }


@dataclass(frozen=True, slots=True)
class Token:
    """A word of the original text: its normalised form and its [start, end) span."""

    norm: str
    folded: str
    start: int
    end: int


@lru_cache(maxsize=200_000)
def normalize_word(folded: str) -> str:
    """A folded word's stem: feminine → masculine, then Snowball French ("developpeuses" → "developpeur")."""
    if len(folded) <= 3 or not folded.isalpha():
        return folded
    for suffix, replacement in _FEMININE:
        if folded.endswith(suffix) and len(folded) - len(suffix) >= 3:
            folded = folded[: -len(suffix)] + replacement
            break
    return _stemmer.stemWord(folded)


@lru_cache(maxsize=200_000)
def _fold_word(word: str) -> str:
    return fold(word)


def tokenize(text: str, *, keep_stopwords: bool = False) -> list[Token]:
    """Words of ``text`` with spans in ``text``; stopwords, elisions and one-letter words dropped."""
    tokens: list[Token] = []
    for match in _TOKEN.finditer(text):
        folded = _fold_word(match.group())
        if len(folded) < 2 and not folded.isdigit():
            continue
        if not keep_stopwords and folded in STOPWORDS:
            continue
        tokens.append(Token(normalize_word(folded), folded, match.start(), match.end()))
    return tokens


def norm_words(text: str) -> list[str]:
    """The normalised words of a text (stems, no stopwords), in order."""
    return [t.norm for t in tokenize(text)]


def terms_for(text: str) -> str:
    """The text stored in the lexical index: normalised words separated by spaces."""
    return " ".join(norm_words(text))
