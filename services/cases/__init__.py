"""Residents' requests: references, intake, workflow, SLA, tracking and the staff queue."""
