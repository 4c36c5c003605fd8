"""Errors raised by the geo package.

Exception tree::

    GeoError
    ├── ConfigurationError (ValueError)     a setting has a bad value
    ├── GeocoderNotFound (ValueError)       unknown geocoder name
    ├── GazetteerDataError (OSError)        the gazetteer cannot be built or read
    ├── AssetError (OSError)                the map's offline assets cannot be installed
    ├── StoreError (OSError)                the article store cannot be opened or written
    │   └── DamagedStoreError               the store file is damaged or not a store: neither read nor written
    ├── ArticleError (ValueError)           article text or front matter cannot become an article
    ├── TooManyPlacesError (ValueError)     a text names more places than an article can (setting max_places)
    ├── IngestError (ValueError)            a file, pasted text or web page cannot become an article
    └── CorrectionError (ValueError)        a correction of a place, or a corrections file, cannot be applied
"""


class GeoError(Exception):
    """Root of every error the geo package raises on purpose."""


class ConfigurationError(GeoError, ValueError):
    """A setting has a value that cannot be used."""


class GeocoderNotFound(GeoError, ValueError):
    """``get_geocoder`` was given a name that is not registered."""


class GazetteerDataError(GeoError, OSError):
    """The gazetteer's source data or its built index is missing or broken."""


class AssetError(GeoError, OSError):
    """The map's JavaScript and CSS cannot be copied into the app's static folder."""


class StoreError(GeoError, OSError):
    """The article store is not a database, is too new, or cannot be written."""


class DamagedStoreError(StoreError):
    """The store file is damaged (SQLite finds it malformed) or is not a News Atlas store.

    News Atlas neither reads it further nor writes it; the message names the
    file and says how to check it, restore a backup or move it away.
    """


class ArticleError(GeoError, ValueError):
    """Article text or its front matter cannot become an article (``geo.articles``).

    The readers (``geo.readers``) raise it as an ``IngestError``, with the same message.
    """


class IngestError(GeoError, ValueError):
    """A file, upload, pasted text or web page cannot be read as an article.

    The one-line message names the input, says why, and what to do.
    """


class TooManyPlacesError(GeoError, ValueError):
    """A text holds more place names than the setting ``max_places`` allows: a list, not an article."""

    def __init__(self, limit: int, subject: str = "The text") -> None:
        self.limit = limit
        super().__init__(
            f"{subject} names more than {limit:,} places: a list, not an article, so it is not geoparsed. "
            f"Split it into smaller texts, or raise NEWS_ATLAS_MAX_PLACES."
        )


class CorrectionError(GeoError, ValueError):
    """A correction cannot be made: a bad name, span, place or article, or a corrections file that cannot be read.

    The message says what failed, why, and what to do; nothing was changed.
    """
