"""Code both apps import: document models, the error hierarchy and the event catalogue."""
