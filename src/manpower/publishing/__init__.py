"""Publishing: the datasheet site, its charts, show, citation, README tables."""
