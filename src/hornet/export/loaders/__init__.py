"""Loaders for exported artifacts that use only each format's own framework (never hornet).

Each ``load_<format>.py`` defines ``load(folder) -> run``, where ``run(inputs)`` maps a list of NumPy arrays (the
manifest's inputs, in order) to a list of NumPy arrays. ``run_artifact.py`` verifies a folder against its
``manifest.json`` and runs it; executed as a script, it is how ``hornet compile`` checks an artifact in a fresh
process that has not imported hornet, and what a deployment can copy next to its artifact.
"""
