"""The ``hornet`` command's subcommands, one module each; ``hornet.cli`` parses the arguments."""
