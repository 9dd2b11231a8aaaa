"""The API's messages: one pydantic model per request and response body.

The models validate what callers send (``pooling.api.operations``) and generate the OpenAPI
document (``pooling.api.openapi``), so the two cannot drift apart. ``types`` holds the shared
field types (instants, identifiers, money), ``common`` the error and page shapes, and one
module per part of the API holds its bodies.
"""
