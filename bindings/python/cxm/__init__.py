"""libcxm for Python: customer-experience management, measured.

Lifetime value (closed forms today; BTYD models with lifetimes' names as they
land), the two-perspective journey model and the expectation-to-results
emotion chain, computed by the libcxm C library. Inputs are numbers, numpy
arrays or pandas Series; errors raise subclasses of :class:`cxm.Error` that
carry the library's message.

>>> import cxm
>>> round(cxm.clv(margin=100, retention=0.8, discount=0.12), 9)
250.0
"""

from . import core as core  # "as core": mypy skips the SWIG module (mypy.ini)
from ._errors import (Error, InvalidArgumentError, ArgumentTypeError, OutOfMemoryError,
                      DomainError, FileError,
                      ParseError, ConvergenceError, StateError, UnsupportedError, RangeError,
                      NotFoundError, ERROR_CLASSES as _ERROR_CLASSES)
from .closed_form import clv, clv_elasticity, clv_schedule, customer_equity
from . import chain
from . import journey
from .rfm import (summary_data_from_transaction_data, calibration_and_holdout_data,
                  summary_from_csv, RFMSummary)
from .btyd import (BetaGeoFitter, ModifiedBetaGeoFitter, GammaGammaFitter,
                   likelihood_ratio_test, load_model)
from .ltv2 import (ParetoNBDFitter, GGompertzNBDFitter, BetaGeoBetaBinomFitter,
                   ShiftedBetaGeometric)
from .dynamic import DynamicCovariates
from .regular import (BGCNBDFitter, MBGCNBDFitter, estimate_regularity,
                      litt_from_transaction_data)
from . import sim
from .sim import simulate
from . import plotting
from . import generate_data
from . import utils
from . import datasets

core.register_error_classes(_ERROR_CLASSES)

__version__ = core.version_string()
version_info = (core.VERSION_MAJOR, core.VERSION_MINOR, core.VERSION_PATCH)

__all__ = [
    "Error", "InvalidArgumentError", "ArgumentTypeError", "OutOfMemoryError", "DomainError",
    "FileError",
    "ParseError", "ConvergenceError", "StateError", "UnsupportedError", "RangeError",
    "NotFoundError",
    "clv", "clv_elasticity", "clv_schedule", "customer_equity",
    "chain",
    "journey",
    "summary_data_from_transaction_data", "calibration_and_holdout_data", "summary_from_csv",
    "RFMSummary",
    "BetaGeoFitter", "ModifiedBetaGeoFitter", "GammaGammaFitter", "load_model",
    "likelihood_ratio_test",
    "ParetoNBDFitter", "GGompertzNBDFitter", "BetaGeoBetaBinomFitter", "ShiftedBetaGeometric",
    "DynamicCovariates",
    "BGCNBDFitter", "MBGCNBDFitter", "estimate_regularity", "litt_from_transaction_data",
    "sim", "simulate", "plotting", "generate_data", "utils", "datasets",
]
