"""Online fallback: a name the offline gazetteer cannot place (``str``) -> ``Location`` / ``Place`` / ``None``.

A query goes to a persistent SQLite cache, then through geopy's ``RateLimiter``
(Nominatim allows one request a second) to the wrapped geopy geocoder.  Answers
and definitive "no result" answers are cached, so no name is asked twice;
transient failures (timeouts, HTTP 429/5xx, refused connections, malformed
answers) are not, so a later call asks again.  Failures log a warning and give
``None``.  Nothing touches network or disk before the first query; whether the
online step runs at all (``Settings.online``, off by default) is the caller's choice.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from collections.abc import Mapping
from contextlib import closing
from pathlib import Path
from typing import Any

from geopy.adapters import BaseSyncAdapter, RequestsAdapter, URLLibAdapter
from geopy.exc import ConfigurationError as GeopyConfigurationError
from geopy.exc import GeopyError
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim
from geopy.geocoders.base import Geocoder
from geopy.location import Location
from geopy.point import Point

from geo.config import Settings
from geo.exc import ConfigurationError
from geo.models import Place

logger = logging.getLogger(__name__)

SOURCE = "nominatim"
# Nominatim (class, type) -> GeoNames "class.code", for what news mentions.  Any
# other pair gives "" (unknown feature): better no rank than a wrong one.
FEATURES: dict[tuple[str, str], str] = {
    ("place", "continent"): "L.CONT", ("place", "country"): "A.PCLI", ("place", "state"): "A.ADM1",
    ("place", "region"): "L.RGN", ("place", "city"): "P.PPL", ("place", "town"): "P.PPL",
    ("place", "village"): "P.PPL", ("place", "hamlet"): "P.PPL", ("place", "suburb"): "P.PPLX",
    ("place", "island"): "T.ISL", ("place", "sea"): "H.SEA", ("place", "ocean"): "H.OCN",
    ("boundary", "administrative"): "A.ADMD", ("natural", "water"): "H.LK", ("natural", "bay"): "H.BAY",
    ("natural", "strait"): "H.STRT", ("natural", "peak"): "T.PK", ("waterway", "river"): "H.STM",
}  # fmt: skip
# An administrative boundary's ``addresstype`` tells its level.
_ADMIN_LEVELS = {"country": "A.PCLI", "state": "A.ADM1", "county": "A.ADM2"}
_SCHEMA = """CREATE TABLE IF NOT EXISTS answers (query TEXT NOT NULL, exactly_one INTEGER NOT NULL,
    answer TEXT NOT NULL, fetched_at REAL NOT NULL, PRIMARY KEY (query, exactly_one))"""


def _to_place(location: Location, query: str) -> Place:
    """A Nominatim answer as a ``Place``; fields it lacks stay empty."""
    raw: Mapping[str, Any] = location.raw or {}
    pair = (str(raw.get("class", raw.get("category", ""))), str(raw.get("type", "")))
    feature = FEATURES.get(pair, "")
    if pair == ("boundary", "administrative"):
        feature = _ADMIN_LEVELS.get(str(raw.get("addresstype", "")), feature)
    address = raw.get("address")
    country = address.get("country_code", "") if isinstance(address, Mapping) else ""
    display = str(location.address or "").split(",", 1)[0].strip()
    return Place(
        name=str(raw.get("name") or display or query),
        lat=location.latitude,
        lon=location.longitude,
        country_code=str(country).upper(),
        feature=feature,
        geonameid=None,
        source=SOURCE,
        raw=dict(raw),
    )


def no_retry_adapter(**options: Any) -> BaseSyncAdapter:
    """A geopy ``adapter_factory`` that sends each request once.

    geopy's default ``RequestsAdapter`` retries twice at the transport level,
    behind ``RateLimiter``'s back: a timed-out search would hit the server
    three times in a row, against Nominatim's one-a-second rule.

    Parameters
    ----------
    options:
        What geopy passes to adapter factories (``proxies``, ``ssl_context``).

    Returns
    -------
    BaseSyncAdapter
        ``RequestsAdapter(max_retries=0)``, or ``URLLibAdapter`` without requests.
    """
    if RequestsAdapter.is_available:
        return RequestsAdapter(max_retries=0, **options)
    return URLLibAdapter(**options)


class _AnswerCache:
    """Answers by query in a SQLite file, created with its folder on first use.

    A connection per call suits threads; WAL and short transactions let two
    processes share the file.  An unusable file (not a database, a folder, no
    permission) makes the cache warn once and turn off.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._ready = False
        self._disabled = False

    def _run(self, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        if self._disabled:
            return []
        try:
            if not self._ready:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            with closing(sqlite3.connect(self.path, timeout=10.0)) as conn, conn:
                if not self._ready:
                    conn.execute("PRAGMA journal_mode=WAL")
                    conn.execute(_SCHEMA)
                rows = conn.execute(sql, params).fetchall()
        except (sqlite3.Error, OSError) as err:
            logger.warning("Online geocoder cache %s is unusable (%s); working without it.", self.path, err)
            self._disabled = True
            return []
        self._ready = True
        return rows

    def get(self, key: str, exactly_one: bool) -> list[Location] | None:
        """The cached answers (``[]``: "no result"), or ``None`` when not cached."""
        rows = self._run("SELECT answer FROM answers WHERE query = ? AND exactly_one = ?", (key, int(exactly_one)))
        if not rows:
            return None
        try:
            return [Location(a["address"], Point(a["lat"], a["lon"]), a["raw"]) for a in json.loads(rows[0][0])]
        except (ValueError, TypeError, KeyError) as err:
            logger.warning("Ignoring a damaged cache entry for %r in %s (%s).", key, self.path, err)
            return None

    def put(self, key: str, exactly_one: bool, locations: list[Location]) -> None:
        """Keep the answers (``[]`` for "no result") for ``key``."""
        records = [{"address": x.address, "lat": x.latitude, "lon": x.longitude, "raw": x.raw} for x in locations]
        try:
            answer = json.dumps(records)
        except (TypeError, ValueError) as err:
            logger.warning("Not caching the answer for %r: it is not JSON (%s).", key, err)
            return
        self._run("INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?)", (key, int(exactly_one), answer, time.time()))


class OnlineGeocoder(Geocoder):
    """A geopy geocoder behind a rate limiter and a persistent answer cache.

    Parameters
    ----------
    geocoder:
        Any geopy geocoder; ``from_settings`` passes ``Nominatim``.
    cache_path:
        SQLite file of answers, created with its folder on the first query.
    min_delay_seconds:
        Least time between two requests (Nominatim's policy: 1 s).
    max_retries:
        Extra tries after a ``GeocoderServiceError`` (timeout, 429, 5xx...).
    error_wait_seconds:
        Pause before a retry, at least ``min_delay_seconds``; ``None`` means
        ``max(min_delay_seconds, 2.0)``.
    geocode_options:
        Extra keywords for the wrapped ``geocode``, e.g. ``{"addressdetails": True}``.

    Raises
    ------
    ConfigurationError
        For a negative delay or retry count, or a wait shorter than the delay.

    Examples
    --------
    >>> OnlineGeocoder.from_settings(Settings.load()).place("Sangatte").feature  # doctest: +SKIP
    'P.PPL'
    """

    def __init__(
        self,
        geocoder: Geocoder,
        *,
        cache_path: str | Path,
        min_delay_seconds: float = 1.0,
        max_retries: int = 1,
        error_wait_seconds: float | None = None,
        geocode_options: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__()
        if error_wait_seconds is None:
            error_wait_seconds = max(min_delay_seconds, 2.0)
        # RateLimiter checks these with assert; say what is wrong instead.
        if min_delay_seconds < 0 or max_retries < 0 or error_wait_seconds < min_delay_seconds:
            raise ConfigurationError(
                f"Rate limit options must satisfy 0 <= min_delay_seconds <= error_wait_seconds and max_retries >= 0 "
                f"(got {min_delay_seconds!r}, {error_wait_seconds!r} and {max_retries!r})."
            )
        self.geocoder = geocoder
        self.cache_path = Path(cache_path)
        self.geocode_options = dict(geocode_options or {})
        self._cache = _AnswerCache(self.cache_path)
        # swallow_exceptions=False: a swallowed error returns None, which would
        # look like "no result" and be cached for good.
        self._limited = RateLimiter(
            geocoder.geocode,
            min_delay_seconds=min_delay_seconds,
            max_retries=max_retries,
            error_wait_seconds=error_wait_seconds,
            swallow_exceptions=False,
        )

    @classmethod
    def from_settings(cls, settings: Settings, **options: Any) -> OnlineGeocoder:
        """The Nominatim geocoder the settings describe, cached in ``settings.online_cache_path``.

        Parameters
        ----------
        settings:
            Uses ``user_agent``, ``nominatim_domain``, ``nominatim_scheme``,
            ``online_timeout`` and ``online_min_delay``.
        options:
            Constructor keywords; they override what the settings give.

        Returns
        -------
        OnlineGeocoder
            Asking with ``addressdetails=True``, for country codes.

        Raises
        ------
        ConfigurationError
            When geopy refuses the user agent (empty or geopy's sample one).
        """
        try:
            nominatim = Nominatim(
                user_agent=settings.user_agent,
                domain=settings.nominatim_domain,
                scheme=settings.nominatim_scheme,
                timeout=settings.online_timeout,
                adapter_factory=no_retry_adapter,
            )
        except GeopyConfigurationError as err:
            raise ConfigurationError(
                f"Nominatim refused the settings: {err} Set NEWS_ATLAS_USER_AGENT to a name for this app."
            ) from err
        options.setdefault("min_delay_seconds", settings.online_min_delay)
        options.setdefault("geocode_options", {"addressdetails": True})
        return cls(nominatim, cache_path=settings.online_cache_path, **options)

    def geocode(self, query: str, *, exactly_one: bool = True, timeout: Any = None) -> Any:
        """geopy's contract: a ``Location``, a list of them, or ``None``; never raises.

        Parameters
        ----------
        query:
            A place name.
        exactly_one:
            One ``Location`` (``True``) or a list of them.
        timeout:
            Seconds for this request; ``None`` keeps the wrapped geocoder's.

        Returns
        -------
        Location, list of Location, or None
            ``None`` for no result, and after a failure (logged as a warning).
        """
        key = " ".join(query.split()).casefold()  # "Calais" and " calais " are one question
        if not key:
            return None
        answers = self._cache.get(key, exactly_one)
        if answers is None:
            answers = self._fetch(query, exactly_one=exactly_one, timeout=timeout)
            if answers is None:
                return None
            self._cache.put(key, exactly_one, answers)
        if not answers:
            return None
        return answers[0] if exactly_one else answers

    def _fetch(self, query: str, *, exactly_one: bool, timeout: Any) -> list[Location] | None:
        """The service's answers (``[]`` for none), or ``None`` after a transient failure."""
        options = dict(self.geocode_options, **({} if timeout is None else {"timeout": timeout}))
        try:
            answer = self._limited(query, exactly_one=exactly_one, **options)
        except GeopyError as err:
            logger.warning("Online geocoding of %r failed (%s: %s); try again later.", query, type(err).__name__, err)
            return None
        except (ValueError, TypeError, KeyError) as err:
            # geopy parses the JSON in a callback: a bad record raises these, not a GeopyError.
            logger.warning("Online geocoder sent a malformed answer for %r (%s: %s).", query, type(err).__name__, err)
            return None
        if answer is None:
            logger.debug("Online geocoder knows no place called %r.", query)
            return []
        answers = [answer] if isinstance(answer, Location) else list(answer)
        # geopy turns a record without lat/lon into Point(0, 0): "Null Island"
        # is a broken answer, not a place, and must not be cached.
        if any(a.latitude == 0.0 and a.longitude == 0.0 for a in answers):
            logger.warning("Online geocoder answered %r without coordinates; ignored.", query)
            return None
        return answers

    def place(self, query: str) -> Place | None:
        """The best answer for ``query`` as a ``Place``, or ``None``.

        Parameters
        ----------
        query:
            A place name.

        Returns
        -------
        Place or None
            ``source="nominatim"``, ``geonameid=None``; ``country_code`` from the
            answer's address details ("" without them); ``feature`` from
            ``FEATURES`` ("" when the class/type is not in the table).
        """
        location = self.geocode(query)
        return None if location is None else _to_place(location, query)
