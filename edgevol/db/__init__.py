"""All SQL of edgevol lives in this package, split by resource."""
