"""Control-flow prims with regions: cond, while_loop, scan (see CATALOGUE.md)."""
