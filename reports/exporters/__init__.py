"""Round documents: summary report and reminder letter (registered on import)."""
