"""Data adapters: NumPy batches of fixed size for ``Model.fit``/``evaluate``/``predict``, from arrays, pandas,
generators, ``PyDataset``, ``tf.data`` and torch ``DataLoader`` s. The trainer turns them into device arrays.

>>> from hornet.runtime.data import make_adapter
>>> adapter = make_adapter(np.zeros((10, 3)), np.arange(10), batch_size=4, shuffle=True)
>>> for batch in adapter:              # one epoch; every batch has 4 rows, `batch.mask` marks the real ones
...     pass
"""
from hornet.runtime.data.adapter import DataAdapter
from hornet.runtime.data.arrays import ArrayAdapter, train_validation_split
from hornet.runtime.data.batch import (
    Batch, class_weight_to_sample_weight, pack_x_y_sample_weight, unpack_x_y_sample_weight,
)
from hornet.runtime.data.make import is_stream_source, make_adapter
from hornet.runtime.data.py_dataset import PyDataset, Sequence
from hornet.runtime.data.sources import (
    GeneratorAdapter, PyDatasetAdapter, TFDatasetAdapter, TorchDataLoaderAdapter, is_tf_dataset,
    is_torch_dataloader,
)

__all__ = ["ArrayAdapter", "Batch", "DataAdapter", "GeneratorAdapter", "PyDataset", "PyDatasetAdapter", "Sequence",
           "TFDatasetAdapter", "TorchDataLoaderAdapter", "class_weight_to_sample_weight", "is_stream_source",
           "is_tf_dataset", "is_torch_dataloader", "make_adapter", "pack_x_y_sample_weight",
           "train_validation_split", "unpack_x_y_sample_weight"]
