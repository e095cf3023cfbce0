"""``kinerja check --strict``: one small rule file per kind of finding, through the CLI."""

from __future__ import annotations

import ast
import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import kinerja.plugins
from kinerja.authoring.lint import Finding, lint_rules, value_range
from kinerja.cli import main
from kinerja.rules import load_rules
from kinerja.rules.yamlload import Location, Problem, RulesError

REGIONS = ("asemrowo", "kasemen", "kutacane", "lampung", "sawahlunto")
PLUGINS = Path(kinerja.plugins.__file__).parent

HEAD = """\
rules_format: 1
region: contoh
title: Contoh
version: "1.0"
valid_from: "2026-01-01"
basis: mixed
period: annual
"""

CLEAN = (
    HEAD
    + """\
indicators:
  layanan: {label: Layanan, kind: normal}
bands:
  nilai:
    - {label: Baik, min: 76}
    - {label: Kurang, max: 76}
components:
  - name: hasil
    label: Hasil
    expr: achievement_mean
score:
  weights: {hasil: 1.0}
predikat:
  labels: [Baik, Kurang]
  expr: band(score, 'nilai')
"""
)

UNUSED = (
    HEAD
    + """\
inputs:
  tanggal_diskusi: {type: date, label: Tanggal diskusi}
  masa_kerja: {type: number, label: Masa kerja}
  golongan_ruang: {type: text, label: Golongan, required: true}
indicators:
  layanan: {label: Layanan, kind: normal}
  izin: {label: Waktu izin, kind: inverse}
aspects:
  integritas: {label: Integritas, scale: [1, 5], groups: [supervisor]}
  kerja_sama: {label: Kerja sama, scale: [1, 5], groups: [peer, self]}
rater_groups:
  supervisor: {weight: 1.0}
  peer: {weight: 0.5}
  self: {weight: 0.5}
bias_checks:
  supervisor_self_gap: 1.5
bands:
  nilai:
    - {label: Baik, min: 76}
    - {label: Kurang, max: 76}
  cadangan:
    - {label: Ya, min: 1}
    - {label: Tidak, max: 1}
components:
  - name: hasil
    label: Hasil
    expr: mean(layanan, integritas * 20)
  - name: tidak_dipakai
    label: Komponen yang hanya ditampilkan
    expr: integritas * 20
score:
  weights: {hasil: 1.0}
predikat:
  labels: [Baik, Kurang]
  expr: band(score, 'nilai')
stages:
  - id: diskusi
    label: Diskusi
    requires: input:tanggal_diskusi
"""
)

WEIGHTS = (
    HEAD
    + """\
aspects:
  teknis: {label: Teknis, scale: [1, 5], groups: [supervisor, peer]}
  layanan: {label: Layanan, scale: [1, 5]}
  etika: {label: Etika, scale: [1, 5], groups: [citizen]}
  sikap: {label: Sikap, scale: [1, 5], groups: [supervisor, peer, citizen]}
rater_groups:
  supervisor: {weight: 0.5}
  peer: {weight: 0.5}
  citizen: {weight: 0.0}
bands:
  nilai:
    - {label: Baik, min: 60}
    - {label: Kurang, max: 60}
components:
  - name: kompetensi
    label: Kompetensi
    expr: mean(teknis, layanan, etika, sikap) * 20
score:
  weights: {kompetensi: 1.0}
predikat:
  labels: [Baik, Kurang]
  expr: band(score, 'nilai')
"""
)

BANDS = (
    HEAD
    + """\
indicators:
  layanan: {label: Layanan, kind: normal}
inputs:
  hadir: {type: number, label: Hari hadir, minimum: 0}
bands:
  nilai:
    - {label: Sangat Baik, min: 90}
    - {label: Baik, min: 76, max: 95}
    - {label: Cukup, min: 50, max: 70}
  kehadiran:
    - {label: Penuh, min: 95, max: 100}
    - {label: Kurang, min: 0, max: 95}
  lama:
    - {label: Baru, min: 0, max: 5}
    - {label: Lama, min: 10}
    - {label: Negatif, min: -10, max: -1}
  rapor:
    - {label: Lulus, min: 60}
    - {label: Remedi, min: 40, max: 60}
    - {label: Ulang, min: 60, max: 80}
    - {label: Gagal, max: 40}
components:
  - name: hasil
    label: Hasil
    expr: achievement_mean
  - name: kategori_hadir
    label: Kategori kehadiran
    expr: band(achievement(hadir, 250, 100), 'kehadiran')
  - name: kategori_lama
    label: Kategori masa kerja
    expr: band(hadir, 'lama')
  - name: kategori_rapor
    label: Rapor
    expr: band(clamp(hasil, 0, 100), 'rapor')
score:
  weights: {hasil: 1.0}
predikat:
  labels: [Sangat Baik, Baik, Cukup]
  expr: band(score, 'nilai')
"""
)

LABELS = (
    HEAD
    + """\
indicators:
  layanan: {label: Layanan, kind: normal}
bands:
  nilai:
    - {label: Sangat Baik, min: 90}
    - {label: Baik, min: 70, max: 90}
    - {label: Kurang, max: 70}
    - {label: Istimewa, min: 150}
  rating_hasil:
    - {label: di atas ekspektasi, min: 110}
    - {label: sesuai ekspektasi, min: 90, max: 110}
    - {label: di bawah ekspektasi, max: 90}
components:
  - name: hasil
    label: Hasil
    expr: achievement_mean
  - name: rating_hasil
    label: Rating hasil
    expr: band(hasil, 'rating_hasil')
score:
  weights: {hasil: 1.0}
predikat:
  labels: [Istimewa, Sangat Baik, Baik, Cukup, Kurang]
  expr: "'Cukup' if rating_hasil == 'diatas ekspektasi' else band(score, 'nilai')"
feedback:
  - when: predikat == 'Sangat baik'
    text: Pertahankan.
  - when: predikat in ['Kurang', 'kurang', 'Buruk']
    text: Perbaiki.
  - when: "true"
    text: Terima kasih.
  - when: 1 > 2 and score > 50
    text: Tidak pernah.
  - when: rating_hasil != 'di atas ekspektasi' and score > 50
    text: Boleh.
recommendations:
  - code: promotion
    when: predikat != 'Baik ' or score >= 90
    text: Promosi.
  - code: training
    when: predikat == 'Sangat baik' and score < 95
    text: Pelatihan.
  - code: coaching
    when: score < 70 or not false
    text: Pendampingan.
"""
)


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


def cli(runner: CliRunner, *args: object, code: int = 0) -> Result:
    """Invoke ``kinerja ARGS``; assert the exit code and that no exception escaped."""
    result = runner.invoke(main, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code == code, result.output
    return result


def write(tmp_path: Path, text: str, name: str = "rules.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def assert_findings(runner: CliRunner, path: Path, expressions: int, expected: list[str]) -> None:
    """``check --strict`` prints exactly ``expected`` and exits 1; plain ``check`` prints
    the errors among them and exits 1, or passes when there are none."""
    errors = [line for line in expected if ": error: " in line]
    plain = cli(runner, "check", path, code=1 if errors else 0)
    if errors:
        assert plain.stdout.splitlines() == [f"{path}:{line}" for line in errors]
        assert plain.stderr == f"{len(errors)} problem(s) found.\n"
    else:
        assert plain.stdout == f"{path}: ok (contoh 1.0, {expressions} expressions checked)\n"
    result = cli(runner, "check", "--strict", path, code=1)
    assert result.stdout.splitlines() == [f"{path}:{line}" for line in expected]
    assert result.stderr == f"{len(expected)} problem(s) found.\n"


# --------------------------------------------------------------------- clean and exit codes


def test_clean_rules_pass_strict(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path, CLEAN)
    line = f"{path}: ok (contoh 1.0, 3 expressions checked)\n"
    assert cli(runner, "check", path).stdout == line
    assert cli(runner, "check", "--strict", path).stdout == line
    report = json.loads(cli(runner, "check", "--strict", "--json", path).stdout)
    assert report == [
        {
            "file": str(path),
            "ok": True,
            "region": "contoh",
            "version": "1.0",
            "expressions": 3,
            "problems": [],
        }
    ]


def test_a_clean_file_beside_one_with_findings(runner: CliRunner, tmp_path: Path) -> None:
    clean, weights = write(tmp_path, CLEAN, "clean.yaml"), write(tmp_path, WEIGHTS, "w.yaml")
    result = cli(runner, "check", "--strict", clean, weights, code=1)
    lines = result.stdout.splitlines()
    assert lines[0] == f"{clean}: ok (contoh 1.0, 3 expressions checked)"
    assert lines[1:] == [
        f"{weights}:11:48: error: every rater group rating aspect 'etika' has weight 0, so it "
        "never gets a score; give one of them a weight"
    ]
    assert result.stderr == "1 problem(s) found.\n"


# --------------------------------------------------------------------- 1. unused declarations


def test_unused_declarations(runner: CliRunner, tmp_path: Path) -> None:
    assert_findings(
        runner,
        write(tmp_path, UNUSED),
        4,
        [
            "10:3: warning: input 'masa_kerja' is never read: no expression, text or stage "
            "uses it; use it or remove it",
            "11:3: warning: input 'golongan_ruang' is never read: no expression, text or stage "
            "uses it; now it only rejects employees whose golongan_ruang is empty; use it or "
            "remove it",
            "14:3: warning: indicator 'izin' is never read: no expression names it or reads "
            "achievement_mean or indicator_count, no stage requires outcomes and gap_feedback "
            "is off; use it or remove it",
            "17:3: warning: aspect 'kerja_sama' is rated but never read: no expression or text "
            "names it, so its ratings feed no score, predikat, feedback or recommendation; use "
            "it or remove it",
            "20:3: warning: rater group 'peer' is never read: it rates no aspect that an "
            "expression reads, no stage requires its ratings and no bias check compares them; "
            "use it or remove it",
            "28:3: warning: band table 'cadangan' is never used: no band(..., 'cadangan') call; "
            "use it or remove it",
        ],
    )


READ_IMPLICITLY = {
    "builtin-name": ("expr: layanan", "expr: mean(layanan, indicator_count)"),
    "gap-feedback": ("score:\n", "gap_feedback: true\nscore:\n"),
    "stage": ("score:\n", "stages:\n  - {id: a, label: A, requires: outcomes}\nscore:\n"),
}


@pytest.mark.parametrize("edit", READ_IMPLICITLY.values(), ids=READ_IMPLICITLY)
def test_indicators_read_implicitly_are_used(tmp_path: Path, edit: tuple[str, str]) -> None:
    """'izin' is named nowhere, but all indicators are read at once in these three ways."""
    text = CLEAN.replace("  layanan: {", "  izin: {label: Izin, kind: inverse}\n  layanan: {")
    text = text.replace("expr: achievement_mean", "expr: layanan")
    assert [f.code for f in lint_rules(load_rules(write(tmp_path, text)))] == ["unused-indicator"]
    assert lint_rules(load_rules(write(tmp_path, text.replace(*edit)))) == []


def test_reads_through_texts_stages_and_weighting(tmp_path: Path) -> None:
    """Inputs and aspects named in texts, groups rating a read aspect or a stage's: all used."""
    text = CLEAN.replace(
        "indicators:",
        "inputs:\n  catatan: {type: text, label: Catatan}\n"
        "aspects:\n  integritas: {label: Integritas, scale: [1, 5], groups: [peer]}\n"
        "rater_groups:\n  peer: {weight: 1.0}\n  supervisor: {weight: 1.0}\n"
        "stages:\n  - {id: a, label: A, requires: 'ratings:supervisor'}\n"
        "feedback:\n  - {when: score < 76, text: '{catatan}; integritas {integritas:.1f}'}\n"
        "indicators:",
    )
    assert lint_rules(load_rules(write(tmp_path, text))) == []


# --------------------------------------------------------------------- 2. weights


def test_rater_weights_per_aspect(runner: CliRunner, tmp_path: Path) -> None:
    # teknis 0.5 + 0.5, layanan (every group) and sikap 0.5 + 0.5 + 0: all sum to 1
    assert_findings(
        runner,
        write(tmp_path, WEIGHTS),
        3,
        [
            "11:48: error: every rater group rating aspect 'etika' has weight 0, so it never "
            "gets a score; give one of them a weight",
        ],
    )
    path = write(tmp_path, WEIGHTS.replace("peer: {weight: 0.5}", "peer: {weight: 0.3}"))
    assert_findings(
        runner,
        path,
        3,
        [
            "9:50: error: the weights of the rater groups rating aspect 'teknis' sum to 0.8 "
            "(supervisor 0.5 + peer 0.3), not 1, so they are rescaled to supervisor 0.625, peer "
            "0.375; make them sum to 1 or let more groups rate this aspect, or give this aspect "
            "its own `weights`",
            "10:3: error: the weights of the rater groups rating aspect 'layanan' sum to 0.8 "
            "(supervisor 0.5 + peer 0.3 + citizen 0), not 1, so they are rescaled to supervisor "
            "0.625, peer 0.375, citizen 0; make them sum to 1 or let more groups rate this aspect, "
            "or give this aspect its own `weights`",
            "11:48: error: every rater group rating aspect 'etika' has weight 0, so it never "
            "gets a score; give one of them a weight",
            "12:48: error: the weights of the rater groups rating aspect 'sikap' sum to 0.8 "
            "(supervisor 0.5 + peer 0.3 + citizen 0), not 1, so they are rescaled to supervisor "
            "0.625, peer 0.375, citizen 0; make them sum to 1 or let more groups rate this aspect, "
            "or give this aspect its own `weights`",
        ],
    )


# --------------------------------------------------------------------- 3. band gaps and overlaps


def test_band_gaps_overlaps_and_shadowed_bands(runner: CliRunner, tmp_path: Path) -> None:
    """Domains: score and hasil 0-120 (achievement), kehadiran 0-100, hadir 0 and up.

    nilai: 0-50 is reported because an achievement can be 0; 120 and up is covered by
    the open 'Sangat Baik'. kehadiran: 0-95-100 leaves exactly 100 (max is exclusive).
    lama: 5 to under 10 lies between bands, and 'Negatif' below any value it is given
    (-1 to under 0 is not a gap: it is no value of hadir). rapor (0-100 after clamp) has
    no gap; its third band lies inside the first.
    """
    assert_findings(
        runner,
        write(tmp_path, BANDS),
        6,
        [
            "13:3: error: in band table 'nilai', values from 0 to under 50 match no band, "
            "and band(..., 'nilai') is given values as low as 0; add a band for them or move a "
            "neighbouring band's min or max",
            "13:3: error: in band table 'nilai', values from 70 to under 76 match no band; "
            "add a band for them or move a neighbouring band's min or max",
            "15:7: error: band 'Baik' overlaps band 'Sangat Baik' for 90 to under 95; those "
            "values get 'Sangat Baik', the band listed first; make the bands meet without "
            "overlapping (min is inclusive, max exclusive)",
            "17:3: error: in band table 'kehadiran', the value 100 matches no band (a band's "
            "max is exclusive), and band(..., 'kehadiran') is given values as high as 100; add "
            "a band for them or move a neighbouring band's min or max",
            "20:3: error: in band table 'lama', values from 5 to under 10 match no band; add "
            "a band for them or move a neighbouring band's min or max",
            "23:7: warning: band 'Negatif' (-10 to under -1) can never match: the values given "
            "to band(..., 'lama') are 0 or more; remove it or correct its min and max",
            "27:7: warning: band 'Ulang' (60 to under 80) can never match: the bands before it "
            "('Lulus') cover all of it and the first wins; remove it or correct its min and max",
        ],
    )


def test_open_ended_and_unused_tables_report_no_outer_gaps(tmp_path: Path) -> None:
    """A table nothing calls has no domain: only the gap between its bands is reported."""
    sisa = "  sisa:\n    - {label: A, min: 0, max: 10}\n    - {label: B, min: 20, max: 30}\n"
    path = write(tmp_path, CLEAN.replace("bands:\n", "bands:\n" + sisa))
    with pytest.raises(RulesError) as refused:  # the gap is an error: the rules do not load
        load_rules(path)
    assert [p.code for p in refused.value.problems] == ["band-gap"]
    rules = load_rules(path, refuse_analysis_errors=False)
    assert [(str(f.location), f.code, f.message) for f in lint_rules(rules)] == [
        (
            f"{tmp_path / 'rules.yaml'}:11:3",
            "band-gap",
            "in band table 'sisa', values from 10 to under 20 match no band; add a band for "
            "them or move a neighbouring band's min or max",
        ),
        (
            f"{tmp_path / 'rules.yaml'}:11:3",
            "unused-band",
            "band table 'sisa' is never used: no band(..., 'sisa') call; use it or remove it",
        ),
    ]


# --------------------------------------------------------------------- 4. unreachable rules


def test_unreachable_labels_and_impossible_comparisons(runner: CliRunner, tmp_path: Path) -> None:
    assert_findings(
        runner,
        write(tmp_path, LABELS),
        12,
        [
            "15:7: warning: band 'Istimewa' (150 and above) can never match: the bands before "
            "it ('Sangat Baik') cover all of it and the first wins; remove it or correct its "
            "min and max",
            "30:12: warning: predikat label 'Istimewa' is never given: `'Cukup' if "
            "rating_hasil == 'diatas ekspektasi' else band(score, 'nilai')` gives only "
            "'Sangat Baik', 'Baik', 'Cukup', 'Kurang'; remove the label or make the "
            "expression give it",
            "31:37: warning: rating_hasil can never be 'diatas ekspektasi' (did you mean "
            "'di atas ekspektasi' or 'di bawah ekspektasi' or 'sesuai ekspektasi'?), so this "
            "comparison is always false",
            "33:23: warning: predikat can never be 'Sangat baik' (did you mean 'Sangat Baik'?), "
            "so this comparison is always false",
            "35:34: warning: predikat can never be 'kurang' (did you mean 'Kurang'?), so this "
            "item never matches",
            "35:44: warning: predikat can never be 'Buruk' (it is one of 'Sangat Baik', "
            "'Baik', 'Cukup', 'Kurang'), so this item never matches",
            "37:11: warning: condition `true` is always true, so this feedback is given to "
            "every employee; make it depend on the employee's values or remove it",
            "39:11: warning: condition `1 > 2 and score > 50` is always false, so this "
            "feedback is never given; make it depend on the employee's values or remove it",
            "45:11: warning: condition `predikat != 'Baik ' or score >= 90` is always true, so "
            "recommendation 'promotion' is given to every employee; make it depend on the "
            "employee's values or remove it",
            "45:23: warning: predikat can never be 'Baik ' (did you mean 'Baik'?), so this "
            "comparison is always true",
            "48:11: warning: condition `predikat == 'Sangat baik' and score < 95` is always "
            "false, so recommendation 'training' is never given; make it depend on the "
            "employee's values or remove it",
            "48:23: warning: predikat can never be 'Sangat baik' (did you mean 'Sangat "
            "Baik'?), so this comparison is always false",
            "51:11: warning: condition `score < 70 or not false` is always true, so "
            "recommendation 'coaching' is given to every employee; make it depend on the "
            "employee's values or remove it",
        ],
    )


def test_fixed_labels_of_library_functions(tmp_path: Path) -> None:
    """predikat_matrix gives its five labels, jpm_band its three: a sixth label is never given."""
    text = (
        HEAD
        + """\
indicators:
  layanan: {label: Layanan, kind: normal}
bands:
  r:
    - {label: di atas ekspektasi, min: 110}
    - {label: sesuai ekspektasi, min: 90, max: 110}
    - {label: di bawah ekspektasi, max: 90}
components:
  - {name: hasil, label: Hasil, expr: achievement_mean}
  - {name: rating, label: Rating, expr: "band(hasil, 'r')"}
  - {name: kecocokan, label: JPM, expr: jpm_band(hasil)}
score:
  weights: {hasil: 1.0}
predikat:
  labels: [Sangat Baik, Baik, Butuh Perbaikan, Kurang/Misconduct, Sangat Kurang, Istimewa]
  expr: predikat_matrix(rating, rating)
feedback:
  - {when: kecocokan == 'kurang optimal', text: Perlu pembinaan.}
  - {when: kecocokan == 'Optimal', text: Bagus.}
"""
    )
    path = write(tmp_path, text)
    assert [(str(f), f.code) for f in lint_rules(load_rules(path))] == [
        (
            f"{path}:22:82: warning: predikat label 'Istimewa' is never given: "
            "`predikat_matrix(rating, rating)` gives only 'Sangat Baik', 'Baik', 'Butuh "
            "Perbaikan', 'Kurang/Misconduct', 'Sangat Kurang'; remove the label or make the "
            "expression give it",
            "unreachable-label",
        ),
        (
            f"{path}:26:25: warning: kecocokan can never be 'Optimal' (did you mean 'optimal' or "
            "'cukup optimal'?), so this comparison is always false",
            "impossible-comparison",
        ),
    ]


# --------------------------------------------------------------------- JSON


def test_json_carries_severity_and_code(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path, WEIGHTS)
    plain = json.loads(cli(runner, "check", "--json", path, code=1).stdout)
    assert plain[0]["ok"] is False
    assert [(p["severity"], p["code"]) for p in plain[0]["problems"]] == [("error", "weights-sum")]
    report = json.loads(cli(runner, "check", "--json", "--strict", path, code=1).stdout)
    assert report == [
        {
            "file": str(path),
            "ok": False,
            "region": "contoh",
            "version": "1.0",
            "expressions": 3,
            "problems": [
                {
                    "file": str(path),
                    "line": 11,
                    "col": 48,
                    "severity": "error",
                    "code": "weights-sum",
                    "message": "every rater group rating aspect 'etika' has weight 0, so it "
                    "never gets a score; give one of them a weight",
                }
            ],
        }
    ]


def test_errors_stay_errors_under_strict(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path, CLEAN.replace("expr: achievement_mean", "expr: achievement_maen"))
    result = cli(runner, "check", "--strict", path, code=1)
    assert result.stdout == (
        f"{path}:17:11: error: unknown name 'achievement_maen' (did you mean 'achievement_mean'?)\n"
    )


# --------------------------------------------------------------------- the pieces


def test_finding_is_a_problem_with_a_code() -> None:
    finding = Finding(Location("r.yaml", 3, 5), "band table 'x' is never used", code="unused-band")
    assert isinstance(finding, Problem)
    assert str(finding) == "r.yaml:3:5: warning: band table 'x' is never used"
    assert finding.as_dict() == {
        "file": "r.yaml",
        "line": 3,
        "col": 5,
        "severity": "warning",
        "code": "unused-band",
        "message": "band table 'x' is never used",
    }


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("mean(a, b) * 20", (20.0, 100.0)),  # two 1-5 aspects
        ("wmean([a, c], [0.6, 0.4])", (0.0, 120.0)),
        ("achievement(c, 250, 100)", (0.0, 100.0)),
        ("clamp(c, 10, 100) - a", (5.0, 99.0)),
        ("round(c / 7)", (0.0, 17.0)),  # 120 / 7 = 17.14
        ("a / (c - 1)", (-math.inf, math.inf)),  # c - 1 may be 0
        ("x if a > 2 else -a", (-5.0, 200.0)),
        ("total(a, c)", (-math.inf, math.inf)),
    ],
)
def test_value_ranges(source: str, expected: tuple[float, float]) -> None:
    env = {"a": (1.0, 5.0), "b": (1.0, 5.0), "c": (0.0, 120.0), "x": (0.0, 200.0)}
    assert value_range(ast.parse(source, mode="eval").body, env) == expected


# --------------------------------------------------------------------- built-in regions


@pytest.mark.parametrize("region", REGIONS)
def test_builtin_regions_pass_strict(region: str) -> None:
    assert lint_rules(load_rules(PLUGINS / region / "rules.yaml")) == []


def test_strict_check_of_an_installed_region(runner: CliRunner) -> None:
    path = PLUGINS / "lampung" / "rules.yaml"
    result = cli(runner, "check", "--strict", "--region", "lampung")
    assert result.stdout == f"{path}: ok (lampung 2026.1, 19 expressions checked)\n"
