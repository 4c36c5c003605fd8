"""Compose the stages: text -> mentions (extract) -> geocoded mentions (resolve).

``Geoparser`` holds what is costly to open (the gazetteer index, the online
geocoder) so that it is opened once and used for every article.
"""

from __future__ import annotations

import hashlib
import logging
from functools import cached_property
from pathlib import Path

from geo.config import Settings
from geo.explain import Explanation
from geo.extract import Recognition, recognise
from geo.gazetteer.base import Gazetteer
from geo.models import Article, GeocodedMention
from geo.resolve import OnlineLookup, Resolution, place_mentions, resolve_mentions
from geo.rules import Lexicon, load_lexicon
from geo.words import Words, load_words

logger = logging.getLogger(__name__)


class Geoparser:
    """Finds and places every place an article mentions.

    Parameters
    ----------
    gazetteer:
        The offline gazetteer (any ``geo.gazetteer.Gazetteer``).
    settings:
        ``adjectives`` decides whether nationality adjectives are mapped.
    online:
        Optional lookup for names the gazetteer cannot place.
    lexicon, words:
        The recogniser's word lists and word frequencies (defaults: the
        package's ``lexicon.toml`` and ``geo.words.load_words``).
    disabled:
        Recognition rules or steps to switch off by name (``geo.rules.RULES``,
        ``geo.rules.STEPS``): for ablation, never in normal use.

    Examples
    --------
    >>> parser = Geoparser.from_settings()  # doctest: +SKIP
    >>> [m.place.name for m in parser.geoparse("Refugees camp in Calais.")]  # doctest: +SKIP
    ['Calais']
    """

    def __init__(
        self,
        gazetteer: Gazetteer,
        *,
        settings: Settings | None = None,
        online: OnlineLookup | None = None,
        lexicon: Lexicon | None = None,
        words: Words | None = None,
        disabled: frozenset[str] = frozenset(),
    ) -> None:
        self.gazetteer = gazetteer
        self.settings = settings or Settings.load()
        self.online = online
        self.lexicon = lexicon or load_lexicon()
        self.words = words or load_words(self.settings.cache_dir)
        self.disabled = disabled

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> Geoparser:
        """Open the offline gazetteer (building it if needed) and, when enabled, the online one."""
        from geo.gazetteer.geonames import GeoNamesGazetteer

        settings = settings or Settings.load()
        online = None
        if settings.online:
            from geo.gazetteer.online import OnlineGeocoder

            online = OnlineGeocoder.from_settings(settings).place
        return cls(GeoNamesGazetteer.from_settings(settings), settings=settings, online=online)

    @cached_property
    def version(self) -> str:
        """Changes whenever a result could: the gazetteer's inputs, the recogniser and resolver, the settings.

        The store records it with every article, so ``reindex`` knows what to geoparse again.
        """
        digest = hashlib.sha256()
        fingerprint = getattr(self.gazetteer, "fingerprint", None)
        digest.update((fingerprint() if callable(fingerprint) else type(self.gazetteer).__name__).encode())
        for module in ("text.py", "extract.py", "rules.py", "resolve.py", "words.py", "data/lexicon.toml"):
            digest.update((Path(__file__).parent / module).read_bytes())
        digest.update(f"adjectives={self.settings.adjectives}".encode())
        return digest.hexdigest()[:16]

    def geoparse(self, text: str) -> list[GeocodedMention]:
        """Every mention of a place or its people in ``text``, placed where possible.

        Raises ``TooManyPlacesError`` for a text with more place names than the setting ``max_places``.
        """
        mentions = self._recognise(text).mentions
        return resolve_mentions(mentions, self.gazetteer, online=self.online, words=self.words)

    def _recognise(self, text: str) -> Recognition:
        return recognise(
            text,
            self.gazetteer,
            adjectives=self.settings.adjectives,
            words=self.words,
            lexicon=self.lexicon,
            disabled=self.disabled,
            max_places=self.settings.max_places,
        )

    def explain(self, text: str) -> list[Explanation]:
        """Every candidate place name in ``text``, with the rules and scores that decided it."""
        recognition = self._recognise(text)
        resolution = Resolution(recognition.mentions, self.gazetteer, self.words)
        resolution.choose()
        support = resolution.support()
        placed = {(g.mention.start, g.mention.end): g.place for g in place_mentions(resolution, online=self.online)}
        explanations = []
        for decision in recognition.decisions:
            candidate, mention = decision.candidate, decision.mention
            group = (mention.kind, mention.key) if mention is not None else None
            span = (candidate.start, candidate.end)
            explanations.append(
                Explanation(
                    start=candidate.start,
                    end=candidate.end,
                    text=text[candidate.start : candidate.end],
                    kind=mention.kind if mention is not None else ("demonym" if candidate.demonyms else "toponym"),
                    rule=decision.verdict.rule,
                    reason=decision.verdict.reason,
                    cues=decision.cues,
                    mapped=span in placed,
                    support=support.get(group, "") if group else "",
                    place=placed.get(span),
                    candidates=tuple(resolution.scored.get(group, ())) if group else (),
                )
            )
        return explanations

    def geoparse_article(self, article: Article) -> list[GeocodedMention]:
        """``geoparse`` of an article's text."""
        return self.geoparse(article.text)
