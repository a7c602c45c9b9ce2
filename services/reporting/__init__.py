"""Figures, the public dashboard, open data, monthly reports and page-view counts."""
