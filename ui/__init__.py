"""ServiceCircle ui package."""
