"""JSON Schemas of every request body, as plain data, one module per resource.

A handler names the schema (or the per-microversion windows of schemas) it
validates against; ``edgevol.api.validation`` compiles each once.
"""
