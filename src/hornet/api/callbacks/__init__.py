"""Callbacks: objects notified by ``fit``/``evaluate``/``predict`` (Keras 3 names and semantics).

>>> from hornet.api.callbacks import EarlyStopping, CallbackList
"""
from hornet.api.callbacks.callback import Callback
from hornet.api.callbacks.history import History
from hornet.api.callbacks.progbar import Progbar
from hornet.api.callbacks.progbar_logger import ProgbarLogger
from hornet.api.callbacks.callback_list import CallbackList
from hornet.api.callbacks.monitor import MonitorCallback
from hornet.api.callbacks.early_stopping import EarlyStopping
from hornet.api.callbacks.model_checkpoint import ModelCheckpoint
from hornet.api.callbacks.reduce_lr_on_plateau import ReduceLROnPlateau
from hornet.api.callbacks.learning_rate_scheduler import LearningRateScheduler
from hornet.api.callbacks.csv_logger import CSVLogger
from hornet.api.callbacks.terminate_on_nan import TerminateOnNaN
from hornet.api.callbacks.lambda_callback import LambdaCallback
from hornet.api.callbacks.tensorboard import TensorBoard
from hornet.api.callbacks.swap_ema_weights import SwapEMAWeights
from hornet.api.callbacks.remote_monitor import RemoteMonitor
from hornet.api.callbacks.backup_and_restore import BackupAndRestore
from hornet.api.callbacks.orbax_checkpoint import OrbaxCheckpoint

__all__ = ["Callback", "CallbackList", "History", "ProgbarLogger", "EarlyStopping", "ModelCheckpoint",
           "ReduceLROnPlateau", "LearningRateScheduler", "CSVLogger", "TerminateOnNaN", "LambdaCallback",
           "TensorBoard", "MonitorCallback", "Progbar", "SwapEMAWeights", "RemoteMonitor", "BackupAndRestore", "OrbaxCheckpoint"]
