"""Tests for geo.gazetteer: normalisation, the geopy contract, the built index."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from geopy.location import Location

from geo.config import Settings
from geo.exc import GazetteerDataError, GeocoderNotFound
from geo.gazetteer import GEOCODERS, Gazetteer, InMemoryGazetteer, get_geocoder, normalise_name
from geo.gazetteer.build import ensure_gazetteer, input_fingerprint, stored_fingerprint
from geo.gazetteer.geonames import GeoNamesGazetteer


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Hénin-Beaumont", "henin beaumont"),
        ("Henin-Beaumont", "henin beaumont"),
        ("HENIN BEAUMONT", "henin beaumont"),
        ("U.K.", "uk"),
        ("the Channel", "the channel"),
        ("Côte d’Ivoire", "cote divoire"),
        ("Côte d'Ivoire", "cote divoire"),
        ("  São   Paulo ", "sao paulo"),
        ("Straße", "strasse"),
    ],
    ids=["accents", "ascii", "upper", "dots", "the", "curly-apostrophe", "straight-apostrophe", "spaces", "eszett"],
)
def test_normalise_name(name: str, key: str) -> None:
    assert normalise_name(name) == key


class BaseGazetteerTest:
    """What every gazetteer backend must do; subclasses provide ``make_gazetteer``."""

    def make_gazetteer(self, request: pytest.FixtureRequest) -> Gazetteer:
        raise NotImplementedError

    @pytest.fixture
    def backend(self, request: pytest.FixtureRequest) -> Gazetteer:
        return self.make_gazetteer(request)

    def test_geocode_returns_location_with_raw(self, backend: Gazetteer) -> None:
        location = backend.geocode("Sangatte")
        assert isinstance(location, Location)
        assert location.raw["name"] == "Sangatte"
        assert location.latitude == pytest.approx(50.95, abs=0.01)

    def test_geocode_list(self, backend: Gazetteer) -> None:
        locations = backend.geocode("Calais", exactly_one=False)
        assert isinstance(locations, list) and len(locations) >= 2
        assert locations[0].raw["country_code"] == "FR"  # the larger Calais first

    def test_miss_is_none_not_an_error(self, backend: Gazetteer) -> None:
        assert backend.geocode("Nowhere-upon-Nothing") is None
        assert backend.candidates("Nowhere-upon-Nothing") == []

    def test_lookup_ignores_case_and_accents(self, backend: Gazetteer) -> None:
        assert backend.candidates("CALAIS")[0].name == "Calais"

    def test_aliases(self, backend: Gazetteer) -> None:
        assert backend.candidates("Britain")[0].country_code == "GB"
        assert backend.candidates("UK")[0].feature == "A.PCLI"

    def test_demonyms(self, backend: Gazetteer) -> None:
        assert [p.name for p in backend.demonym_places("Syrians")][:1] == ["Syria"]
        assert backend.demonym_places("Calais") == []

    def test_reverse_is_not_offered(self, backend: Gazetteer) -> None:
        with pytest.raises(NotImplementedError):
            backend.reverse((50.9, 1.8))


class TestInMemoryGazetteer(BaseGazetteerTest):
    def make_gazetteer(self, request: pytest.FixtureRequest) -> Gazetteer:
        return request.getfixturevalue("tiny_gazetteer")


class TestGeoNamesGazetteer(BaseGazetteerTest):
    def make_gazetteer(self, request: pytest.FixtureRequest) -> Gazetteer:
        return request.getfixturevalue("gazetteer")

    @pytest.mark.parametrize(
        ("name", "expected", "country", "feature"),
        [
            ("Sangatte", "Sangatte", "FR", "P.PPL"),
            ("Lampedusa", "Lampedusa", "IT", "P.PPL"),
            ("Henin-Beaumont", "Hénin-Beaumont", "FR", "P.PPL"),
            ("Hénin Beaumont", "Hénin-Beaumont", "FR", "P.PPL"),
            ("the Channel", "English Channel", "", "H.CHN"),
            ("English Channel", "English Channel", "", "H.CHN"),
            ("La Manche", "English Channel", "", "H.CHN"),
            ("Britain", "United Kingdom", "GB", "A.PCLI"),
            ("U.K.", "United Kingdom", "GB", "A.PCLI"),
            ("Great Britain", "United Kingdom", "GB", "A.PCLI"),
            ("England", "England", "GB", "A.ADM1"),
            ("U.S.", "United States", "US", "A.PCLI"),
            ("Paris", "Paris", "FR", "P.PPLC"),
            ("Europe", "Europe", "", "L.CONT"),
            ("Mediterranean", "Mediterranean Sea", "", "H.SEA"),
            ("the Balkans", "Balkans", "", "L.RGN"),
            ("Middle East", "Middle East", "", "L.RGN"),
            ("W.Va.", "West Virginia", "US", "A.ADM1"),
            ("St. Louis", "St. Louis", "US", "P.PPL"),
            ("Saint Louis", "St. Louis", "US", "P.PPL"),
            ("Laurel County", "Laurel County", "US", "A.ADM2"),
            ("Munich", "Munich", "DE", "P.PPL"),
        ],
    )
    def test_best_candidate(
        self, gazetteer: GeoNamesGazetteer, name: str, expected: str, country: str, feature: str
    ) -> None:
        best = gazetteer.candidates(name)[0]
        assert (best.name, best.country_code, best.feature) == (expected, country, feature)

    def test_calais_has_both_homonyms(self, gazetteer: GeoNamesGazetteer) -> None:
        countries = {p.country_code for p in gazetteer.candidates("Calais")}
        assert {"FR", "US"} <= countries

    def test_alternate_names_of_small_places_are_left_out(self, gazetteer: GeoNamesGazetteer) -> None:
        # Hénin-Beaumont (25,000 people) lists the newspaper "L'Humanité" among its alternate names.
        assert all(p.raw["match"] != "alternate" or p.population >= 15_000 for p in gazetteer.candidates("Humanite"))

    def test_iata_codes_are_not_names(self, gazetteer: GeoNamesGazetteer) -> None:
        assert all(p.name != "Calais" for p in gazetteer.candidates("CQF"))

    @pytest.mark.parametrize(
        ("noun", "country"),
        [
            ("Syrians", "SY"),
            ("Afghans", "AF"),
            ("Afghan", "AF"),
            ("Eritreans", "ER"),
            ("Somalis", "SO"),
            ("British", "GB"),
            ("French", "FR"),
            ("Swedes", "SE"),
        ],
    )
    def test_demonym_countries(self, gazetteer: GeoNamesGazetteer, noun: str, country: str) -> None:
        assert gazetteer.demonym_places(noun)[0].country_code == country

    def test_africans_are_placed_on_the_continent(self, gazetteer: GeoNamesGazetteer) -> None:
        assert gazetteer.demonym_places("Africans")[0].feature == "L.CONT"


def test_registry() -> None:
    assert get_geocoder("memory") is InMemoryGazetteer
    assert "nominatim" in GEOCODERS
    with pytest.raises(GeocoderNotFound, match="options are"):
        get_geocoder("nope")


def test_missing_index_says_how_to_build_it(tmp_path: Path) -> None:
    with pytest.raises(GazetteerDataError, match="build-gazetteer"):
        GeoNamesGazetteer(tmp_path / "absent.sqlite3")


def test_index_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "gazetteer.sqlite3"
    path.write_text("not a database")
    with pytest.raises(GazetteerDataError, match="not a gazetteer index"):
        GeoNamesGazetteer(path)
    assert stored_fingerprint(path) is None


def test_index_is_rebuilt_when_stale(tmp_path: Path) -> None:
    """A fingerprint that does not match the inputs makes ``ensure_gazetteer`` rebuild."""
    settings = Settings.load(environ={}, cache_dir=tmp_path)
    path = ensure_gazetteer(settings)
    assert stored_fingerprint(path) == input_fingerprint()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE meta SET value = 'old' WHERE key = 'fingerprint'")
    conn.close()
    built = path.stat().st_mtime_ns
    ensure_gazetteer(settings)
    assert stored_fingerprint(path) == input_fingerprint()
    assert path.stat().st_mtime_ns != built
    assert GeoNamesGazetteer(path).candidates("Sangatte")
