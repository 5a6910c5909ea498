"""keymsg.width / wrap / truncate on Thai text, checked against Thai rules."""

from __future__ import annotations

import unicodedata

import pytest

import keymsg
from thai import columns, legal_line_end, legal_line_start

PARAGRAPHS = [
    # Leading vowels, stacked marks, SARA AM, 1441.
    "ถูกหลอกโอนเงิน โทรแจ้งธนาคารของท่านทันทีเพื่อระงับบัญชี แล้วโทร 1441 "
    "ศูนย์ต่อต้านการฉ้อโกงทางออนไลน์ ตลอด 24 ชั่วโมง",
    # Mai yamok after words, a URL, an amount.
    "มิจฉาชีพมีหลายๆ รูปแบบ บ่อยๆ ครั้งหลอกให้โอนเงิน ฿5,000.00 "
    "แจ้งความออนไลน์ที่ https://thaipoliceonline.go.th ได้ตลอดเวลา",
    # No spaces at all: dictionary breaks only.
    "เจ้าหน้าที่ตำรวจตัวจริงไม่โทรมาสั่งให้โอนเงินเพื่อตรวจสอบบัญชีหากสงสัยให้วางสายทันที",
    # Many stacked marks and SARA AM.
    "น้ำท่วมบ้านเรือนแล้วมีคนโทรมาอ้างว่าจะช่วยเหลือเงินเยียวยาให้กดลิงก์ อย่ากดเด็ดขาด",
]

WIDTHS = [12, 16, 20, 24, 32, 42, 48]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", 0),
        ("1441", 4),
        ("น้ำ", 2),  # น + tone mark (0) + SARA AM (1)
        ("ที่", 1),  # base + above vowel + tone mark
        ("กุ้ง", 2),  # below vowel and tone mark stack on ก
        ("เก", 2),  # leading vowel is a spacing character
        ("ๆ", 1),
        ("ไทย 1441", 8),
        ("中文", 4),  # East Asian wide
        ("e\u0301", 1),  # combining acute
    ],
)
def test_width_counts_display_columns(text: str, expected: int) -> None:
    assert keymsg.width(text) == expected
    assert columns(text) == expected  # the reference agrees


def test_width_is_not_bytes_chars_or_graphemes() -> None:
    text = "ผู้ใหญ่บ้าน"
    assert keymsg.width(text) == columns(text) == 7  # ผ ใ ห ญ บ า น
    assert len(text) == 11
    assert len(text.encode("utf-8")) == 33


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("text", PARAGRAPHS, ids=range(len(PARAGRAPHS)))
def test_wrap_obeys_thai_rules(text: str, width: int) -> None:
    lines = keymsg.wrap(text, width)
    assert lines, "non-empty text gives lines"
    for line in lines:
        assert keymsg.width(line) <= width, line
        assert columns(line) == keymsg.width(line)
        assert legal_line_start(line), f"illegal line start: {line!r}"
        assert legal_line_end(line), f"illegal line end: {line!r}"
        assert line == line.strip(), "no spaces kept at a break"
    # Nothing lost or reordered: only spaces at breaks are dropped.
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


@pytest.mark.parametrize("width", [8, 12, 16, 24, 32])
def test_wrap_never_splits_1441(width: int) -> None:
    text = "หากถูกหลอกให้โอนเงินโทร 1441 ทันที สายด่วน 1441 ตลอดวัน"
    lines = keymsg.wrap(text, width)
    assert sum(line.count("1441") for line in lines) == 2
    for line in lines:
        digits = "".join(ch for ch in line if ch.isdigit())
        assert digits in ("", "1441", "14411441"), line


def test_wrap_keeps_url_whole_when_it_fits() -> None:
    url = "https://thaipoliceonline.go.th"
    text = f"แจ้งความออนไลน์ได้ที่ {url} ตลอด 24 ชั่วโมง"
    for width in (32, 40, 48):
        lines = keymsg.wrap(text, width)
        assert any(url in line for line in lines), lines


def test_wrap_keeps_mai_yamok_with_its_word() -> None:
    text = "เด็กๆ ชอบเล่นเกมออนไลน์บ่อยๆ ผู้ปกครองควรดูแลใกล้ๆ"
    for width in range(6, 30):
        for line in keymsg.wrap(text, width):
            assert not line.startswith("ๆ"), (width, line)


def test_wrap_hard_breaks_and_max_lines() -> None:
    assert keymsg.wrap("บรรทัดแรก\nบรรทัดสอง", 32) == ["บรรทัดแรก", "บรรทัดสอง"]
    lines = keymsg.wrap(PARAGRAPHS[0], 20, max_lines=2)
    assert len(lines) == 2
    assert lines[-1].endswith("…")
    assert all(keymsg.width(line) <= 20 for line in lines)
    lines = keymsg.wrap(PARAGRAPHS[0], 20, max_lines=2, ellipsis="...")
    assert lines[-1].endswith("...")


def test_widths_over_1000_columns_are_refused_where_lines_are_padded() -> None:
    for width in (1001, 2**63, 2**64 - 1):
        with pytest.raises(keymsg.LayoutError, match="over the limit of 1000 columns"):
            keymsg.wrap("โทร 1441", width, align="center")
        assert keymsg.wrap("โทร 1441", width) == ["โทร 1441"]
        assert keymsg.truncate("โทร 1441", width) == "โทร 1441"
    (line,) = keymsg.wrap("โทร 1441", 1000, align="right")
    assert keymsg.width(line) == 1000


def test_wrap_alignment_pads_on_the_left() -> None:
    (right,) = keymsg.wrap("โทร 1441", 12, align="right")
    assert right == " " * 4 + "โทร 1441"
    (center,) = keymsg.wrap("โทร 1441", 12, align="center")
    assert center == " " * 2 + "โทร 1441"


def test_wrap_normalises_to_nfc_without_decomposing_sara_am() -> None:
    decomposed = "น\u0e49\u0e4d\u0e32"  # น + mai tho + nikhahit + sara aa
    (line,) = keymsg.wrap("e\u0301 น้ำ", 32)
    assert line == unicodedata.normalize("NFC", "e\u0301 น้ำ")
    assert "\u0e33" in line and decomposed not in line


def test_truncate_keeps_text_that_fits() -> None:
    assert keymsg.truncate("โทร 1441", 8) == "โทร 1441"


def test_truncate_never_cuts_a_phone_number() -> None:
    text = "โทร 1441 ทันที"
    assert keymsg.truncate(text, 9) == "โทร 1441…"
    # "โทร 144…" would fit 8 columns but is forbidden: the number goes whole.
    assert keymsg.truncate(text, 8) == "โทร…"
    assert keymsg.truncate(text, 7) == "โทร…"


@pytest.mark.parametrize("width", range(2, 40, 3))
def test_truncate_is_a_legal_prefix(width: int) -> None:
    text = PARAGRAPHS[0]
    out = keymsg.truncate(text, width, ellipsis="…")
    assert keymsg.width(out) <= width
    if out != text:
        assert out.endswith("…")
        body = out[:-1]
        assert text.startswith(body)
        assert legal_line_end(body)
        rest = text[len(body):].lstrip(" ")
        assert legal_line_start(rest)


def test_layout_errors() -> None:
    with pytest.raises(keymsg.LayoutError, match="too small"):
        keymsg.wrap("ข้อความ", 0)
    with pytest.raises(keymsg.LayoutError, match="ellipsis"):
        keymsg.truncate("ข้อความยาวมากเกินไป", 2, ellipsis="......")
    with pytest.raises(keymsg.LayoutError, match="U\\+001B") as info:
        keymsg.wrap("ข้อ\x1b[0mความ", 20)
    assert "offset 3" in str(info.value)


def test_argument_errors_are_value_errors() -> None:
    with pytest.raises(keymsg.InvalidArgumentError, match="width"):
        keymsg.wrap("abc", -1)
    with pytest.raises(keymsg.InvalidArgumentError, match="max_lines"):
        keymsg.wrap("abc", 10, max_lines=-2)
    with pytest.raises(ValueError, match="align"):
        keymsg.wrap("abc", 10, align="justify")
    with pytest.raises(keymsg.InvalidArgumentError, match="width"):
        keymsg.truncate("abc", -5)


def test_keyword_names_are_the_contract() -> None:
    assert keymsg.wrap(text="โทร 1441", width=32, max_lines=None, ellipsis="…") == ["โทร 1441"]
    assert keymsg.truncate(text="โทร 1441", width=32, ellipsis="…") == "โทร 1441"
    assert keymsg.width(text="โทร") == 3
    with pytest.raises(TypeError):
        keymsg.wrap("abc", 10, 2)  # type: ignore[call-arg]


def test_input_over_the_limit_is_refused() -> None:
    text = "ข้อความ" * 10  # 210 bytes
    for call in (
        lambda: keymsg.wrap(text, 32, max_input_bytes=100),
        lambda: keymsg.truncate(text, 32, max_input_bytes=100),
    ):
        with pytest.raises(keymsg.InputTooLargeError, match="210 bytes, over the limit of 100"):
            call()
    # One class, caught as a layout error and as a bad argument.
    assert issubclass(keymsg.InputTooLargeError, keymsg.LayoutError)
    assert issubclass(keymsg.InputTooLargeError, keymsg.InvalidArgumentError)
    assert issubclass(keymsg.InputTooLargeError, ValueError)
    assert keymsg.InputTooLargeError.__module__ == "keymsg"
    assert keymsg.wrap(text, 32, max_input_bytes=210) == keymsg.wrap(text, 32)
    with pytest.raises(keymsg.InvalidArgumentError, match="max_input_bytes"):
        keymsg.truncate(text, 32, max_input_bytes=-1)


def test_default_input_limit_is_one_mebibyte() -> None:
    fits = "ทดสอบ " * ((1 << 20) // 16)  # 16 bytes each: exactly 1 MiB
    assert len(fits.encode()) == 1 << 20
    assert keymsg.truncate(fits, 8) == keymsg.truncate(fits[:100], 8)
    with pytest.raises(keymsg.InputTooLargeError, match="1048577 bytes"):
        keymsg.truncate(fits + "a", 8)


def test_wrap_keeps_added_words_whole() -> None:
    # The programme's name is not in the built-in word list (it reads
    # คนละ|ครึ่ง|พลัส), so at 22 columns it is cut inside; given in
    # ``words`` it moves to the next line whole.
    text = "โปรดลงทะเบียนผ่านแอปคนละครึ่งพลัสเท่านั้น"
    word = "คนละครึ่งพลัส"
    plain = keymsg.wrap(text, 22)
    assert not any(word in line for line in plain), plain
    kept = keymsg.wrap(text, 22, words=[word])
    assert any(word in line for line in kept), kept
    assert "".join(kept) == text
    assert all(columns(line) <= 22 for line in kept)


def test_truncate_keeps_added_words_whole() -> None:
    # At 26 columns the cut falls inside the programme's name; given in
    # ``words`` the name is dropped whole.
    text = "โปรดลงทะเบียนผ่านแอปคนละครึ่งพลัสเท่านั้น"
    word = "คนละครึ่งพลัส"
    assert keymsg.truncate(text, 26) == "โปรดลงทะเบียนผ่านแอปคนละครึ่ง…"
    assert keymsg.truncate(text, 26, words=[word]) == "โปรดลงทะเบียนผ่านแอป…"
    assert keymsg.truncate(text, 34, words=[word]) == text


@pytest.mark.parametrize("bad", ["คนละ ครึ่ง", "AOC", "ก"])
def test_wrap_refuses_a_word_that_is_not_one(bad: str) -> None:
    with pytest.raises(keymsg.InvalidArgumentError, match="words"):
        keymsg.wrap("ทดสอบ", 22, words=[bad])
    with pytest.raises(keymsg.InvalidArgumentError, match="words"):
        keymsg.truncate("ทดสอบ", 22, words=[bad])
