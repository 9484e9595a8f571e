"""The query stage: saved queries and their parameters, paging, result tables, the embedded
store, remote endpoints (HTTP, credentials, bounds), term lookup and publishing to a server.

The names a command line offers are defined here, where importing them costs nothing.
"""

from typing import Final

#: Result formats (``mscowl query --format``).
FORMATS: Final = ("table", "csv", "tsv", "json")
#: Kinds of term (``mscowl terms --kind``).
KINDS: Final = ("class", "property", "individual", "entity")
#: The most retries of one request (``--retries``).
MAX_RETRIES: Final = 10
