"""Keras 3's ``keras.applications`` image models (random or file weights), one module per family, built from
hornet layers with Keras's layer names and weight order.

>>> from hornet.api.applications.resnet import ResNet50
>>> model = ResNet50(weights=None)                          # doctest: +SKIP
"""
