"""Who the customers and their contacts are: company names, credit codes, addresses, people.

Names follow the demo's pattern (city + 字号 + what the company does + 有限公司) with the demo's
word lists. The 字号 of the n-th company of a city and industry is the n-th of a shuffled list of
two- and three-character brands, so names do not repeat within a city and industry. Credit
codes (GB 32100, with both check characters) come from a bijection of the customer id, so they
never repeat either. Phone numbers likewise come from the contact id; they are encrypted and
hashed exactly as ``contact_add`` stores them (``baton.core.crypto``), the ciphertext with a
random nonce, so only that column differs between two runs with the same seed.
"""

from __future__ import annotations

import random

from baton.core import crypto
from baton.core.masking import mask_phone
from baton.customers.demo.data import (
    BRAND_CHARS,
    CITIES,
    COUNTY_CITIES,
    DISTRICTS,
    GIVEN_PINYIN,
    INDUSTRY_WORDS,
    MAIN_CONTACT_TITLES,
    MUNICIPALITIES,
    PROVINCE_NAMES,
    ROADS,
    SURNAME_PINYIN,
    TITLES,
)
from baton.demo.dataset.draws import between, cumulative, pick, weighted
from baton.demo.dataset.plan import CITY_NAMES, INDUSTRIES

CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
SUFFIXES = ("有限公司", "股份有限公司", "有限责任公司")
SURNAMES = list(SURNAME_PINYIN)
GIVENS = list(GIVEN_PINYIN)
MAIN_TITLES = list(MAIN_CONTACT_TITLES)
MAIN_TITLE_CW = cumulative(list(MAIN_CONTACT_TITLES.values()))
OTHER_TITLES = list(TITLES)


# GB 32100 (the unified social credit code) weights its 17 characters, GB 11714 (the
# organisation code inside it) its first 8; the check characters follow from the sums. The tests
# run every generated code through ``validate_credit_code``.
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_VALUES = [int(c) if c.isdigit() else ord(c) - 55 for c in CREDIT_ALPHABET]
_PREFIX_SUMS: dict[str, int] = {}


def _credit_code(area: str, number: int) -> str:
    """A unified social credit code: 91, the area, an organisation code from ``number``, check."""
    digits = []
    for _i in range(8):
        number, digit = divmod(number, 31)
        digits.append(digit)
    check = 11 - sum(ORG_VALUES[d] * w for d, w in zip(digits, ORG_WEIGHTS, strict=True)) % 11
    org_check = "X" if check == 10 else "0" if check == 11 else str(check)
    head = _PREFIX_SUMS.get(area)
    if head is None:
        head = _PREFIX_SUMS[area] = sum(
            CREDIT_ALPHABET.index(c) * w for c, w in zip("91" + area, CREDIT_WEIGHTS[:8], strict=True)
        )
    total = head + sum(d * w for d, w in zip(digits, CREDIT_WEIGHTS[8:16], strict=True))
    total += CREDIT_ALPHABET.index(org_check) * CREDIT_WEIGHTS[16]
    body = "".join(CREDIT_ALPHABET[d] for d in digits)
    return f"91{area}{body}{org_check}{CREDIT_ALPHABET[(31 - total % 31) % 31]}"


class Identities:
    """Deterministic company identities and contact people for the dataset's customers."""

    def __init__(self, *, seed: int, rng: random.Random) -> None:
        self.rng = rng
        chars = [c for c in BRAND_CHARS]
        pairs = [a + b for a in chars for b in chars if a != b and a + b != "顺达"]
        rng.shuffle(pairs)
        triples = [a + b + c for a in chars[:24] for b in chars for c in chars[24:] if len({a, b, c}) == 3]
        rng.shuffle(triples)
        self.brands = pairs + triples
        self.next_brand: dict[tuple[int, int], int] = {}
        self.code_offset = rng.randrange(31**8)
        self.phone_offset = rng.randrange(10**9)

    def company(self, customer_id: int, city: int, industry: int) -> tuple[str, str, str, str, str]:
        """(name, normalised name, credit code, address, e-mail domain) of a customer."""
        rng = self.rng
        key = (city, industry)
        start = self.next_brand.get(key)
        if start is None:
            start = rng.randrange(len(self.brands))
        self.next_brand[key] = start + 1
        brand = self.brands[start % len(self.brands)]
        city_name = CITY_NAMES[city]
        rnd = rng.random
        word = pick(rnd, INDUSTRY_WORDS[INDUSTRIES[industry]])
        suffix = SUFFIXES[0] if rnd() < 0.86 else pick(rnd, SUFFIXES[1:])
        form = rnd()
        # The normalised name is built from the parts: what ``normalize_name`` leaves of these
        # forms (brackets and the legal suffix go; the tests compare the two).
        if form < 0.12:
            name, normalized = f"{brand}{word}（{city_name}）{suffix}", f"{brand}{word}{city_name}"
        elif form < 0.3 and city_name not in COUNTY_CITIES:
            name, normalized = f"{city_name}市{brand}{word}{suffix}", f"{city_name}市{brand}{word}"
        else:
            name, normalized = f"{city_name}{brand}{word}{suffix}", f"{city_name}{brand}{word}"
        province, _region, area, city_py, _lat, _lon = CITIES[city_name]
        code = ""
        if rnd() < 0.9:
            code = _credit_code(area, (customer_id * 2_654_435_761 + self.code_offset) % 31**8)
        place = f"{city_name}市" if city_name not in MUNICIPALITIES else ""
        head = PROVINCE_NAMES.get(province, f"{province}省")
        address = (
            f"{head}{place}{pick(rnd, DISTRICTS[city_name])}{pick(rnd, ROADS)}{between(rnd, 1, 388)}号"
            + (f"{between(rnd, 1, 12)}栋" if rnd() < 0.35 else "")
        )
        domain = "".join(BRAND_CHARS[c] for c in brand) + f"-{city_py}.example"
        return name, normalized, code, address, domain

    def phone(self, contact_id: int) -> str:
        """A mobile number of its own for every contact id."""
        return f"1{'358'[contact_id % 3]}{(contact_id * 387_420_489 + self.phone_offset) % 10**9:09d}"

    def people(self, count: int, *, large: bool) -> list[tuple[str, str, str, str]]:
        """``count`` contacts (name, title, surname pinyin, given pinyin), the main contact first."""
        rnd = self.rng.random
        titles = [weighted(rnd, MAIN_TITLES, MAIN_TITLE_CW)]
        if large and "总经理" not in titles:
            titles.append("总经理")
        while len(titles) < count:
            title = pick(rnd, OTHER_TITLES)
            if title not in titles:
                titles.append(title)
        out = []
        for title in titles[:count]:
            surname, given = pick(rnd, SURNAMES), pick(rnd, GIVENS)
            out.append((surname + given, title, SURNAME_PINYIN[surname], GIVEN_PINYIN[given]))
        return out


def phone_stored(phone: str) -> tuple[str, str, str]:
    """(encrypted, keyed hash, masked): a phone number as ``contact_add`` stores it."""
    return crypto.encrypt(phone, associated="contact.phone"), crypto.keyed_hash(phone), mask_phone(phone)
