"""Python baseline of the per-request benchmark: requests with one Session (kept-alive
connection) and bodies decoded with Response.json() into dicts and lists.

    python3 client.py list BASE_URL N
    python3 client.py get  BASE_URL N IDS_FILE

Token from APILO_BENCH_TOKEN. Prints the same JSON result line as the C programs.
"""
import os
import sys
import time

import requests

from measure import cpu_seconds, print_result


def main():
    mode, base, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    ids = []
    if mode == "get":
        with open(sys.argv[4]) as f:
            ids = [line.strip() for line in f if line.strip()]
    session = requests.Session()
    session.headers.update({
        "Accept": "application/json",
        "Content-Type": "application/json",
        "Authorization": "Bearer " + os.environ["APILO_BENCH_TOKEN"],
    })

    units = 0
    t0 = c0 = 0.0
    for i in range(-1, n):
        if i == 0:
            # The first request (connection set-up) is a warm-up, as in every client.
            t0, c0 = time.perf_counter(), cpu_seconds()
        if mode == "list":
            response = session.get(base + "/rest/api/orders/", params={"limit": 512})
            response.raise_for_status()
            got = len(response.json()["orders"])
        else:
            order_id = ids[max(i, 0) % len(ids)]
            response = session.get(base + "/rest/api/orders/" + order_id + "/")
            response.raise_for_status()
            got = len(response.json().get("orderItems") or [])
        if i >= 0:
            units += got
    print_result(mode, n, time.perf_counter() - t0, cpu_seconds() - c0, units)


if __name__ == "__main__":
    main()
