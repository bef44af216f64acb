#!/usr/bin/env python3
"""Seeds (fixtures prefixed with target bytes, plus a few large ones) and the key dictionary.
Usage: make_seeds.py REPO_DIR OUT_DIR  -> OUT_DIR/seeds/, OUT_DIR/apilo.dict"""
import glob, json, os, re, sys
repo, out = sys.argv[1], sys.argv[2]
fx = os.path.join(repo, 'tests/fixtures')
os.makedirs(os.path.join(out, 'seeds'), exist_ok=True)
# 0 page, 1 order, 2 map, 3/8/13/18 in place page/order/whoami/token, 23 in place page kept,
# 43 in place page from text, 4/9/54/19 error body with HTTP 400/401/422/404
sels = [0, 1, 2, 3, 8, 13, 18, 23, 43, 4, 9, 54, 19]
keys = set()
def walk(v):
    if isinstance(v, dict):
        for k, x in v.items():
            keys.add(k); walk(x)
    elif isinstance(v, list):
        for x in v: walk(x)
def seed(name, sel, data):
    open(os.path.join(out, 'seeds', f'{name}.{sel}'), 'wb').write(bytes([sel]) + data)
for f in sorted(glob.glob(os.path.join(fx, '*.json'))):
    data = open(f, 'rb').read()
    walk(json.loads(data))
    for s in sels: seed(os.path.basename(f)[:-5], s, data)
# Large seeds: >32 handles per document (handle chunks), bigger arenas, many field errors.
order = json.load(open(os.path.join(fx, 'orders_list.200.json')))['orders'][0]
page = json.dumps({"orders": [order] * 40, "totalCount": 40, "currentOffset": 0,
                   "pageResultCount": 40}, separators=(',', ':'), ensure_ascii=False).encode()
for s in (0, 3, 23, 43): seed('big_page_40', s, page)
err = json.dumps({"message": "m", "code": 422, "errors": [
    {"field": "f%d" % i, "message": "x", "code": i, "errors": [{"field": "g"}]} for i in range(40)]}).encode()
for s in (4, 29): seed('big_error_40', s, err)
seed('big_map', 2, json.dumps(json.load(open(os.path.join(fx, 'orders_status_map.200.json'))) * 20).encode())
src = ''.join(open(os.path.join(repo, 'src/lib', n)).read() for n in ('decode.c', 'error.c'))
keys.update(re.findall(r'KEY\("([^"]+)"\)', src))
keys.update(["message", "code", "description", "errors", "field", "content", "accessToken",
             "accessTokenExpireAt", "refreshToken", "refreshTokenExpireAt", "orders", "totalCount",
             "currentOffset", "pageResultCount"])
esc = lambda t: t.replace('\\', '\\\\').replace('"', '\\"')
with open(os.path.join(out, 'apilo.dict'), 'w') as d:
    for k in sorted(keys):
        d.write('"\\"%s\\""\n' % esc(k)); d.write('"\\"%s\\":"\n' % esc(k))
    for t in ['{', '}', '[', ']', ':', ',', 'null', 'true', 'false', '"2022-06-09T10:59:12Z"',
              '"2023-11-24TT08:33:07+0100"', '"+02:00"', '"1259.98"', '1259.98', '-1', '1e308',
              '18446744073709551615', '9223372036854775808', '-9223372036854775809', '"\\u0000"',
              '"\\ud800\\udc00"', '3.0', '""', '"0"', '"1"', '"true"', '"false"']:
        d.write('"%s"\n' % esc(t))
    d.write('"\\xEF\\xBB\\xBF"\n')
