"""Tests for geo.gazetteer.online: real HTTP to a fake Nominatim on 127.0.0.1."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fake_nominatim import FakeNominatim, Reply, record
from geopy.geocoders import Nominatim
from geopy.location import Location

from geo.config import Settings
from geo.exc import ConfigurationError
from geo.gazetteer import GEOCODERS, get_geocoder
from geo.gazetteer.online import OnlineGeocoder, no_retry_adapter
from geo.models import Place

ANSWER_TIMEOUT = 10.0  # generous: a busy CI machine must not turn an answer into a timeout
GIVE_UP_TIMEOUT = 0.5  # for the replies that are meant to time out (they are delayed 3 s)
USER_AGENT = "news-atlas-tests/1.0"
CALAIS = record(
    "50.9524769",
    "1.8538446",
    "Calais, Pas-de-Calais, Hauts-de-France, France métropolitaine, 62100, France",
    name="Calais",
    addresstype="town",
    address={"town": "Calais", "country": "France", "country_code": "fr"},
    **{"class": "place", "type": "town"},
)


@pytest.fixture
def server() -> Iterator[FakeNominatim]:
    with FakeNominatim() as fake:
        yield fake


@pytest.fixture
def cache_path(tmp_path: Path) -> Path:
    return tmp_path / "cache" / "online.sqlite3"


def make_online(domain: str, cache_path: Path, timeout: float = ANSWER_TIMEOUT, **options: Any) -> OnlineGeocoder:
    """An OnlineGeocoder over geopy's Nominatim at ``domain``, fast for tests."""
    nominatim = Nominatim(
        domain=domain, scheme="http", user_agent=USER_AGENT, timeout=timeout, adapter_factory=no_retry_adapter
    )
    options = {"min_delay_seconds": 0.0, "max_retries": 0, "error_wait_seconds": 0.0, **options}
    return OnlineGeocoder(nominatim, cache_path=cache_path, **options)


def closed_port() -> int:
    """A port nothing listens on: bind a free one, then close it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_good_answer_gives_location(server: FakeNominatim, cache_path: Path) -> None:
    server.replies["Calais"] = [Reply(body=[CALAIS])]
    location = make_online(server.domain, cache_path).geocode("Calais")
    assert isinstance(location, Location)
    assert (location.latitude, location.longitude) == pytest.approx((50.9524769, 1.8538446))
    assert location.raw["display_name"] == CALAIS["display_name"]


def test_exactly_one_false_gives_list(server: FakeNominatim, cache_path: Path) -> None:
    maine = record("45.1887", "-67.2783", "Calais, Washington County, Maine, United States")
    server.replies["Calais"] = [Reply(body=[CALAIS, maine])]
    locations = make_online(server.domain, cache_path).geocode("Calais", exactly_one=False)
    assert [round(x.latitude, 2) for x in locations] == [50.95, 45.19]


@pytest.mark.parametrize(
    ("extra", "feature"),
    [
        ({"class": "place", "type": "city"}, "P.PPL"),
        ({"class": "place", "type": "village"}, "P.PPL"),
        ({"class": "boundary", "type": "administrative"}, "A.ADMD"),
        ({"class": "boundary", "type": "administrative", "addresstype": "country"}, "A.PCLI"),
        ({"class": "natural", "type": "strait"}, "H.STRT"),
        ({"class": "natural", "type": "water"}, "H.LK"),
        ({"class": "amenity", "type": "cafe"}, ""),
        ({}, ""),
    ],
    ids=["city", "village", "admin-boundary", "country-boundary", "strait", "water", "unknown", "no-class"],
)
def test_place_maps_feature(server: FakeNominatim, cache_path: Path, extra: dict[str, str], feature: str) -> None:
    body = record("50.95", "1.85", "Somewhere, France", address={"country_code": "fr"}, **extra)
    server.replies["Somewhere"] = [Reply(body=[body])]
    place = make_online(server.domain, cache_path).place("Somewhere")
    assert isinstance(place, Place)
    assert place.feature == feature
    assert (place.name, place.country_code, place.source, place.geonameid) == ("Somewhere", "FR", "nominatim", None)


def test_place_from_settings_asks_for_address_details(server: FakeNominatim, tmp_path: Path) -> None:
    server.replies["Calais"] = [Reply(body=[CALAIS])]
    settings = Settings.load(
        environ={},
        cache_dir=tmp_path,
        nominatim_domain=server.domain,
        nominatim_scheme="http",
        online_timeout=ANSWER_TIMEOUT,
        online_min_delay=0.0,
    )
    place = OnlineGeocoder.from_settings(settings, max_retries=0).place("Calais")
    assert place == Place("Calais", 50.9524769, 1.8538446, "FR", "P.PPL", None, "nominatim")
    assert server.requests[0].params["addressdetails"] == "1"
    assert settings.online_cache_path.is_file()


def test_place_without_address_details_has_no_country(server: FakeNominatim, cache_path: Path) -> None:
    server.replies["Calais"] = [Reply(body=[record("50.95", "1.85", "Calais, France")])]
    place = make_online(server.domain, cache_path).place("Calais")
    assert (place.name, place.country_code, place.feature) == ("Calais", "", "")


def test_user_agent_is_sent(server: FakeNominatim, tmp_path: Path) -> None:
    settings = Settings.load(
        environ={},
        cache_dir=tmp_path,
        nominatim_domain=server.domain,
        nominatim_scheme="http",
        user_agent="news-atlas-ua-check/9",
        online_min_delay=0.0,
    )
    OnlineGeocoder.from_settings(settings, max_retries=0).geocode("Calais")
    assert [r.headers["User-Agent"] for r in server.requests] == ["news-atlas-ua-check/9"]


def test_empty_answer_gives_none(server: FakeNominatim, cache_path: Path) -> None:
    online = make_online(server.domain, cache_path)
    assert online.geocode("Cazeneuve") is None
    assert online.place("Cazeneuve") is None
    assert server.count("Cazeneuve") == 1


FAILURES = [
    pytest.param(Reply(delay=3.0, body=[CALAIS]), "GeocoderTimedOut", id="timeout"),
    pytest.param(Reply(status=429, body={"error": "slow down"}), "GeocoderRateLimited", id="http-429"),
    pytest.param(Reply(status=500, body={"error": "boom"}), "GeocoderServiceError", id="http-500"),
    pytest.param(Reply(status=503, body={"error": "busy"}), "GeocoderTimedOut", id="http-503"),
    pytest.param(Reply(body=[{"display_name": "Calais"}]), "without coordinates", id="no-coordinates"),
    pytest.param(Reply(body=[{"lat": "north", "lon": "1.8", "display_name": "x"}]), "malformed", id="bad-lat"),
]


@pytest.mark.parametrize(("reply", "reason"), FAILURES)
def test_failure_falls_back_to_none_with_warning(
    server: FakeNominatim, cache_path: Path, caplog: pytest.LogCaptureFixture, reply: Reply, reason: str
) -> None:
    server.replies["Calais"] = [reply]
    with caplog.at_level(logging.WARNING, logger="geo.gazetteer.online"):
        assert make_online(server.domain, cache_path, timeout=GIVE_UP_TIMEOUT).geocode("Calais") is None
    messages = [r.getMessage() for r in caplog.records if r.name == "geo.gazetteer.online"]
    assert any("'Calais'" in m and reason in m for m in messages), messages


def test_connection_refused_falls_back_to_none(cache_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    online = make_online(f"127.0.0.1:{closed_port()}", cache_path)
    with caplog.at_level(logging.WARNING, logger="geo.gazetteer.online"):
        assert online.geocode("Calais") is None
        assert online.place("Calais") is None
    assert any("'Calais'" in r.getMessage() and "GeocoderUnavailable" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("body", [[CALAIS], []], ids=["answer", "no-answer"])
def test_second_query_is_answered_from_cache(server: FakeNominatim, cache_path: Path, body: list[Any]) -> None:
    server.replies["Calais"] = [Reply(body=body)]
    online = make_online(server.domain, cache_path)
    first = online.geocode("Calais")
    assert online.geocode("Calais") == first
    assert online.geocode("  calais ") == first  # case and spacing do not make a new question
    assert server.count("Calais") == 1


def test_cache_persists_across_instances(server: FakeNominatim, cache_path: Path) -> None:
    server.replies["Calais"] = [Reply(body=[CALAIS])]
    first = make_online(server.domain, cache_path).place("Calais")
    second = make_online(server.domain, cache_path).place("Calais")
    assert second == first
    assert second.raw == first.raw
    assert server.count("Calais") == 1


def test_cache_answers_when_server_is_gone(cache_path: Path) -> None:
    with FakeNominatim() as server:
        server.replies["Calais"] = [Reply(body=[CALAIS])]
        make_online(server.domain, cache_path).geocode("Calais")
    location = make_online(f"127.0.0.1:{closed_port()}", cache_path).geocode("Calais")
    assert location.latitude == pytest.approx(50.9524769)


def test_cache_keeps_list_and_single_answers_apart(server: FakeNominatim, cache_path: Path) -> None:
    server.replies["Calais"] = [Reply(body=[CALAIS])]
    online = make_online(server.domain, cache_path)
    assert isinstance(online.geocode("Calais"), Location)
    assert isinstance(online.geocode("Calais", exactly_one=False), list)
    assert server.count("Calais") == 2


@pytest.mark.parametrize(
    "failure",
    [Reply(status=500), Reply(status=429), Reply(delay=3.0, body=[CALAIS])],
    ids=["http-500", "http-429", "timeout"],
)
def test_transient_failures_are_not_cached(server: FakeNominatim, cache_path: Path, failure: Reply) -> None:
    server.replies["Calais"] = [failure, Reply(body=[CALAIS])]
    assert make_online(server.domain, cache_path, timeout=GIVE_UP_TIMEOUT).geocode("Calais") is None
    location = make_online(server.domain, cache_path).geocode("Calais")
    assert location.latitude == pytest.approx(50.9524769)
    assert server.count("Calais") == 2


def test_timed_out_request_is_sent_once(server: FakeNominatim, tmp_path: Path) -> None:
    # geopy's default adapter would resend it twice at once, behind the rate limiter.
    server.replies["Calais"] = [Reply(delay=3.0, body=[CALAIS])]
    settings = Settings.load(
        environ={},
        cache_dir=tmp_path,
        nominatim_domain=server.domain,
        nominatim_scheme="http",
        online_timeout=GIVE_UP_TIMEOUT,
        online_min_delay=0.0,
    )
    assert OnlineGeocoder.from_settings(settings, max_retries=0).geocode("Calais") is None
    assert server.count("Calais") == 1


def test_rate_limiter_retries_service_errors(server: FakeNominatim, cache_path: Path) -> None:
    server.replies["Calais"] = [Reply(status=500), Reply(body=[CALAIS])]
    location = make_online(server.domain, cache_path, max_retries=1).geocode("Calais")
    assert location.latitude == pytest.approx(50.9524769)
    assert server.count("Calais") == 2


@pytest.mark.parametrize(
    "spoil",
    [
        lambda path: path.write_bytes(b"this is not a database\n" * 100),
        lambda path: path.mkdir(),
    ],
    ids=["not-a-database", "a-directory"],
)
def test_unusable_cache_file_does_not_crash(
    server: FakeNominatim, cache_path: Path, caplog: pytest.LogCaptureFixture, spoil: Any
) -> None:
    cache_path.parent.mkdir(parents=True)
    spoil(cache_path)
    server.replies["Calais"] = [Reply(body=[CALAIS])]
    online = make_online(server.domain, cache_path)
    with caplog.at_level(logging.WARNING, logger="geo.gazetteer.online"):
        assert online.geocode("Calais").latitude == pytest.approx(50.9524769)
        assert online.place("Calais").name == "Calais"
    assert any("unusable" in r.getMessage() for r in caplog.records)
    assert server.count("Calais") == 2  # no cache: asked again


def test_nothing_happens_before_first_query(server: FakeNominatim, cache_path: Path) -> None:
    online = make_online(server.domain, cache_path)
    assert not cache_path.parent.exists()
    assert server.requests == []
    online.geocode("Calais")
    assert cache_path.is_file()


def test_blank_query_asks_nothing(server: FakeNominatim, cache_path: Path) -> None:
    assert make_online(server.domain, cache_path).geocode("   ") is None
    assert server.requests == []


@pytest.mark.parametrize(
    "options",
    [
        {"min_delay_seconds": -1.0},
        {"max_retries": -1},
        {"min_delay_seconds": 1.0, "error_wait_seconds": 0.5},
    ],
    ids=["negative-delay", "negative-retries", "wait-below-delay"],
)
def test_bad_rate_limit_options_raise(cache_path: Path, options: dict[str, float]) -> None:
    with pytest.raises(ConfigurationError, match="Rate limit options"):
        make_online("127.0.0.1:1", cache_path, **options)


def test_from_settings_rejects_default_user_agent(tmp_path: Path) -> None:
    settings = Settings.load(environ={}, cache_dir=tmp_path, user_agent="")
    with pytest.raises(ConfigurationError, match="NEWS_ATLAS_USER_AGENT"):
        OnlineGeocoder.from_settings(settings)


def test_registered_as_nominatim() -> None:
    assert GEOCODERS["nominatim"] is OnlineGeocoder
    assert get_geocoder("nominatim") is OnlineGeocoder
