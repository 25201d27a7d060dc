"""The Instagram domain on the single-table data layer: entities, integrity, feed."""
