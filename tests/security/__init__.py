"""Hostile servers and hostile local conditions: each finding of issue 11 as a test."""
