"""Response bodies: Cinder's shapes built from the business layer's dicts."""
