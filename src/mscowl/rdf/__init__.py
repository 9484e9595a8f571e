"""RDF plumbing shared by every stage: the one prefix map, N-Triples and Turtle writing, and
the conversion of pyoxigraph terms into rdflib terms."""
