"""What a hostile or careless client sends: long texts, control characters, bidirectional
overrides, emoji, SQL and HTML fragments, template syntax, Rasa command syntax."""

from __future__ import annotations

from hypothesis import strategies as st

FRAGMENTS = (
    "'; DROP TABLE cases; --",
    '" OR 1=1 --',
    "Robert'); DELETE FROM residents;--",
    "1; UPDATE cases SET status='closed'",
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "</textarea><b>bold</b>",
    "&lt;&amp;&#x27;",
    "{{ 7*7 }}",
    "{% for x in range(9) %}",
    "${jndi:ldap://x/a}",
    '/inform{"township": "x"}',
    "/restart",
    "/greet",
    "\u202eevil\u202c",  # right-to-left override
    "\u2066\u2067\u2068\u2069",  # bidirectional isolates
    "\u200b\u200d\ufeff",  # zero-width characters and a byte-order mark
    "\r\n\t",
    "骗子说我涉嫌洗钱",
    "ＤＴ－ＪＦ－２０２６－０００００１",
    "13812345678",
    "👨‍👩‍👧‍👦🙏🏻💰",
)

controls = st.characters(categories=["Cc"])  # C0 and C1 control characters, NUL included
emoji = st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF)
# Any Unicode scalar a JSON body can carry (lone surrogates cannot be encoded).
anything = st.characters(exclude_categories=["Cs"])

piece = st.one_of(
    st.sampled_from(FRAGMENTS),
    st.text(anything, max_size=30),
    st.text(controls, min_size=1, max_size=5),
    st.text(emoji, min_size=1, max_size=5),
)

hostile_text = st.one_of(
    st.lists(piece, min_size=1, max_size=12).map("".join),
    # Around the limits: 2,000 characters in /api/chat, 5,000 in the scam check.
    st.builds(
        lambda n, c: c * n,
        st.sampled_from([1999, 2000, 2001, 4999, 5000, 5001, 20_000]),
        st.sampled_from(["骗", "a", "😀", "\u202e"]),
    ),
)

# Anything where a string belongs, or not a string at all.
wrong_type = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),  # JSON has no infinity
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)
