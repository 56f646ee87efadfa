"""The dashboard's pages and fragments, one blueprint per area."""
