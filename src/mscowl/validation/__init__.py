"""The validation stage: the report model, the run (data, shapes, ontology → report), the
engines (native, pySHACL, Jena) and the report formats.

The names a command line offers are defined here, where importing them costs nothing.
"""

from typing import Final

#: Names of the validation engines (``mscowl validate --engine``).
ENGINES: Final = ("auto", "native", "pyshacl", "jena")
#: Report formats (``mscowl validate --format``).
FORMATS: Final = ("text", "turtle", "json", "junit", "github")
#: Severity names, lowest first (``mscowl validate --fail-on``).
LEVEL_NAMES: Final = ("info", "warning", "violation")
