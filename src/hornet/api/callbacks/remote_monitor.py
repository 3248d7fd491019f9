"""``RemoteMonitor``: POST each epoch's logs to an HTTP server (standard library only).

>>> model.fit(x, y, callbacks=[RemoteMonitor(root="http://localhost:9000")])      # doctest: +SKIP
"""
from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
import warnings
from typing import Any, Mapping

import numpy as np

from hornet.api.callbacks.callback import Callback
from hornet.runtime.backend import backend_of, to_numpy

TIMEOUT_S = 30.0  # per request; a server that never answers must not hang training forever


def _plain(value: Any) -> Any:
    """NumPy (and backend) scalars and arrays as Python numbers and lists, which ``json`` can write."""
    if backend_of(value) is not None and not isinstance(value, np.ndarray):
        value = np.asarray(to_numpy(value))
    if isinstance(value, (np.ndarray, np.generic)):
        return value.item() if value.size == 1 else value.tolist()
    return value


class RemoteMonitor(Callback):
    """At the end of each epoch, sends ``{"epoch": epoch, **logs}`` as JSON by HTTP POST to ``root + path``.

    Args:
        root: the server's root URL.
        path: the path, relative to ``root``, events are sent to.
        field: with ``send_as_json=False``, the form field that holds the JSON text.
        headers: extra HTTP headers.
        send_as_json: send the JSON as the request body (``application/json``) instead of inside a form
            (``application/x-www-form-urlencoded``).

    An unreachable server gives a warning, not an error; training goes on.

    >>> monitor = RemoteMonitor(root="http://127.0.0.1:9000", send_as_json=True)
    >>> monitor.path
    '/publish/epoch/end/'
    """

    def __init__(self, root: str = "http://localhost:9000", path: str = "/publish/epoch/end/", field: str = "data",
                 headers: Mapping[str, str] | None = None, send_as_json: bool = False):
        super().__init__()
        self.root = root
        self.path = path
        self.field = field
        self.headers = headers
        self.send_as_json = send_as_json

    def _request(self, send: dict[str, Any]) -> urllib.request.Request:
        if self.send_as_json:
            body = json.dumps(send).encode("utf-8")
            content_type = "application/json"
        else:
            body = urllib.parse.urlencode({self.field: json.dumps(send)}).encode("utf-8")
            content_type = "application/x-www-form-urlencoded"
        headers = {"Content-Type": content_type, **dict(self.headers or {})}
        return urllib.request.Request(self.root + self.path, data=body, headers=headers, method="POST")

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        send: dict[str, Any] = {"epoch": epoch}
        send.update((key, _plain(value)) for key, value in (logs or {}).items())
        try:
            with urllib.request.urlopen(self._request(send), timeout=TIMEOUT_S):
                pass
        except urllib.error.HTTPError as e:
            e.close()  # the server answered (with an error status): it is reachable, as Keras sees it
        except (urllib.error.URLError, OSError, ValueError):
            warnings.warn(f"Could not reach RemoteMonitor root server at {self.root}", stacklevel=2)
