"""Docker test tier: stand-in images and compose stack tests (issue 8)."""
