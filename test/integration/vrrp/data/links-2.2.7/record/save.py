import re, sys, os
out, dest = sys.argv[1], sys.argv[2]
name = os.path.basename(out)
start = float(open(f'{out}/start').read())
def short(line):
    m = re.match(r'(\d+\.\d+) (\S+) > (\S+), ethertype (\S+) .*?: (.*)$', line)
    if not m: return None
    t, src, dst, et, rest = m.groups()
    rest = re.sub(r', length \d+$', '', rest)
    rest = re.sub(r'authtype none, intvl \d+s, length \d+', '', rest).strip().rstrip(',')
    return float(t), f'{src} {rest}'
rows = []
for ifn in ('c0', 'c1'):
    p = f'{out}/{ifn}.pcap.txt'
    if not os.path.exists(p): continue
    for l in open(p):
        if 'solicitation' in l or 'multicast listener' in l: continue
        s = short(l.strip())
        if s: rows.append((s[0], ifn, s[1]))
rows.sort()
with open(f'{dest}/{name}.wire', 'w') as f:
    for t, ifn, r in rows:
        f.write(f'{(t - start) * 1000:9.1f} {ifn} {r}\n')
with open(f'{dest}/{name}.log', 'w') as f:
    for l in open(f'{out}/log'):
        l = re.sub(r'^\w{3} \w{3} [ \d]\d (\d\d:\d\d:\d\d) \d{4}: ', r'\1 ', l.rstrip('\n'))
        if not l.strip() or re.search(r'Command line|^\S+ +\'/tmp|Running on|pid=|used \d|CPU usage', l): continue
        f.write(l + '\n')
if os.path.exists(f'{out}/events'):
    with open(f'{dest}/{name}.events', 'w') as f:
        for l in open(f'{out}/events'):
            t, what = l.split(' ', 1)
            f.write(f'{(float(t) - start) * 1000:9.1f} {what}')
