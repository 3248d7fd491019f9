"""Bad data gives clear errors naming what is wrong."""
import numpy as np
import pytest

from hornet.runtime.data import PyDataset, make_adapter, train_validation_split


def gen(n=2):
    for _ in range(n):
        yield np.zeros((2, 1)), np.zeros(2)


def test_x_and_y_lengths_differ():
    with pytest.raises(ValueError, match="cardinality") as e:
        make_adapter(np.zeros((10, 2)), np.zeros(9))
    assert "x has 10 samples" in str(e.value) and "y has 9 samples" in str(e.value)


def test_dict_entries_lengths_differ():
    with pytest.raises(ValueError) as e:
        make_adapter({"image": np.zeros((5, 2)), "ids": np.zeros(4)}, np.zeros(5))
    msg = str(e.value)
    assert "x['image'] has 5 samples" in msg and "x['ids'] has 4 samples" in msg and "y has 5" in msg


def test_sample_weight_length_differs():
    with pytest.raises(ValueError, match="sample_weight has 3 samples"):
        make_adapter(np.zeros((4, 1)), np.zeros(4), sample_weight=np.ones(3))


def test_inconsistent_batch_from_generator_names_the_batch():
    def bad():
        yield np.zeros((2, 1)), np.zeros(2)
        yield np.zeros((3, 1)), np.zeros(2)

    with pytest.raises(ValueError, match=r"batch 1 of a Python generator: x has 3 samples, y has 2 samples"):
        list(make_adapter(bad()))


@pytest.mark.parametrize("source,kind", [
    (lambda: gen(), "generator"),
    (lambda: iter([np.zeros((2, 1))]), "generator"),
])
def test_y_with_a_generator_is_keras_error(source, kind):
    with pytest.raises(ValueError, match=f"When providing `x` as a {kind}, `y` should not be passed. Instead, "
                                         f"the targets should be included as part of the {kind}."):
        make_adapter(source(), np.zeros(2))
    with pytest.raises(ValueError, match="`sample_weight` should not be passed"):
        make_adapter(source(), sample_weight=np.zeros(2))


def test_y_with_a_pydataset():
    class D(PyDataset):
        def __len__(self):
            return 1

        def __getitem__(self, i):
            return np.zeros((2, 1))

    with pytest.raises(ValueError, match="as a PyDataset, `y` should not be passed"):
        make_adapter(D(), np.zeros(2))


def test_x_none():
    with pytest.raises(ValueError, match="`x` is None"):
        make_adapter(None, np.zeros(3))


def test_string_object_array():
    with pytest.raises(TypeError, match=r"`x\['text'\]` is an object array holding non-numeric values"):
        make_adapter({"text": np.array(["a", "b"], dtype=object)}, np.zeros(2))


def test_unicode_array_and_complex():
    with pytest.raises(TypeError, match="`y` has dtype <U1"):
        make_adapter(np.zeros((2, 1)), np.array(["a", "b"]))
    with pytest.raises(TypeError, match="complex128"):
        make_adapter(np.zeros((2, 1), complex))


def test_ragged_lists():
    with pytest.raises((TypeError, ValueError), match="`x`"):
        make_adapter(np.array([[1, 2], [3]], dtype=object))


def test_unrecognized_type():
    with pytest.raises(TypeError, match="Unrecognized data type for `x`"):
        make_adapter(object())


def test_scalar_input():
    with pytest.raises(ValueError, match="leading sample"):
        make_adapter(np.float32(3.0))


def test_empty_inputs():
    with pytest.raises(ValueError, match="0 samples"):
        make_adapter(np.zeros((0, 3)))
    with pytest.raises(ValueError, match="yielded no data"):
        make_adapter(iter([])).peek()


def test_bad_arguments():
    with pytest.raises(ValueError, match="batch_size"):
        make_adapter(np.zeros((3, 1)), batch_size=0)
    with pytest.raises(ValueError, match="steps_per_epoch"):
        make_adapter(np.zeros((3, 1)), steps_per_epoch=-1)
    with pytest.raises(ValueError, match="shuffle"):
        make_adapter(np.zeros((3, 1)), shuffle="yes")


def test_class_weight_conflicts():
    with pytest.raises(ValueError, match="`class_weight` and `sample_weight` at the same time"):
        make_adapter(np.zeros((3, 1)), np.zeros(3), sample_weight=np.ones(3), class_weight={0: 1.0})
    with pytest.raises(ValueError, match="single output"):
        make_adapter(np.zeros((3, 1)), (np.zeros(3), np.zeros(3)), class_weight={0: 1.0})
    with pytest.raises(ValueError, match="`class_weight` and `sample_weight` at the same time"):
        list(make_adapter(iter([(np.zeros((2, 1)), np.zeros(2), np.ones(2))]), class_weight={0: 2.0}))


def test_multi_output_sample_weight_rules():
    y = (np.zeros(4), np.zeros(4))
    with pytest.raises(ValueError, match="one scalar score per sample"):
        make_adapter(np.zeros((4, 1)), y, sample_weight=np.ones((4, 3)))
    with pytest.raises(ValueError, match="one `sample_weight` array per output"):
        make_adapter(np.zeros((4, 1)), y, sample_weight=(np.ones(4),))
    b = make_adapter(np.zeros((4, 1)), y, sample_weight=(np.ones(4), np.full(4, 2.0)), batch_size=3).peek()
    assert isinstance(b.sample_weight, tuple) and b.sample_weight[1].tolist() == [2.0, 2.0, 2.0]


def test_validation_split_errors():
    with pytest.raises(ValueError, match="only supported for tensors or NumPy arrays"):
        train_validation_split((gen(), None), 0.2)
    with pytest.raises(ValueError, match="not sufficient to split"):
        train_validation_split((np.zeros(3), np.zeros(3)), 0.7)
    with pytest.raises(ValueError, match="between 0 and 1"):
        train_validation_split((np.zeros(3),), 1.5)
