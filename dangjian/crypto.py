"""Encryption at rest for personal data (PIPL Art. 28).

``EncryptedCharField`` stores a Fernet token; the plain value never reaches the database.
Fernet tokens are randomised, so equality look-ups go through a companion
``KeyedHashField`` that stores an HMAC-SHA256 of the normalised plain value.

Keys come from settings (``FIELD_ENCRYPTION_KEYS``: the first encrypts, all decrypt, so
keys can be rotated; ``FIELD_HASH_KEY`` for the hashes).
"""
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models

TOKEN_PREFIX = "fernet:"


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty: personal data cannot be stored.")
    return MultiFernet([Fernet(k.encode() if isinstance(k, str) else k) for k in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(value: str) -> str:
    return TOKEN_PREFIX + fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if not token.startswith(TOKEN_PREFIX):
        raise ValueError("value is not an encrypted token")
    try:
        return fernet().decrypt(token[len(TOKEN_PREFIX):].encode()).decode()
    except InvalidToken as exc:  # wrong key or tampered row
        raise ValueError("encrypted value cannot be decrypted with the configured keys") from exc


def normalise(value: str) -> str:
    """Canonical form used for hashing: no spaces or dashes, upper case (ID check letter X)."""
    return "".join(ch for ch in str(value) if ch not in " -\t").upper()


def keyed_hash(value: str | None) -> str:
    if not value:
        return ""
    key = settings.FIELD_HASH_KEY
    if not key:
        raise ImproperlyConfigured("FIELD_HASH_KEY is empty: personal data cannot be indexed.")
    return hmac.new(key.encode(), normalise(value).encode(), hashlib.sha256).hexdigest()


class EncryptedLookupError(FieldError, TypeError):
    """A query compared an encrypted column: its ciphertext is randomised, so the comparison
    could only ever match nothing (or by chance the empty string) — refused instead."""


class EncryptedCharField(models.TextField):
    """A text column holding a Fernet token; Python sees the plain string."""

    description = "Encrypted text"

    def __init__(self, *args, max_plain_length: int = 64, **kwargs):
        self.max_plain_length = max_plain_length
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.max_plain_length != 64:
            kwargs["max_plain_length"] = self.max_plain_length
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        if not value:
            return ""
        return decrypt(value)

    def to_python(self, value):
        if value is None:
            return ""
        if isinstance(value, str) and value.startswith(TOKEN_PREFIX):
            return decrypt(value)
        return str(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value:
            return ""
        if value.startswith(TOKEN_PREFIX):
            return value
        return encrypt(value)

    def hash_field_name(self) -> str | None:
        """The ``KeyedHashField`` of the same model that hashes this field, if any."""
        model = getattr(self, "model", None)
        for other in model._meta.concrete_fields if model is not None else ():
            if isinstance(other, KeyedHashField) and other.source == self.name:
                return other.name
        return None

    def _refuse(self, lookup_name):
        where = f"{self.model.__name__}.{self.name}" if getattr(self, "model", None) else self.name
        hashed = self.hash_field_name()
        if hashed:
            hint = f"filter on '{hashed}' with dangjian.crypto.keyed_hash(value) instead"
        else:
            hint = "it has no keyed-hash companion field, so it cannot be searched (add a KeyedHashField to search it)"
        raise EncryptedLookupError(
            f"{where} is encrypted: the '{lookup_name}' look-up would compare randomised ciphertext "
            f"and match nothing; {hint}. Only 'isnull' is allowed on an encrypted field."
        )

    def get_lookup(self, lookup_name):
        # Every comparison (exact, iexact, contains, in, gt, regex, ...) would read ciphertext.
        if lookup_name != "isnull":
            self._refuse(lookup_name)
        return super().get_lookup(lookup_name)

    def get_transform(self, lookup_name):
        # No transform either (lower, unaccent, trigram_similar, ...): its comparison would read ciphertext too.
        self._refuse(lookup_name)


class KeyedHashField(models.CharField):
    """HMAC of another field's plain value, kept in step on every save and bulk insert."""

    def __init__(self, *args, source: str = "", **kwargs):
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for key in ("max_length", "blank", "default", "editable"):
            kwargs.pop(key, None)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = keyed_hash(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value
