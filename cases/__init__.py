"""Categories, grids and routing, reports, the case workflow, deadlines, indicators."""
