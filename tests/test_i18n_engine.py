"""The engine's words in Indonesian and in English: a rule failing for missing data,
flag messages, a feedback gap line, and the helpers that put translated messages in
frames.

The Indonesian expected here is the translation written for the catalog (the lead
merges it into ``core/i18n/locale/id``; the tests named ``..._in_indonesian`` need
it); English is the engine's words as they were. Words are built when a run makes
them, in the language in use then.
"""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from region_helpers import capaian, nilai, nip, pegawai, run

from kinerja.builtin.feedback import gap_lines
from kinerja.frames import INDICATORS, either, filled, group_words, per_count
from kinerja.i18n import language, ngettext
from kinerja.output.views import rejects_of

SUP, P1, P2 = nip(90), nip(91), nip(92)
GROUPS = {SUP: "supervisor", P1: "peer", P2: "peer"}
ALL_FOUR = {"pengetahuan_teknis": 4, "komunikasi": 4, "sikap_pelayanan": 4, "integritas": 4}


def _kasemen_run() -> tuple[str, str, str]:
    """A Kasemen run of three employees: ``a`` with capaian and no ratings at all
    (rejected: every aspect missing), ``b`` rated on integritas alone (three aspects
    flagged incomplete), and ``c`` (fully rated) whose supervisor chain is a loop
    with ``d``.

    :return: the reject reason of ``a``, then the message of one of ``b``'s incomplete
        flags and of ``c``'s supervisor_loop flag.
    """
    a, b, c, d = nip(1), nip(2), nip(3), nip(4)
    people = [
        pegawai(a, "Ani", atasan=SUP),
        pegawai(b, "Budi", atasan=SUP),
        pegawai(c, "Citra", atasan=d),
        pegawai(d, "Dewi", atasan=c),
        pegawai(SUP, "Atasan"),
        pegawai(P1, "P1"),
        pegawai(P2, "P2"),
    ]
    outcomes = [capaian(n, "target_layanan", 100, 100) for n in (a, b, c)]
    ratings = [
        *(r for n in (SUP, P1, P2) for r in nilai(b, n, GROUPS[n], {"integritas": 5})),
        *(r for n in (SUP, P1, P2) for r in nilai(c, n, GROUPS[n], ALL_FOUR)),
    ]
    out, results = run("kasemen", people, outcomes, ratings)
    [reason] = [r.reason for r in rejects_of(out) if r.nip == a]
    incomplete = [f.message for f in results[b].flags if f.code == "incomplete"]
    [loop] = [f.message for f in results[c].flags if f.code == "supervisor_loop"]
    return reason, incomplete[1], loop


KOMPETENSI = "mean(pengetahuan_teknis, komunikasi, sikap_pelayanan, integritas) * 20"


def test_a_rule_failing_for_missing_data_in_english() -> None:
    with language("en"):
        reason, incomplete, loop = _kasemen_run()
    assert reason == (
        "not appraised: rule 'kompetensi' failed: pengetahuan_teknis (no ratings), "
        "komunikasi (no ratings), sikap_pelayanan (no ratings), integritas (no ratings) are "
        f"missing for this employee, so `{KOMPETENSI}` cannot be computed; add the data"
    )
    assert incomplete == "Kemampuan komunikasi dengan warga: no ratings yet"
    assert loop == (
        f"the supervisor chain from this employee (atasan_nip {nip(4)}) leads back to them; "
        "correct atasan_nip, so that the chain ends at the head of the organisation"
    )


def test_a_rule_failing_for_missing_data_in_indonesian() -> None:
    with language("id"):
        reason, incomplete, loop = _kasemen_run()
    assert reason == (
        "tidak dinilai: aturan 'kompetensi' gagal: pengetahuan_teknis (belum ada penilaian), "
        "komunikasi (belum ada penilaian), sikap_pelayanan (belum ada penilaian), integritas "
        "(belum ada penilaian) tidak tersedia untuk pegawai ini, sehingga "
        f"`{KOMPETENSI}` tidak dapat dihitung; tambahkan datanya"
    )
    assert incomplete == "Kemampuan komunikasi dengan warga: belum ada penilaian"
    assert loop == (
        f"rantai atasan dari pegawai ini (atasan_nip {nip(4)}) kembali lagi kepada pegawai "
        "ini; perbaiki atasan_nip agar rantai berakhir pada pimpinan tertinggi organisasi"
    )


def _indicators() -> pl.DataFrame:
    """Two capaian rows: a normal indicator and an inverse one (lower is better)."""
    rows = [  # nip, code, label, kind, target, realised, target_max, achievement, gap, weight
        # 99 / 90 * 100 = 110.0; gap 99 - 90 = +9
        ("1", "a", "Layanan", "normal", 90.0, 99.0, None, 110.0, 9.0, 1.0),
        # (2 - 8 / 10) * 100 = 120.0; gap 8 - 10 = -2
        ("1", "b", "Waktu tunggu", "inverse", 10.0, 8.0, None, 120.0, -2.0, 1.0),
    ]
    return pl.DataFrame(rows, schema=INDICATORS, orient="row")


def test_gap_lines_in_english() -> None:
    with language("en"):
        lines = gap_lines(_indicators())["text"].to_list()
    assert lines == [
        "Layanan: target 90, realised 99, gap +9; achievement 110.0%",
        "Waktu tunggu: target 10, realised 8, gap -2 (lower is better); achievement 120.0%",
    ]


def test_gap_lines_in_indonesian() -> None:
    with language("id"):
        lines = gap_lines(_indicators())["text"].to_list()
    # the numbers are written as the engine writes them, in either language
    assert lines == [
        "Layanan: target 90, realisasi 99, selisih +9; capaian 110.0%",
        "Waktu tunggu: target 10, realisasi 8, selisih -2 (makin rendah makin baik); "
        "capaian 120.0%",
    ]


_CODES = ["supervisor", "peer", "self", "subordinate", "citizen", "kepala"]


def _group_words() -> list[str]:
    codes = pl.DataFrame({"kelompok": _CODES})
    return codes.select(group_words(pl.col("kelompok")))["kelompok"].to_list()


def test_rater_groups_in_english() -> None:
    with language("en"):
        assert _group_words() == _CODES  # the codes themselves


def test_rater_groups_in_indonesian() -> None:
    with language("id"):
        words = _group_words()
    # a code the engine does not know stays as it is
    assert words == ["atasan", "rekan kerja", "diri sendiri", "bawahan", "masyarakat", "kepala"]


# ------------------------------------------------------------------ the helpers

_TEXT = st.text(alphabet="ab {}`'x", max_size=6)
_PART = st.one_of(_TEXT.map(lambda t: ("text", t)), st.sampled_from([("name", "p"), ("name", "q")]))


def _template(parts: list[tuple[str, str]]) -> str:
    """A message of the parts: texts (their braces doubled, as a message writes them)
    and ``{p}``/``{q}`` placeholders."""
    return "".join(
        "{" + v + "}" if kind == "name" else v.replace("{", "{{").replace("}", "}}")
        for kind, v in parts
    )


_ROWS = st.lists(st.tuples(st.none() | _TEXT, _TEXT), min_size=1, max_size=4)


@settings(max_examples=60, deadline=None)
@given(parts=st.lists(_PART, max_size=6), rows=_ROWS, fixed=_TEXT)
def test_filled_is_str_format_row_by_row(
    parts: list[tuple[str, str]], rows: list[tuple[str | None, str]], fixed: str
) -> None:
    # {p} is a column (null in some rows), {q} a string given once, braces and all
    template = _template(parts)
    frame = pl.DataFrame({"p": [p for p, _ in rows]}, schema={"p": pl.String})
    got = frame.with_columns(filled(template, p=pl.col("p"), q=fixed).alias("t"))["t"].to_list()
    uses_p = ("name", "p") in parts
    expected = [None if p is None and uses_p else template.format(p=p, q=fixed) for p, _ in rows]
    assert got == expected


@settings(max_examples=60, deadline=None)
@given(yes=st.lists(_PART, max_size=5), no=st.lists(_PART, max_size=5), rows=_ROWS)
def test_either_picks_each_rows_message(
    yes: list[tuple[str, str]], no: list[tuple[str, str]], rows: list[tuple[str | None, str]]
) -> None:
    # the condition: p is null (a null condition picks the other message, as pl.when does)
    chosen, other = _template(yes), _template(no)
    frame = pl.DataFrame(
        {"p": [p if p is not None else "" for p, _ in rows], "q": [q for _, q in rows]}
    )
    cond = pl.col("p").str.len_chars() > 1
    said = either(cond, chosen, other, p=pl.col("p"), q=pl.col("q"))
    got = frame.with_columns(said.alias("t"))["t"].to_list()
    expected = [
        (chosen if len(p) > 1 else other).format(p=p, q=q)
        for p, q in zip(frame["p"].to_list(), frame["q"].to_list(), strict=True)
    ]
    assert got == expected


def test_per_count_asks_for_one_and_for_many() -> None:
    frame = pl.DataFrame({"n": [0, 1, 2], "names": ["", "a", "a, b"]})

    def words(n: int, **kept: object) -> str:
        return ngettext("{names} is missing", "{names} are missing", n, **kept)

    with language("en"):
        said = frame.select(per_count(words, pl.col("n"), names=pl.col("names")).alias("t"))
    # English has a form for one (1) and one for the others (0, 2)
    assert said["t"].to_list() == [" are missing", "a is missing", "a, b are missing"]


@pytest.mark.parametrize("template", ["{p} and {r}", "{p:>3}", "{p!r}"])
def test_filled_refuses_a_placeholder_it_is_not_given_plainly(template: str) -> None:
    # a format spec or conversion would be a number format in a message (rule 3)
    with pytest.raises(ValueError, match="is not given"):
        filled(template, p=pl.col("p"))
