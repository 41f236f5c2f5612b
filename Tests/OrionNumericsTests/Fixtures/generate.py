"""Reference values for OrionNumericsTests, computed with numpy, scipy and mpmath.

Run from this folder: `python3 generate.py` (numpy 2.4, scipy 1.17, mpmath 1.3). Writes the JSON fixtures next
to it; the tests read them and never need Python.
"""
import json

import mpmath
import numpy as np
from scipy import optimize, special
from scipy.stats import qmc

mpmath.mp.dps = 60


def write(name, value):
    with open(name, "w") as f:
        json.dump(value, f, indent=1)
        f.write("\n")


def matern52(x, lengthscales):
    r = np.sqrt((((x[:, None, :] - x[None, :, :]) / lengthscales) ** 2).sum(-1))
    return (1 + np.sqrt(5) * r + 5 * r**2 / 3) * np.exp(-np.sqrt(5) * r)


rng = np.random.default_rng(20261202)
x = rng.random((8, 3))
a = matern52(x, np.array([0.3, 0.5, 0.8])) + 1e-6 * np.eye(8)
b = rng.normal(size=8)
rhs = rng.normal(size=(8, 3))
l = np.linalg.cholesky(a)
write(
    "linear_algebra.json",
    {
        "size": 8,
        "matrix": a.ravel().tolist(),
        "lower": l.ravel().tolist(),
        "b": b.tolist(),
        "solve": np.linalg.solve(a, b).tolist(),
        "solve_lower": np.linalg.solve(l, b).tolist(),
        "solve_lower_transposed": np.linalg.solve(l.T, b).tolist(),
        "solve_upper": np.linalg.solve(l.T, b).tolist(),
        "rhs": rhs.ravel().tolist(),
        "solve_lower_matrix": np.linalg.solve(l, rhs).ravel().tolist(),
        "solve_lower_transposed_matrix": np.linalg.solve(l.T, rhs).ravel().tolist(),
        "log_determinant": float(np.linalg.slogdet(a)[1]),
        "inverse": np.linalg.inv(a).ravel().tolist(),
    },
)


def log_h(z):
    z = mpmath.mpf(z)
    pdf = mpmath.npdf(z)
    cdf = mpmath.ncdf(z)
    return float(mpmath.log(pdf + z * cdf))


zs = [-1e4, -1e3, -200.0, -60.0, -40.0, -38.0, -37.0, -36.5, -30.0, -20.0, -10.0, -5.0, -3.0, -1.5, -1.0, -0.999,
      -0.5, 0.0, 0.3, 1.0, 2.5, 5.0, 5.5, 8.0, 20.0]
write(
    "normal.json",
    {
        "z": zs,
        "pdf": [float(np.exp(-0.5 * z * z) / np.sqrt(2 * np.pi)) for z in zs],
        "cdf": [float(special.ndtr(z)) for z in zs],
        "log_cdf": [float(special.log_ndtr(z)) for z in zs],
        "log_h": [log_h(z) for z in zs],
        "log_h_derivative": [float(mpmath.ncdf(z) / (mpmath.npdf(z) + z * mpmath.ncdf(z))) for z in zs],
    },
)


def rosenbrock(v):
    return optimize.rosen(v), optimize.rosen_der(v)


def shifted_quadratic(v):
    centre = np.array([0.3, -0.7, 1.5, 0.1, -2.0])
    weights = np.array([1.0, 10.0, 100.0, 3.0, 0.5])
    diff = v - centre
    return float((weights * diff**2).sum() + diff[0] * diff[1]), 2 * weights * diff + np.array(
        [diff[1], diff[0], 0, 0, 0]
    )


cases = []
for name, fun, start, bounds in [
    ("rosenbrock_free", rosenbrock, [-1.2, 1.0], [(-5, 5), (-5, 5)]),
    ("rosenbrock_bounded", rosenbrock, [-1.2, 1.0], [(-2, 0.5), (-2, 2)]),
    ("rosenbrock4_bounded", rosenbrock, [0.0, 0.0, 0.0, 0.0], [(-1, 0.8), (-1, 1), (-1, 1), (-1, 1)]),
    ("quadratic5_bounded", shifted_quadratic, [0.0] * 5, [(-1, 1), (-0.5, 0.5), (-1, 1), (0.2, 1), (-1, 1)]),
]:
    result = optimize.minimize(
        fun, np.array(start), jac=True, method="L-BFGS-B", bounds=bounds, options={"ftol": 1e-15, "gtol": 1e-10}
    )
    cases.append(
        {
            "name": name,
            "start": start,
            "lower": [lo for lo, _ in bounds],
            "upper": [hi for _, hi in bounds],
            "x": result.x.tolist(),
            "value": float(result.fun),
        }
    )
write("lbfgsb.json", cases)

halton = qmc.Halton(d=4, scramble=False).random(64)
write("halton.json", {"dimensions": 4, "points": halton.tolist()})
