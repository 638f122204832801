"""Demo and scale tooling: invented data, never imported by the product."""
