#!/bin/sh
# History on real successive snapshots: `pbtable history v1..vN` must agree
# with pairwise `pbtable breaking` over ALL pairs (i < j), which is what
# "transitive" means (docs/history.md): the expected output is the union
# of the N(N-1)/2 pairwise WIRE+WIRE_JSON reports, each finding once,
# attributed to the earliest NEW version and then the oldest OLD version.
# In particular every consecutive-pair finding appears, attributed to that
# pair unless the very same finding already appeared earlier.  Also times
# history against one pairwise check (issue #7: under 3x).
#
#   PBTABLE=build/pbtable sh src/test/history_corpus.sh [DIR]
# DIR holds v1.binpb ... (or v1.binpb.zst ...), and optionally buf's own
# findings as buf-findings/vI_vJ_WIRE[_JSON].json[.zst], all of which must be
# in history too; default ../shared/corpus/googleapis.
# Slow (N(N-1)/2 pairwise runs): not part of `make check`; `make history-corpus`.
set -e
PBTABLE=${PBTABLE:-build/pbtable}
PBTABLE=$(cd "$(dirname "$PBTABLE")" && pwd)/$(basename "$PBTABLE")
dir=${1:-../shared/corpus/googleapis}
# Never go on without it: "$tmp/bin/x" would be /bin/x.
tmp=$(mktemp -d) && [ -d "$tmp" ] || { echo "history_corpus: no temporary directory: 0 passed, 1 failed"; exit 1; }
trap 'rm -rf "$tmp"' EXIT

vs=
for i in 1 2 3 4 5 6 7 8 9; do
	if [ -f "$dir/v$i.binpb" ]; then
		ln -s "$(cd "$dir" && pwd)/v$i.binpb" "$tmp/v$i.binpb"
	elif [ -f "$dir/v$i.binpb.zst" ]; then
		zstd -q -d -o "$tmp/v$i.binpb" "$dir/v$i.binpb.zst"
	else
		break
	fi
	vs="$vs v$i"
done
[ -n "$vs" ] || { echo "history-corpus: no versions in $dir: 0 passed, 0 failed"; exit 0; }
cfg='{"version":"v2","breaking":{"use":["WIRE","WIRE_JSON"]}}'
# buf's own findings for consecutive pairs, when the corpus has them.
for f in "$dir"/buf-findings/v*_v*_WIRE*.json*; do
	[ -f "$f" ] || continue
	b=$(basename "$f")
	case $b in
	*_nosrc*) continue ;;
	*.zst) zstd -q -d -o "$tmp/buf_${b%.zst}" "$f" ;;
	*) cp "$f" "$tmp/buf_$b" ;;
	esac
done
cd "$tmp"

args= labels=
for v in $vs; do args="$args $v.binpb"; labels="$labels --label $v"; done

now() { python3 -c 'import time; print(time.monotonic())'; }
elapsed() { python3 -c "print(round($2 - $1, 3))"; }

# Pairwise runs first (they also warm the page cache for the timings).
pair_times=
for j in $vs; do
	for i in $vs; do
		[ "${i#v}" -lt "${j#v}" ] || continue
		start=$(now)
		rc=0
		"$PBTABLE" breaking $j.binpb --against $i.binpb --config "$cfg" \
			--error-format json > "pair_${j}_$i.json" || rc=$?
		end=$(now)
		[ $rc = 0 ] || [ $rc = 100 ] || { echo "breaking $j vs $i failed: exit $rc"; exit 1; }
		# consecutive pairs are the yardstick: "one pairwise check"
		[ "${i#v}" -eq $(( ${j#v} - 1 )) ] && pair_times="$pair_times $(elapsed $start $end)"
	done
done

# history, best of two runs
hist_times=
for run in 1 2; do
	start=$(now)
	rc=0
	"$PBTABLE" history $args $labels --error-format json > history.json || rc=$?
	end=$(now)
	[ $rc = 0 ] || [ $rc = 100 ] || { echo "history failed: exit $rc"; exit 1; }
	hist_times="$hist_times $(elapsed $start $end)"
done

python3 - "$hist_times" "$pair_times" <<'PY'
import glob, json, re, sys

def load(p):
    with open(p) as f:
        return [json.loads(l) for l in f if l.strip()]

# The same finding.  history identifies a finding by rule, element and
# message; the element is not in the output, and the NEW path is no
# substitute (a file moved in a later version still holds the same old
# break), so rule, message and the NEW file's directory (in practice its
# package) stand in for it.  Pairs where that is ambiguous are counted.
def key(f):
    return (f["type"], f["message"], f.get("path", "").rsplit("/", 1)[0])

def vnum(s):
    return int(s.lstrip("v"))

expect = {}
ambiguous = 0
for p in sorted(glob.glob("pair_*.json")):
    j, i = re.match(r"pair_(v\d+)_(v\d+)\.json", p).groups()
    fs = load(p)
    ambiguous += len(fs) - len(set(key(f) for f in fs))
    for f in fs:
        k = key(f)
        rank = (vnum(j), vnum(i))
        if k not in expect or rank < expect[k][0]:
            expect[k] = (rank, f, "%s vs %s" % (j, i))

got = {}
for f in load("history.json"):
    k = key(f)
    if k in got:
        print("# reported twice: %s" % (k,))
    got[k] = f

passed = failed = 0
for k, (rank, f, pair) in sorted(expect.items()):
    g = got.get(k)
    want = dict(f, pair=pair)
    if g == want:
        passed += 1
    else:
        failed += 1
        if failed <= 20:
            print("# want %s\n#  got %s" % (json.dumps(want), json.dumps(g)))
# JSON name reuse across numbers is the one check no pairwise rule has
# (docs/history.md): listed, not counted against history.
only = 0
for k in sorted(set(got) - set(expect)):
    g = got[k]
    if g["type"] == "FIELD_SAME_JSON_NAME" and "had before." in g["message"]:
        only += 1
        print("# history only (JSON name reuse): %s: %s:%d: %s" %
              (g["pair"], g["path"], g["start_line"], g["message"]))
        continue
    failed += 1
    if failed <= 40:
        print("# not in any pairwise report: %s" % json.dumps(g))

# Every finding buf itself reports for a consecutive pair is in history,
# for that NEW version (or an earlier one, when the very same break was
# already there).
buf_ok = buf_n = 0
for p in sorted(glob.glob("buf_v*_v*_WIRE*.json")):
    i, j = re.match(r"buf_(v\d+)_(v\d+)_", p).groups()
    for f in load(p):
        buf_n += 1
        # buf prints FIELD_SAME_ONEOF with a stray q ("Ranker"q moved);
        # pbtable does not copy that slip.
        f["message"] = f["message"].replace('"q moved from', '" moved from')
        g = got.get(key(f))
        if g and vnum(g["pair"].split(" vs ")[0]) <= vnum(j):
            buf_ok += 1
        else:
            failed += 1
            print("# buf %s vs %s finding missing from history: %s" % (j, i, json.dumps(f)))
if buf_n:
    print("# %d/%d of buf's consecutive-pair findings are in history" % (buf_ok, buf_n))

consec = 0
for p in glob.glob("pair_*.json"):
    j, i = re.match(r"pair_(v\d+)_(v\d+)\.json", p).groups()
    if vnum(j) == vnum(i) + 1:
        consec += len(load(p))
h = min(float(t) for t in sys.argv[1].split())
pairs = [float(t) for t in sys.argv[2].split()] or [0]
one = sum(pairs) / len(pairs)
print("# %d findings over all pairs (%d on consecutive pairs), %d from history" %
      (len(expect), consec, len(got)))
print("# %d pairwise findings share a (rule, message) with another" % ambiguous)
print("# history %.2fs (best of 2), one pairwise check %.2fs (mean of %d consecutive pairs): %.1fx"
      % (h, one, len(pairs), h / one if one else 0))
print("history-corpus: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
PY
