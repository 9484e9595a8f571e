"""The query stage: saved queries and their parameters, paging, result tables, the embedded
store, remote endpoints (HTTP, credentials, bounds) and publishing to a server."""
