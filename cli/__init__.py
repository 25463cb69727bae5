"""ServiceCircle cli package."""
