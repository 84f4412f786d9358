"""fnmatch-style file name patterns without ``re`` (``fnmatch`` imports ``re``, which costs
more at start-up than the whole scan of a typical machine).

Supported: ``*`` (any run of characters), ``?`` (one character), ``[abc]``, ``[a-z]`` and
``[!abc]``. Matching is case-sensitive, as file names are on Linux; callers that want
case-insensitive matching (Windows DLL names) lower-case both sides.
"""


def _class_end(pattern: str, i: int) -> int:
    """Index just past the ``]`` closing the class that starts at ``pattern[i] == '['``,
    or -1 when it is not closed (then ``[`` is a literal, as in fnmatch)."""
    j = i + 1
    if j < len(pattern) and pattern[j] == "!":
        j += 1
    if j < len(pattern) and pattern[j] == "]":
        j += 1
    while j < len(pattern) and pattern[j] != "]":
        j += 1
    return j + 1 if j < len(pattern) else -1


def _class_match(body: str, ch: str) -> bool:
    negate = body.startswith("!")
    if negate:
        body = body[1:]
    hit = False
    k = 0
    while k < len(body):
        if k + 2 < len(body) and body[k + 1] == "-":
            if body[k] <= ch <= body[k + 2]:
                hit = True
            k += 3
        else:
            if body[k] == ch:
                hit = True
            k += 1
    return hit != negate


def match(name: str, pattern: str) -> bool:
    """True when ``name`` matches the fnmatch-style ``pattern`` as a whole."""
    # Iterative matcher with single-star backtracking: linear-ish, never exponential.
    n = p = 0
    star_p = star_n = -1
    while n < len(name):
        if p < len(pattern):
            c = pattern[p]
            if c == "*":
                star_p, star_n = p, n
                p += 1
                continue
            if c == "?":
                n += 1
                p += 1
                continue
            if c == "[":
                end = _class_end(pattern, p)
                if end > 0:
                    if _class_match(pattern[p + 1 : end - 1], name[n]):
                        n += 1
                        p = end
                        continue
                elif name[n] == "[":
                    n += 1
                    p += 1
                    continue
            elif c == name[n]:
                n += 1
                p += 1
                continue
        if star_p >= 0:
            star_n += 1
            n = star_n
            p = star_p + 1
            continue
        return False
    while p < len(pattern) and pattern[p] == "*":
        p += 1
    return p == len(pattern)


def match_any(name: str, patterns) -> bool:
    """True when ``name`` matches one of ``patterns``."""
    for pattern in patterns:
        if match(name, pattern):
            return True
    return False
