"""Reading and writing files safely: YAML with line numbers and limits, schema validation, atomic writes."""
