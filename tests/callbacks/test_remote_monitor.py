"""RemoteMonitor against a local HTTP server on 127.0.0.1 (an OS-chosen port): the form and JSON payloads,
headers and path, a fit posting each epoch, and a warning (not an error) when no server answers."""
import http.server
import json
import socket
import threading
import urllib.parse
import warnings

import numpy as np
import pytest

import hornet
import hornet.callbacks as hcb
from hornet import layers


class _Handler(http.server.BaseHTTPRequestHandler):
    received: list = []
    status = 200

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((self.path, dict(self.headers), body))
        self.send_response(type(self).status)
        self.end_headers()

    def log_message(self, *args):  # keep the test output clean
        pass


@pytest.fixture(scope="module")
def server():
    httpd = http.server.HTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture()
def received(server):
    _Handler.received.clear()
    _Handler.status = 200
    return _Handler.received


LOGS = {"loss": np.float32(0.25), "val_loss": np.array(0.5, "float32"), "acc": 0.75}


def test_form_payload(server, received):
    monitor = hcb.RemoteMonitor(root=server, path="/events/", field="payload", headers={"X-Run": "seven"})
    monitor.on_epoch_end(3, LOGS)
    (path, headers, body), = received
    assert path == "/events/"
    assert headers["Content-Type"] == "application/x-www-form-urlencoded" and headers["X-Run"] == "seven"
    form = urllib.parse.parse_qs(body.decode())
    assert json.loads(form["payload"][0]) == {"epoch": 3, "loss": 0.25, "val_loss": 0.5, "acc": 0.75}


def test_json_payload_from_fit(server, received):
    model = hornet.Sequential([hornet.Input((2,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x = np.ones((8, 2), "float32")
    model.fit(x, np.zeros((8, 1), "float32"), epochs=2, verbose=0,
              callbacks=[hcb.RemoteMonitor(root=server, send_as_json=True)])
    assert [r[0] for r in received] == ["/publish/epoch/end/"] * 2
    assert all(r[1]["Content-Type"] == "application/json" for r in received)
    sent = [json.loads(r[2]) for r in received]
    assert [s["epoch"] for s in sent] == [0, 1]
    assert sent[1]["loss"] == pytest.approx(model.history.history["loss"][1])


def test_error_status_is_not_a_warning(server, received):
    _Handler.status = 500
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the server answered: like Keras, nothing to report
        hcb.RemoteMonitor(root=server).on_epoch_end(0, {"loss": 1.0})
    assert len(received) == 1


def test_unreachable_server_warns():
    with socket.socket() as s:  # a port nobody listens on once this socket is closed
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    root = f"http://127.0.0.1:{port}"
    with pytest.warns(UserWarning, match=f"Could not reach RemoteMonitor root server at {root}"):
        hcb.RemoteMonitor(root=root).on_epoch_end(0, {"loss": 1.0})
    with pytest.warns(UserWarning, match="Could not reach RemoteMonitor root server at not-a-url"):
        hcb.RemoteMonitor(root="not-a-url").on_epoch_end(0, {})


def test_defaults_match_keras():
    monitor = hcb.RemoteMonitor()
    assert (monitor.root, monitor.path, monitor.field, monitor.headers, monitor.send_as_json) == (
        "http://localhost:9000", "/publish/epoch/end/", "data", None, False)
