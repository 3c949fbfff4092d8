"""The portal's own password rules, beside Django's validators (``AUTH_PASSWORD_VALIDATORS``).

``MinimumLengthValidator`` is Django's with its message in Chinese (Django 5.2's Chinese
catalogue lacks the new wording, so "This password is too short…" showed in English on the
password pages).

``CharacterVarietyValidator`` refuses passwords that are one character repeated
(``aaaaaaaaaa``), that hold a run of ``max_run`` or more equal characters, or that use fewer
than ``min_classes`` kinds of character (lower-case letters, upper-case letters, digits,
anything else: punctuation, spaces, Chinese characters).  Every path that sets a password
runs the whole list through ``django.contrib.auth.password_validation.validate_password``.
"""
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self):
        return _("密码太短，至少需要 %(n)d 个字符。") % {"n": self.min_length}

    def get_help_text(self):
        return _("密码至少需要 %(n)d 个字符。") % {"n": self.min_length}


def character_classes(password: str) -> int:
    kinds = set()
    for ch in password:
        if ch.isascii() and ch.islower():
            kinds.add("lower")
        elif ch.isascii() and ch.isupper():
            kinds.add("upper")
        elif ch.isdigit():
            kinds.add("digit")
        else:
            kinds.add("other")
    return len(kinds)


def longest_run(password: str) -> int:
    best = run = 0
    previous = None
    for ch in password:
        run = run + 1 if ch == previous else 1
        previous = ch
        best = max(best, run)
    return best


class CharacterVarietyValidator:
    def __init__(self, min_classes: int = 2, max_run: int = 4):
        self.min_classes = min_classes
        self.max_run = max_run

    def validate(self, password, user=None):
        if len(set(password)) <= 1:
            raise ValidationError(_("密码不能由同一个字符重复组成。"), code="password_single_character")
        if longest_run(password) >= self.max_run:
            raise ValidationError(
                _("密码中不能有 %(n)d 个或更多连续相同的字符。") % {"n": self.max_run}, code="password_repeated_run",
            )
        if character_classes(password) < self.min_classes:
            raise ValidationError(
                _("密码至少要包含 %(n)d 类字符（小写字母、大写字母、数字、其他符号）。") % {"n": self.min_classes},
                code="password_too_few_classes",
            )

    def get_help_text(self):
        return _("密码至少要包含 %(n)d 类字符（小写字母、大写字母、数字、其他符号），且不能有 %(run)d 个以上连续相同的字符。") % {
            "n": self.min_classes, "run": self.max_run,
        }
