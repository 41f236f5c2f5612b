"""Reference values of the scipy.stats distributions that priors may name (ScipyDistributionTests).

Run from this folder: `python3 generate.py` (scipy 1.17, numpy 2.x). Writes scipy_distributions.json next to
it: for each case, the CDF at points across the support and the quantile (ppf) at probabilities across (0, 1).
The tests read the JSON and never need Python.
"""
import json

import numpy as np
from scipy import stats

# (canonical prior string, scipy name, shape parameters, loc, scale); scale None for discrete families.
CASES = [
    ("beta(2, 3)", "beta", [2, 3], 0, 1),
    ("beta(0.5, 0.5, loc=-1, scale=2)", "beta", [0.5, 0.5], -1, 2),
    ("beta(30, 200)", "beta", [30, 200], 0, 1),
    ("cauchy(loc=1, scale=2)", "cauchy", [], 1, 2),
    ("chi2(3)", "chi2", [3], 0, 1),
    ("chi2(150, scale=0.1)", "chi2", [150], 0, 0.1),
    ("expon(scale=0.25)", "expon", [], 0, 0.25),
    ("gamma(2)", "gamma", [2], 0, 1),
    ("gamma(0.3, loc=1, scale=5)", "gamma", [0.3], 1, 5),
    ("gamma(400)", "gamma", [400], 0, 1),
    ("gumbel_r(scale=2)", "gumbel_r", [], 0, 2),
    ("halfcauchy()", "halfcauchy", [], 0, 1),
    ("halfnorm(scale=3)", "halfnorm", [], 0, 3),
    ("laplace(loc=-2, scale=0.5)", "laplace", [], -2, 0.5),
    ("logistic(loc=1, scale=3)", "logistic", [], 1, 3),
    ("lognorm(0.7, scale=0.01)", "lognorm", [0.7], 0, 0.01),
    ("pareto(2.5)", "pareto", [2.5], 0, 1),
    ("t(1)", "t", [1], 0, 1),
    ("t(4.5, loc=10, scale=2)", "t", [4.5], 10, 2),
    ("t(80)", "t", [80], 0, 1),
    ("triang(0.3, loc=1, scale=4)", "triang", [0.3], 1, 4),
    ("truncnorm(-1, 2)", "truncnorm", [-1, 2], 0, 1),
    ("truncnorm(3, 9, loc=1, scale=0.5)", "truncnorm", [3, 9], 1, 0.5),
    ("weibull_min(1.5, scale=2)", "weibull_min", [1.5], 0, 2),
    ("weibull_min(0.4)", "weibull_min", [0.4], 0, 1),
    ("bernoulli(0.3, discrete=True)", "bernoulli", [0.3], 0, None),
    ("binom(10, 0.35, discrete=True)", "binom", [10, 0.35], 0, None),
    ("binom(200, 0.9, loc=-5, discrete=True)", "binom", [200, 0.9], -5, None),
    ("geom(0.2, discrete=True)", "geom", [0.2], 0, None),
    ("nbinom(3.5, 0.4, discrete=True)", "nbinom", [3.5, 0.4], 0, None),
    ("poisson(3, discrete=True)", "poisson", [3], 0, None),
    ("poisson(250, loc=10, discrete=True)", "poisson", [250], 10, None),
    ("poisson(0.05, discrete=True)", "poisson", [0.05], 0, None),
]

PROBABILITIES = [1e-12, 1e-6, 0.001, 0.01, 0.05, 0.1, 0.25, 0.4, 0.5, 0.6, 0.75, 0.9, 0.95, 0.99, 0.999, 1 - 1e-6]


def main():
    out = []
    for text, name, shapes, loc, scale in CASES:
        dist = getattr(stats, name)
        frozen = dist(*shapes, loc=loc) if scale is None else dist(*shapes, loc=loc, scale=scale)
        ppf = [float(frozen.ppf(p)) for p in PROBABILITIES]
        if scale is None:
            points = sorted({float(v) for v in ppf} | {float(ppf[0] - 1), float(ppf[-1] + 1)})
        else:
            points = [float(v) for v in ppf] + [float(frozen.ppf(0.3) * 0.5 + frozen.ppf(0.7) * 0.5)]
        low, high = frozen.support()
        out.append(
            {
                "prior": text,
                "family": name,
                "shapes": shapes,
                "loc": loc,
                "scale": 1 if scale is None else scale,
                "support": [float(low) if np.isfinite(low) else None, float(high) if np.isfinite(high) else None],
                "probabilities": PROBABILITIES,
                "quantiles": ppf,
                "points": points,
                "cdf": [float(frozen.cdf(x)) for x in points],
            }
        )
    with open("scipy_distributions.json", "w") as f:
        f.write("[\n" + ",\n".join(json.dumps(case) for case in out) + "\n]\n")


main()
