import os
import sys

os.environ.setdefault("HORNET_BACKEND", "jax")
sys.path.insert(0, os.path.dirname(__file__))  # `import helpers`
