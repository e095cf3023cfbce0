"""Random damage to real rule files and input folders, shared by the fuzz tests."""

from __future__ import annotations

from pathlib import Path

from hypothesis import strategies as st

import kinerja.plugins

PLUGINS = Path(kinerja.plugins.__file__).parent
REGIONS = ("asemrowo", "lampung", "sawahlunto")
TEXTS = {r: (PLUGINS / r / "rules.yaml").read_text(encoding="utf-8") for r in REGIONS}
PIECES = [
    "score", "predikat", "true", "null", "1e308", "-1", "0", "'x'", "[", "]", "{", "}", ":",
    "- ", "&a", "*a", "<<", "**", "/ 0", "band(score, 'nilai')", "mean()", "__class__",
    "lambda: 1", "x if y else z", "\\t", "'", '"', "#", "extends: /etc/passwd", "\\x00",
]  # fmt: skip
BYTES = [b'"', b",", b"\n", b"\r", b"\x00", b"\xff", b"=1+1", b"9" * 40, b"2026-13-45", b";"]
"""What is inserted into an input file."""


@st.composite
def damaged_rules(draw: st.DrawFn) -> str:
    """A region's rules with a few random lines deleted, repeated or changed."""
    lines = TEXTS[draw(st.sampled_from(sorted(TEXTS)))].split("\n")
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(lines) - 1))
        how = draw(st.sampled_from(["delete", "repeat", "append", "replace"]))
        piece = draw(st.sampled_from(PIECES))
        if how == "delete":
            del lines[at]
        elif how == "repeat":
            lines.insert(at, lines[at])
        elif how == "append":
            lines[at] += " " + piece
        else:
            head = lines[at].split(":", 1)[0]
            lines[at] = f"{head}: {piece}"
    return "\n".join(lines)


def damage_files(data: st.DataObject, files: list[Path]) -> None:
    """Insert, delete or cut bytes of ``files`` at random places, one to five times."""
    for _ in range(data.draw(st.integers(1, 5))):
        target = data.draw(st.sampled_from(files))
        raw = target.read_bytes()
        at = data.draw(st.integers(0, len(raw)))
        how = data.draw(st.sampled_from(["insert", "delete", "truncate"]))
        if how == "insert":
            raw = raw[:at] + data.draw(st.sampled_from(BYTES)) + raw[at:]
        elif how == "delete":
            raw = raw[:at] + raw[at + data.draw(st.integers(1, 30)) :]
        else:
            raw = raw[:at]
        target.write_bytes(raw)
