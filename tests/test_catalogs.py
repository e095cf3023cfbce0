"""The message catalogs: every message of kinerja translated in both languages with
the same placeholders, the template up to date with the code, and the language chosen
as documented."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from kinerja import i18n
from kinerja.cli import main
from kinerja.i18n import catalogs, count, language, ngettext, number


def test_the_template_holds_every_message_of_the_code() -> None:
    own = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogs.extract(False) if m.id}
    template = {
        m.id if isinstance(m.id, str) else m.id[0]
        for m in catalogs.read(catalogs.template_path())
        if m.id
    }
    missing = sorted(own - template)
    assert not missing, f"run `python -m kinerja.i18n.catalogs update`: {missing[:5]}"


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_message_is_translated_with_its_placeholders(lang: str) -> None:
    assert catalogs.problems(lang) == []


def test_placeholders_are_found_as_written() -> None:
    assert catalogs.placeholders("a {x} {} {{literal}} %(prog)s %s") == [
        "%(prog)s",
        "%s",
        "{x}",
        "{}",
    ]


def test_a_translation_with_other_placeholders_is_a_problem(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    po = tmp_path / "id" / "LC_MESSAGES" / "kinerja.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=utf-8\\n"\n\n'
        'msgid "row {row} of {sheet}"\nmsgstr "baris {baris} dari {sheet}"\n\n'
        'msgid "untranslated"\nmsgstr ""\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(catalogs, "LOCALE", tmp_path)
    assert catalogs.problems("id", ["row {row} of {sheet}", "untranslated", "absent"]) == [
        "id: the placeholders of 'baris {baris} dari {sheet}' differ from those of "
        "'row {row} of {sheet}'",
        "id: no translation of 'untranslated'",
        "id: no translation of 'absent'",
    ]


def test_numbers_are_written_as_each_language_writes_them() -> None:
    with language("id"):
        # Indonesian groups thousands with '.' and writes the decimal comma
        assert (count(1210), number(64.0, 1), number(0.625), number(-58.10000000000002, 2)) == (
            "1.210",
            "64,0",
            "0,625",
            "-58,10",
        )
    with language("en"):
        assert (count(1210), number(64.0, 1), number(0.625)) == ("1,210", "64.0", "0.625")


def test_the_language_is_chosen_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KINERJA_LANG", raising=False)
    i18n.use_rules_language(None)
    assert i18n.current() == "id"  # the default
    i18n.use_rules_language("en")
    assert i18n.current() == "en"  # the rules' language
    monkeypatch.setenv("KINERJA_LANG", "id")
    assert i18n.current() == "id"  # KINERJA_LANG over the rules'
    with language("en"):
        assert i18n.current() == "en"  # --lang over everything
    i18n.use_rules_language(None)
    with pytest.raises(ValueError, match="unknown language 'fr'; kinerja speaks id, en"):
        i18n.use("fr")


def test_indonesian_has_one_plural_form() -> None:
    with language("id"):
        assert ngettext("{n} row", "{n} rows", 1) == ngettext("{n} row", "{n} rows", 1)
    with language("en"):
        assert ngettext("{n} row", "{n} rows", 1) == "1 row"
        assert ngettext("{n} row", "{n} rows", 1210) == "1,210 rows"


def test_help_speaks_the_language_asked_for() -> None:
    english = CliRunner().invoke(main, ["--lang", "en", "--help"])
    assert "The language of what kinerja shows" in english.output
    indonesian = CliRunner().invoke(main, ["--lang", "id", "--help"])
    assert "Bahasa" in indonesian.output and "The language of" not in indonesian.output
    refused = CliRunner().invoke(main, ["--lang", "fr", "--help"])
    assert refused.exit_code == 2 and "'fr'" in refused.output
