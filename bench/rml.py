"""The RML peer of the build: an RML mapping of the trials and products sheets, for morph-kgc.

The benchmark compares `mscowl build` with morph-kgc (an RML engine) on the same sheets. This
module writes the RML mapping (RML-Core with RML-FNML functions, as morph-kgc 2.x reads it) that
gives exactly the triples `mscowl build` gives about trials and products, column by column from
the shipped `seeds/mapping.toml`, so that the two can never describe different work:

- text, numbers and dates are references with their language or datatype; a column's template
  ("Phase as stated in the source: {}") is an RML template;
- a CURIE column becomes IRIs through GREL `replace`/`concat` (every prefix first to the OBO
  form, then the prefixes that are not OBO's to their own namespace), split at the column's
  separator with morph-kgc's `string_split_explode`;
- an enum column joins a small lookup sheet (value, iri) written beside the mapping;
- a partial date is three object maps, one per form (xsd:date, xsd:gYearMonth, xsd:gYear),
  each keeping the values its GREL `match` finds.

What RML does not do (mscowl's checks of every cell, the verified-term check, the origin index
and the Turtle dump) is not part of the peer: morph-kgc is given less work, not more.

    .venv/bin/python bench/rml.py      # rewrites bench/rml/ from seeds/mapping.toml

`tests/test_bench.py` checks that `bench/rml/` is what this writes, and the benchmark checks
that morph-kgc's triples are mscowl's.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))

from mscowl.rdf.namespaces import OBO, PREFIXES  # noqa: E402
from mscowl.seeds.mapping import ColumnMap, Mapping, SheetMap  # noqa: E402

#: The sheets of the peer: the two that grow with the synthetic seeds.
SHEETS = ("trials", "products")
#: Where the mapping and its lookup sheets are kept.
RML_DIR = HERE / "rml"
MAPPING_FILE = "trials-products.rml.ttl"

GREL = "http://users.ugent.be/~bjdmeest/function/grel.ttl#"
MORPH = "https://github.com/morph-kgc/morph-kgc/function/built-in.ttl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
#: The forms of a partial date, as mscowl types them (its `_partial_date`).
PARTIAL_DATE_FORMS = (
    ("^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "date"),
    ("^[0-9]{4}-[0-9]{2}$", "gYearMonth"),
    ("^[0-9]{4}$", "gYear"),
)


def literal(text: str) -> str:
    """A Turtle string literal."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def template_text(text: str) -> str:
    """Constant text inside an RML template: its braces and backslashes escaped."""
    return text.replace("\\", "\\\\").replace("{", "\\{").replace("}", "\\}")


class Writer:
    """Turtle for one mapping, built in order (same mapping.toml, same bytes)."""

    def __init__(self, mapping: Mapping, seeds_dir: str, lookup_dir: str) -> None:
        self.mapping = mapping
        self.seeds_dir = seeds_dir
        self.lookup_dir = lookup_dir
        self.maps: list[str] = []
        self.lookups: dict[str, list[tuple[str, str]]] = {}

    # --- function executions -------------------------------------------------------------

    @staticmethod
    def call(function: str, **inputs: str) -> str:
        """An rml:functionExecution; each input a value map already written as Turtle."""
        parts = [f"rml:function {function}"]
        for parameter, value_map in inputs.items():
            parts.append(
                f"rml:input [ rml:parameter grel:{parameter} ; rml:inputValueMap {value_map} ]"
            )
        return "[ rml:functionExecution [ " + " ;\n        ".join(parts) + " ] ]"

    @classmethod
    def replace(cls, value_map: str, find: str, replacement: str) -> str:
        return cls.call(
            "grel:string_replace",
            valueParameter=value_map,
            p_string_find=f"[ rml:constant {literal(find)} ]",
            p_string_replace=f"[ rml:constant {literal(replacement)} ]",
        )

    @classmethod
    def concat(cls, head: str, value_map: str) -> str:
        return cls.call(
            "morph:concat",
            valueParameter1=f"[ rml:constant {literal(head)} ]",
            valueParameter2=value_map,
        )

    @classmethod
    def split(cls, value_map: str, separator: str) -> str:
        return cls.call(
            "morph:string_split_explode",
            valueParameter=value_map,
            p_string_sep=f"[ rml:constant {literal(separator)} ]",
        )

    def expand_curies(self, column: ColumnMap) -> str:
        """The IRIs of a CURIE cell: every CURIE to OBO's form, then the other namespaces."""
        value = f"[ rml:reference {literal(column.name)} ]"
        value = self.replace(value, ":", "_")
        if column.separator:
            value = self.replace(value, column.separator, column.separator + OBO)
        value = self.concat(OBO, value)
        for prefix in column.prefixes:
            namespace = PREFIXES[prefix]
            if namespace != f"{OBO}{prefix}_":
                value = self.replace(value, f"{OBO}{prefix}_", namespace)
        if column.separator:
            value = self.split(value, column.separator)
        return value

    # --- object maps ---------------------------------------------------------------------

    def object_maps(self, sheet: SheetMap, column: ColumnMap) -> list[str]:
        """The object maps of one column (several for a partial date)."""
        name = literal(column.name)
        kind = column.type
        if kind == "enum":
            return [
                f"[ rml:parentTriplesMap :{self.lookup(sheet, column)} ;\n"
                f'      rml:joinCondition [ rml:child {name} ; rml:parent "value" ] ]'
            ]
        if kind == "curie":
            return [self.term(self.expand_curies(column), "rml:IRI")]
        if kind == "ref":
            target = self.mapping.sheets[column.sheet or ""]
            head = self.mapping.base + target.subject.replace("{id}", "")
            if column.separator:
                value = f"[ rml:reference {name} ]"
                value = self.replace(value, column.separator, column.separator + head)
                return [
                    self.term(self.split(self.concat(head, value), column.separator), "rml:IRI")
                ]
            return [f"[ rml:template {literal(template_text(head) + '{' + column.name + '}')} ]"]
        if kind == "iri":
            if column.separator:
                return [
                    self.term(self.split(f"[ rml:reference {name} ]", column.separator), "rml:IRI")
                ]
            return [f"[ rml:reference {name} ; rml:termType rml:IRI ]"]
        if kind == "partial_date":
            # join(match(value, form), ";"): the value where it has the form, else "", which
            # morph-kgc drops as a null (an empty match list alone would be written as "nan").
            return [
                self.term(
                    self.call(
                        "grel:array_join",
                        p_array_a=self.call(
                            "grel:string_match",
                            valueParameter=f"[ rml:reference {name} ]",
                            p_string_regex=f"[ rml:constant {literal(pattern)} ]",
                        ),
                        p_string_sep='[ rml:constant ";" ]',
                    ),
                    "rml:Literal",
                    f" ; rml:datatype xsd:{datatype}",
                )
                for pattern, datatype in PARTIAL_DATE_FORMS
            ]
        datatypes = {
            "integer": "integer",
            "nonNegativeInteger": "nonNegativeInteger",
            "decimal": "decimal",
            "date": "date",
            "gYear": "gYear",
            "boolean": "boolean",
        }
        if kind in datatypes:
            return [f"[ rml:reference {name} ; rml:datatype xsd:{datatypes[kind]} ]"]
        if kind != "string":
            raise ValueError(f"column {column.name}: type {kind} has no RML form here")
        language = f" ; rml:language {literal(column.language)}" if column.language else ""
        if column.template:
            text = ("{" + column.name + "}").join(map(template_text, column.template.split("{}")))
            return [f"[ rml:template {literal(text)} ; rml:termType rml:Literal{language} ]"]
        if column.separator:
            return [
                self.term(
                    self.split(f"[ rml:reference {name} ]", column.separator),
                    "rml:Literal",
                    language,
                )
            ]
        return [f"[ rml:reference {name}{language} ]"]

    @staticmethod
    def term(execution: str, term_type: str, extra: str = "") -> str:
        """A function execution's object map, with its term type (and language)."""
        return execution[:-2] + f" ;\n      rml:termType {term_type}{extra} ]"

    def lookup(self, sheet: SheetMap, column: ColumnMap) -> str:
        """The triples map of an enum's lookup sheet (its subjects are the enum's IRIs)."""
        name = f"{sheet.name}-{column.name}"
        self.lookups[name] = sorted((value, str(iri)) for value, iri in column.values.items())
        return f"lookup-{name}"

    # --- triples maps --------------------------------------------------------------------

    def triples_map(self, sheet: SheetMap) -> str:
        source = f"{self.seeds_dir}/{sheet.file}"
        subject = template_text(self.mapping.base + sheet.subject).replace(
            "\\{id\\}", "{" + sheet.id + "}"
        )
        classes = "".join(f" ; rml:class <{iri}>" for iri in sheet.classes)
        lines = [
            f":{sheet.name} a rml:TriplesMap ;",
            f"  rml:logicalSource [ rml:source {literal(source)} ;"
            " rml:referenceFormulation rml:CSV ] ;",
            f"  rml:subjectMap [ rml:template {literal(subject)}{classes} ]",
        ]
        for predicate, obj in sheet.constants:
            lines[-1] += " ;"
            lines.append(
                f"  rml:predicateObjectMap [ rml:predicate <{predicate}> ; rml:object <{obj}> ]"
            )
        for column in sheet.columns.values():
            if column.property is None:
                continue
            for object_map in self.object_maps(sheet, column):
                lines[-1] += " ;"
                lines.append(
                    f"  rml:predicateObjectMap [ rml:predicate <{column.property}> ;\n"
                    f"    rml:objectMap {object_map} ]"
                )
        return "\n".join(lines) + " .\n"

    def lookup_map(self, name: str) -> str:
        return (
            f":lookup-{name} a rml:TriplesMap ;\n"
            f"  rml:logicalSource [ rml:source {literal(f'{self.lookup_dir}/{name}.csv')} ;"
            f" rml:referenceFormulation rml:CSV ] ;\n"
            f'  rml:subjectMap [ rml:reference "iri" ; rml:termType rml:IRI ] .\n'
        )

    def write(self, sheets: tuple[str, ...]) -> str:
        maps = [self.triples_map(self.mapping.sheets[name]) for name in sheets]
        maps += [self.lookup_map(name) for name in sorted(self.lookups)]
        head = (
            "# Written by bench/rml.py from seeds/mapping.toml: the RML peer of `mscowl build`\n"
            f"# for the sheets {', '.join(sheets)} (paths relative to where morph-kgc runs).\n"
            "@prefix rml: <http://w3id.org/rml/> .\n"
            f"@prefix grel: <{GREL}> .\n"
            f"@prefix morph: <{MORPH}> .\n"
            f"@prefix xsd: <{XSD}> .\n"
            "@prefix : <https://w3id.org/mscowl/bench/rml#> .\n\n"
        )
        return head + "\n".join(maps)


def lookup_csv(rows: list[tuple[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["value", "iri"])
    writer.writerows(rows)
    return out.getvalue()


def rml_files(mapping_path: Path = ROOT / "seeds" / "mapping.toml") -> dict[str, str]:
    """File name (under bench/rml/) -> text: the mapping and its lookup sheets."""
    writer = Writer(Mapping.load(mapping_path), "seeds", "rml")
    files = {MAPPING_FILE: writer.write(SHEETS)}
    files.update({f"{name}.csv": lookup_csv(rows) for name, rows in writer.lookups.items()})
    return dict(sorted(files.items()))


def main() -> int:
    RML_DIR.mkdir(exist_ok=True)
    for name, text in rml_files().items():
        (RML_DIR / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(rml_files())} files into {RML_DIR.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
