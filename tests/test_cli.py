"""The ``kinerja`` command line through click's CliRunner, on sample data it writes itself."""

from __future__ import annotations

import codecs
import csv
import json
import re
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from cli_helpers import REGIONS, RULES, cli
from click.testing import CliRunner

from kinerja import __version__
from kinerja.input.read import KNOWN_SHEETS
from kinerja.output.explain import fmt
from kinerja.output.explain_format import shown
from kinerja.rules import load_rules

BASIS = dict(zip(REGIONS, ("outcome", "mixed", "mixed", "competency", "mixed"), strict=True))
PERIOD = dict(zip(REGIONS, ("annual", "semester", "annual", "annual", "annual"), strict=True))
FORMS = ("xlsx", "csv", "json")
N = 24
REJECTS_HEADER = codecs.BOM_UTF8 + b"sheet,row,nip,column,reason\r\n"
RECONCILE = re.compile(r"^Employees: (\d+) in = (\d+) appraised \+ (\d+) rejected$", re.M)
HEX64 = re.compile(r"[0-9a-f]{64}")


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="module")
def sample(runner, tmp_path_factory):
    """``sample(region, form, bad_rows)`` -> the path of that sample input (made once)."""
    base = tmp_path_factory.mktemp("samples")
    made: dict[tuple[str, str, int], Path] = {}

    def make(region: str, form: str = "xlsx", bad_rows: int = 0) -> Path:
        key = (region, form, bad_rows)
        if key not in made:
            name = f"{region}-bad{bad_rows}" + ("-csv" if form == "csv" else f".{form}")
            args = ("sample-data", "-r", region, "-n", N, "--bad-rows", bad_rows, "-o")
            cli(runner, *args, base / name)
            made[key] = base / name
        return made[key]

    return make


def run_json(runner: CliRunner, region: str, source: Path, out: Path) -> tuple[str, dict]:
    """``kinerja run --format json``: the summary and the parsed output."""
    result = cli(runner, "run", "-r", region, "-i", source, "-o", out, "--format", "json")
    return result.output, json.loads(out.read_text(encoding="utf-8"))


def reconcile(output: str) -> tuple[int, int, int]:
    found = RECONCILE.findall(output)
    assert len(found) == 1, output
    n, appraised, rejected = map(int, found[0])
    assert n == appraised + rejected, found[0]
    return n, appraised, rejected


def read_rejects(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


# --------------------------------------------------------------------- --version / --help


def test_version(runner):
    assert cli(runner, "--version").output == f"kinerja, version {__version__}\n"


@pytest.mark.parametrize(
    "command", ["regions", "check", "schema", "run", "explain", "eval", "sample-data"]
)
def test_help(runner, command):
    top = cli(runner, "--help").output
    assert command in top and "Appraise civil servants" in top
    assert cli(runner, "-h").output == top
    assert "Usage:" in cli(runner, command, "--help").output


# --------------------------------------------------------------------- regions


def test_regions_table(runner):
    listing = json.loads(cli(runner, "regions", "--json").output)
    rules = {row["name"]: row["rules"] for row in listing}
    lines = cli(runner, "regions").output.splitlines()
    for region in REGIONS:
        line = f"{region:<12} {'2026.1':<8} {BASIS[region]:<11} {PERIOD[region]:<9} {rules[region]}"
        assert line in lines
    assert [line.split()[0] for line in lines if not line.startswith(" ")] == list(REGIONS)


def test_regions_json(runner):
    listing = json.loads(cli(runner, "regions", "--json").output)
    assert [row["name"] for row in listing] == list(REGIONS)
    for row in listing:
        assert row["version"] == "2026.1" and row["status"] == "ok"
        assert row["basis"] == BASIS[row["name"]] and row["period"] == PERIOD[row["name"]]
        assert Path(row["rules"]).is_file() and row["plugin"] == f"kinerja.plugins.{row['name']}"
        assert row["valid_from"] < row["valid_to"]


# --------------------------------------------------------------------- run


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("region", REGIONS)
def test_run_every_region_and_input_form(runner, sample, tmp_path, region, form):
    source = sample(region, form)
    out = tmp_path / "hasil.json"
    output, data = run_json(runner, region, source, out)
    n, appraised, rejected = reconcile(output)
    assert n == N and len(data["results"]) == appraised
    rules = load_rules(RULES[region])
    lines = output.splitlines()
    assert lines[0] == f"Region {region} — rules 2026.1 ({rules.title})"
    assert lines[1].startswith(f"Input  {source} (sha256 {data['run']['input_sha256'][:12]}")
    counts = Counter(r["predikat"] for r in data["results"])
    block = ["Predikat:"] + [
        f"  {label:<22} {counts.pop(label, 0):>7}" for label in rules.predikat_labels
    ]
    block += [f"  {fmt(label):<22} {k:>7}" for label, k in counts.items()]
    assert "\n".join(block) in output
    status = Counter(r["status"] for r in data["results"])
    assert f"Status: {status['final']} final, {status['provisional']} provisional" in lines
    assert set(status) <= {"final", "provisional"}
    run = data["run"]
    assert run["region"] == region and run["rules_version"] == "2026.1"
    assert HEX64.fullmatch(run["rules_sha256"]) and HEX64.fullmatch(run["input_sha256"])
    assert run["engine_version"] == __version__
    counted = (run["employees_in"], run["appraised"], run["rejected_employees"])
    assert counted == (n, appraised, rejected)
    assert len({r["nip"] for r in data["results"]}) == appraised
    rejects = tmp_path / "hasil-rejects.csv"
    assert len(read_rejects(rejects)) == len(data["rejects"]) == run["rejected_rows"]
    assert lines[-2:] == [f"Wrote {out}", f"Wrote {rejects}"]


@pytest.mark.parametrize("region", REGIONS)
def test_run_same_results_from_every_input_form(runner, sample, tmp_path, region):
    def key(form: str) -> list[tuple]:
        _, data = run_json(runner, region, sample(region, form), tmp_path / f"{form}.json")
        return [(r["nip"], r["score"], r["predikat"], r["status"]) for r in data["results"]]

    assert key("xlsx") == key("csv") == key("json")


def test_run_xlsx_and_csv_outputs(runner, sample, tmp_path):
    source = sample("sawahlunto", "xlsx", bad_rows=3)
    _, data = run_json(runner, "sawahlunto", source, tmp_path / "hasil.json")
    appraised, rejects = len(data["results"]), len(data["rejects"])

    cli(runner, "run", "-r", "sawahlunto", "-i", source, "-o", tmp_path / "hasil.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "hasil.xlsx")
    assert wb.sheetnames == ["results", "details", "rejects", "info"]
    header = [c.value for c in wb["results"][1]]  # headers people read, grouped
    assert header[:6] == ["NIP", "Name", "Position", "Work unit", "Grade", "Supervisor's NIP"]
    assert header[-8:] == [
        "Score", "Fair score (raters' estimated effects removed)", "Rank among peers",
        "Predikat", "Status", "Feedback", "Recommendations", "Flags for the reviewer",
    ]  # fmt: skip
    assert wb["results"].max_row == appraised + 1 and wb["rejects"].max_row == rejects + 1
    nips = [row[0] for row in wb["results"].iter_rows(min_row=2, values_only=True)]
    assert nips == [r["nip"] for r in data["results"]]
    assert all(isinstance(nip, str) and len(nip) == 18 for nip in nips)
    info = dict(wb["info"].iter_rows(min_row=2, values_only=True))
    assert info["region"] == "sawahlunto" and info["rules_sha256"] == data["run"]["rules_sha256"]
    assert (info["appraised"], info["rejected_rows"]) == (appraised, rejects)
    assert (tmp_path / "hasil-rejects.csv").is_file()

    # The suffix of --output picks the format.
    cli(runner, "run", "-r", "sawahlunto", "-i", source, "-o", tmp_path / "hasil.csv")
    with (tmp_path / "hasil.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    # the CSV keeps the stable column names
    machine = "nip nama jabatan unit_kerja score fair_score predikat status peer_rank".split()
    assert rows[0][:9] == machine  # fair_score: Sawahlunto adjusts for rater effects
    assert rows[0][-3:] == ["feedback", "recommendations", "flags"]
    assert len(rows[0]) == len(header) - 2 and len(rows) == appraised + 1  # no grade, atasan
    assert [row[0] for row in rows[1:]] == nips
    assert len(read_rejects(tmp_path / "hasil-rejects.csv")) == rejects


def test_run_default_output_and_empty_rejects(runner, sample, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    output = cli(runner, "run", "-r", "asemrowo", "-i", sample("asemrowo", "json")).output
    assert reconcile(output) == (N, N, 0)
    rejects = "Rejects: 0 row(s) (0 employee(s), 0 other row(s)); see asemrowo-results-rejects.csv"
    assert rejects in output.splitlines()
    assert openpyxl.load_workbook("asemrowo-results.xlsx").sheetnames[0] == "results"
    assert Path("asemrowo-results-rejects.csv").read_bytes() == REJECTS_HEADER


@pytest.mark.parametrize("region", REGIONS)
def test_run_bad_rows_are_rejected(runner, sample, tmp_path, region):
    output, data = run_json(runner, region, sample(region, "xlsx", 3), tmp_path / "out.json")
    n, appraised, rejected = reconcile(output)
    assert n >= N + 1 and rejected >= 3
    rows = read_rejects(tmp_path / "out-rejects.csv")
    employee_rows = sum(1 for r in rows if r["sheet"] == "pegawai")
    assert (employee_rows, len(rows)) == (rejected, len(data["rejects"]))
    assert (
        f"Rejects: {len(rows)} row(s) ({rejected} employee(s), "
        f"{len(rows) - rejected} other row(s)); see {tmp_path / 'out-rejects.csv'}"
    ) in output.splitlines()
    for row in rows:
        assert row["sheet"] in ("pegawai", "capaian", "penilaian", "keberatan")
        assert int(row["row"]) >= 2 and row["reason"]
    reasons = [r["reason"] for r in rows]
    assert "NIP has 17 digits, expected 18" in reasons
    assert any(reason.startswith("duplicate NIP, first seen at pegawai row") for reason in reasons)


@pytest.mark.parametrize("fmt_", FORMS)
def test_run_is_deterministic(runner, sample, tmp_path, fmt_):
    source = sample("kutacane", "xlsx", 3)
    outs = []
    for attempt in ("a", "b", "a"):
        (tmp_path / attempt).mkdir(exist_ok=True)
        out = tmp_path / attempt / f"hasil.{fmt_}"
        cli(runner, "run", "-r", "kutacane", "-i", source, "-o", out)
        outs.append((out.read_bytes(), (tmp_path / attempt / "hasil-rejects.csv").read_bytes()))
    assert outs[0] == outs[1] == outs[2]
    assert outs[0][1] != REJECTS_HEADER


def test_run_unknown_region(runner, sample):
    result = cli(runner, "run", "--region", "kasemn", "-i", sample("kasemen"), code=2)
    assert result.output == (
        "Error: no region 'kasemn' is installed (did you mean 'kasemen'?); installed: "
        "asemrowo, kasemen, kutacane, lampung, sawahlunto\n"
    )


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("nope.xlsx", None, "Path"),
        ("data.txt", b"nip,nama\n", "unsupported file type"),
        ("pegawai.csv", b"nip,nama\n", "give the folder that holds the CSV files"),
        ("old.xls", b"\xd0\xcf\x11\xe0", "Save As .xlsx"),
        ("renamed.xlsx", b"nip,nama\n", "as an Excel workbook"),
        ("list.json", b"[1, 2]", "the JSON must be an object"),
        ("broken.json", b'{"pegawai": [', "invalid JSON at line 1"),
    ],
)
def test_run_unreadable_input(runner, tmp_path, name, content, message):
    source = tmp_path / name
    if content is not None:
        source.write_bytes(content)
    result = cli(runner, "run", "-r", "kasemen", "-i", source, "-o", tmp_path / "o.json", code=2)
    assert message in result.output and "Error" in result.output
    assert not (tmp_path / "o.json").exists()


def test_run_folder_without_pegawai(runner, tmp_path):
    (tmp_path / "in").mkdir()
    args = ("run", "-r", "kasemen", "-i", tmp_path / "in", "-o", tmp_path / "o.csv")
    output = cli(runner, *args, code=2)  # unusable: nobody can be appraised
    assert reconcile(output.output) == (0, 0, 0)
    assert "Rejects: 1 row(s) (0 employee(s), 1 other row(s))" in output.output
    assert output.output.splitlines()[-1].startswith("Error: The input has no pegawai CSV file")
    [reject] = read_rejects(tmp_path / "o-rejects.csv")
    assert (reject["sheet"], reject["row"]) == ("pegawai", "0")
    assert "no pegawai CSV file" in reject["reason"]


# --------------------------------------------------------------------- explain


@pytest.mark.parametrize("region", REGIONS)
def test_explain_appraised(runner, sample, tmp_path, region):
    source = sample(region, "json")
    _, data = run_json(runner, region, source, tmp_path / "out.json")
    for r in (data["results"][0], data["results"][-1]):
        lines = cli(runner, "explain", "-r", region, "-i", source, "--nip", r["nip"]).output
        lines = lines.splitlines()
        assert lines[0] == f"{r['nama']} (NIP {r['nip']}) — {r['jabatan']}, {r['unit_kerja']}"
        steps = [int(m.group(1)) for line in lines if (m := re.match(r"(\d+)\. \S", line))]
        assert steps == list(range(1, len(steps) + 1)) and len(steps) >= 3
        assert any(re.fullmatch(r"\d+\. Final score", line) for line in lines)
        assert lines[-1] == (
            f"Result: {shown(r['score'])}, {r['predikat'] or '-'} — {r['status'].upper()}"
        )
        assert re.fullmatch(r"Result: .+, .+ — (FINAL|PROVISIONAL)", lines[-1])


def test_explain_nip_with_spaces(runner, sample, tmp_path):
    source = sample("kasemen")
    _, data = run_json(runner, "kasemen", source, tmp_path / "out.json")
    nip = data["results"][0]["nip"]
    spaced = f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"
    output = cli(runner, "explain", "-r", "kasemen", "-i", source, "--nip", spaced).output
    assert f"(NIP {nip})" in output.splitlines()[0]


def test_explain_rejected_and_unknown(runner, sample, tmp_path):
    source = sample("kasemen", "xlsx", 3)
    _, data = run_json(runner, "kasemen", source, tmp_path / "out.json")
    [short] = [r for r in data["rejects"] if r["reason"] == "NIP has 17 digits, expected 18"]
    result = cli(runner, "explain", "-r", "kasemen", "-i", source, "--nip", short["nip"], code=1)
    assert result.output.splitlines() == [
        f"NIP {short['nip']} was not appraised:",
        f"   - pegawai row {short['row']}, column nip: NIP has 17 digits, expected 18",
        "Correct these rows in the input and run kinerja again.",
    ]
    [spoilt] = [r for r in data["rejects"] if r["sheet"] == "capaian"]
    result = cli(runner, "explain", "-r", "kasemen", "-i", source, "--nip", spoilt["nip"], code=1)
    assert result.output.splitlines()[0] == f"NIP {spoilt['nip']} was not appraised:"
    assert f"   - capaian row {spoilt['row']}, column realisasi: {spoilt['reason']}" in (
        result.output.splitlines()
    )
    result = cli(runner, "explain", "-r", "kasemen", "-i", source, "--nip", "1" * 18, code=1)
    assert result.output.startswith(f"Error: NIP {'1' * 18} is not in {source}")


# --------------------------------------------------------------------- eval


@pytest.mark.parametrize(
    "expression, printed",
    [
        ("round(2.5)", "3"),
        # the engine holds numbers as floats and shows whole ones without ".0"
        ("mean(1, 2, 6) * 20", "60"),
        ("band(95, 'nilai')", "Sangat Baik"),
        ("predikat_matrix('di atas ekspektasi', 'di bawah ekspektasi')", "Kurang/Misconduct"),
        ("2 ** 64", "18446744073709551616"),
    ],
)
def test_eval_constant(runner, expression, printed):
    assert cli(runner, "eval", "-r", "kasemen", expression).output == printed + "\n"


def test_eval_refuses_a_list_value(runner):
    # a rule's value is one column per employee: a list cannot be one
    result = cli(runner, "eval", "-r", "kasemen", "[1, 2] if true else null", code=1)
    assert "is a list; a column holds one value per employee" in result.output


def test_eval_with_employee_values(runner, sample, tmp_path):
    source = sample("kasemen", "json")
    _, data = run_json(runner, "kasemen", source, tmp_path / "out.json")
    r = data["results"][1]
    args = ("eval", "-r", "kasemen", "--input", source, "--nip", r["nip"])
    mean = r["values"]["achievement_mean"]
    assert cli(runner, *args, "achievement_mean").output == json.dumps(mean) + "\n"
    assert cli(runner, *args, "score").output == json.dumps(r["score"]) + "\n"
    assert cli(runner, *args, "predikat").output == r["predikat"] + "\n"
    result = cli(
        runner, "eval", "-r", "kasemen", "--input", source, "--nip", "1" * 18, "score", code=1
    )
    assert f"NIP {'1' * 18} has no result" in result.output


@pytest.mark.parametrize(
    "expression, message, caret",
    [
        ("__import__('os')", "names starting with '_' are not allowed: __import__", 0),
        ("(1).__class__", "attribute access (a.b) is not allowed", 0),
        ("round.__globals__", "attribute access (a.b) is not allowed", 0),
        ("'a' * 10**8", "repeating text with * is not allowed", 0),
        ("2 ** 10000", "exponent 10000 is above the limit of 64", 5),
        ("1 << 65", "shift amount must be a whole number from 0 to 64", 5),
        ("achievement_maen + 1", "unknown name 'achievement_maen' (did you mean", 0),
        ("mean(1, 2)[0]", "indexing (a[b]) is not allowed", 0),
        ("[x for x in [1]]", "comprehensions are not allowed", 0),
        ("lambda: 1", "lambda is not allowed", 0),
        ("_secret", "names starting with '_' are not allowed: _secret", 0),
        ("band(1, 'nilia')", "no band table 'nilia' (did you mean 'nilai'?)", 8),
        ("1 2", "syntax error: invalid syntax", 2),
    ],
)
def test_eval_refused(runner, expression, message, caret):
    result = cli(runner, "eval", "-r", "kasemen", expression, code=1)
    assert result.stdout == ""
    assert result.stderr.splitlines()[0].startswith(f"Refused: {message}")
    assert result.stderr.splitlines()[1:] == [f"  {expression}", "  " + " " * caret + "^"]


def test_eval_needs_input_for_names(runner, sample):
    result = cli(runner, "eval", "-r", "kasemen", "achievement_mean * 2", code=1)
    assert result.output == (
        "Error: achievement_mean need(s) an employee's values: add --input PATH --nip NIP\n"
    )
    result = cli(runner, "eval", "-r", "kasemen", "--input", sample("kasemen"), "1", code=2)
    assert "--input and --nip go together" in result.output


def test_eval_failure_at_run_time(runner):
    result = cli(runner, "eval", "-r", "kasemen", "1 / (2 - 2)", code=1)
    assert result.output == "Error: division by zero in `1 / (2 - 2)`\n"
    result = cli(runner, "eval", "-r", "nowhere", "1", code=2)
    assert "no region 'nowhere' is installed" in result.output


# --------------------------------------------------------------------- sample-data


def test_sample_data_xlsx(runner, tmp_path):
    out = tmp_path / "contoh.xlsx"
    output = cli(runner, "sample-data", "-r", "kasemen", "-n", N, "-o", out).output
    rows = rf"\(pegawai {N}, capaian \d+, penilaian \d+ rows\)"
    assert re.fullmatch(rf"Wrote {re.escape(str(out))} {rows}\n", output)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["pegawai", "capaian", "penilaian"]
    pegawai = wb["pegawai"]
    assert [c.value for c in pegawai[1]][:4] == ["nip", "nama", "jabatan", "unit_kerja"]
    assert pegawai.max_row == N + 1
    for (cell,) in pegawai.iter_rows(min_row=2, max_col=1):
        assert isinstance(cell.value, str) and re.fullmatch(r"\d{18}", cell.value)
        assert cell.number_format == "@"


@pytest.mark.parametrize("region", REGIONS)
def test_sample_data_forms(runner, sample, region):
    sheets = openpyxl.load_workbook(sample(region, "xlsx")).sheetnames
    assert sheets[0] == "pegawai" and set(sheets) <= {*KNOWN_SHEETS}
    doc = json.loads(sample(region, "json").read_text(encoding="utf-8"))
    assert list(doc) == sheets and len(doc["pegawai"]) == N
    folder = sample(region, "csv")
    assert sorted(f.name for f in folder.iterdir()) == sorted(f"{s}.csv" for s in sheets)


@pytest.mark.parametrize("suffix", [".xlsx", ".json", ""])
def test_sample_data_is_deterministic(runner, tmp_path, suffix):
    def make(name: str, seed: int) -> bytes:
        out = tmp_path / f"{name}{suffix}"
        cli(runner, "sample-data", "-r", "lampung", "-n", 20, "--seed", seed, "-o", out)
        if out.is_dir():
            return b"|".join(f.read_bytes() for f in sorted(out.iterdir()))
        return out.read_bytes()

    assert make("a", 7) == make("b", 7)
    assert make("c", 8) != make("a", 7)


def test_sample_data_bad_arguments(runner, tmp_path):
    out = tmp_path / "x.json"
    result = cli(runner, "sample-data", "-r", "kasemen", "-n", 0, "-o", out, code=2)
    assert "Invalid value" in result.output
    result = cli(runner, "sample-data", "-r", "kasemenn", "-o", out, code=2)
    assert "did you mean 'kasemen'" in result.output and not out.exists()
