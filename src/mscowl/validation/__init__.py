"""The validation stage: the report model, the run (data, shapes, ontology → report), the
engines (native, pySHACL, Jena) and the report formats."""
