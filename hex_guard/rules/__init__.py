"""Built-in detection rules: the record (`model`), its validators, the fake material its examples
are built from, and the rule families (`table`, `tokens`, `keyed`)."""

from __future__ import annotations

from hex_guard.rules.credfiles import CREDENTIAL_FILE_RULES
from hex_guard.rules.headers import HEADER_RULES
from hex_guard.rules.keyed import KEYED_RULES
from hex_guard.rules.keymaterial import KEY_MATERIAL_RULES
from hex_guard.rules.model import Confidence, Rule, Severity, Validator
from hex_guard.rules.table import DOTENV_PATHS, TABLE
from hex_guard.rules.tokens import TOKEN_RULES

RULES: tuple[Rule, ...] = (
    TABLE + TOKEN_RULES + HEADER_RULES + KEY_MATERIAL_RULES + KEYED_RULES + CREDENTIAL_FILE_RULES
)
RULES_BY_ID = {rule.id: rule for rule in RULES}

__all__ = [
    "DOTENV_PATHS",
    "RULES",
    "RULES_BY_ID",
    "Confidence",
    "Rule",
    "Severity",
    "Validator",
]
