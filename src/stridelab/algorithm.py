"""Algorithms as objects with declared parameters (the tpcp / gaitmap pattern).

An algorithm is a small class whose constructor takes every parameter as a keyword argument (units in
the names: ``threshold_n``, ``min_contact_s``) and stores it unchanged under the same name; its
action method (``detect``, ``run``) computes results into attributes whose names end in ``_`` and
returns ``self``. Class attributes say which paper it implements: ``method`` (named after the paper,
e.g. ``"handsaker2016_clearance"``) and ``citation``. The class docstring documents every parameter
(section ``Parameters:``) and every result (section ``Results:``); a test fails when one is missing.

With that, any caller can list (:meth:`Algorithm.defaults`), set (:meth:`set_params`), copy
(:meth:`clone`, parameters only) and record (:meth:`get_params`, into ``provenance``) what an
algorithm does, and a learning workbench can grid-search it.
"""

from __future__ import annotations

import copy
import inspect
import math
from typing import Any, ClassVar, TypeVar

from stridelab.errors import UsageError

A = TypeVar("A", bound="Algorithm")

#: Parameters whose names end in these units are durations, rates, lengths, forces or masses: above 0.
POSITIVE_UNITS = ("_hz", "_s", "_ms", "_m", "_mm", "_cm", "_n", "_kg")


class Algorithm:
    """Base class: parameters in the constructor, results in attributes ending in ``_``.

    Parameters:
        (none; subclasses declare theirs as keyword-only constructor arguments)

    Results:
        (none; subclasses declare theirs as class annotations ending in ``_``)
    """

    #: The method, named after its paper (``"threshold"`` where no paper owns it).
    method: ClassVar[str] = ""
    #: The reference, in one line.
    citation: ClassVar[str] = ""
    #: Allowed values of parameters that take a name (parameter -> choices).
    choices: ClassVar[dict[str, tuple[str, ...]]] = {}

    @classmethod
    def parameter_names(cls) -> tuple[str, ...]:
        """The constructor's parameters, in order."""
        sig = inspect.signature(cls.__init__)
        return tuple(n for n, p in sig.parameters.items() if n != "self" and p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD))

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        """Parameter -> default value."""
        sig = inspect.signature(cls.__init__)
        return {n: sig.parameters[n].default for n in cls.parameter_names()}

    @classmethod
    def result_names(cls) -> tuple[str, ...]:
        """The declared results: class annotations ending in ``_`` (over the class hierarchy)."""
        names: list[str] = []
        for klass in reversed(cls.__mro__):
            for n in getattr(klass, "__annotations__", {}):
                if n.endswith("_") and not n.startswith("_") and n not in names:
                    names.append(n)
        return tuple(names)

    def get_params(self) -> dict[str, Any]:
        """Parameter -> the value this object uses."""
        return {n: getattr(self, n) for n in self.parameter_names()}

    def set_params(self: A, **params: Any) -> A:
        """Change parameters (checked as :meth:`check_params` does); returns self."""
        self.check_params(params)
        for k, v in params.items():
            setattr(self, k, v)
        return self

    def clone(self: A) -> A:
        """A new object with the same parameters (deep-copied) and no results."""
        return type(self)(**copy.deepcopy(self.get_params()))

    def results(self) -> dict[str, Any]:
        """Result name -> value, for the results computed so far."""
        return {n: getattr(self, n) for n in self.result_names() if hasattr(self, n)}

    @classmethod
    def check_params(cls, params: dict[str, Any]) -> None:
        """UsageError (one line) for an unknown parameter, a value of the wrong kind or an unknown choice."""
        known = cls.defaults()
        for name, value in params.items():
            if name not in known:
                raise UsageError(f"{cls.method}: no parameter {name!r}; its parameters are {', '.join(known) or 'none'}")
            default = known[name]
            if isinstance(default, bool):
                ok = isinstance(value, bool)
            elif isinstance(default, (int, float)):
                ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
            else:
                ok = isinstance(value, type(default))
            if not ok:
                raise UsageError(f"{cls.method}: {name} must be {type(default).__name__} like its default {default!r} (got {value!r})")
            if name.endswith(POSITIVE_UNITS) and isinstance(value, (int, float)) and value <= 0:
                raise UsageError(f"{cls.method}: {name} must be above 0 (got {value!r})")
            if name in cls.choices and value not in cls.choices[name]:
                raise UsageError(f"{cls.method}: {name} must be one of {', '.join(cls.choices[name])} (got {value!r})")

    @classmethod
    def parse_param(cls, name: str, text: str) -> Any:
        """The value of ``NAME=VALUE`` text from the command line, typed as the parameter's default."""
        known = cls.defaults()
        if name not in known:
            raise UsageError(f"{cls.method}: no parameter {name!r}; its parameters are {', '.join(known) or 'none'}")
        default = known[name]
        value: Any = text
        try:
            if isinstance(default, bool):
                if text.lower() not in ("true", "false", "1", "0", "yes", "no"):
                    raise ValueError(text)
                value = text.lower() in ("true", "1", "yes")
            elif isinstance(default, int):
                value = int(text)
            elif isinstance(default, float):
                value = float(text)
        except ValueError:
            raise UsageError(f"{cls.method}: {name} must be a {type(default).__name__} (got {text!r})") from None
        cls.check_params({name: value})
        return value

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"


__all__ = ["Algorithm"]
