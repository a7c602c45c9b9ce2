"""PDPA: retention, anonymisation, data-subject requests and the access log."""
