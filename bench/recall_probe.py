"""Recall probe: does the placeholder filter let real-looking passwords through?

    python bench/recall_probe.py [--hex-guard CMD]... [--per-family 100] [--seed 7]

The hand-labelled corpus (bench/precision.py) measures false alarms; cutting them must not drop
real credentials. This writes seeded random passwords of three families a person or a password
manager produces (human: a word, digits, maybe a symbol; random letters only; passphrases of
dictionary words) into five everyday places (a `.env` line, a `psycopg2.connect(...)` call, a
PostgreSQL URI in YAML, a JSON connection payload, a compose service whose user and database have
names), all with a non-local host, and random API keys and tokens (base62, hex, url-safe base64)
into three keyed places (a client's `api_key=`, an `X-API-KEY` header in a docs curl, YAML
`access_token:`), and prints the share each hex-guard build reports. The values exist only in a
temporary directory at run time.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import string
import subprocess
import tempfile
from collections import Counter
from urllib.parse import quote

# Ordinary nouns, none of them a stock password word.
WORDS = tuple(
    [
        "river",
        "candle",
        "orbit",
        "maple",
        "falcon",
        "granite",
        "velvet",
        "harbor",
        "lantern",
        "meadow",
        "copper",
        "thistle",
        "ember",
        "willow",
        "quartz",
        "saddle",
        "timber",
        "marble",
        "cobalt",
        "juniper",
        "walnut",
        "pepper",
        "glacier",
        "canyon",
        "sparrow",
        "violet",
        "meteor",
        "cactus",
        "basalt",
        "lemon",
        "ferret",
        "anchor",
        "cinder",
        "prairie",
        "oyster",
        "tundra",
        "zephyr",
        "badger",
        "nectar",
        "pebble",
        "raven",
        "summit",
        "tulip",
        "vortex",
        "wagon",
        "yonder",
        "acorn",
        "breeze",
        "cliff",
        "dagger",
        "eagle",
        "fjord",
        "goblet",
        "hazel",
        "igloo",
        "jasper",
        "kettle",
        "lagoon",
        "mango",
        "nutmeg",
        "olive",
        "parrot",
        "quiver",
        "ribbon",
        "sonnet",
        "tango",
        "umber",
        "vessel",
        "walrus",
        "yarrow",
        "zinnia",
    ]
)

# Where each family is written: passwords into connection settings; tokens into keyed places
# (a compose file whose service, user and database have names, a client's keyword, an API
# request in docs with only its key, YAML config).
PASSWORD_FAMILIES = ("human", "letters", "passphrase")
TOKEN_FAMILIES = ("token", "hex", "b64url")
CONTEXTS = {
    ".env": ("DB_PASSWORD={v}\n", PASSWORD_FAMILIES),
    "settings.py": (
        'import psycopg2\nconn = psycopg2.connect(host="db.prod.internal", user="app", '
        'password="{v}")\n',
        PASSWORD_FAMILIES,
    ),
    "app.yaml": (
        "database_url: postgresql://app:{q}@db.prod.internal:5432/app\n",
        PASSWORD_FAMILIES,
    ),
    "conn.json": (
        '{{"type": "postgres", "host": "db.prod.internal", "username": "app", '
        '"password": "{v}"}}\n',
        PASSWORD_FAMILIES,
    ),
    "compose.yml": (
        "services:\n  pg:\n    image: postgres:16\n    environment:\n"
        "      POSTGRES_DB: orders\n      POSTGRES_USER: orders_app\n"
        "      POSTGRES_PASSWORD: {v}\n",
        PASSWORD_FAMILIES,
    ),
    "client.py": (
        'client = Client(base_url="https://api.acme.io", api_key="{v}")\n',
        TOKEN_FAMILIES,
    ),
    "api.md": (
        "```bash\ncurl https://api.acme.io/v1/runs \\\n  -H 'Content-Type: application/json' \\\n"
        "  -H 'X-API-KEY: {v}'\n```\n",
        TOKEN_FAMILIES,
    ),
    "config.yaml": ("warehouse:\n  host: dw.acme.io\n  access_token: {v}\n", TOKEN_FAMILIES),
}


def values(per_family: int, seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    out: list[tuple[str, str]] = []
    for i in range(per_family):
        alphabet = string.ascii_letters if i % 2 else string.ascii_lowercase
        out.append(("letters", "".join(rng.choice(alphabet) for _ in range(rng.randint(10, 20)))))
    for _ in range(per_family):
        words = rng.sample(WORDS, rng.randint(3, 4))
        if rng.random() < 0.5:
            words = [w.capitalize() for w in words]
        out.append(("passphrase", rng.choice(["-", "_", "", "."]).join(words)))
    for _ in range(per_family):
        word = rng.choice(WORDS).capitalize()
        out.append(
            ("human", f"{word}{rng.randint(10, 9999)}{rng.choice(['', '!', '#', '?', '*'])}")
        )
    # API keys and tokens as vendors issue them: base62 of 20 to 48, hex of 32 or 64, and
    # url-safe base64 of 32 bytes (43 characters).
    b62 = string.ascii_letters + string.digits
    b64url = b62 + "-_"
    for _ in range(per_family):
        out.append(("token", "".join(rng.choice(b62) for _ in range(rng.randint(20, 48)))))
    for _ in range(per_family):
        out.append(
            ("hex", "".join(rng.choice("0123456789abcdef") for _ in range(rng.choice((32, 64)))))
        )
    for _ in range(per_family):
        out.append(("b64url", "".join(rng.choice(b64url) for _ in range(43))))
    return out


def write_tree(root: str, items: list[tuple[str, str]]) -> dict[str, str]:
    families = {}
    for i, (family, value) in enumerate(items):
        case = f"p{i:04d}"
        os.makedirs(os.path.join(root, case))
        for name, (template, meant_for) in CONTEXTS.items():
            if family not in meant_for:
                continue
            with open(os.path.join(root, case, name), "w", encoding="utf-8") as handle:
                handle.write(template.format(v=value, q=quote(value, safe="")))
        families[case] = family
    return families


def reported(command: list[str], root: str, empty_config: str) -> set[tuple[str, str]]:
    proc = subprocess.run(
        [*command, "scan", "--format", "json", "-q", "--config", empty_config, "."],
        cwd=root,
        capture_output=True,
        text=True,
    )
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{command[0]} failed (exit {proc.returncode}): {proc.stderr.strip()}")
    hits = set()
    for finding in json.loads(proc.stdout)["findings"]:
        case, name = finding["path"].split("/", 1)
        hits.add((case, name))
    return hits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hex-guard", action="append", help="hex-guard command (repeatable)")
    parser.add_argument("--per-family", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    commands = args.hex_guard or ["hex-guard"]

    with tempfile.TemporaryDirectory() as root:
        families = write_tree(root, values(args.per_family, args.seed))
        empty_config = os.path.join(root, ".hex-guard.toml")
        open(empty_config, "w").close()
        totals = Counter(families.values())
        print(f"{'family':11s} {'context':12s} " + "  ".join(commands))
        results = [reported(command.split(), root, empty_config) for command in commands]
        for family in sorted(totals):
            for name, (_, meant_for) in CONTEXTS.items():
                if family not in meant_for:
                    continue
                shares = []
                for hits in results:
                    got = sum(
                        1
                        for case, fam in families.items()
                        if fam == family and (case, name) in hits
                    )
                    shares.append(f"{got}/{totals[family]}")
                print(f"{family:11s} {name:12s} " + "  ".join(shares))


if __name__ == "__main__":
    main()
