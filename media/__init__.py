"""Object storage, upload sessions and the Pillow photo pipeline."""
