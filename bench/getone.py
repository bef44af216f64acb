"""Cold-start baseline: one process, one GET /rest/api/orders/{id}/ with requests, decoded and
printed, as `apilo orders get ID` does. Env APILO_BASE_URL and APILO_BENCH_TOKEN.

    python3 getone.py ORDER_ID
"""
import json
import os
import sys

import requests

response = requests.get(
    os.environ["APILO_BASE_URL"] + "/rest/api/orders/" + sys.argv[1] + "/",
    headers={
        "Accept": "application/json",
        "Content-Type": "application/json",
        "Authorization": "Bearer " + os.environ["APILO_BENCH_TOKEN"],
    },
)
response.raise_for_status()
print(json.dumps(response.json(), ensure_ascii=False))
