"""Sollicitations (requests to a recipient or to the support desk): not built yet."""
