"""The ontology stage: loading ``msc-cancer.ttl`` with its imports, the verified-term registry,
the import modules, the QC report, HermiT and the OWL API check."""
