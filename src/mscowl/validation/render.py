"""Render a SHACL validation report for people and for machines.

Formats: ``text`` (a table grouped by focus node, with labels and, for data built from seed
sheets, the file, sheet, row and column to fix), ``turtle`` (the standard sh:ValidationReport),
``json``, ``junit`` (JUnit XML, one test case per focus node) and ``github`` (GitHub Actions
workflow commands, which annotate the offending file and line in a pull request).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from xml.etree import ElementTree as ET

from rdflib.term import Node

from mscowl.errors import Origin
from mscowl.safety import printable
from mscowl.seeds.origins import OriginIndex
from mscowl.validation.report import SEVERITY_RANK, Result, ValidationReport, display


@dataclass
class ReportContext:
    """What a renderer needs besides the results: labels, origins, the failing level."""

    names: Mapping[Node, str]
    origins: OriginIndex | None
    fail_on: Node

    def origin(self, result: Result) -> Origin | None:
        if self.origins is None:
            return None
        return self.origins.locate(result.focus, result.path, result.value)


def severity_name(result: Result) -> str:
    return str(result.severity).rsplit("#", 1)[-1]


def _ordered(report: ValidationReport) -> list[Result]:
    return sorted(report.results, key=lambda r: (-SEVERITY_RANK.get(r.severity, 3), *r.key))


def _counts(report: ValidationReport) -> dict[str, int]:
    counts = {"Violation": 0, "Warning": 0, "Info": 0}
    for result in report.results:
        counts[severity_name(result)] = counts.get(severity_name(result), 0) + 1
    return counts


def render(report: ValidationReport, fmt: str, context: ReportContext) -> str:
    """The report in one of :data:`FORMATS`."""
    renderers: dict[str, Callable[[ValidationReport, ReportContext], str]] = {
        "text": render_text,
        "turtle": render_turtle,
        "json": render_json,
        "junit": render_junit,
        "github": render_github,
    }
    return renderers[fmt](report, context)


def render_text(report: ValidationReport, context: ReportContext) -> str:
    counts = _counts(report)
    summary = ", ".join(f"{n} {k.lower()}{'s' if n != 1 else ''}" for k, n in counts.items())
    lines = [
        f"SHACL validation ({report.engine}): {summary}; "
        f"conforms: {'yes' if report.conforms else 'no'}"
    ]
    groups: dict[Node, list[Result]] = {}
    for result in _ordered(report):
        groups.setdefault(result.focus, []).append(result)
    for focus, results in groups.items():
        lines.append("")
        lines.append(printable(display(focus, context.names)))
        for result in results:
            where = context.origin(result)
            path = display(result.path, context.names) if result.path is not None else "-"
            value = display(result.value, context.names) if result.value is not None else "-"
            lines.append(printable(f"  {severity_name(result):<9} {path}  value: {value}"))
            lines.append(printable(f"            {result.message}"))
            if where:
                lines.append(printable(f"            fix at {where}"))
    return "\n".join(lines) + "\n"


def render_turtle(report: ValidationReport, context: ReportContext) -> str:
    return report.graph.serialize(format="longturtle")


def render_json(report: ValidationReport, context: ReportContext) -> str:
    def term(node: Node | None) -> str | None:
        return None if node is None else str(node)

    results = []
    for result in _ordered(report):
        where = context.origin(result)
        results.append(
            {
                "focus": term(result.focus),
                "focus_label": context.names.get(result.focus),
                "path": term(result.path),
                "value": term(result.value),
                "component": term(result.component),
                "severity": severity_name(result),
                "message": result.message,
                "source": None
                if where is None
                else {
                    "file": where.file,
                    "sheet": where.sheet,
                    "row": where.row,
                    "column": where.column,
                },
            }
        )
    document = {
        "conforms": report.conforms,
        "engine": report.engine,
        "counts": _counts(report),
        "results": results,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def render_junit(report: ValidationReport, context: ReportContext) -> str:
    groups: dict[Node, list[Result]] = {}
    for result in _ordered(report):
        groups.setdefault(result.focus, []).append(result)
    failing = report.failing(context.fail_on)
    suites = ET.Element("testsuites", name="mscowl validate")
    suite = ET.SubElement(
        suites,
        "testsuite",
        name="SHACL",
        tests=str(max(len(groups), 1)),
        failures=str(len({r.focus for r in failing})),
        errors="0",
    )
    if not groups:
        ET.SubElement(suite, "testcase", classname="mscowl.validation.run", name="conforms")
    for focus, results in groups.items():
        case = ET.SubElement(
            suite, "testcase", classname="mscowl.validation.run", name=display(focus, context.names)
        )
        notes = []
        for result in results:
            where = context.origin(result)
            text = f"{severity_name(result)}: {result.message}" + (f" ({where})" if where else "")
            if result in failing:
                ET.SubElement(
                    case, "failure", type=severity_name(result), message=result.message
                ).text = text
            else:
                notes.append(text)
        if notes:
            ET.SubElement(case, "system-out").text = "\n".join(notes)
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def render_github(report: ValidationReport, context: ReportContext) -> str:
    commands = {"Violation": "error", "Warning": "warning", "Info": "notice"}
    lines = []
    for result in _ordered(report):
        where = context.origin(result)
        properties = []
        if where:
            properties.append(f"file={_escape_property(where.file)}")
            if where.row is not None:
                properties.append(f"line={where.row}")
        path = display(result.path, context.names) if result.path is not None else ""
        title = f"SHACL {severity_name(result)}" + (f": {path}" if path else "")
        properties.append(f"title={_escape_property(title)}")
        focus = display(result.focus, context.names)
        column = f" [column {where.column}]" if where and where.column else ""
        message = f"{focus}: {result.message}{column}"
        lines.append(
            f"::{commands[severity_name(result)]} {','.join(properties)}::{_escape_data(message)}"
        )
    return "".join(line + "\n" for line in lines)


def _escape_data(text: str) -> str:
    """A workflow command's data: no line breaks (a label cannot start a forged ``::error``
    line of its own), and no other control or bidirectional characters."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return printable(text)


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")
