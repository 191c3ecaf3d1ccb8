"""Closed-form lifetime value from Python."""
import numpy as np

import cxm

print(f"{cxm.clv(margin=100, retention=0.8, discount=0.12):.2f}")  # 250.00
print(cxm.clv(100, np.array([0.80, 0.85, 0.90]), 0.12))              # [250. 314.81 409.09]
print(cxm.clv_elasticity(0.8, 0.12))                                 # 3.5
try:
    cxm.clv(margin=100, retention=1.5, discount=0.12)
except cxm.InvalidArgumentError as error:
    print(error)                                                     # retention 1.5 is outside [0, 1]
