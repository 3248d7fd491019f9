"""``Progbar``: a text progress bar with an ETA, the time per step and running metric values.

On a terminal it redraws one coloured line in place; when stdout is not a terminal (CI logs, pipes) it prints
plain ASCII lines instead, at most one every ``Progbar.static_interval`` seconds plus the final one.

>>> bar = Progbar(target=3, verbose=1)
>>> for step in range(1, 4):
...     bar.update(step, [("loss", 1.0 / step)])             # doctest: +SKIP
3/3 [==============================] - 0s 1ms/step - loss: 0.6111
"""
from __future__ import annotations

import math
import os
import sys
import time
from typing import Any, Iterable

import numpy as np

from hornet.runtime.backend import to_numpy

_BOLD, _GREEN, _DIM, _RESET = "\x1b[1m", "\x1b[32m", "\x1b[37m", "\x1b[0m"


def _is_dynamic(stream: Any) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        tty = bool(isatty and isatty())
    except ValueError:  # a closed stream
        tty = False
    return tty or "ipykernel" in sys.modules or "PYCHARM_HOSTED" in os.environ


def format_value(value: Any) -> str:
    """A metric value as the bar prints it: 4 decimals, or scientific notation below 1e-3."""
    if isinstance(value, (str, bytes)):
        return str(value)
    try:
        number = float(np.mean(np.asarray(to_numpy(value), dtype=np.float64)))
    except (TypeError, ValueError):
        return str(value)
    return f"{number:.4f}" if abs(number) > 1e-3 else f"{number:.4e}"


def format_time_per_unit(seconds: float, unit_name: str = "step") -> str:
    """``'3s/step'``, ``'12ms/step'`` or ``'250us/step'``."""
    if seconds >= 1 or seconds == 0:
        return f"{seconds:.0f}s/{unit_name}"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.0f}ms/{unit_name}"
    return f"{seconds * 1e6:.0f}us/{unit_name}"


def format_eta(seconds: float) -> str:
    """``'1:02:03'``, ``'2:03'`` or ``'7s'``."""
    seconds = int(seconds)
    if seconds > 3600:
        return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    if seconds > 60:
        return f"{seconds // 60}:{seconds % 60:02d}"
    return f"{seconds}s"


class Progbar:
    """A progress bar (the same arguments as ``keras.utils.Progbar``).

    Args:
        target: total number of steps, or None when unknown.
        width: width of the bar in characters.
        verbose: 0 (silent), 1 (a live bar) or 2 (one line when the target is reached).
        interval: minimum seconds between two redraws of a live bar.
        stateful_metrics: names whose values are shown as given; other values are averaged over steps.
        stateless_metrics: the opposite convention: only these names are averaged (give one of the two).
        unit_name: the unit in ``ms/step``.

    Values may be NumPy/JAX scalars: they are converted to floats only when a line is printed.

    >>> bar = Progbar(10, verbose=2, stateful_metrics=["loss"])
    >>> bar.update(10, [("loss", 0.25)])                      # doctest: +SKIP
    10/10 - 0s - 5ms/step - loss: 0.2500
    """

    static_interval = 10.0  # seconds between two progress lines when stdout is not a terminal

    def __init__(self, target: int | None, width: int = 20, verbose: int = 1, interval: float = 0.05,
                 stateful_metrics: Iterable[str] | None = None, stateless_metrics: Iterable[str] | None = None,
                 unit_name: str = "step"):
        if stateful_metrics is not None and stateless_metrics is not None:
            raise ValueError("Progbar: give only one of `stateful_metrics` (names shown as given, others averaged) "
                             "and `stateless_metrics` (names averaged, others shown as given).")
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        self.stateful_metrics = set(stateful_metrics) if stateful_metrics is not None else None
        self.stateless_metrics = set(stateless_metrics) if stateless_metrics is not None else None
        if self.stateful_metrics is None and self.stateless_metrics is None:
            self.stateful_metrics = set()
        self._dynamic_display = _is_dynamic(sys.stdout)
        self._seen_so_far = 0
        self._values: dict[str, list[Any]] = {}
        self._values_order: list[str] = []
        self._start = time.time()
        # a terminal shows the first step at once; a log (no terminal) gets a line only every static_interval
        self._last_update = 0.0 if self._dynamic_display else self._start
        self._time_after_first_step: float | None = None
        self._prev_total_width = 0

    def _averaged(self, name: str) -> bool:
        if self.stateful_metrics is not None:
            return name not in self.stateful_metrics
        return name in self.stateless_metrics

    def _record(self, current: int, values: Iterable[tuple[str, Any]], finalize: bool) -> None:
        for name, value in values:
            if name not in self._values_order:
                self._values_order.append(name)
            if not self._averaged(name) or finalize:
                self._values[name] = [value, 1]
                continue
            weight = max(current - self._seen_so_far, 1)
            if name in self._values:
                self._values[name][0] = self._values[name][0] + value * weight
                self._values[name][1] += weight
            else:
                self._values[name] = [value * weight, weight]

    def _step_duration(self, current: int, now: float) -> float:
        if not current:
            return 0.0
        # The first step usually includes compilation: later estimates leave it out.
        if self._time_after_first_step is not None and current > 1:
            per_step = (now - self._time_after_first_step) / (current - 1)
        else:
            per_step = (now - self._start) / current
        if current == 1:
            self._time_after_first_step = now
        return per_step

    def _metrics_text(self) -> str:
        parts = []
        for name in self._values_order:
            total, count = self._values[name]
            if isinstance(total, (str, bytes)):
                parts.append(f" - {name}: {total}")
                continue
            try:
                average = np.asarray(total, dtype=np.float64) / max(1, count)
            except (TypeError, ValueError):
                parts.append(f" - {name}: {total}")
                continue
            parts.append(f" - {name}: {format_value(average)}")
        return "".join(parts)

    def _write(self, text: str) -> None:
        sys.stdout.write(text)
        sys.stdout.flush()

    def update(self, current: int, values: Iterable[tuple[str, Any]] | None = None,
               finalize: bool | None = None) -> None:
        """Moves the bar to step ``current``; ``values`` is a list of ``(name, value)``.

        ``finalize`` (default: ``current >= target``) prints the closing line.
        """
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        self._record(current, values or (), finalize)
        self._seen_so_far = current
        now = time.time()
        per_step = self._step_duration(current, now)
        if self.verbose == 1:
            interval = self.interval if self._dynamic_display else max(self.interval, self.static_interval)
            if not finalize and now - self._last_update < interval:
                return
            self._write(self._live_line(current, now, per_step, finalize))
        elif self.verbose == 2 and finalize and self.target:
            digits = int(math.log10(self.target)) + 1
            self._write(f"{current:{digits}d}/{self.target} - {now - self._start:.0f}s - "
                        f"{format_time_per_unit(per_step, self.unit_name)}{self._metrics_text()}\n")
        self._last_update = now

    def _live_line(self, current: int, now: float, per_step: float, finalize: bool) -> str:
        dynamic = self._dynamic_display
        known = self.target is not None and self.target > 0
        if known:
            digits = int(math.log10(self.target)) + 1
            count = f"{current:{digits}d}/{self.target}"
            done = min(int(self.width * current / self.target), self.width)
            if dynamic:
                bar = (f"{_BOLD}{count}{_RESET} {_GREEN}{'━' * done}{_RESET}"
                       f"{_DIM}{'━' * (self.width - done)}{_RESET}")
                plain_len = len(count) + 1 + self.width
            else:
                arrow = ">" if 0 < done < self.width else ("=" if done else "")
                body = "=" * max(done - 1, 0) + arrow if done else ""
                bar = f"{count} [{body}{'.' * (self.width - len(body))}]"
        else:
            bar = f"{current:7d}/Unknown"
            plain_len = len(bar)
        if known and not finalize:
            eta = format_eta(per_step * (self.target - current))
            timing = eta if dynamic else f"ETA: {eta}"
        else:
            timing = f"{now - self._start:.0f}s"
        timing = f"{timing} {format_time_per_unit(per_step, self.unit_name)}"
        info = self._metrics_text()
        if not dynamic:
            return f"{bar} - {timing}{info}\n"
        line = f"{bar} {_BOLD}{timing}{_RESET}{info}"
        width = plain_len + 1 + len(timing) + len(info)
        padding = " " * max(self._prev_total_width - width, 0)
        self._prev_total_width = width
        return "\r" + line + padding + ("\n" if finalize else "")

    def add(self, n: int, values: Iterable[tuple[str, Any]] | None = None) -> None:
        """Advances the bar by ``n`` steps."""
        self.update(self._seen_so_far + n, values)
