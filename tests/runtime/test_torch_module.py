"""``model.to_torch()``: forward equals predict, torch autograd's gradients equal hornet's, a torch.optim loop
trains it, and the weights move back into the hornet model."""
from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import hornet  # noqa: E402
from hornet import layers, ops  # noqa: E402

RNG = np.random.default_rng(3)
X = RNG.normal(size=(16, 6)).astype("float32")
Y = RNG.normal(size=(16, 2)).astype("float32")


def _model() -> hornet.Model:
    return hornet.Sequential([hornet.Input((6,)), layers.Dense(8, activation="tanh"), layers.BatchNormalization(),
                              layers.Dense(2)])


def test_forward_equals_predict_and_state_dict_keys_are_variable_paths():
    model = _model()
    module = model.to_torch()
    assert isinstance(module, torch.nn.Module)
    out = module(torch.from_numpy(X))
    np.testing.assert_allclose(out.detach().numpy(), model.predict(X, verbose=0), rtol=1e-5, atol=1e-6)
    assert sorted(module.state_dict()) == sorted(v.path for v in model.weights)
    trainable = {name for name, _ in module.named_parameters()}
    assert trainable == {v.path for v in model.trainable_weights}


def test_torch_autograd_gradients_equal_hornets_grad():
    model = _model()
    module = model.to_torch()
    loss = torch.mean((module(torch.from_numpy(X)) - torch.from_numpy(Y)) ** 2)
    loss.backward()

    weights = model.trainable_weights
    grads = ops.grad(lambda _: ops.mean(ops.square(model(X, training=False) - Y)))(weights)
    params = dict(module.named_parameters())
    for w, g in zip(weights, grads):
        np.testing.assert_allclose(params[w.path].grad.numpy(), ops.convert_to_numpy(g), rtol=1e-4, atol=1e-6)


def test_a_torch_optim_loop_trains_it_and_weights_move_back():
    model = _model()
    module = model.to_torch()
    opt = torch.optim.Adam(module.parameters(), lr=0.05)
    x, y = torch.from_numpy(X), torch.from_numpy(Y)
    losses = []
    for _ in range(30):
        opt.zero_grad()
        loss = torch.mean((module(x) - y) ** 2)
        loss.backward()
        opt.step()
        losses.append(float(loss))
    assert losses[-1] < 0.5 * losses[0]
    module.copy_to_model()
    np.testing.assert_allclose(model.predict(X, verbose=0), module(x).detach().numpy(), rtol=1e-5, atol=1e-5)


def test_an_unbuilt_model_is_refused_with_its_name():
    model = hornet.Sequential([layers.Dense(2)], name="lazy")
    with pytest.raises(hornet.ir.HornetError, match="to_torch: model 'lazy' has no weights yet"):
        model.to_torch()
