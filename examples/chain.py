"""The expectation-to-results emotion chain, from survey answers to money.

Run: python3 examples/chain.py (with the cxm package importable).
"""
import numpy as np
import pandas as pd

import cxm

# Instruments: an NPS with the interval that keeps its coverage (Rocks 2016).
nps = cxm.chain.nps_counts(promoters=50, passives=30, detractors=20)
print(f"NPS {nps.nps:.1f}, 95% adjusted-Wald [{nps.adjusted_lower:.2f}, {nps.adjusted_upper:.2f}]")

# A survey of the libcxm chain: expectations -> perceptions -> emotion ->
# satisfaction -> promote / complain / stay, answers on 1-10 scales.
model = cxm.chain.PathModel.preset("chain")
rng = np.random.default_rng(7)
n = 2000
lv = {"Expectations": rng.normal(size=n)}
lv["Perceptions"] = 0.5 * lv["Expectations"] + 0.87 * rng.normal(size=n)
lv["Emotion"] = 0.6 * lv["Perceptions"] + 0.8 * rng.normal(size=n)
lv["Satisfaction"] = (0.1 * lv["Expectations"] + 0.35 * lv["Perceptions"]
                      + 0.35 * lv["Emotion"] + 0.7 * rng.normal(size=n))
lv["Promote"] = 0.3 * lv["Emotion"] + 0.4 * lv["Satisfaction"] + 0.75 * rng.normal(size=n)
lv["Complain"] = -0.4 * lv["Satisfaction"] + 0.9 * rng.normal(size=n)
lv["Stay"] = 0.5 * lv["Satisfaction"] - 0.2 * lv["Complain"] + 0.8 * rng.normal(size=n)
answers = pd.DataFrame({
    item: np.clip(np.rint(6.5 + 1.6 * (0.8 * lv[construct] + 0.6 * rng.normal(size=n))), 1, 10)
    for construct, item in model.indicators})

fit = model.fit(answers, bootstrap=200, seed=1)
print(fit.paths.round(3).to_string(index=False))
print(fit.importance_performance().round(2))

# The value link: retention as a logistic function of the satisfaction index
# (here simulated), then what +1 index point of emotion is worth.
satisfaction = fit.scores(answers, rescaled=True)["Satisfaction"]
retained = rng.random(n) < 1 / (1 + np.exp(-(-3 + 0.07 * satisfaction)))
retention = cxm.chain.fit_retention(satisfaction, retained)
value = fit.value_of_driver("Emotion", retention, points=1, margin=100, discount=0.12,
                            customers=10000)
print(f"+1 point of emotion: {value.gain_per_customer:.2f} per customer, "
      f"{value.gain:,.0f} for 10,000 customers")
