"""Releasing: versions, diffs, releases, the index, download, load, exports."""
