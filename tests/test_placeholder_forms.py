"""What placeholder.py's shortcuts rely on, checked over every character they could meet."""

from __future__ import annotations

import sys

from hex_guard import placeholder


def test_forms_of_a_separator_free_word_hold_no_separator() -> None:
    """`_is_stock_word` takes a word's forms as they come: lower-casing and de-leeting (the
    only steps of `_forms` that add characters) never add a separator."""
    separators = placeholder._SEPARATORS
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        lowered = char.lower()
        if (lowered == char and char not in "@4310$5!7|") or separators.search(char):
            continue  # unchanged by every step, or never given to `_forms`
        for form in (
            lowered,
            lowered.translate(placeholder._LEET_I),
            lowered.translate(placeholder._LEET_L),
            lowered.replace("@", "a").replace("$", "s"),
        ):
            assert separators.search(form) is None, (hex(code), form)
