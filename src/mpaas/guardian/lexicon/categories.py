"""The system categories (`SystemKeywords` keys) and their word lists.

The contract spells categories in PascalCase in its samples ("Profanity", "Violence"; the call filter's keywords
operation says "like Profanity, Threats"). Our names follow that: CATEGORIES below. Any spelling of a name or a
common synonym resolves to one of them (`canonical_category`): case, spaces, hyphens and underscores do not matter,
"Threats" is Violence, "Self-Harm"/"self_harm"/"Suicide" are SelfHarm, "SexualContent"/"Adult"/"Nsfw" are Sexual,
"Phishing"/"Fraud"/"Spam" are Scam, "Swearing"/"Obscenity" are Profanity, "Substances"/"Drug" are Drugs.

Sources: Profanity is glin-profanity's English dictionary (PyPI `glin-profanity`, MIT, read from the installed
package's data files, nothing fetched at run time) with the adjustments in curated.py; the other five are curated
in this repository (curated.py, MIT). See docs/guardian.md, "Lexicon".
"""

from __future__ import annotations

import importlib.util
import json
import re
from functools import cache
from pathlib import Path

from mpaas.guardian.lexicon import curated

PROFANITY = "Profanity"
VIOLENCE = "Violence"
SELF_HARM = "SelfHarm"
DRUGS = "Drugs"
SEXUAL = "Sexual"
SCAM = "Scam"

CATEGORIES: tuple[str, ...] = (PROFANITY, VIOLENCE, SELF_HARM, DRUGS, SEXUAL, SCAM)

_ALIASES: dict[str, str] = {
    "profanity": PROFANITY,
    "profane": PROFANITY,
    "swearing": PROFANITY,
    "swear": PROFANITY,
    "swearwords": PROFANITY,
    "obscenity": PROFANITY,
    "obscene": PROFANITY,
    "curse": PROFANITY,
    "cursing": PROFANITY,
    "violence": VIOLENCE,
    "violent": VIOLENCE,
    "threat": VIOLENCE,
    "threats": VIOLENCE,
    "weapons": VIOLENCE,
    "selfharm": SELF_HARM,
    "suicide": SELF_HARM,
    "suicidal": SELF_HARM,
    "drugs": DRUGS,
    "drug": DRUGS,
    "substances": DRUGS,
    "substance": DRUGS,
    "sexual": SEXUAL,
    "sexualcontent": SEXUAL,
    "sex": SEXUAL,
    "adult": SEXUAL,
    "adultcontent": SEXUAL,
    "nsfw": SEXUAL,
    "explicit": SEXUAL,
    "grooming": SEXUAL,
    "scam": SCAM,
    "scams": SCAM,
    "phishing": SCAM,
    "scamphishing": SCAM,
    "fraud": SCAM,
    "spam": SCAM,
}
_SEPARATORS = re.compile(r"[\s_\-/&]+")

# When one phrase is in several enabled categories, the hit names the first of these (the more specific first).
PRECEDENCE: tuple[str, ...] = (SELF_HARM, SEXUAL, VIOLENCE, DRUGS, SCAM, PROFANITY)


def canonical_category(name: str) -> str | None:
    """CATEGORIES' spelling of `name`, or None when it is not a system category."""
    return _ALIASES.get(_SEPARATORS.sub("", name).casefold())


def _package_dir(package: str) -> Path:
    spec = importlib.util.find_spec(package)  # its location only: the package's code is never imported
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"the {package} package is not installed (a dependency in pyproject.toml)")
    return Path(next(iter(spec.submodule_search_locations)))


def glin_english_words() -> list[str]:
    """glin-profanity's English dictionary, as shipped in the installed package."""
    path = _package_dir("glin_profanity") / "data" / "dictionaries" / "english.json"
    words = json.loads(path.read_text(encoding="utf-8"))["words"]
    return [w for w in words if isinstance(w, str)]


@cache
def system_words(category: str) -> tuple[tuple[str, str], ...]:
    """(phrase, default severity) of a system category."""
    if category == PROFANITY:
        out: list[tuple[str, str]] = []
        for word in glin_english_words():
            key = word.casefold()
            if key in curated.PROFANITY_DROPPED:
                continue
            if key in curated.PROFANITY_SEVERE:
                out.append((word, curated.HIGH))
            elif key in curated.PROFANITY_MILD:
                out.append((word, curated.LOW))
            else:
                out.append((word, curated.MEDIUM))
        out.extend(curated.PROFANITY_EXTRA)
        return tuple(out)
    lists = {
        VIOLENCE: curated.VIOLENCE,
        SELF_HARM: curated.SELF_HARM,
        DRUGS: curated.DRUGS,
        SEXUAL: curated.SEXUAL,
        SCAM: curated.SCAM,
    }
    return lists[category]
