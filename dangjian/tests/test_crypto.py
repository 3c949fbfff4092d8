"""Encryption at rest, keyed hashes, key rotation, masking and ID-number validation."""
import pytest
from cryptography.fernet import Fernet, MultiFernet
from django.db import connection
from django.test import override_settings

from dangjian import crypto
from dangjian.crypto import TOKEN_PREFIX, decrypt, encrypt, keyed_hash, normalise
from dangjian.privacy import id_number_check_digit, is_valid_id_number, is_valid_mobile, mask_id_number, mask_phone
from organizations.members.models import Member
from organizations.tests.factories import MemberFactory, PartyOrgFactory, valid_id_number

ID_NUMBER = "11010519491231002X"  # the standard's worked example (GB 11643-1999)


def _raw(member_pk: int) -> tuple[str, str, str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT phone, phone_hash, id_number, id_number_hash FROM organizations_member WHERE id = %s", [member_pk]
        )
        return cursor.fetchone()


# --------------------------------------------------------------------- encryption
def test_encrypt_round_trip_and_randomised_tokens():
    token = encrypt("13912345678")
    assert token.startswith(TOKEN_PREFIX)
    assert "13912345678" not in token
    assert decrypt(token) == "13912345678"
    assert encrypt("13912345678") != token  # Fernet tokens are randomised: no equality leak


def test_decrypt_refuses_plain_and_tampered_values():
    with pytest.raises(ValueError):
        decrypt("13912345678")
    token = encrypt("secret")
    tampered = token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]
    with pytest.raises(ValueError):
        decrypt(tampered)


@pytest.mark.django_db
def test_the_database_holds_no_plain_personal_data():
    member = MemberFactory(phone="13712345678", id_number=ID_NUMBER)
    raw_phone, phone_hash, raw_id, id_hash = _raw(member.pk)
    assert raw_phone.startswith(TOKEN_PREFIX) and raw_id.startswith(TOKEN_PREFIX)
    assert "13712345678" not in raw_phone and ID_NUMBER not in raw_id
    assert "19491231" not in raw_id  # not even the birth date inside the ID number
    assert phone_hash == keyed_hash("13712345678") and id_hash == keyed_hash(ID_NUMBER)
    assert ID_NUMBER not in id_hash
    again = Member.objects.get(pk=member.pk)
    assert (again.phone, again.id_number) == ("13712345678", ID_NUMBER)


@pytest.mark.django_db
def test_bulk_create_encrypts_and_hashes_too():
    org = PartyOrgFactory()
    Member.objects.bulk_create(
        [Member(name="批量", gender="F", organization=org, phone="13511112222", id_number=valid_id_number(5))]
    )
    pk = Member.objects.get(name="批量").pk
    raw_phone, phone_hash, _raw_id, _id_hash = _raw(pk)
    assert raw_phone.startswith(TOKEN_PREFIX)
    assert phone_hash == keyed_hash("13511112222")


@pytest.mark.django_db
def test_encrypted_columns_refuse_partial_lookups():
    with pytest.raises(TypeError):
        Member.objects.filter(phone__icontains="139")


# --------------------------------------------------------------------- keyed hashes
@pytest.mark.django_db
def test_keyed_hash_finds_a_member_by_phone_and_id_number():
    target = MemberFactory(phone="13612345678", id_number=ID_NUMBER)
    MemberFactory(phone="13612345679")
    assert list(Member.objects.filter(phone_hash=keyed_hash("136 1234-5678"))) == [target]
    assert list(Member.objects.filter(id_number_hash=keyed_hash(ID_NUMBER.lower()))) == [target]
    assert not Member.objects.filter(phone_hash=keyed_hash("13600000000")).exists()


def test_keyed_hash_depends_on_the_key_and_normalises():
    assert normalise(" 1101-0519 49123 1002x ") == ID_NUMBER
    assert keyed_hash("") == ""
    assert keyed_hash("13912345678") == keyed_hash("139 1234 5678")
    with override_settings(FIELD_HASH_KEY="another-key"):
        other = keyed_hash("13912345678")
    assert other != keyed_hash("13912345678")
    assert len(other) == 64


# ---------------------------------------------------------------------- key rotation
@pytest.mark.django_db
def test_key_rotation_keeps_old_rows_readable(settings):
    old_keys = list(settings.FIELD_ENCRYPTION_KEYS)
    member = MemberFactory(phone="13812345678", id_number=ID_NUMBER)
    old_token = _raw(member.pk)[0]

    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, *old_keys]
    assert Member.objects.get(pk=member.pk).phone == "13812345678"  # old rows still decrypt

    fresh = MemberFactory(phone="13812345670")
    only_new = MultiFernet([Fernet(new_key.encode())])
    assert only_new.decrypt(_raw(fresh.pk)[0][len(TOKEN_PREFIX):].encode()) == b"13812345670"

    # Re-saving an old row re-encrypts it with the new first key.
    Member.objects.get(pk=member.pk).save()
    new_token = _raw(member.pk)[0]
    assert new_token != old_token
    assert only_new.decrypt(new_token[len(TOKEN_PREFIX):].encode()) == b"13812345678"
    # The hash column does not depend on the encryption key.
    assert Member.objects.get(phone_hash=keyed_hash("13812345678")).pk == member.pk


@pytest.mark.django_db
def test_a_row_cannot_be_read_once_its_key_is_dropped(settings):
    member = MemberFactory(phone="13812340000")
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(ValueError):
        Member.objects.get(pk=member.pk)


def test_no_keys_means_no_storage(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.FIELD_ENCRYPTION_KEYS = []
    with pytest.raises(ImproperlyConfigured):
        crypto.encrypt("x")


# -------------------------------------------------------------------------- masking
@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("13912345678", "139****5678"),
        ("139 1234 5678", "139****5678"),
        ("+86 13912345678", "861******5678"),
        ("2345678", "***5678"),
        ("1234", "****"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_phone(value, masked):
    assert mask_phone(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        (ID_NUMBER, "1101**********002X"),
        ("11010519491231002x", "1101**********002X"),
        ("12345678", "********"),
        ("", ""),
    ],
)
def test_mask_id_number(value, masked):
    assert mask_id_number(value) == masked
    assert len(mask_id_number(value)) == len(value.strip())


# ------------------------------------------------------------------ ID number checksum
def test_id_number_checksum():
    assert id_number_check_digit(ID_NUMBER[:17]) == "X"
    assert is_valid_id_number(ID_NUMBER)
    assert is_valid_id_number(ID_NUMBER.lower())
    assert is_valid_id_number(f" {ID_NUMBER} ")
    assert not is_valid_id_number(ID_NUMBER[:17] + "1")  # wrong check character
    assert not is_valid_id_number("11010519491231102X")  # one digit changed
    assert not is_valid_id_number(ID_NUMBER[:17])
    assert not is_valid_id_number("A1010519491231002X")
    assert not is_valid_id_number("")
    for seq in range(1, 50):
        assert is_valid_id_number(valid_id_number(seq))


@pytest.mark.parametrize(
    ("value", "valid"),
    [("13912345678", True), (" 19912345678 ", True), ("12912345678", False), ("1391234567", False),
     ("139123456789", False), ("1391234567a", False), ("", False)],
)
def test_mobile_validation(value, valid):
    assert is_valid_mobile(value) is valid


# ----------------------------------------------------- look-ups on encrypted columns
@pytest.mark.parametrize(
    "lookup", ["exact", "iexact", "contains", "icontains", "in", "startswith", "endswith", "gt", "gte", "lt",
               "range", "regex", "iregex"],
)
def test_every_lookup_on_an_encrypted_field_raises_naming_the_hash_field(lookup):
    value = ["13912345678", "13912345679"] if lookup in ("in", "range") else "13912345678"
    with pytest.raises(crypto.EncryptedLookupError) as raised:
        Member.objects.filter(**{f"phone__{lookup}": value})
    message = str(raised.value)
    assert "phone_hash" in message and "keyed_hash" in message and lookup in message


def test_plain_equality_on_an_encrypted_field_raises_instead_of_matching_nothing():
    with pytest.raises(crypto.EncryptedLookupError, match="id_number_hash"):
        Member.objects.filter(id_number=ID_NUMBER)
    with pytest.raises(crypto.EncryptedLookupError, match="phone_hash"):
        Member.objects.exclude(phone="")
    from django.db.models import Q

    with pytest.raises(crypto.EncryptedLookupError, match="phone_hash"):
        Member.objects.filter(Q(name="x") | Q(phone="13912345678"))


def test_an_encrypted_field_without_a_hash_says_it_cannot_be_searched():
    from organizations.units.models import ResidentUnit

    with pytest.raises(crypto.EncryptedLookupError, match="no keyed-hash companion"):
        ResidentUnit.objects.filter(contact_phone="13912345678")


def test_the_lookup_error_is_a_field_error_and_a_type_error():
    from django.core.exceptions import FieldError

    assert issubclass(crypto.EncryptedLookupError, FieldError)
    assert issubclass(crypto.EncryptedLookupError, TypeError)


@pytest.mark.django_db
def test_isnull_stays_allowed_and_the_hash_finds_the_row():
    member = MemberFactory(phone="13912340001")
    assert not Member.objects.filter(phone__isnull=True).exists()
    assert Member.objects.filter(phone__isnull=False, phone_hash=keyed_hash("13912340001")).get() == member
