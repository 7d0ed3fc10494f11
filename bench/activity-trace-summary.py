"""Summarises a BENCH_ACTIVITY_TRACE file (bench/cycle-scale.ts): attempts by activity type with their
durations, and every activity that needed more than one attempt, by what became of its first attempt on
the worker (never received, failed, completed but its result lost, still running)."""
import collections
import json
import sys

activities = collections.defaultdict(list)
for line in open(sys.argv[1]):
    e = json.loads(line)
    if 'activityType' in e:
        activities[(e.get('workflowId'), e.get('activityId'))].append(e)

durations = collections.defaultdict(list)
for events in activities.values():
    for e in events:
        if e['msg'].startswith('Activity completed') or e['msg'] == 'Activity failed':
            durations[e['activityType']].append(e.get('durationMs', 0))
print(f'{len(activities)} activities')
for kind, d in sorted(durations.items()):
    d.sort()
    n = len(d)
    print(f'  {kind:30} {n:6} attempts  p50 {d[n // 2]:.0f} ms  p99 {d[int(n * 0.99)]:.0f} ms  max {d[-1]:.0f} ms')

fates = collections.Counter()
waits = collections.defaultdict(list)
for events in activities.values():
    if max(e.get('attempt', 1) for e in events) < 2:
        continue
    first = [e for e in events if e.get('attempt') == 1]
    said = {e['msg'] for e in first}
    if not first:
        fate = 'first attempt never reached the worker'
    elif 'Activity failed' in said:
        fate = 'first attempt failed on the worker'
    elif any(m.startswith('Activity completed') for m in said):
        fate = 'first attempt completed, its result lost'
    else:
        fate = 'first attempt still running at its timeout'
    fates[(events[0]['activityType'], fate)] += 1
    retried = [e for e in events if e['msg'] == 'Activity retried' and e.get('attempt') == 2]
    if retried and 'sinceFirstScheduledMs' in retried[0]:
        waits[events[0]['activityType']].append(retried[0]['sinceFirstScheduledMs'])
print(f'{sum(fates.values())} activities retried')
for (kind, fate), n in sorted(fates.items()):
    print(f'  {kind:30} {n:6}  {fate}')
for kind, w in sorted(waits.items()):
    w.sort()
    print(f'  {kind}: second attempt started {w[len(w) // 2] / 1000:.1f} s (median), {w[-1] / 1000:.1f} s (max) '
          'after the first was scheduled')
