#!/usr/bin/python3
"""Synthetic survey files for the chain tests (tests/data/chain). Deterministic.

nps.csv: 103 rows, answers 0..10 with 50 promoters, 30 passives, 20
detractors and 3 missing answers (docs/models.md §3.2: NPS 30).
survey.csv: 150 respondents of a quality -> satisfaction -> loyalty model on
1-10 scales, with one missing answer, and model.json describing it.
"""
import json
import os

import numpy as np

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "chain")
rng = np.random.default_rng(2024)

answers = [10] * 25 + [9] * 25 + [8] * 15 + [7] * 15 + [6] * 8 + [3] * 7 + [0] * 5
answers = [str(a) for a in answers] + ["", "NA", " "]
order = rng.permutation(len(answers))
with open(os.path.join(here, "nps.csv"), "w") as f:
    f.write("id,recommend,channel\n")
    for k, i in enumerate(order):
        f.write(f"{k + 1},{answers[i]},{'web' if k % 2 else 'store'}\n")

n = 150
quality = rng.normal(size=n)
satisfaction = 0.6 * quality + 0.8 * rng.normal(size=n)
loyalty = 0.5 * satisfaction + 0.2 * quality + 0.8 * rng.normal(size=n)


def item(lv, loading):
    raw = 6.5 + 1.6 * (loading * lv + np.sqrt(1 - loading ** 2) * rng.normal(size=n))
    return np.clip(np.rint(raw), 1, 10).astype(int)


columns = {"q1": item(quality, 0.8), "q2": item(quality, 0.7), "q3": item(quality, 0.75),
           "s1": item(satisfaction, 0.85), "s2": item(satisfaction, 0.8),
           "l1": item(loyalty, 0.8), "l2": item(loyalty, 0.7)}
with open(os.path.join(here, "survey.csv"), "w") as f:
    f.write("respondent," + ",".join(columns) + "\n")
    for i in range(n):
        values = [str(columns[c][i]) for c in columns]
        if i == 17:
            values[3] = ""  # one missing answer (s1)
        f.write(f"r{i + 1}," + ",".join(values) + "\n")

model = {
    "name": "test chain", "scale": [1, 10], "target": "Satisfaction",
    "constructs": [{"name": "Quality", "items": ["q1", "q2", "q3"]},
                   {"name": "Satisfaction", "items": ["s1", "s2"]},
                   {"name": "Loyalty", "items": ["l1", "l2"]}],
    "paths": [{"from": "Quality", "to": ["Satisfaction", "Loyalty"]},
              {"from": "Satisfaction", "to": "Loyalty"}],
}
with open(os.path.join(here, "model.json"), "w") as f:
    json.dump(model, f, indent=2)
    f.write("\n")
