"""``hornet.callbacks``: the ``keras.callbacks`` names.

>>> import hornet
>>> stop = hornet.callbacks.EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True)
"""
from hornet.api.callbacks import (CallbackList, Callback, CSVLogger, EarlyStopping, History, LambdaCallback,
                                  LearningRateScheduler, ModelCheckpoint, ProgbarLogger, ReduceLROnPlateau,
                                  TensorBoard, TerminateOnNaN)
from hornet.api.callbacks import BackupAndRestore, OrbaxCheckpoint, RemoteMonitor, SwapEMAWeights

__all__ = ["Callback", "CallbackList", "CSVLogger", "EarlyStopping", "History", "LambdaCallback",
           "LearningRateScheduler", "ModelCheckpoint", "ProgbarLogger", "ReduceLROnPlateau", "TensorBoard",
           "TerminateOnNaN", "RemoteMonitor", "SwapEMAWeights", "BackupAndRestore",
           "OrbaxCheckpoint"]
