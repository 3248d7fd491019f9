"""Saving: configs as data, models as zips of config + IR + safetensors weights."""
