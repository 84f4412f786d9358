"""Guarded reads for provider seams.

Every file a probe reads goes through these functions, for two reasons: they never raise
(a missing, unreadable or odd file is a fact - ``None`` - not an error) and they never read
without a bound; and the conformance harness replaces them to inject faults (unreadable,
empty, truncated, garbage) into every provider's live path. Call them through the module
(``sysio.read_text(...)``), not by importing the names, so that the replacement takes effect.
"""


import os

#: No text a provider reads from /proc or /sys is anywhere near this; a bound stops a
#: pathological file (or a FIFO named like one) from costing memory.
TEXT_LIMIT = 4 * 1024 * 1024


def read_text(path: str, limit: int = TEXT_LIMIT) -> str | None:
    """The text of ``path`` (at most ``limit`` bytes, undecodable bytes replaced), or None."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except (OSError, ValueError, TypeError):
        return None
    try:
        chunks = []
        left = limit
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 16))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks).decode("utf-8", "replace")
    except OSError:
        return None
    finally:
        os.close(fd)


def read_bytes(path: str, offset: int = 0, size: int = 1 << 16) -> bytes | None:
    """At most ``size`` bytes of ``path`` from ``offset`` (regular files only), or None."""
    if offset < 0 or size < 0:
        return None
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except (OSError, ValueError, TypeError):
        return None
    try:
        import stat

        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        return os.pread(fd, size, offset) if hasattr(os, "pread") else _seek_read(fd, offset, size)
    except (OSError, OverflowError, ValueError):
        return None
    finally:
        os.close(fd)


class FileReader:
    """An open regular file for many bounded reads at offsets; ``read`` never raises.

    A binary reader makes dozens of small reads per library; opening the file once instead
    of per read halves a library scan. Close it (or use ``with``).
    """

    __slots__ = ("_fd",)

    def __init__(self, fd: int) -> None:
        self._fd = fd

    def read(self, offset: int, size: int) -> bytes | None:
        """At most ``size`` bytes from ``offset``, or None."""
        if self._fd < 0 or offset < 0 or size < 0:
            return None
        try:
            if hasattr(os, "pread"):
                return os.pread(self._fd, size, offset)
            return _seek_read(self._fd, offset, size)
        except (OSError, OverflowError, ValueError):
            return None

    def close(self) -> None:
        if self._fd >= 0:
            try:
                os.close(self._fd)
            except OSError:
                pass
            self._fd = -1

    def __enter__(self) -> "FileReader":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_reader(path: str) -> FileReader | None:
    """A :class:`FileReader` on the regular file ``path``, or None (missing, unreadable, not
    a regular file)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except (OSError, ValueError, TypeError):
        return None
    try:
        import stat

        if stat.S_ISREG(os.fstat(fd).st_mode):
            return FileReader(fd)
    except OSError:
        pass
    os.close(fd)
    return None


def _seek_read(fd: int, offset: int, size: int) -> bytes:  # pragma: no cover - Windows
    os.lseek(fd, offset, 0)
    return os.read(fd, size)


def listdir(path: str) -> list[str]:
    """Sorted entry names of a directory; ``[]`` when it is missing or unreadable."""
    try:
        return sorted(os.listdir(path))
    except (OSError, ValueError, TypeError):
        return []


def getenv(name: str) -> str | None:
    """An environment variable (the harness replaces this to inject odd values)."""
    return os.environ.get(name)
