"""Tests for geo.decoding: bytes in many encodings -> the same text, and the refusals for non-text."""

from __future__ import annotations

import codecs

import pytest

from geo.decoding import decode_text, guess_encoding, html_charset
from geo.exc import IngestError

FRENCH = "Hénin-Beaumont est une ville du Pas-de-Calais. Le maire a déclaré que la sécurité était sa priorité, à Lens."

# Short news sentences in the legacy encodings their languages used; each must come back unchanged.
LEGACY = [
    (FRENCH, "latin-1"),
    (FRENCH + " L’été a coûté 5 € à l’œuvre.", "cp1252"),
    ("Café in Lyon.", "latin-1"),
    ("The café owner in Zürich said the naïve plan failed.", "cp1252"),
    ("Die Polizei räumte am Dienstag ein Lager. Die Bürgermeisterin drohte, den Hafen zu schließen.", "latin-1"),
    ("La policía detuvo en Cádiz y Málaga a dos hombres, según informó el Ministerio del Interior español.", "latin-1"),
    ("A polícia de Lisboa e do Porto deteve dois homens. As autoridades portuguesas não comentaram.", "latin-1"),
    ("Policja w Łodzi i Gdańsku zatrzymała mężczyznę. Źródła podają, że świadkowie widzieli żółty samochód.", "cp1250"),
    ("Policie v Českých Budějovicích zadržela muže. Řidič přiznal, že jel příliš rychle.", "cp1250"),
    ("İstanbul ve Ankara'da polis iki kişiyi gözaltına aldı. Şüpheliler ağır yaralandı.", "cp1254"),
    ("Η αστυνομία στην Αθήνα και τη Θεσσαλονίκη συνέλαβε δύο άνδρες.", "cp1253"),
    ("Москва и Санкт-Петербург — крупнейшие города России. Полиция сообщила о задержании.", "cp1251"),
    ("Москва и Санкт-Петербург - крупнейшие города России.", "koi8-r"),
    ("東京都と大阪府で警察が発表した。横浜市でも同様の事件があった。", "shift_jis"),
    ("北京和上海的警方周二表示，两名男子在广州被捕。", "gbk"),
]


@pytest.mark.parametrize(
    ("text", "encoding"),
    LEGACY,
    ids=["french-latin-1", "french-cp1252", "short-latin-1", "english-cp1252", "german", "spanish", "portuguese",
         "polish-cp1250", "czech-cp1250", "turkish-cp1254", "greek-cp1253", "russian-cp1251", "russian-koi8-r",
         "japanese-shift-jis", "chinese-gbk"],
)  # fmt: skip
def test_legacy_encodings_are_detected(text: str, encoding: str) -> None:
    assert decode_text("Note", text.encode(encoding)) == text


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (FRENCH.encode("utf-8"), FRENCH),
        (codecs.BOM_UTF8 + FRENCH.encode("utf-8"), FRENCH),
        (FRENCH.encode("utf-16"), FRENCH),
        (codecs.BOM_UTF16_BE + FRENCH.encode("utf-16-be"), FRENCH),
        (FRENCH.encode("utf-32"), FRENCH),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom", "utf-32-bom"],
)
def test_unicode(data: bytes, text: str) -> None:
    assert decode_text("Note", data) == text


def test_declared_charset_is_used_when_not_utf8() -> None:
    data = "Łódź".encode("iso-8859-2")
    assert decode_text("Note", data, charset="ISO-8859-2") == "Łódź"
    # A wrong or unknown declaration does not win over valid UTF-8, nor stop detection.
    assert decode_text("Note", "Łódź".encode(), charset="iso-8859-2") == "Łódź"
    assert decode_text("Note", FRENCH.encode("latin-1"), charset="no-such-charset") == FRENCH


def test_declared_latin1_reads_as_windows_1252() -> None:
    assert decode_text("Note", "L’été coûte 5 €".encode("cp1252"), charset="iso-8859-1") == "L’été coûte 5 €"
    # Bytes Windows-1252 leaves undefined still decode, as Latin-1.
    assert decode_text("Note", b"caf\xe9 \x81", charset="latin1") == "café \x81"


@pytest.mark.parametrize(
    ("data", "reasons"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3", ["is a PDF", "save the article's text as a .txt file"]),
        (b"  \n%PDF-1.4", ["is a PDF"]),
        (b"PK\x03\x04\x14\x00", ["ZIP archive", ".docx"]),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00", ["Microsoft Office"]),
        (b"{\\rtf1\\ansi Calais}", ["RTF document"]),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", ["JPEG image"]),
        (b"GIF89a\x01\x00", ["GIF image"]),
        (b"\x1f\x8b\x08\x00", ["gzip archive"]),
        (b"Calais\x00Dover", ["binary", "NUL"]),
        ("Calais".encode("utf-16-le"), ["binary", "UTF-16 without a byte-order mark"]),
        (bytes(range(1, 256)) * 40, ["encoding cannot be recognised", "Re-save it as UTF-8"]),
        (codecs.BOM_UTF8 + b"caf\xe9", ["UTF-8 byte-order mark", "byte offset 3"]),
        (codecs.BOM_UTF16_LE + b"\x00\xd8", ["UTF-16 byte-order mark"]),
    ],
    ids=["pdf", "pdf-after-blank", "zip", "ole-doc", "rtf", "jpeg", "gif", "gzip", "nul", "utf-16-without-bom",
         "noise", "bad-utf-8-after-bom", "bad-utf-16-after-bom"],
)  # fmt: skip
def test_refused(data: bytes, reasons: list[str]) -> None:
    with pytest.raises(IngestError) as excinfo:
        decode_text("Article file 'x'", data)
    message = str(excinfo.value)
    assert message.startswith("Article file 'x' ") and "\n" not in message
    for reason in reasons:
        assert reason in message


def test_guess_encoding_of_binary_is_none() -> None:
    assert guess_encoding(bytes(range(1, 256)) * 40) is None


@pytest.mark.parametrize(
    ("head", "charset"),
    [
        (b'<html><head><meta charset="ISO-8859-1"></head>', "ISO-8859-1"),
        (b"<META HTTP-EQUIV='Content-Type' CONTENT='text/html; charset=windows-1252'>", "windows-1252"),
        (b"<meta charset=utf-8>", "utf-8"),
        (b"<html><body>no declaration</body></html>", ""),
        (b" " * 5000 + b'<meta charset="koi8-r">', ""),
    ],
    ids=["meta-charset", "http-equiv", "unquoted", "none", "too-late"],
)
def test_html_charset(head: bytes, charset: str) -> None:
    assert html_charset(head) == charset
