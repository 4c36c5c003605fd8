"""Tests for geo.gazetteer: normalisation, the geopy contract, the built index."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from geopy.location import Location

from geo.config import PACKAGE_DATA_DIR, Settings
from geo.exc import GazetteerDataError, GeocoderNotFound
from geo.features import is_natural, is_water
from geo.gazetteer import GEOCODERS, Gazetteer, InMemoryGazetteer, get_geocoder, normalise_name
from geo.gazetteer.airports import _airport_names
from geo.gazetteer.build import _name_rules, _read_table, ensure_gazetteer, input_fingerprint, stored_fingerprint
from geo.gazetteer.counties import county_key, read_counties
from geo.gazetteer.divisions import Division
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

    def test_prefetch_changes_no_lookup(self, backend: Gazetteer) -> None:
        keys = ["calais", "syrians", "uk", "nowhere upon nothing", "calais"]
        expected = {key: backend.lookup(key) for key in keys}
        backend.prefetch(keys)
        assert {key: backend.lookup(key) for key in keys} == expected
        assert backend.lookup("nowhere upon nothing") == ()


    @pytest.mark.parametrize(
        ("country_code", "admin1", "division", "country"),
        [("US", "ME", "Maine", ""), ("US", "TX", "Texas", ""), ("FR", "", "", "France"),
         ("GB", "", "", "United Kingdom"), ("FR", "99", "", "France"), ("ZZ", "ME", "", ""), ("", "", "", "")],
        ids=["maine", "texas", "country", "another-country", "unknown-code", "unknown-country", "nothing"],
    )  # fmt: skip
    def test_region_names(
        self, backend: Gazetteer, country_code: str, admin1: str, division: str, country: str
    ) -> None:
        assert backend.division_name(country_code, admin1) == division
        if country:
            assert backend.country_name(country_code) == country
        elif country_code != "US":  # the tiny gazetteer has no United States
            assert backend.country_name(country_code) == ""


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
            ("Mississippi River", "Mississippi River", "US", "H.STM"),
            ("Lesbos", "Lesbos", "GR", "T.ISL"),
            ("U.S.", "United States", "US", "A.PCLI"),
            ("Paris", "Paris", "FR", "P.PPLC"),
            ("Europe", "Europe", "", "L.CONT"),
            ("Mediterranean", "Mediterranean Sea", "", "H.SEA"),
            ("the Balkans", "Balkans", "", "L.RGN"),
            ("Middle East", "Middle East", "", "L.RGN"),
            ("W.Va.", "West Virginia", "US", "A.ADM1"),
            ("Laurel County", "Laurel County", "US", "A.ADM2"),
            ("Munich", "Munich", "DE", "P.PPL"),
        ],
    )
    def test_best_candidate(
        self, gazetteer: GeoNamesGazetteer, name: str, expected: str, country: str, feature: str
    ) -> None:
        best = gazetteer.candidates(name)[0]
        assert (best.name, best.country_code, best.feature) == (expected, country, feature)

    def test_prefetch_reads_as_lookup_does(self, settings: Settings) -> None:
        """One query for many keys gives each key the places, in the order, that a query of its own gives."""
        keys = ["san jose", "calais", "washington", "syrians", "the channel", "w va", "nowhere upon nothing"]
        one_by_one = GeoNamesGazetteer.from_settings(settings)
        batched = GeoNamesGazetteer.from_settings(settings)
        batched.prefetch(keys)
        for key in keys:
            assert [p.raw for p in batched.lookup(key)] == [p.raw for p in one_by_one.lookup(key)]
            assert batched.lookup(key) == one_by_one.lookup(key)

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

    # name -> a candidate with this feature, country, GeoNames admin1 code (admin2 for counties) and id.
    @pytest.mark.parametrize(
        ("name", "feature", "country", "code", "geonameid"),
        [
            ("Tamil Nadu", "A.ADM1", "IN", "25", 1255053),
            ("Maharashtra", "A.ADM1", "IN", "16", 1264418),
            ("Alberta", "A.ADM1", "CA", "01", 5883102),
            ("Sichuan", "A.ADM1", "CN", "32", 1794299),
            ("Sichuan Sheng", "A.ADM1", "CN", "32", 1794299),
            ("Dagestan", "A.ADM1", "RU", "17", 567293),
            ("Bavaria", "A.ADM1", "DE", "02", 2951839),
            ("Gilgit-Baltistan", "A.ADM1", "PK", "07", 1168878),
            ("Northwest Territories", "A.ADM1", "CA", "13", 6091069),
            ("California", "A.ADM1", "US", "CA", 5332921),
            ("Central Region", "A.ADM1", "GH", "04", 2302353),
            ("B.C.", "A.ADM1", "CA", "02", 5909050),
            ("Ont.", "A.ADM1", "CA", "08", 6093943),
            ("Que.", "A.ADM1", "CA", "10", 6115047),
            ("Alta.", "A.ADM1", "CA", "01", 5883102),
            ("N.S.W.", "A.ADM1", "AU", "02", 2155400),
            ("W.Va.", "A.ADM1", "US", "WV", 4826850),
            ("Cambridgeshire", "A.ADM2", "GB", "C3", 2653940),
            ("Karak District", "A.ADM2", "PK", "7419047", 7419047),
            ("Laurel County", "A.ADM2", "US", "125", 4297480),  # US counties: zipcodes' point, GeoNames' id
            ("Henry County", "A.ADM2", "US", "079", 4628829),  # Tennessee's, one of ten
            ("St. Tammany Parish", "A.ADM2", "US", "103", 4340579),
            ("Saint Tammany Parish", "A.ADM2", "US", "103", 4340579),
            ("Dona Ana County", "A.ADM2", "US", "013", 5465283),
            ("Alexandria City", "A.ADM2", "US", "510", 4744106),  # Virginia's independent city
            ("Fairfax City", "A.ADM2", "US", "600", 4758109),  # not Fairfax County (059)
            ("Fairfax County", "A.ADM2", "US", "059", 4758041),
            ("Baltimore City", "A.ADM2", "US", "510", 4347820),
            ("Juneau City and Borough", "A.ADM2", "US", "110", 5554074),
        ],
        ids=lambda v: str(v),
    )
    def test_divisions(
        self, gazetteer: GeoNamesGazetteer, name: str, feature: str, country: str, code: str, geonameid: int
    ) -> None:
        found = [
            (p.feature, p.country_code, p.admin2 if p.feature == "A.ADM2" else p.admin1, p.geonameid)
            for p in gazetteer.candidates(name)
        ]
        assert (feature, country, code, geonameid) in found

    @pytest.mark.parametrize(
        ("name", "feature", "country"),
        [
            ("Heathrow", "S.AIRP", "GB"),
            ("London Heathrow", "S.AIRP", "GB"),
            ("Heathrow Airport", "S.AIRP", "GB"),
            ("Vancouver International Airport", "S.AIRP", "CA"),
            ("Schiphol", "S.AIRP", "NL"),
            ("Lesbos", "T.ISL", "GR"),
            ("Lesbos", "A.ADM2", "GR"),
            ("Mississippi River", "H.STM", "US"),
            ("Yangtze", "H.STM", "CN"),
            ("Mount Everest", "T.MT", ""),
            ("the Himalayas", "T.MTS", ""),
            ("Korean Peninsula", "T.PEN", ""),
            ("Lake Victoria", "H.LK", ""),
            ("Gobi Desert", "T.DSRT", ""),
            ("Lampedusa", "P.PPL", "IT"),
            ("St. Louis", "P.PPL", "US"),
            ("Saint Louis", "P.PPL", "US"),
            ("Saint-Louis Region", "A.ADM1", "SN"),
            ("Florida Department", "A.ADM1", "UY"),
            ("Florida", "A.ADM1", "US"),
            ("Ontario", "A.ADM1", "CA"),  # the province of 10 million keeps its name beside Ontario, California
        ],
        ids=lambda v: str(v),
    )
    def test_features_airports_islands(
        self, gazetteer: GeoNamesGazetteer, name: str, feature: str, country: str
    ) -> None:
        assert (feature, country) in {(p.feature, p.country_code) for p in gazetteer.candidates(name)}

    @pytest.mark.parametrize(
        ("name", "features"),
        [
            ("Central", {"A.ADM1", "A.ADM2"}),  # a generic word alone
            ("II", {"A.ADM1"}),  # "Region II"
            ("Jewish", {"A.ADM1"}),  # "Jewish Autonomous Oblast" is no "Jewish"
            ("Somali", {"A.ADM1"}),  # a people's name before a region's (Ethiopia's Somali Region)
            ("Trinity", {"A.ADM1"}),  # a Jersey parish: few people, few towns
            ("Most", {"A.ADM2"}),  # "Okres Most": a town's name and a common word
            ("Story", {"A.ADM2"}),  # Story County, Iowa: only with "County"
            ("Paris", {"A.ADM2"}),  # the département does not shadow the city
            ("Municipal", {"S.AIRP"}),
            ("Regional", {"S.AIRP"}),
            ("Dubai", {"S.AIRP"}),  # "Dubai International Airport": the city's word
            ("State of Ohio", {"A.ADM1"}),  # indexed as "Ohio"
            ("Province of Sichuan", {"A.ADM1"}),  # indexed as "Sichuan"
        ],
        ids=lambda v: v if isinstance(v, str) else "",
    )
    def test_names_that_are_not_divisions_or_airports(
        self, gazetteer: GeoNamesGazetteer, name: str, features: set[str]
    ) -> None:
        assert not [p for p in gazetteer.candidates(name) if p.feature in features]

    @pytest.mark.parametrize(
        ("name", "country"),
        [
            ("St. Louis", "SN"),  # Senegal's region of 0.5 million; St. Louis, Missouri has 0.3
            ("Saint Louis", "SN"),
            ("Florida", "UY"),  # Uruguay's department beside the US state of 16 million
            ("San Jose", "UY"),  # beside San Jose, California
        ],
        ids=lambda v: str(v),
    )
    def test_division_names_that_a_bigger_place_abroad_holds(
        self, gazetteer: GeoNamesGazetteer, name: str, country: str
    ) -> None:
        assert not [p for p in gazetteer.candidates(name) if p.country_code == country and p.feature == "A.ADM1"]

    @pytest.mark.parametrize(
        ("city", "country", "division"),
        [
            ("Chennai", "IN", "Tamil Nadu"),
            ("Pune", "IN", "Maharashtra"),
            ("Calgary", "CA", "Alberta"),
            ("Red Deer", "CA", "Alberta"),
            ("Chengdu", "CN", "Sichuan"),
            ("Makhachkala", "RU", "Dagestan"),
            ("Munich", "DE", "Bavaria"),
            ("Morgantown", "US", "West Virginia"),
            ("Cambridge", "GB", "Cambridgeshire"),
            ("Mytilene", "GR", "Lesbos"),
        ],
    )
    def test_city_and_division_codes_agree(
        self, gazetteer: GeoNamesGazetteer, city: str, country: str, division: str
    ) -> None:
        town = next(p for p in gazetteer.candidates(city) if p.country_code == country)
        area = next(p for p in gazetteer.candidates(division) if p.feature in {"A.ADM1", "A.ADM2"})
        assert (area.country_code, area.admin1) == (town.country_code, town.admin1)
        if area.feature == "A.ADM2":
            assert area.admin2 == town.admin2

    @pytest.mark.parametrize(
        ("town", "county", "state"),
        [
            ("Paris", "Henry County", "TN"),
            ("London", "Laurel County", "KY"),
            ("Metairie", "Jefferson Parish", "LA"),
            ("Decatur", "DeKalb County", "GA"),
            ("Alexandria", "Alexandria City", "VA"),
            ("Anchorage", "Anchorage Municipality", "AK"),
        ],
    )
    def test_us_town_and_county_codes_agree(
        self, gazetteer: GeoNamesGazetteer, town: str, county: str, state: str
    ) -> None:
        place = next(p for p in gazetteer.candidates(town) if (p.country_code, p.admin1) == ("US", state))
        area = next(p for p in gazetteer.candidates(county) if p.feature == "A.ADM2" and p.admin1 == state)
        assert area.geonameid is not None and area.source == "zipcodes"
        assert (area.admin1, area.admin2) == (place.admin1, place.admin2)

    def test_us_county_spellings_are_one_place(self, gazetteer: GeoNamesGazetteer) -> None:
        """zipcodes spells some counties two ways: both names stay, for one place."""
        for spellings in (("DeKalb County", "Dekalb County"), ("Alexandria City", "Alexandria city")):
            found = [{p.geonameid for p in gazetteer.candidates(n) if p.feature == "A.ADM2"} for n in spellings]
            assert found[0] == found[1] and None not in found[0]

    def test_nearly_every_us_county_has_its_geonames_id(self, gazetteer: GeoNamesGazetteer) -> None:
        """All but Puerto Rico's municipios, Connecticut's old counties and a few of zipcodes' odd entries."""
        total, with_id, with_code = gazetteer._conn.execute(
            "SELECT COUNT(*), COUNT(geonameid), SUM(admin2 != '') FROM places "
            "WHERE source = 'zipcodes' AND admin1 != 'PR'"
        ).fetchone()
        assert total > 3100 and with_id == with_code
        assert with_id / total > 0.99

    def test_every_division_holds_towns_of_its_code(self, gazetteer: GeoNamesGazetteer) -> None:
        """Nearly every first-level division has cities that carry its admin1 code."""
        rows = gazetteer._conn.execute(
            "SELECT COUNT(*), SUM(EXISTS (SELECT 1 FROM places c WHERE c.feature LIKE 'P.%' "
            "AND c.country_code = d.country_code AND c.admin1 = d.admin1)) "
            "FROM places d WHERE d.feature = 'A.ADM1' AND d.source = 'geonames'"
        ).fetchone()
        total, with_towns = rows
        assert total > 3000
        assert with_towns / total > 0.97

    def test_prominence(self, gazetteer: GeoNamesGazetteer) -> None:
        calais = {p.country_code: p.prominence for p in gazetteer.candidates("Calais")}
        assert calais["FR"] == 31 and calais["US"] == 15
        assert gazetteer.candidates("Sichuan")[0].prominence > 1

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


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("Sichuan Sheng", "Sichuan"),
        ("Dagestan, Respublika", "Dagestan"),
        ("Province of Sichuan", "Sichuan"),
        ("Moscow Oblast", "Moscow"),
        ("Karak District", "Karak"),
        ("Central Region", None),
        ("Region II", None),
        ("Eastern Province", None),
        ("Alberta", None),
        ("State", None),
    ],
    ids=lambda v: str(v),
)
def test_division_short_form(name: str, short: str | None) -> None:
    assert _name_rules().short_form(name) == short


@pytest.mark.parametrize(
    ("name", "city", "country", "present", "absent"),
    [
        ("London Heathrow Airport", "London", "GB", {"Heathrow", "London Heathrow", "Heathrow Airport"}, set()),
        ("Vancouver International Airport", "Richmond", "CA", {"Vancouver Airport"}, {"Vancouver"}),
        ("Amsterdam Airport Schiphol", "Amsterdam", "NL", {"Schiphol", "Amsterdam Schiphol"}, {"Amsterdam"}),
        ("Dubai International Airport", "Dubai", "AE", set(), {"Dubai"}),
        ("Chicago O'Hare International Airport", "Chicago", "US", {"O'Hare"}, set()),
        ("Smith Field Municipal Airport", "Smith", "US", set(), {"Municipal", "Field"}),
        ("Luton Airport", "Luton", "GB", set(), {"Luton"}),
        ("Parry Sound Area Municipal Airport", "Parry Sound", "CA", set(), {"Area", "Municipal"}),
        ("French Valley Airport", "Murrieta", "US", set(), {"French", "Valley"}),
        ("Midland International Air And Space Port Airport", "Midland", "US", set(), {"Space", "Port"}),
        ("Ardmore Municipal Airport", "Ardmore", "US", set(), {"Municipal"}),
    ],
    ids=[
        "heathrow",
        "vancouver",
        "schiphol",
        "dubai",
        "ohare",
        "municipal",
        "town-named",
        "area",
        "french",
        "space",
        "city-and-kind",
    ],  # fmt: skip
)
def test_airport_names(name: str, city: str, country: str, present: set[str], absent: set[str]) -> None:
    towns = {("AE", "dubai"): 3_000_000, ("GB", "luton"): 200_000, ("CA", "vancouver"): 600_000}
    names = set(_airport_names(name, city, country, towns))
    assert name in names
    assert present <= names
    assert not absent & names


def test_feature_table_is_sourced_and_valid() -> None:
    rows = _read_table("features.csv")
    assert len(rows) > 150
    regions = {r["name"] for r in _read_table("regions.csv")}
    names = [r["name"] for r in rows]
    assert len(set(names)) == len(names) and not set(names) & regions
    for row in rows:
        assert row["source"], row["name"]
        assert -90 <= float(row["lat"]) <= 90 and -180 <= float(row["lon"]) <= 180, row["name"]
        assert is_natural(row["feature"]) or is_water(row["feature"]), row["name"]


def test_abbreviations_keep_their_full_stops() -> None:
    """An abbreviation is found only as written with its full stops, never as a bare word."""
    abbreviations = [r["alias"] for r in _read_table("aliases.csv") if r["kind"] == "abbr"]
    assert {"B.C.", "Ont.", "Que.", "Alta.", "N.S.W.", "W.Va."} <= set(abbreviations)
    assert all(a.endswith(".") for a in abbreviations)


def test_tables_are_all_fingerprinted() -> None:
    from geo.gazetteer.build import _input_files

    inputs = {p.name for p in _input_files()}
    assert {p.name for p in PACKAGE_DATA_DIR.glob("*.csv")} <= inputs
    assert {"divisions.py", "counties.py", "airports.py"} <= inputs


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Laurel County", ("laurel", "county")),
        ("St. Mary's County", ("saintmarys", "county")),
        ("Saint Mary's County", ("saintmarys", "county")),
        ("DeKalb County", ("dekalb", "county")),
        ("De Kalb County", ("dekalb", "county")),
        ("Doña Ana County", ("donaana", "county")),
        ("St. Tammany Parish", ("sainttammany", "parish")),
        ("Alexandria city", ("alexandria", "city")),
        ("City of Alexandria", ("alexandria", "city")),
        ("Anchorage Municipality", ("anchorage", "municipality")),
        ("Municipality of Anchorage", ("anchorage", "municipality")),
        ("City and Borough of Juneau", ("juneau", "city and borough")),
        ("Nome Census Area", ("nome", "census area")),
        ("District of Columbia", ("districtofcolumbia", "")),
    ],
)
def test_county_key(name: str, key: tuple[str, str]) -> None:
    assert county_key(name) == key


def _division(name: str, geonameid: int, state: str, admin2: str, aliases: tuple[str, ...] = ()) -> Division:
    return Division(name, geonameid, "US", state, admin2, 2, "", "", aliases, towns=[geonameid + 1])


def test_read_counties_matches_by_state_name_and_kind() -> None:
    """zipcodes' counties against a few GeoNames ones: the kind and the state must agree."""
    divisions = [
        _division("Laurel County", 4297480, "KY", "125", ("Laurel",)),
        _division("Fairfax County", 4758041, "VA", "059", ("Fairfax",)),
        _division("Henry County", 4628829, "TN", "079"),
    ]
    counties = read_counties(divisions, {4297481: 10_000})
    by_name = {(c.state, name): c for c in counties for name in c.names}
    laurel = by_name[("KY", "Laurel County")]
    assert (laurel.geonameid, laurel.admin2, laurel.population, laurel.prominence) == (4297480, "125", 10_000, 2)
    assert by_name[("VA", "Fairfax County")].geonameid == 4758041
    assert by_name[("VA", "Fairfax City")].geonameid is None  # a city of its own, not the county
    assert by_name[("TN", "Henry County")].admin2 == "079"
    assert by_name[("GA", "Henry County")].geonameid is None  # Tennessee's county is not Georgia's
    assert by_name[("KY", "Boone County")].geonameid is None
    assert all(c.admin2 == "" for c in counties if c.geonameid is None)


def test_lookup_cache_keeps_the_newest_keys(gazetteer: GeoNamesGazetteer, monkeypatch: pytest.MonkeyPatch) -> None:
    # The oldest key goes out first, in constant time: a list of 85,000 names once spent 7 s finding it.
    fresh = GeoNamesGazetteer(gazetteer.path)
    monkeypatch.setattr("geo.gazetteer.geonames.CACHE_SIZE", 3)
    for key in ("calais", "dover", "lille", "paris", "lens"):
        fresh.lookup(key)
    assert list(fresh._cache) == ["lille", "paris", "lens"]
    assert fresh.lookup("calais")[0].country_code == "FR"  # read again from the index
