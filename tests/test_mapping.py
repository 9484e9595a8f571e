"""The declarative mapping: the shipped file, each column type, and mistakes in a mapping file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import XSD, Literal, URIRef

from mscowl.errors import InputError, InputProblemsError, Origin
from mscowl.seeds.mapping import ColumnMap, Mapping, canonical_decimal
from seedtools import SEEDS

HERE = Origin("s.csv", row=2, column="c")


def test_shipped_mapping_loads_and_every_column_is_documented() -> None:
    mapping = Mapping.load(SEEDS / "mapping.toml")
    assert mapping.base == "https://w3id.org/mscowl/data/"
    readme = (SEEDS / "README.md").read_text(encoding="utf-8")
    for name, sheet in mapping.sheets.items():
        section = readme.split(f"### {name} (`{sheet.file}`)", 1)
        assert len(section) == 2, f"seeds/README.md has no section for {name}"
        body = section[1].split("\n### ", 1)[0]
        documented = set(re.findall(r"^\| (\w+) \|", body, flags=re.MULTILINE)) - {"column"}
        assert documented == set(sheet.columns), name


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        (ColumnMap("c", None), "text", Literal("text")),
        (ColumnMap("c", None, language="en"), "text", Literal("text", lang="en")),
        (ColumnMap("c", None, template="Phase: {}"), "1", Literal("Phase: 1")),
        (ColumnMap("c", None, type="integer"), "-3", Literal("-3", datatype=XSD.integer)),
        (
            ColumnMap("c", None, type="nonNegativeInteger"),
            "+07",
            Literal("7", datatype=XSD.nonNegativeInteger),
        ),
        (ColumnMap("c", None, type="decimal"), "95", Literal("95.0", datatype=XSD.decimal)),
        (ColumnMap("c", None, type="decimal"), "2.50", Literal("2.5", datatype=XSD.decimal)),
        (ColumnMap("c", None, type="date"), "2019-04-01", Literal("2019-04-01", datatype=XSD.date)),
        (ColumnMap("c", None, type="partial_date"), "2019", Literal("2019", datatype=XSD.gYear)),
        (
            ColumnMap("c", None, type="partial_date"),
            "2019-07",
            Literal("2019-07", datatype=XSD.gYearMonth),
        ),
        (ColumnMap("c", None, type="gYear"), "2021", Literal("2021", datatype=XSD.gYear)),
        (ColumnMap("c", None, type="boolean"), "TRUE", Literal("true", datatype=XSD.boolean)),
        (
            ColumnMap("c", None, type="curie", prefixes=("MONDO",)),
            "MONDO:0008170",
            URIRef("http://purl.obolibrary.org/obo/MONDO_0008170"),
        ),
        (
            ColumnMap("c", None, type="iri"),
            "https://example.org/a?b=c",
            URIRef("https://example.org/a?b=c"),
        ),
        (
            ColumnMap("c", None, type="enum", values={"x": URIRef("https://e.org/x")}),
            "x",
            URIRef("https://e.org/x"),
        ),
    ],
)
def test_column_types_convert(column: ColumnMap, value: str, expected: object) -> None:
    assert column.convert(value, HERE) == expected


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        (ColumnMap("c", None, type="date"), "01/04/2019", "expected a date as YYYY-MM-DD"),
        (ColumnMap("c", None, type="boolean"), "yes", "expected true or false"),
        (ColumnMap("c", None, type="decimal", minimum=None), "1e5", "expected a decimal number"),
        (ColumnMap("c", None, type="integer"), "3.0", "expected a whole number"),
        (ColumnMap("c", None, type="curie"), "mondo 1", "which is not a CURIE"),
        (ColumnMap("c", None, type="ref", sheet="references"), "a b", "expected the id of a row"),
    ],
)
def test_column_types_refuse(column: ColumnMap, value: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        column.convert(value, HERE)
    assert message in str(caught.value)
    assert str(caught.value).startswith("s.csv:2:c: found ")


def test_separator_splits_and_drops_empty_parts() -> None:
    column = ColumnMap("c", None, separator=";")
    assert column.split(" a ; ;b ") == ["a", "b"]
    assert column.split("") == []


def test_canonical_decimal() -> None:
    from decimal import Decimal

    assert [canonical_decimal(Decimal(v)) for v in ("0", "100", "0.50", "-1.25")] == [
        "0.0",
        "100.0",
        "0.5",
        "-1.25",
    ]


def test_mapping_file_mistakes_are_all_reported(tmp_path: Path) -> None:
    path = tmp_path / "mapping.toml"
    path.write_text(
        """
base = "not an iri"
[sheets.a]
file = "a.csv"
subject = "a/"
id = "id"
colour = "red"
[[sheets.a.columns]]
name = "id"
[[sheets.a.columns]]
name = "kind"
type = "enum"
[[sheets.a.columns]]
name = "ref"
type = "ref"
sheet = "nowhere"
[[sheets.a.columns]]
name = "term"
type = "curie"
prefixes = ["NOPE"]
[[sheets.a.columns]]
name = "size"
type = "float"
""",
        encoding="utf-8",
    )
    with pytest.raises(InputProblemsError) as caught:
        Mapping.load(path)
    messages = [str(p) for p in caught.value.problems]
    expected = [
        f"{path}:2: 'base' must be an absolute http(s) IRI",
        f"{path}:a:3: unknown key 'colour'",
        f"{path}:a:3: 'subject' must be an IRI template containing {{id}}",
        f"{path}:a:11:kind: an enum column needs 'values'",
        f"{path}:a:18:term: unknown prefix 'NOPE' in 'prefixes'",
        f"{path}:a:22:size: unknown type 'float'",
        f"{path}:a:14:ref: refers to sheet 'nowhere', which the mapping does not define",
    ]
    for message in expected:
        assert any(m.startswith(message) for m in messages), (message, messages)


def test_mapping_that_is_not_toml(tmp_path: Path) -> None:
    path = tmp_path / "mapping.toml"
    path.write_text("base = \n", encoding="utf-8")
    with pytest.raises(InputError, match="the mapping is not valid TOML"):
        Mapping.load(path)
