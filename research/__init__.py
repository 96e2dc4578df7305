"""One-off measurements, not the product: nothing outside research/ imports them (research/README.md)."""
