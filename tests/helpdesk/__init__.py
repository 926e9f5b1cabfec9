"""Tests of the helpdesk: ticket store, priority rules and the HTTP service."""
