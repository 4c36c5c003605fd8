"""Shared fixtures: the real offline gazetteer and geoparser, a tiny gazetteer, the seeds."""

from __future__ import annotations

import pytest

from geo.articles import load_articles
from geo.config import Settings
from geo.gazetteer import InMemoryGazetteer
from geo.gazetteer.geonames import GeoNamesGazetteer
from geo.models import Article, Place
from geo.pipeline import Geoparser


@pytest.fixture(autouse=True)
def _own_store(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test touches the user's store (data/atlas.sqlite3): each gets a new one unless it sets its own."""
    monkeypatch.setenv("NEWS_ATLAS_STORE_PATH", str(tmp_path_factory.mktemp("store") / "atlas.sqlite3"))


@pytest.fixture(scope="session")
def settings() -> Settings:
    """Default settings, offline, whatever the environment says."""
    return Settings.load(environ={})


@pytest.fixture(scope="session")
def gazetteer(settings: Settings) -> GeoNamesGazetteer:
    """The real offline gazetteer (built into the cache folder on first use)."""
    return GeoNamesGazetteer.from_settings(settings)


@pytest.fixture(scope="session")
def geoparser(gazetteer: GeoNamesGazetteer, settings: Settings) -> Geoparser:
    return Geoparser(gazetteer, settings=settings)


@pytest.fixture(scope="session")
def seed_articles(settings: Settings) -> dict[str, Article]:
    """The two Calais articles, by id."""
    return {article.id: article for article in load_articles(settings.articles_dir)}


TINY_PLACES = [
    Place("Calais", 50.95194, 1.85635, "FR", "P.PPL", 3029162, "test", population=74_433, admin1="32"),
    Place("Calais", 45.18376, -67.27662, "US", "P.PPL", 4959834, "test", population=2_980, admin1="ME"),
    Place("Sangatte", 50.94564, 1.75321, "FR", "P.PPL", 2976217, "test", population=4_170, admin1="32"),
    Place("France", 46.0, 2.0, "FR", "A.PCLI", 3017382, "test", population=66_000_000),
    Place("United Kingdom", 54.0, -2.0, "GB", "A.PCLI", 2635167, "test", population=66_000_000),
    Place("Maine", 45.0, -69.0, "US", "A.ADM1", 4971068, "test", population=1_362_359, admin1="ME"),
    Place("Syria", 35.0, 38.0, "SY", "A.PCLI", 163843, "test", population=17_000_000),
    Place("Paris", 48.85341, 2.3488, "FR", "P.PPLC", 2988507, "test", population=2_138_551, admin1="11"),
    Place("Paris", 33.66094, -95.55551, "US", "P.PPL", 4717560, "test", population=24_782, admin1="TX"),
    Place("Texas", 31.25, -99.25, "US", "A.ADM1", 4736286, "test", population=29_145_505, admin1="TX"),
]


@pytest.fixture
def tiny_gazetteer() -> InMemoryGazetteer:
    """Ten places, enough for the resolver's homonyms: two Calais, two Paris."""
    return InMemoryGazetteer(
        TINY_PLACES,
        aliases={"United Kingdom": ["Britain", "UK"]},
        demonyms={"Syria": ["Syrian", "Syrians"]},
    )
