"""The corpus the app shows: article files geoparsed into ``GeoparsedArticle`` records.

Input: a folder of article files (``.md`` with front matter, ``.txt``).
Output: the geoparsed articles, and one message per file that could not be
read, naming it and the reason, so that nothing is dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from geo.articles import article_paths, load_article
from geo.atlas import GeoparsedArticle
from geo.exc import ArticleError
from geo.pipeline import Geoparser


@dataclass(frozen=True, slots=True)
class Corpus:
    """Geoparsed articles, in file-name order, and the files that failed."""

    articles: tuple[GeoparsedArticle, ...]
    errors: tuple[str, ...]

    def by_id(self) -> dict[str, GeoparsedArticle]:
        return {item.article.id: item for item in self.articles}


def load_corpus(folder: Path, geoparser: Geoparser) -> Corpus:
    """Load and geoparse every article file in ``folder``.

    A file that cannot be read becomes a message in ``errors``; the others
    still load.  A missing folder is an empty corpus with one message.
    """
    try:
        paths = article_paths(folder)
    except ArticleError as err:
        return Corpus((), (f"{err} Set NEWS_ATLAS_ARTICLES_DIR.",))
    articles = []
    errors = []
    seen: set[str] = set()
    for path in paths:
        try:
            article = load_article(path)
        except ArticleError as err:
            errors.append(str(err))
            continue
        if article.id in seen:
            errors.append(f"{path}: another article already has the id {article.id!r}; this one is skipped.")
            continue
        seen.add(article.id)
        articles.append(GeoparsedArticle(article, tuple(geoparser.geoparse_article(article))))
    return Corpus(tuple(articles), tuple(errors))
