"""Personal data in text: e-mail addresses, phone numbers, payment card numbers, US SSNs, IBANs.

Precision comes first (issue 13): each kind needs a shape that data rarely takes by accident,
and documented or synthetic values never count. E-mail: a real-looking domain (not the RFC 2606
/ RFC 6761 reserved names, not a placeholder domain, not a file name such as `icon@2x.png`).
Phone: written with separators (bare digit runs are ids); NANP numbers need valid area and
exchange codes and never the 555 exchange (reserved for fiction) or toll-free codes.
Card: 13-19 digits in one of the networks' IIN ranges, Luhn-valid, not a payment provider's test
number and not a synthetic pattern. SSN: `AAA-GG-SSSS` within the ranges the SSA assigns, minus
the numbers it documents as advertising samples. IBAN: the country's registered length and the
ISO 7064 mod-97 check, minus the IBAN registry's own examples.

Values are counted, never returned: callers get counts by kind and where the first one sits.
Distinct values are told apart by a hash kept only while the text is read.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

KINDS = ("email", "phone", "card", "ssn", "iban")
LABELS = {
    "email": "e-mail address",
    "phone": "phone number",
    "card": "payment card number",
    "ssn": "US social security number",
    "iban": "IBAN",
}
# Checksummed or government identifiers: one is enough to raise the severity.
SENSITIVE = frozenset({"card", "ssn", "iban"})


@dataclass(frozen=True)
class Hit:
    kind: str
    start: int  # character offset in the text
    end: int
    # A digest of the value, to count distinct values; the value itself is never kept.
    digest: bytes = field(repr=False)


# --- e-mail -------------------------------------------------------------------------------------

_EMAIL = re.compile(
    r"(?<![\w.%+\-])[A-Za-z0-9][A-Za-z0-9._%+\-]{0,63}@"
    r"(?P<domain>(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.){1,8}[A-Za-z]{2,24})(?![\w\-])"
)
# RFC 2606 / RFC 6761 reserved names, and the placeholders documentation uses.
_RESERVED_TLDS = frozenset({"test", "example", "invalid", "localhost", "local", "internal"})
_PLACEHOLDER_DOMAINS = frozenset(
    {
        "example.com",
        "example.net",
        "example.org",
        "domain.com",
        "yourdomain.com",
        "mydomain.com",
        "company.com",
        "yourcompany.com",
        "mycompany.com",
        "email.com",
        "acme.com",
        "acme.org",
        "acme.io",
        "acme.corp",
        "foo.com",
        "bar.com",
        "foobar.com",
        "users.noreply.github.com",
    }
)
_PLACEHOLDER_LOCALS = frozenset(
    {"noreply", "no-reply", "donotreply", "do-not-reply", "git", "root", "postmaster", "abuse"}
)
# `icon@2x.png`, `pkg@1.2.3.tgz`: a file name, not an address.
_FILE_TLDS = frozenset(
    {"png", "jpg", "jpeg", "gif", "svg", "webp", "ico", "css", "js", "ts", "map", "json"}
    | {"html", "xml", "txt", "pdf", "tgz", "zip", "gz", "whl", "md", "yml", "yaml", "csv"}
)


def _email_is_real(local: str, domain: str) -> bool:
    domain = domain.lower()
    labels = domain.split(".")
    if labels[-1] in _RESERVED_TLDS or labels[-1] in _FILE_TLDS:
        return False
    if "example" in labels or domain in _PLACEHOLDER_DOMAINS:
        return False
    return local.lower() not in _PLACEHOLDER_LOCALS


# --- phone --------------------------------------------------------------------------------------

# NANP: (415) 867-5309, 415-867-5309, 415.867.5309, +1 415 867 5309; one separator style.
_NANP = re.compile(
    r"(?<![\w+.\-])(?:\+?1[ .\-]?)?"
    r"(?:\((?P<area1>[2-9]\d\d)\)[ ]?|(?P<area2>[2-9]\d\d)(?P<sep>[ .\-]))"
    r"(?P<exchange>[2-9]\d\d)[ .\-](?P<line>\d{4})(?![\w.\-]|\d)"
)
# North American toll-free codes: businesses, not people.
_TOLL_FREE = frozenset({"800", "833", "844", "855", "866", "877", "888"})
# International, written with a + and separators: +44 20 7946 0958, +49 30 1234567.
_INTL = re.compile(
    r"(?<![\w+.\-])\+(?P<cc>[2-9]\d{0,2})[ .\-](?:\(\d{1,4}\)[ .\-]?)?\d{1,4}(?:[ .\-]\d{2,5}){1,4}"
    r"(?![\w.\-]|\d)"
)


def _nanp_is_real(m: re.Match[str]) -> bool:
    area = m.group("area1") or m.group("area2")
    exchange = m.group("exchange")
    if area in _TOLL_FREE or area[1:] == "11" or exchange[1:] == "11":
        return False
    return exchange != "555" and area != "555"


def _intl_is_real(m: re.Match[str]) -> bool:
    digits = re.sub(r"\D", "", m.group())
    return 8 <= len(digits) <= 15 and not _synthetic_digits(digits[len(m.group("cc")) :])


# --- payment cards ------------------------------------------------------------------------------

_CARD = re.compile(r"(?<![\w.\-])\d(?:[ \-]?\d){12,18}(?![\w.]|-\d)")
# Separated numbers must be grouped as printed on cards: 4-4-4-4(-3), Amex 4-6-5, Diners 4-6-4.
_CARD_GROUPS = frozenset({(4, 4, 4, 4), (4, 4, 4, 4, 3), (4, 6, 5), (4, 6, 4), (4, 4, 4, 1)})


def _card_network(digits: str) -> bool:
    """Whether `digits` sits in a major network's IIN range at a length it issues.

    Ranges from the ISO/IEC 7812 issuer table (Wikipedia, "Payment card number": Visa 4;
    Mastercard 51-55 and 2221-2720; Amex 34, 37; Discover 6011, 644-649, 65; JCB 3528-3589;
    Diners Club 300-305, 36, 38-39; UnionPay 62).
    """
    n = len(digits)
    p2, p3, p4 = int(digits[:2]), int(digits[:3]), int(digits[:4])
    if digits[0] == "4":
        return n in (13, 16, 19)
    if 51 <= p2 <= 55 or 2221 <= p4 <= 2720:
        return n == 16
    if p2 in (34, 37):
        return n == 15
    if p4 == 6011 or 644 <= p3 <= 649 or p2 == 65 or 3528 <= p4 <= 3589 or p2 == 62:
        return 16 <= n <= 19
    if 300 <= p3 <= 305 or p2 in (36, 38, 39):
        return 14 <= n <= 19
    return False


def luhn_valid(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


# Documented test numbers (Stripe "Testing" docs, docs.stripe.com/testing, and the Braintree and
# PayPal sandbox lists): they pass Luhn and sit in real IIN ranges on purpose.
TEST_CARDS = frozenset(
    {
        "4242424242424242",
        "4012888888881881",
        "4000056655665556",
        "5555555555554444",
        "2223003122003222",
        "5200828282828210",
        "5105105105105100",
        "378282246310005",
        "371449635398431",
        "6011111111111117",
        "6011000990139424",
        "6011981111111113",
        "3056930009020004",
        "36227206271667",
        "30569309025904",
        "38520000023237",
        "3530111333300000",
        "3566002020360505",
        "3566111111111113",
        "6200000000000005",
        "6200000000000047",
        "6205500000000000004",
        "6555900000604105",
        "4111111111111111",
        "4005519200000004",
        "4009348888881881",
        "4012000033330026",
        "4012000077777777",
        "4217651111111119",
        "4500600000000061",
        "2223000048400011",
        "2222420000001113",
        "2222630000001125",
        "36259600000004",
        "5425233430109903",
        "4263982640269299",
        "374245455400126",
        "6250941006528599",
    }
)


def _synthetic_digits(digits: str) -> bool:
    """Made-up digits: six of one in a row, few distinct digits, a short repeating period, or a
    counting run (`123456`, `987654`)."""
    if re.search(r"(\d)\1{5}", digits) or len(set(digits)) <= 3:
        return True
    for period in (1, 2, 3, 4):
        body = digits[:-1]
        if len(body) >= 2 * period and body == (body[:period] * len(body))[: len(body)]:
            return True
    return "123456" in digits or "987654" in digits or "234567" in digits


def _card_is_real(text: str) -> str | None:
    groups = tuple(len(g) for g in re.split(r"[ \-]", text))
    if len(groups) > 1 and groups not in _CARD_GROUPS:
        return None
    digits = re.sub(r"\D", "", text)
    if not _card_network(digits) or not luhn_valid(digits):
        return None
    if digits in TEST_CARDS or _synthetic_digits(digits):
        return None
    return digits


# --- US SSN -------------------------------------------------------------------------------------

_SSN = re.compile(r"(?<![\w\-])(?P<area>\d{3})-(?P<group>\d{2})-(?P<serial>\d{4})(?![\w]|-\d)")
# Numbers the SSA says were used in advertising and are void (ssa.gov, "Social Security Numbers
# used in advertising"; 078-05-1120 from the Woolworth wallet insert), plus the textbook sample.
_SSN_SAMPLES = frozenset({"078051120", "219099999", "123456789", "111111111", "457555462"})


def _ssn_is_real(m: re.Match[str]) -> bool:
    area, group, serial = m.group("area"), m.group("group"), m.group("serial")
    # Never assigned: area 000, 666 or 900-999; group 00; serial 0000 (SSA randomization notes).
    if area in ("000", "666") or area[0] == "9" or group == "00" or serial == "0000":
        return False
    return area + group + serial not in _SSN_SAMPLES and len(set(area + group + serial)) > 2


# --- IBAN ---------------------------------------------------------------------------------------

# Lengths from the SWIFT IBAN registry (as tabulated by IbanNet, SupportedCountries.md).
IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28,
    "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23,
    "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
    "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20,
    "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18,
    "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24,
    "SC": 31, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28, "TL": 23, "TN": 24,
    "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}  # fmt: skip
_IBAN = re.compile(
    r"(?<![A-Za-z0-9])(?P<cc>[A-Z]{2})\d{2}"
    r"(?:[A-Z0-9]{11,30}|(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,3})?)(?![A-Za-z0-9])"
)
# The registry's example IBANs, one per country: documentation, fixtures and tutorials use them.
IBAN_EXAMPLES = frozenset(
    """
    AD1200012030200359100100 AE070331234567890123456 AL47212110090000000235698741
    AT611904300234573201 AZ21NABZ00000000137010001944 BA391290079401028494 BE68539007547034
    BG80BNBG96611020345678 BH67BMAG00001299123456 BR1800360305000010009795493C1
    BY13NBRB3600900000002Z00AB00 CH9300762011623852957 CR05015202001026284066
    CY17002001280000001200527600 CZ6508000000192000145399 DE89370400440532013000
    DK5000400440116243 DO28BAGR00000001212453611324 EE382200221020145685
    EG380019000500000000263180002 ES9121000418450200051332 FI2112345600000785
    FO6264600001631634 FR1420041010050500013M02606 GB29NWBK60161331926819
    GE29NB0000000101904917 GI75NWBK000000007099453 GL8964710001000206
    GR1601101250000000012300695 GT82TRAJ01020000001210029690 HR1210010051863000160
    HU42117730161111101800000000 IE29AIBK93115212345678 IL620108000000099999999
    IQ98NBIQ850123456789012 IS140159260076545510730339 IT60X0542811101000000123456
    JO94CBJO0010000000000131000302 KW81CBKU0000000000001234560101 KZ86125KZT5004100100
    LB62099900000001001901229114 LC55HEMM000100010012001200023015 LI21088100002324013AA
    LT121000011101001000 LU280019400644750000 LV80BANK0000435195001
    MC5811222000010123456789030 MD24AG000225100013104168 ME25505000012345678951
    MK07250120000058984 MR1300020001010000123456753 MT84MALT011000012345MTLCAST001S
    MU17BOMM0101101030300200000MUR NL91ABNA0417164300 NO9386011117947
    PK36SCBL0000001123456702 PL61109010140000071219812874 PS92PALS000000000400123456702
    PT50000201231234567890154 QA58DOHB00001234567890ABCDEFG RO49AAAA1B31007593840000
    RS35260005601001611379 SA0380000000608010167519 SC18SSCB11010000000000001497USD
    SE4550000000058398257466 SI56263300012039086 SK3112000000198742637541
    SM86U0322509800000000270100 ST23000100010051845310146 SV62CENR00000000000000700025
    TL380080012345678910157 TN5910006035183598478831 TR330006100519786457841326
    UA213223130000026007233566001 VA59001123000012345678 VG96VPVG0000012345678901
    XK051212012345678906
    """.split()  # noqa: SIM905 (one IBAN a word reads better than 77 quoted strings)
)


def iban_checksum_valid(iban: str) -> bool:
    moved = iban[4:] + iban[:4]
    number = "".join(str(int(ch, 36)) for ch in moved)
    return int(number) % 97 == 1


def _iban_is_real(text: str) -> str | None:
    compact = text.replace(" ", "")
    if IBAN_LENGTHS.get(compact[:2]) != len(compact) or not iban_checksum_valid(compact):
        return None
    digits = re.sub(r"\D", "", compact[4:])
    if "123456" in digits or compact in IBAN_EXAMPLES:
        return None
    return compact


# --- all kinds ----------------------------------------------------------------------------------


def _digest(value: str) -> bytes:
    return hashlib.blake2b(value.encode(), digest_size=16).digest()


def find(text: str) -> Iterator[Hit]:
    """Every real-looking personal value in `text`, in no particular order."""
    if "@" in text:
        for m in _EMAIL.finditer(text):
            local = m.group()[: m.start("domain") - m.start() - 1]
            if _email_is_real(local, m.group("domain")):
                yield Hit("email", m.start(), m.end(), _digest(m.group().lower()))
    if not re.search(r"\d", text):
        return
    for m in _NANP.finditer(text):
        if _nanp_is_real(m):
            yield Hit("phone", m.start(), m.end(), _digest(re.sub(r"\D", "", m.group())[-10:]))
    if "+" in text:
        for m in _INTL.finditer(text):
            if _intl_is_real(m):
                yield Hit("phone", m.start(), m.end(), _digest(re.sub(r"\D", "", m.group())))
    for m in _CARD.finditer(text):
        card = _card_is_real(m.group())
        if card is not None:
            yield Hit("card", m.start(), m.end(), _digest(card))
    if "-" in text:
        for m in _SSN.finditer(text):
            if _ssn_is_real(m):
                yield Hit("ssn", m.start(), m.end(), _digest(re.sub(r"\D", "", m.group())))
    for m in _IBAN.finditer(text):
        iban = _iban_is_real(m.group())
        if iban is not None:
            yield Hit("iban", m.start(), m.end(), _digest(iban))


@dataclass(frozen=True)
class Tally:
    """Distinct values by kind, and where the first value (in text order) starts."""

    counts: tuple[tuple[str, int], ...]
    first: int

    @property
    def total(self) -> int:
        return sum(n for _, n in self.counts)

    def kinds(self) -> frozenset[str]:
        return frozenset(k for k, _ in self.counts)

    def summary(self) -> str:
        parts = []
        for kind, n in self.counts:
            label = LABELS[kind]
            parts.append(f"{n} {label}{'' if n == 1 else 'es' if label.endswith('ss') else 's'}")
        return ", ".join(parts)


def tally(text: str) -> Tally | None:
    hits = list(find(text))
    if not hits:
        return None
    # A span claimed by two kinds (a card number that also parses as a phone) counts once, as
    # the checksummed kind.
    order = {k: i for i, k in enumerate(("card", "iban", "ssn", "email", "phone"))}
    hits.sort(key=lambda h: (h.start, order[h.kind]))
    kept: list[Hit] = []
    for hit in hits:
        if kept and hit.start < kept[-1].end:
            continue
        kept.append(hit)
    seen: dict[str, set[bytes]] = {}
    for hit in kept:
        seen.setdefault(hit.kind, set()).add(hit.digest)
    counts = tuple((k, len(seen[k])) for k in KINDS if k in seen)
    return Tally(counts, kept[0].start)
