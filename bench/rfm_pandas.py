"""The pandas baseline of bench_rfm: read the log with read_csv (dates
parsed) and group it by customer (first and last date, number of rows,
total amount), writing nothing. Prints the best of REPEATS wall times in
seconds. This is less work than the summary, which counts distinct time
units rather than rows and writes its CSV: the ratio errs in pandas' favour.

    python3 bench/rfm_pandas.py FILE [REPEATS]
"""
import sys
import time

import pandas as pd


def once(path: str) -> float:
    t0 = time.perf_counter()
    df = pd.read_csv(path)
    df["date"] = pd.to_datetime(df["date"], format="%Y-%m-%d")
    g = df.groupby("customer_id").agg(first=("date", "min"), last=("date", "max"),
                                      rows=("date", "count"), amount=("amount", "sum"))
    assert len(g) > 0
    return time.perf_counter() - t0


def main() -> None:
    path = sys.argv[1]
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    print(f"{min(once(path) for _ in range(repeats)):.6f}")


if __name__ == "__main__":
    main()
