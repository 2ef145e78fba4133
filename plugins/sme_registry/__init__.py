"""The registry core: loading, validating and reasoning about the YAML records.

Imports nothing from Pelican, so the CLI and the tests use it alone.  Modules:
yamlsource (YAML with lines), schemas (JSON Schema checks), records (the model),
registry (loading a folder), rules (semantic checks), lifecycle (validity and status),
workdays (China's working-day calendar), criteria (thresholds), regions (GB/T 2260),
report (output formats), scaffold (`new`), cli.
"""
