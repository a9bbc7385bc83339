"""Glance access: images, their per-store locations, copies and uploads."""
