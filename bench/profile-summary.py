"""Summarises a V8 .cpuprofile (bench/results/worker.cpuprofile): self time by function and by package."""
import collections
import json
import sys

path = sys.argv[1] if len(sys.argv) > 1 else 'bench/results/worker.cpuprofile'
p = json.load(open(path))
nodes = {n['id']: n for n in p['nodes']}
dt = collections.Counter()
for s, d in zip(p['samples'], p['timeDeltas']):
    dt[s] += d
total = sum(dt.values())
by_fn, by_pkg = collections.Counter(), collections.Counter()
for nid, t in dt.items():
    cf = nodes[nid]['callFrame']
    url = cf['url']
    by_fn[f"{cf['functionName'] or '(anonymous)'} {url.split('/node_modules/')[-1][-60:]}:{cf['lineNumber']}"] += t
    if '/node_modules/' in url:
        parts = url.split('/node_modules/')[-1].split('/')
        key = '/'.join(parts[:2]) if parts[0].startswith('@') else parts[0]
    elif url.startswith('wasm://'):
        key = 'wasm (Prisma query compiler)'
    elif url:
        key = url.split('/main/')[-1]
    else:
        key = cf['functionName']
    by_pkg[key] += t
print(f'profile: {total / 1e6:.1f} s')
for title, counter in (('self time by package or file', by_pkg), ('self time by function', by_fn)):
    print(f'--- {title}')
    for k, v in counter.most_common(15):
        print(f'{100 * v / total:6.1f}%  {k}')
