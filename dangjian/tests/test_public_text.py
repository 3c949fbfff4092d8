"""``dangjian.privacy.mask_public_text``: phone and ID numbers typed into free text are masked
wherever residents' text is public (issue 12, finding 9); other numbers are left alone."""
import pytest

from dangjian.privacy import mask_public_text


@pytest.mark.parametrize("text, gone", [
    ("请联系13812345678谢谢", "13812345678"),
    ("电话 138-1234-5678", "138-1234-5678"),
    ("电话 138 1234 5678", "1234"),
    ("+86 13812345678", "13812345678"),
    ("身份证110101199003071234", "110101199003071234"),
    ("身份证 11010119900307123x", "11010119900307123x"),
    ("座机010-62345678", "62345678"),
    ("家里电话 6234567", "6234567"),
])
def test_numbers_are_masked(text, gone):
    masked = mask_public_text(text)
    assert gone not in masked and "*" in masked
    assert masked[:2] == text[:2]  # the words around are kept


@pytest.mark.parametrize("text", ["3号楼2单元501", "2026年11月22日下午3点", "想要一台收音机", "门牌 12-3", "", None])
def test_other_text_is_left_alone(text):
    assert mask_public_text(text) == (text or "")


def test_the_last_four_digits_stay_readable():
    assert mask_public_text("13812345678") == "138****5678"
