"""Bounded, fault-injectable reads of one candidate file.

Every byte the binary readers look at comes through :class:`BoundedFile`, which reads with
a ``provider_runtime.sysio.open_reader`` (called through the module, so the conformance harness
can inject faults; the file is opened once, not per read), checks every offset and size against the file's size and the caller's
budgets before reading, keeps a small block cache (the readers make many tiny reads close to
each other), and raises :class:`Bad` for anything out of bounds. Nothing the file says is
trusted: a size field of 2**63 is just a reason to skip the file.
"""

from provider_runtime import sysio


class Bad(Exception):
    """The file cannot be read as what it claims to be; the message is the skip reason."""


#: Block size of the read cache; the readers' small reads (headers, hash chains, names)
#: cluster, so 16 KiB blocks turn most of them into memory look-ups.
BLOCK = 16 * 1024
#: Blocks kept per file (at most 1 MiB of cache).
CACHE_BLOCKS = 64


class BoundedFile:
    """A read-only view of ``path`` of ``size`` bytes with read budgets.

    ``max_read`` bounds the bytes fetched from disk in total and ``max_calls`` the number of
    reads, so that a hostile file (a hash chain that loops, a billion symbols) costs a bounded
    amount of time and memory whatever it says.
    """

    def __init__(self, path: str, size: int, max_read: int, max_calls: int) -> None:
        self.path = path
        self.size = size
        self.max_read = max_read
        self.max_calls = max_calls
        self.bytes_read = 0
        self.calls = 0
        self._cache: dict[int, bytes] = {}
        self._reader = None  # opened at the first read; see close()

    def close(self) -> None:
        """Close the underlying file (reads after this fail as unreadable)."""
        reader, self._reader = self._reader, False
        if reader:
            reader.close()

    def _fetch(self, offset: int, size: int) -> bytes:
        self.calls += 1
        self.bytes_read += size
        if self.calls > self.max_calls:
            raise Bad(f"read budget exhausted ({self.max_calls} reads)")
        if self.bytes_read > self.max_read:
            raise Bad(f"read budget exhausted ({self.max_read} bytes)")
        if self._reader is None:
            self._reader = sysio.open_reader(self.path) or False
        data = self._reader.read(offset, size) if self._reader else None
        if data is None:
            raise Bad("unreadable")
        if not isinstance(data, bytes):
            raise Bad("unreadable (read returned no bytes)")
        return data

    def read(self, offset: int, size: int, limit: int = 1 << 24) -> bytes:
        """Exactly ``size`` bytes at ``offset``; :class:`Bad` if out of the file or over ``limit``."""
        if not isinstance(offset, int) or not isinstance(size, int):
            raise Bad("bad offset")
        if offset < 0 or size < 0 or size > limit:
            raise Bad(f"implausible read of {size} bytes at {offset}")
        if offset + size > self.size:
            raise Bad(f"truncated: {size} bytes at offset {offset} run past the end ({self.size} bytes)")
        if size == 0:
            return b""
        first, last = offset // BLOCK, (offset + size - 1) // BLOCK
        if first == last:
            # Most reads (header fields, hash words, symbol names) sit inside one cached block.
            chunk = self._cache.get(first)
            if chunk is not None:
                start = offset - first * BLOCK
                data = chunk[start : start + size]
                if len(data) != size:
                    raise Bad(f"truncated: read {len(data)} of {size} bytes at offset {offset}")
                return data
        if last - first > 1:
            # Large read: straight from disk, not through the cache.
            data = self._fetch(offset, size)
        else:
            parts = []
            for block in range(first, last + 1):
                chunk = self._cache.get(block)
                if chunk is None:
                    start = block * BLOCK
                    chunk = self._fetch(start, min(BLOCK, self.size - start))
                    if len(self._cache) >= CACHE_BLOCKS:
                        self._cache.pop(next(iter(self._cache)))
                    self._cache[block] = chunk
                parts.append(chunk)
            joined = parts[0] if len(parts) == 1 else b"".join(parts)
            start = offset - first * BLOCK
            data = joined[start : start + size]
        if len(data) != size:
            raise Bad(f"truncated: read {len(data)} of {size} bytes at offset {offset}")
        return data

    def read_upto(self, offset: int, size: int) -> bytes:
        """Up to ``size`` bytes at ``offset``, clipped at the end of the file."""
        if offset < 0 or offset >= self.size:
            raise Bad(f"offset {offset} outside the file")
        return self.read(offset, min(size, self.size - offset))

    def cstring(self, offset: int, end: int | None = None, limit: int = 4096) -> str:
        """A NUL-terminated string at ``offset`` (not past ``end``), at most ``limit`` bytes."""
        stop = self.size if end is None else min(end, self.size)
        if offset < 0 or offset >= stop:
            raise Bad(f"string offset {offset} outside its table")
        out = []
        pos = offset
        while pos < stop:
            # Names are short: read a small piece first, more only for long strings.
            piece = self.read(pos, min(64 if pos == offset else 1024, stop - pos))
            nul = piece.find(b"\0")
            if nul >= 0:
                out.append(piece[:nul])
                break
            out.append(piece)
            pos += len(piece)
            if pos - offset > limit:
                raise Bad(f"string at {offset} longer than {limit} bytes")
        else:
            raise Bad(f"string at {offset} is not terminated")
        return b"".join(out).decode("utf-8", "replace")

    def find_strings(
        self, start: int, length: int, patterns: list[bytes], per_pattern: int, budget: int
    ) -> tuple[dict[str, list[str]], int]:
        """Search ``patterns`` in ``[start, start+length)`` in chunks, at most ``budget`` bytes;
        return ``({pattern: [the NUL-terminated strings that contain it]}, bytes scanned)``."""
        found: dict[str, list[str]] = {}
        if start < 0 or length <= 0 or start >= self.size:
            return found, 0
        end = min(start + length, self.size, start + budget)
        chunk = 1 << 20
        keep = 256  # overlap so that a string cut by a chunk border is still found whole
        pos = start
        scanned = 0
        left = {p: per_pattern for p in patterns if p}
        while pos < end and left:
            size = min(chunk, end - pos)
            data = self._fetch(pos, size)
            if len(data) != size:
                raise Bad(f"truncated: read {len(data)} of {size} bytes at offset {pos}")
            scanned += size
            for pattern in list(left):
                at = data.find(pattern)
                while at >= 0 and left.get(pattern):
                    head = data.rfind(b"\0", max(0, at - keep), at) + 1
                    if head == 0 and at >= keep:
                        head = at
                    tail = data.find(b"\0", at, at + keep)
                    if tail < 0:
                        if pos + size < end and at + keep > size:
                            break  # cut by the chunk border: seen again in the next chunk
                        tail = min(len(data), at + keep)
                    text = _printable(data[head:tail])
                    bucket = found.setdefault(pattern.decode("latin-1"), [])
                    if text not in bucket:
                        bucket.append(text)
                        left[pattern] -= 1
                    if not left[pattern]:
                        del left[pattern]
                        break
                    at = data.find(pattern, tail)
            if pos + size >= end:
                break
            pos += size - keep
        return found, scanned


    def search(self, ranges, patterns: list[bytes], opts: dict) -> dict[str, list[str]]:
        """:meth:`find_strings` over each ``(offset, size)`` of ``ranges`` (the read-only data
        a format reader found), ``opts["max_strings"]`` hits per pattern and
        ``opts["max_string_scan"]`` bytes in all; ``{pattern: [strings]}``, hits only."""
        hits: dict[str, list[str]] = {}
        budget = opts["max_string_scan"]
        for off, size in ranges:
            got, scanned = self.find_strings(off, size, patterns, opts["max_strings"], budget)
            budget -= scanned
            for k, v in got.items():
                bucket = hits.setdefault(k, [])
                bucket.extend(x for x in v if x not in bucket)
            if budget <= 0:
                break
        return hits


def _printable(raw: bytes) -> str:
    """Text of a string found in read-only data, with control bytes shown as ``?``."""
    return "".join(ch if " " <= ch <= "~" else "?" for ch in raw.decode("latin-1"))
