"""Bytes -> text: what an article file or web page says, whatever its encoding.

Input: the bytes of an article file or web page, and a label naming it in
messages.  Output: its text as a ``str``, or an ``IngestError`` when the
bytes are a PDF, an Office file, an archive or an image, are binary, or are
in no encoding that can be recognised.

Order of decisions: known leading bytes of non-text formats refuse the data
whatever its name; a UTF-8, UTF-16 or UTF-32 byte-order mark decides; NUL
bytes mean binary; valid UTF-8 is UTF-8; a charset declared by the web
server or a ``<meta charset>`` is tried; else charset-normalizer guesses.
Among its near-equal guesses the Western European Windows-1252 is preferred
when it yields only common Western letters, since charset-normalizer often
rates DOS, Mac or Central European code pages a little higher on short
Western text ("Hķnin-Beaumont" in cp775).  Hungarian Windows-1250 text,
whose "ő" and "ű" read as Western "õ" and "û", is misread this way; such
files should be saved as UTF-8.  With ``utf8_only`` (``python -m geo
extract``), only UTF-8 is read, after the same refusal of non-text formats.
"""

from __future__ import annotations

import codecs
import logging
import re

import charset_normalizer

from geo.exc import IngestError

logger = logging.getLogger(__name__)

_SAVE_AS_TEXT = "save the article's text as a .txt file and add that"
# Leading bytes of formats that are not text, whatever the file is called.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF"),
    (b"PK\x03\x04", "a ZIP archive (as .docx, .odt and .epub files are)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office file (.doc)"),
    (b"{\\rtf", "an RTF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
)
# UTF-32 before UTF-16: the UTF-32-LE mark starts with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# How much worse (charset-normalizer's "chaos", 0..1) Windows-1252 may be than the best guess.
_CHAOS_MARGIN = 0.05
# Non-ASCII characters of Western European text.  Icelandic letters and superscripts are left out:
# Turkish (cp1254) and Polish (cp1250) text read as Windows-1252 yields them ("Ý", "þ", "¹", "³").
# fmt: off
_WESTERN_CHARS = frozenset(
    "àáâãäåæçèéêëìíîïñòóôõöøùúûüÿœßšž"
    "ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜŸŒŠŽ"
    "\u00a0‘’‚“”„–—…€«»°·•×÷§©®™¢£¥¿¡ªº±µ¶´¨¸"
)
# fmt: on
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def decode_text(label: str, data: bytes, *, charset: str = "", utf8_only: bool = False) -> str:
    """The text of ``data``, decoded as the module docstring describes.

    Parameters
    ----------
    label:
        How messages name the input, e.g. ``"Article file 'a.txt'"``.
    data:
        The bytes; a byte-order mark is dropped.
    charset:
        The encoding the sender declared (HTTP ``charset``, ``<meta charset>``),
        tried when ``data`` is not UTF-8; ISO-8859-1 and ASCII read as
        Windows-1252, as browsers do.
    utf8_only:
        Accept UTF-8 only (with or without its byte-order mark): no other
        byte-order mark, declared charset or guess.

    Returns
    -------
    str
        The text, not yet checked for being blank.

    Raises
    ------
    IngestError
        For a PDF, Office file, archive or image; NUL bytes; bytes a byte-order
        mark promises but that do not decode; or no recognisable encoding (or
        not UTF-8, with ``utf8_only``).

    Examples
    --------
    >>> decode_text("Note", "Hénin-Beaumont, près de Lens.".encode("latin-1"))
    'Hénin-Beaumont, près de Lens.'
    """
    stripped = data.lstrip()
    for signature, what in _SIGNATURES:
        if stripped.startswith(signature):
            raise IngestError(f"{label} is {what}, not text; {_SAVE_AS_TEXT}.")
    if utf8_only:
        return _strict_utf8(label, data)
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as err:
                raise IngestError(
                    f"{label} starts with a {codec.removesuffix('-sig').upper()} byte-order mark but byte "
                    f"offset {err.start} cannot be decoded. Re-save the file as UTF-8."
                ) from err
    if b"\x00" in data:
        raise IngestError(
            f"{label} is binary, not text (it contains NUL bytes; so does UTF-16 without a byte-order mark). "
            f"Re-save it as UTF-8 text, or {_SAVE_AS_TEXT}."
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for encoding in _declared_encodings(charset):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        logger.info("%s is not UTF-8; decoded it as %s, as declared", label, encoding)
        return text
    guess = guess_encoding(data)
    if guess is None:
        raise IngestError(
            f"{label} is not UTF-8 and its encoding cannot be recognised (it may be binary). Re-save it as UTF-8 text."
        )
    logger.info("%s is not UTF-8; decoded it as %s, as detected", label, guess[0])
    return guess[1]


def _strict_utf8(label: str, data: bytes) -> str:
    """``data`` as UTF-8, with any UTF-8 byte-order mark dropped; anything else is refused."""
    for bom, codec in _BOMS:
        if codec != "utf-8-sig" and data.startswith(bom):
            raise IngestError(
                f"{label} is {codec.upper()} (it starts with a {codec.upper()} byte-order mark), not UTF-8. "
                f"Re-save the file as UTF-8."
            )
    if b"\x00" in data:
        raise IngestError(
            f"{label} is binary, not text (it contains NUL bytes; so does UTF-16 text). Re-save it as UTF-8 text, "
            f"or {_SAVE_AS_TEXT}."
        )
    skip = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        return data[skip:].decode("utf-8")
    except UnicodeDecodeError as err:
        offset = skip + err.start
        raise IngestError(
            f"{label} is not UTF-8: byte 0x{data[offset]:02x} at byte offset {offset} cannot be decoded. "
            f"Re-save the file as UTF-8, or pass --any-encoding to read it as ingest does."
        ) from err


def guess_encoding(data: bytes) -> tuple[str, str] | None:
    """charset-normalizer's reading of ``data``, preferring Windows-1252 when it is as plausible.

    Parameters
    ----------
    data:
        Bytes that are not UTF-8.

    Returns
    -------
    tuple[str, str] | None
        ``(encoding, text)``, or ``None`` when no encoding fits (binary data).

    Examples
    --------
    >>> guess_encoding("Москва и Санкт-Петербург — крупнейшие города России.".encode("cp1251"))[0]
    'cp1251'
    """
    matches = charset_normalizer.from_bytes(data)
    if matches.best() is None:
        return None
    least_chaos = min(match.chaos for match in matches)
    if any(
        "cp1252" in (match.encoding, *match.could_be_from_charset) and match.chaos <= least_chaos + _CHAOS_MARGIN
        for match in matches
    ):
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            pass
        else:
            if {char for char in set(text) if char >= "\x80"} <= _WESTERN_CHARS:
                return "cp1252", text
    for match in matches:
        try:
            return match.encoding, data.decode(match.encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return None


def html_charset(data: bytes) -> str:
    """The charset an HTML page declares in a ``<meta>`` tag of its first 4 KB; ``""`` when none.

    Examples
    --------
    >>> html_charset(b'<html><head><meta charset="ISO-8859-1">')
    'ISO-8859-1'
    """
    declared = _META_CHARSET.search(data[:4096])
    return declared.group(1).decode("ascii") if declared else ""


def _declared_encodings(charset: str) -> list[str]:
    """The declared encoding as Python codecs to try; ``[]`` when none or unknown."""
    try:
        name = codecs.lookup(charset.strip()).name if charset.strip() else ""
    except LookupError:
        return []
    # Browsers read ISO-8859-1 and ASCII labels as Windows-1252 (WHATWG Encoding); so do we, then strict Latin-1.
    if name in {"iso8859-1", "latin-1", "ascii"}:
        return ["cp1252", "latin-1"]
    return [name] if name else []
