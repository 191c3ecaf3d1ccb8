"""The exception hierarchy: every libcxm failure raises a subclass of Error."""

from typing import Any, Dict, Optional, Type, Union


class Error(Exception):
    """A libcxm call failed.

    ``str(error)`` is the library's message, which names what was wrong and
    where (argument, file, line, field; the customer's id when the data came as
    pandas objects). ``code`` is the library's negative status code (see
    ``cxm.STATUS``). ``element`` is the 0-based position of the customer the
    error is about in the arrays given, or None; ``customer`` their index label
    when the arrays were pandas objects, or None.
    """

    code: Optional[int] = None
    element: Optional[int] = None
    customer: Any = None

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidArgumentError(Error, ValueError):
    """An argument is invalid: out of range, not finite, wrong length."""
    code = -1


class ArgumentTypeError(InvalidArgumentError, TypeError):
    """An argument has the wrong type: None, text or complex numbers where real
    numbers belong, a number where text belongs. Also a TypeError."""
    code = -1


class OutOfMemoryError(Error, MemoryError):
    """libcxm could not allocate memory."""
    code = -2


class DomainError(Error, ArithmeticError):
    """The result is undefined or infinite for these (valid) arguments."""
    code = -3


class FileError(Error, OSError):
    """A file could not be opened, read or written."""
    code = -4


class ParseError(Error, ValueError):
    """Input data is malformed; the message names file, line and field."""
    code = -5


class ConvergenceError(Error, RuntimeError):
    """An iterative method failed to converge; no result was returned."""
    code = -6


class StateError(Error, RuntimeError):
    """The object is not in a state that allows this call (e.g. not fitted)."""
    code = -7


class UnsupportedError(Error, NotImplementedError):
    """The operation is not supported for this model or input."""
    code = -8


class RangeError(Error, OverflowError):
    """A size or count is beyond what libcxm can represent."""
    code = -9


class NotFoundError(Error, LookupError):
    """A named item (column, touchpoint, parameter) does not exist."""
    code = -10


ERROR_CLASSES: Dict[Union[int, str, None], Type[Error]] = {cls.code: cls for cls in (
    InvalidArgumentError, OutOfMemoryError, DomainError, FileError, ParseError,
    ConvergenceError, StateError, UnsupportedError, RangeError, NotFoundError)}
ERROR_CLASSES["default"] = Error
ERROR_CLASSES["type"] = ArgumentTypeError
