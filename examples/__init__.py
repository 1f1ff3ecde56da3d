"""The bundled example digests (package data): real digests 2026-03-13 to 2026-04-09, facts only; see README.md."""
