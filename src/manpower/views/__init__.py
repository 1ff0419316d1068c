"""The views of the package: the datasheet site, its charts, show, citation, README tables."""
