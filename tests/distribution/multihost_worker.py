"""One process of a two-process run (``test_multihost.py`` starts two): joins the run over loopback, lays a
DataParallel over the 4 global devices and fits, evaluates and predicts on ITS half of the data; writes its
results to ``OUT/result_{pid}.npz``. Usage: ``multihost_worker.py PORT PROCESS_ID OUT``."""
import json
import os
import sys

import numpy as np

import hornet
from hornet import callbacks, distribution, layers
from hornet.ir.errors import HornetError

ROWS, BATCH = 14, 4  # per process: 3 full batches and a ragged last one of 2 rows


def data(pid, rows=ROWS):
    """Process ``pid``'s own rows (the test rebuilds the global batches from the same function)."""
    rng = np.random.default_rng(10 + pid)
    return rng.normal(size=(rows, 5)).astype("float32"), rng.normal(size=(rows, 3)).astype("float32")


def make_model():
    model = hornet.Sequential([hornet.Input((5,)), layers.Dense(8, activation="relu"), layers.Dense(3)])
    rng = np.random.default_rng(0)
    model.set_weights([rng.normal(scale=0.5, size=w.shape).astype("float32") for w in model.get_weights()])
    model.compile(optimizer=hornet.optimizers.Adam(0.01), loss="mse")
    return model


def main(port, pid, out):
    distribution.initialize(f"127.0.0.1:{port}", 2, pid)
    dp = distribution.DataParallel(devices=distribution.list_devices("cpu"))
    result = {"devices": len(dp.device_mesh.devices.ravel()), "process": dp._process_id}
    hornet.utils.set_random_seed(0)  # every process must create the same initial weights
    with dp.scope():
        model = make_model()
        x, y = data(pid)
        orbax_dir = os.path.join(out, "orbax")  # one directory both processes write, orbax coordinating
        model.fit(x, y, batch_size=BATCH, epochs=2, shuffle=False, verbose=1,
                  callbacks=[callbacks.CSVLogger(os.path.join(out, f"log_{pid}.csv")),
                             callbacks.OrbaxCheckpoint(orbax_dir)])
        restored = make_model()
        restored.load_weights(orbax_dir)
        result["orbax_steps"] = sorted(int(n) for n in os.listdir(orbax_dir) if n.isdigit())
        result["orbax_diff"] = max(float(np.abs(a - b).max())
                                   for a, b in zip(restored.get_weights(), model.get_weights()))
        (entry,) = model._steps["train"]._cache.values()
        result["xla_compiles"] = entry.compiled.jitted._cache_size()
        result["evaluate"] = float(model.evaluate(x, y, batch_size=BATCH, verbose=0))
        predicted = model.predict(x, batch_size=BATCH, verbose=0)
        try:  # process 1 has 8 more rows: a different number of steps
            model.fit(*data(pid, ROWS + 8 * pid), batch_size=BATCH, epochs=1, verbose=0)
            result["uneven_error"] = None
        except HornetError as e:
            result["uneven_error"] = str(e)
    np.savez(os.path.join(out, f"result_{pid}.npz"), *model.get_weights(), predicted=predicted)
    with open(os.path.join(out, f"result_{pid}.json"), "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3])
