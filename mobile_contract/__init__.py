"""The published API: the OpenAPI document, its changelog, the compatibility check."""
