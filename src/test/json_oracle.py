#!/usr/bin/python3
"""The JSON oracle: pbtables against protobuf's own JSON parser.

Run by src/test/pg_json.sh, with psql pointed (PG* environment) at a
throwaway cluster where `pbtable ddl` created the tables of
testdata/pgtest/json/pbtable.yaml twice: plainly, and with --strict.

It generates documents of pbt.oracle.AllTypes -- canonical proto3 JSON,
the other encodings the JSON mapping accepts, and invalid values -- inserts
each into both tables, and compares every column with what protobuf's
reference parser (Debian's python3-protobuf, json_format) reads from the
same text: the value, NULL where protobuf rejects the field, and the strict
table's verdict with protobuf's verdict on the whole document.  Then it
writes typed values through the view and has the parser read back every
document the view wrote.

A difference is allowed only if docs/pbtables.md lists its kind among the
deliberate differences (a `json-diff:` tag); the classifier below decides
the kind from the value.  Output: one line per undocumented difference
(at most 60), counts per documented kind, `json oracle: N agree, N differ`
and, last, `json: N passed, N failed`.

Usage: json_oracle.py SET.binpb DOCS_MD [N_DOCS [SEED]]
"""
import base64
import csv
import datetime
import decimal
import io
import json
import math
import os
import random
import re
import struct
import subprocess
import sys

from google.protobuf import descriptor as D
from google.protobuf import descriptor_pb2, descriptor_pool, json_format
from google.protobuf import message_factory

decimal.getcontext().prec = 60
Dec = decimal.Decimal

TABLE = 'oracle.all_types'
STRICT = 'strict.all_types'
VIEW = 'oracle.all_types_v'
MSG = 'pbt.oracle.AllTypes'

# ------------------------------------------------------------------ psql


def psql(sql, stdin=None):
    r = subprocess.run(['psql', '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1',
                        '-c', sql] if stdin is None else
                       ['psql', '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1'],
                       input=stdin if stdin is not None else None,
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit('psql failed: %s\n%s' % (r.stderr.strip(), sql[:300]))
    return r.stdout


def copy_in(table, rows):
    """COPY rows (tuples of text) into table through psql's \\copy."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator='\n', quoting=csv.QUOTE_ALL)
    for row in rows:
        w.writerow(row)
    r = subprocess.run(['psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c',
                        '\\copy %s FROM STDIN WITH (FORMAT csv)' % table],
                       input=buf.getvalue(), capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit('copy into %s failed: %s' % (table, r.stderr.strip()))


# ------------------------------------------------------------------ schema


def load_pool(path):
    fds = descriptor_pb2.FileDescriptorSet()
    with open(path, 'rb') as f:
        fds.ParseFromString(f.read())
    pool = descriptor_pool.DescriptorPool()
    for fp in fds.file:
        pool.Add(fp)
    return pool


POOL = None
FACTORY = None


def new_msg(desc):
    return FACTORY.GetPrototype(desc)()


def parse(js, desc):
    """protobuf's reading of the parsed JSON js as desc: (message, None) or
    (None, error text)."""
    m = new_msg(desc)
    try:
        json_format.ParseDict(js, m, ignore_unknown_fields=True,
                              descriptor_pool=POOL)
    except (json_format.ParseError, ValueError, TypeError, KeyError,
            AttributeError, IndexError, OverflowError, RecursionError) as e:
        return None, str(e)
    return m, None


class Column:
    """A column of the table, from its fingerprint comment."""

    def __init__(self, name, pgtype, fp):
        self.name = name
        self.pgtype = pgtype
        self.kind = fp['kind']
        self.path = fp['path'].split('.')
        self.ptype = fp['type']
        self.presence = fp['presence']
        self.helper = fp.get('helper', '-')

    def __repr__(self):
        return self.name


def fingerprint(text):
    out = {}
    for kv in text.split(' ')[1:]:
        k, v = kv.split('=', 1)
        out[k] = re.sub('%([0-9A-F]{2})', lambda m: chr(int(m.group(1), 16)),
                        v)
    return out


def columns(table):
    rows = psql("SELECT attname || E'\\t' || format_type(atttypid, atttypmod) "
                "|| E'\\t' || coalesce(col_description(attrelid, attnum), '') "
                "FROM pg_attribute WHERE attrelid = '%s'::regclass AND attnum > 0 "
                "AND NOT attisdropped ORDER BY attnum" % table)
    cols = []
    for line in rows.split("\n"):
        if not line:
            continue
        name, pgtype, comment = line.split('\t')
        if name == 'data':
            continue
        cols.append(Column(name, pgtype, fingerprint(comment)))
    return cols


def conv_sql(c):
    """The column as comparable text."""
    q = '"%s"' % c.name
    t = c.pgtype
    if t == 'bytea':
        return "encode(%s, 'hex')" % q
    if t in ('timestamp with time zone', 'interval'):
        return 'extract(epoch FROM %s)::text' % q
    if t == 'text[]':
        return 'array_to_json(%s)::text' % q
    return '%s::text' % q


# ------------------------------------------------------------------ JSON text


class Raw:
    """A JSON token written as is (a number in a chosen spelling)."""

    def __init__(self, text):
        self.text = text

    def __repr__(self):
        return 'Raw(%s)' % self.text


def dumps(v):
    if isinstance(v, Raw):
        return v.text
    if isinstance(v, dict):
        return '{' + ', '.join(dumps(k) + ': ' + dumps(x)
                               for k, x in v.items()) + '}'
    if isinstance(v, list):
        return '[' + ', '.join(dumps(x) for x in v) + ']'
    if isinstance(v, float):
        return repr(v)
    return json.dumps(v, ensure_ascii=random.random() < 0.5)


def dup_check(pairs):
    out = {}
    for k, v in pairs:
        if k in out:
            raise ValueError('duplicate key %s' % k)
        out[k] = v
    return out


def loads(text):
    return json.loads(text, object_pairs_hook=dup_check)


# ------------------------------------------------------------------ values
# Each generator returns a JSON value (Raw for numbers spelled on purpose).
# `bad` asks for a value protobuf should reject for the type (it may not
# always manage, and some "good" spellings are ones parsers disagree on:
# the comparison, not the generator, decides).

R = random.Random()

INT_RANGES = {
    D.FieldDescriptor.TYPE_INT32: (-2**31, 2**31 - 1, False),
    D.FieldDescriptor.TYPE_SINT32: (-2**31, 2**31 - 1, False),
    D.FieldDescriptor.TYPE_SFIXED32: (-2**31, 2**31 - 1, False),
    D.FieldDescriptor.TYPE_UINT32: (0, 2**32 - 1, False),
    D.FieldDescriptor.TYPE_FIXED32: (0, 2**32 - 1, False),
    D.FieldDescriptor.TYPE_INT64: (-2**63, 2**63 - 1, True),
    D.FieldDescriptor.TYPE_SINT64: (-2**63, 2**63 - 1, True),
    D.FieldDescriptor.TYPE_SFIXED64: (-2**63, 2**63 - 1, True),
    D.FieldDescriptor.TYPE_UINT64: (0, 2**64 - 1, True),
    D.FieldDescriptor.TYPE_FIXED64: (0, 2**64 - 1, True),
}

JUNK = [True, False, '', 'abc', ' ', [], [1], {}, {'a': 1}, '12abc', 'null',
        'true', Raw('1e400'), Raw('-1e400')]


def pick(*choices):
    return R.choice(choices)


def int_value(lo, hi):
    r = R.random()
    if r < 0.15:
        return R.choice([0, 1, -1 if lo < 0 else 2, lo, hi])
    if r < 0.5:
        return R.randint(max(lo, -1000), min(hi, 1000))
    if r < 0.65:
        return R.choice([x for x in (2**53, 2**53 + 1, -2**53 - 1, 2**31 - 1,
                                     2**31, -2**31, 10**18, 12345678901234567)
                         if lo <= x <= hi])
    return R.randint(lo, hi)


def exp_spelling(v):
    """v spelled with an exponent (and maybe a fraction), exactly."""
    s = str(abs(v))
    z = len(s) - len(s.rstrip('0'))
    if v == 0 or len(s) == 1:
        return ('-' if v < 0 else '') + s + 'e0'
    k = R.randint(0, len(s) - 1)
    mant = s[:len(s) - k]
    if len(mant) > 1 and R.random() < 0.5:
        mant = mant[0] + '.' + mant[1:]
        k += len(s) - k - 1
    e = k if z or k else 0
    return ('-' if v < 0 else '') + mant + ('e%d' % e if R.random() < 0.7
                                            else 'E+%d' % e)


def gen_int(ftype, bad):
    lo, hi, big = INT_RANGES[ftype]
    if bad:
        return pick(Raw(str(lo - 1)), str(hi + 1), Raw('1.5'), '0.5', '-2.5e0',
                    ' 1', '1 ', '0x10', '1_000', '\u0661\u0662', '+-1', '--1',
                    '1e', '.', '1e99999', *JUNK)
    v = int_value(lo, hi)
    r = R.random()
    if r < 0.45:
        return str(v) if big else Raw(str(v))
    if r < 0.6:
        return Raw(str(v)) if big else str(v)
    if r < 0.7:
        return ('+' if v >= 0 else '') + str(v)
    if r < 0.8:
        s = exp_spelling(v)
        return Raw(s) if R.random() < 0.8 else s
    if r < 0.88:
        return Raw(str(v) + '.' + '0' * R.randint(1, 3))
    if r < 0.9:
        return str(v) + '.0'
    return Raw(str(v))


def f32(x):
    """x rounded to float32 (inf beyond its range, like a C cast)."""
    try:
        return struct.unpack('<f', struct.pack('<f', x))[0]
    except OverflowError:
        return math.copysign(math.inf, x)


def short32(x):
    """The shortest spelling of float32 x."""
    for p in range(1, 10):
        s = '%.*g' % (p, x)
        if f32(float(s)) == x:
            return s
    return repr(x)


FLT_MAX = struct.unpack('<f', b'\xff\xff\x7f\x7f')[0]


def gen_float(is32, bad):
    if bad:
        return pick('nan', 'inf', 'Inf', '-inf', 'infinity', ' 1', '1 ', '1_0',
                    '0x1p3', '1,5', '1e', 'NAN', Raw('1.89769e+308'),
                    Raw('-1.89769e+308'), *JUNK,
                    *([Raw('3.502823e+38'), '3.502823e+38', Raw('-3.5e38')]
                      if is32 else []))
    r = R.random()
    if r < 0.1:
        return pick('NaN', 'Infinity', '-Infinity')
    if r < 0.2:
        v = pick(0.0, -0.0, 1.0, -1.0, 0.1, 1e-45, 5e-324, 2.2250738585072014e-308,
                 1.7976931348623157e308, FLT_MAX, -FLT_MAX, 1.17549435e-38)
    elif r < 0.6:
        v = R.uniform(-1000, 1000)
    else:
        while True:
            v = struct.unpack('<d', R.getrandbits(64).to_bytes(8, 'little'))[0]
            if math.isfinite(v):
                break
    if is32:
        while abs(v) > FLT_MAX:
            v *= 1e-30
        v = f32(v)
        s = short32(v)
    else:
        s = repr(v)
    r = R.random()
    if r < 0.55:
        return Raw(s)
    if r < 0.7:
        return s
    if r < 0.8:
        return Raw(repr(v))
    if r < 0.85:
        return pick(Raw('1e-400'), '-1e-400', '1e400', '-0', Raw('-0'),
                    Raw('-0.0'), '+1.5', Raw('100000.000'), '.5', '5.',
                    Raw('3.4028235e+38'), '3.4028235e38', Raw('-3.4028235e38'))
    return '%.17e' % v if R.random() < 0.5 else Raw('%.17e' % v)


def gen_bool(bad):
    if bad:
        return pick('true', 'false', Raw('0'), Raw('1'), 'True', [], {}, 'yes')
    return pick(True, False)


def gen_string(bad):
    if bad:
        return pick(Raw('12345'), True, [], {'a': 'b'}, Raw('"\\ud800"'),
                    Raw('"a\\udc00b"'), Raw('"\\u0000"'))
    r = R.random()
    if r < 0.3:
        return ''.join(R.choice('abcxyz ') for _ in range(R.randint(0, 8)))
    if r < 0.5:
        return pick('', 'Hello, World!', '谷歌', '😁', 'tab\there', 'q"uote',
                    'back\\slash', 'line\nbreak', 'ÿ', '\u2028', '$$pbt$$',
                    "it's", '%s', '\x7f', '\x01')
    if r < 0.55:
        return Raw('"\\uD83D\\uDE01 \\u00e9 \\/"')
    return ''.join(chr(R.choice([R.randint(32, 126), R.randint(0xa0, 0x2fff),
                                  R.randint(0x10000, 0x1f6ff)]))
                   for _ in range(R.randint(1, 12)))


def gen_bytes(bad):
    if bad:
        return pick('!!!!', 'a', 'abcde', 'ab=c', 'YQ==YQ==', 'YQ=a', 'Y Q==',
                    'YQ===', '====', Raw('5'), True, [], 'é')
    b = bytes(R.getrandbits(8) for _ in range(R.randint(0, 20)))
    s = base64.b64encode(b).decode()
    r = R.random()
    if r < 0.2:
        s = base64.urlsafe_b64encode(b).decode()
    elif r < 0.35:
        s = s.rstrip('=')
    elif r < 0.45:
        s = base64.urlsafe_b64encode(b).decode().rstrip('=')
    return s


def gen_enum(ed, bad):
    if bad:
        return pick('NOPE', 'red', 'Red', '', ' RED', 'RED ', Raw('1.5'), '1.5',
                    Raw('2147483648'), '-2147483649', True, [], {}, ['RED'],
                    Raw('1e10'))
    r = R.random()
    vals = ed.values
    if r < 0.5:
        return R.choice(vals).name
    if r < 0.7:
        return Raw(str(R.choice(vals).number))
    if r < 0.8:
        return Raw(str(pick(7, 100, -1, 2**31 - 1, -2**31)))
    if r < 0.9:
        return str(R.choice(vals).number) if R.random() < 0.7 else \
            '+' + str(abs(R.choice(vals).number))
    return Raw(str(R.choice(vals).number) + pick('.0', 'e0', '.00'))


def ts_text(bad):
    if bad:
        return pick('1970-01-01t00:00:00Z', '1970-01-01T00:00:00z',
                    '1970-1-01T00:00:00Z', '1970-01-1T00:00:00Z',
                    '1970-01-01T24:00:00Z', '1970-01-01T00:60:00Z',
                    '1970-01-01T00:00:60Z', '1970-13-01T00:00:00Z',
                    '1970-00-01T00:00:00Z', '1970-01-00T00:00:00Z',
                    '1970-01-32T00:00:00Z', '2001-02-29T00:00:00Z',
                    '1970-01-01T00:00:00+24:00', '1970-01-01T00:00:00+00:60',
                    '1970-01-01T08:00:01+0800', '1970-01-01T00:00:00',
                    '1970-01-01 00:00:00Z', '0000-01-01T00:00:00Z',
                    '10000-01-01T00:00:00Z', '0001-01-01T00:00:00+00:01',
                    '9999-12-31T23:59:59-00:01', '1970-01-01T00:00:00.Z',
                    '1970-01-01T00:00:00.1234567890Z', '1970-01-01T00:00:00.12aZ',
                    '999-01-01T00:00:00Z', '1970-01-01T00:00:00+8:00',
                    '1970-01-01T00:00:00Z ', ' 1970-01-01T00:00:00Z', 'now',
                    '1970-01-01T0:00:00Z', '1970-01-01T00:00:00+08',
                    Raw('0'), True, {}, [])
    y = pick(1, 1969, 1970, 2000, 2024, 9999, R.randint(1, 9999),
             R.randint(1900, 2100))
    mo = R.randint(1, 12)
    d = R.randint(1, 28 if mo == 2 else 30)
    if R.random() < 0.05:
        mo, d = 2, 29
        y = pick(2000, 2024, 1600, 4)
    h, mi, s = R.randint(0, 23), R.randint(0, 59), R.randint(0, 59)
    n = R.choice([0, 3, 6, 9, R.randint(1, 9)])
    frac = ''.join(R.choice('0123456789') for _ in range(n))
    if R.random() < 0.05:
        frac = pick('9999999', '999999999', '0000005', '5000005', '0000015')
    t = '%04d-%02d-%02dT%02d:%02d:%02d' % (y, mo, d, h, mi, s)
    if frac:
        t += '.' + frac
    if R.random() < 0.6:
        return t + 'Z'
    oh, om = R.randint(0, 23), R.choice([0, 30, 45, R.randint(0, 59)])
    return t + '%s%02d:%02d' % (pick('+', '-'), oh, om)


def dur_text(bad):
    if bad:
        return pick('1', '1.5', 's', '-s', '+1s', ' 1s', '1s ', '1.s', '.5s',
                    '1.5e3s', '1.0000000001s', '315576000001s',
                    '-315576000001s', '1ss', '1S', '0x1s', '1_0s', '- 1s',
                    '--1s', '1-1s', Raw('1'), True, [], {})
    sec = pick(0, 1, -1, 315576000000, -315576000000, R.randint(-10**6, 10**6),
               R.randint(-315576000000, 315576000000))
    n = R.choice([0, 3, 6, 9, R.randint(1, 9)])
    frac = ''.join(R.choice('0123456789') for _ in range(n))
    t = str(sec)
    if sec == 0 and R.random() < 0.3:
        t = '-0'
    if R.random() < 0.05:
        t = '000' + t.lstrip('-') if not t.startswith('-') else t
    return t + ('.' + frac if frac else '') + 's'


def mask_text(bad):
    if bad:
        return pick('foo_bar', 'a,b_c', 'x._y', Raw('1'), True, [], {},
                    ['foo'])
    words = ['foo', 'bar', 'fooBar', 'bazQux', 'a', 'x1', 'Abc', 'fieldName2',
             'aB', 'é', 'ÀB', '']
    paths = ['.'.join(R.choice(words[:-3]) for _ in range(R.randint(1, 3)))
             for _ in range(R.randint(0, 3))]
    if R.random() < 0.1:
        paths.append(R.choice(words[-3:]))
    return ','.join(paths)


def gen_json_value(depth=0):
    r = R.random()
    if depth > 3 or r < 0.5:
        return pick(None, True, False, 0, 1.5, Raw('-2e3'), 'text', '',
                    Raw('1e-400'), Raw('12345678901234567890'), '\u00e9')
    if r < 0.75:
        return [gen_json_value(depth + 1) for _ in range(R.randint(0, 3))]
    return {R.choice(['a', 'b', 'c', 'nullValue', '@type', 'é', '']):
            gen_json_value(depth + 1) for _ in range(R.randint(0, 3))}


# ------------------------------------------------------------------ messages

FD = D.FieldDescriptor
WRAPPER_NAMES = {'google.protobuf.%s' % n for n in (
    'BoolValue', 'Int32Value', 'Int64Value', 'UInt32Value', 'UInt64Value',
    'FloatValue', 'DoubleValue', 'StringValue', 'BytesValue')}
TYPE_URL = 'type.googleapis.com/'


def is_map(fd):
    return (fd.type == FD.TYPE_MESSAGE and fd.message_type.GetOptions().map_entry)


def gen_scalar(fd, bad):
    t = fd.type
    if t in INT_RANGES:
        return gen_int(t, bad)
    if t in (FD.TYPE_FLOAT, FD.TYPE_DOUBLE):
        return gen_float(t == FD.TYPE_FLOAT, bad)
    if t == FD.TYPE_BOOL:
        return gen_bool(bad)
    if t == FD.TYPE_STRING:
        return gen_string(bad)
    if t == FD.TYPE_BYTES:
        return gen_bytes(bad)
    if t == FD.TYPE_ENUM:
        if fd.enum_type.full_name == 'google.protobuf.NullValue':
            if bad:
                return pick('NULL', 'null', Raw('0.5'), True, [], {})
            return pick(None, 'NULL_VALUE', Raw('0'), '0')
        return gen_enum(fd.enum_type, bad)
    return gen_msg_value(fd.message_type, 0, bad)


def gen_any(bad, depth):
    if bad:
        return pick({'a': 1}, {'@type': 5}, {'@type': 'nope'}, 'x', [], Raw('3'),
                    {'@type': TYPE_URL + 'pbt.oracle.Nope', 'n': 1},
                    {'@type': TYPE_URL + 'google.protobuf.Duration',
                     'value': '1'},
                    {'@type': TYPE_URL + 'pbt.oracle.Inner', 'n': 'x'})
    r = R.random()
    if r < 0.2:
        return {}
    if r < 0.6:
        m = gen_message(POOL.FindMessageTypeByName('pbt.oracle.Inner'),
                        depth + 1, 0.0)
        out = {'@type': TYPE_URL + 'pbt.oracle.Inner'}
        out.update(m)
        return out
    wkt = pick('google.protobuf.Timestamp', 'google.protobuf.Duration',
               'google.protobuf.Int32Value', 'google.protobuf.Value',
               'google.protobuf.Struct', 'google.protobuf.FieldMask')
    return {'@type': TYPE_URL + wkt,
            'value': gen_msg_value(POOL.FindMessageTypeByName(wkt), depth + 1,
                                   False)}


def gen_msg_value(md, depth, bad):
    fn = md.full_name
    if fn == 'google.protobuf.Timestamp':
        return ts_text(bad)
    if fn == 'google.protobuf.Duration':
        return dur_text(bad)
    if fn == 'google.protobuf.FieldMask':
        return mask_text(bad)
    if fn == 'google.protobuf.Struct':
        if bad:
            return pick([1], 'x', Raw('5'), True)
        return {k: gen_json_value(1) for k in
                R.sample(['a', 'b', 'nullValue', 'x y', '', 'é', '@type'],
                         R.randint(0, 3))}
    if fn == 'google.protobuf.Value':
        return gen_json_value(0)
    if fn == 'google.protobuf.ListValue':
        if bad:
            return pick({}, Raw('5'), 'x', {'values': []})
        return [gen_json_value(1) for _ in range(R.randint(0, 3))]
    if fn == 'google.protobuf.Any':
        return gen_any(bad, depth)
    if fn == 'google.protobuf.Empty':
        if bad:
            return pick(Raw('5'), [], 'x', True)
        return pick({}, {}, {'unknown': 1})
    if fn in WRAPPER_NAMES:
        return gen_scalar(md.fields_by_name['value'], bad)
    if bad:
        return pick(Raw('5'), 'x', [], True, [{}])
    return gen_message(md, depth + 1, 0.02 if depth < 2 else 0.0)


def gen_key(kd, bad):
    t = kd.type
    if t == FD.TYPE_STRING:
        return gen_string(False) if R.random() < 0.5 else pick('a', 'b', '', 'k')
    if t == FD.TYPE_BOOL:
        if bad:
            return pick('True', '1', 'yes', '')
        return pick('true', 'false')
    lo, hi, _ = INT_RANGES[t]
    if bad:
        return pick('x', '1.5', '', str(hi + 1), str(lo - 1), '1e3', ' 1',
                    '0x1')
    v = int_value(lo, hi)
    r = R.random()
    if r < 0.8:
        return str(v)
    if r < 0.9:
        return ('+' if v >= 0 else '') + str(v)
    return pick('01', '-0', '007')


def gen_field(fd, depth, bad):
    if is_map(fd):
        kd = fd.message_type.fields_by_name['key']
        vd = fd.message_type.fields_by_name['value']
        if bad and R.random() < 0.2:
            return pick([], 'x', Raw('1'), [['a', 1]])
        out = {}
        for i in range(R.randint(0, 3)):
            kb = bad and R.random() < 0.3
            vb = bad and not kb
            k = gen_key(kd, kb)
            if vb and R.random() < 0.3 and not (
                    vd.type == FD.TYPE_MESSAGE and
                    vd.message_type.full_name == 'google.protobuf.Value'):
                out[k] = None
            else:
                out[k] = gen_scalar(vd, vb)
        return out
    if fd.label == FD.LABEL_REPEATED:
        if bad and R.random() < 0.2:
            return gen_scalar(fd, False)
        out = [gen_scalar(fd, False) for _ in range(R.randint(0, 4))]
        if bad:
            v = None if R.random() < 0.2 else gen_scalar(fd, True)
            out.insert(R.randint(0, len(out)), v)
        return out
    return gen_scalar(fd, bad)


def gen_message(md, depth, bad_rate, top=False):
    """A JSON object for message md (a dict; values may be Raw)."""
    out = {}
    # nested messages get fewer fields, and stop at depth 3
    p = 0.3 if top else 0.3 / (depth + 1) if depth < 3 else 0
    fields = [f for f in md.fields if R.random() < p]
    if top:
        fields = [f for f in fields if f.name != 'id']
    # a oneof takes one member, unless a document asks for trouble
    seen = {}
    keep = []
    for f in fields:
        o = f.containing_oneof
        if o is not None and not (o.name.startswith('_')):
            if o.name in seen and R.random() > 0.05:
                if R.random() < 0.1:
                    keep.append((f, 'null'))
                continue
            seen[o.name] = True
        keep.append((f, None))
    R.shuffle(keep)
    for f, how in keep:
        r = R.random()
        key = f.json_name if r < 0.8 else f.name
        if how == 'null':
            v = None
        elif R.random() < 0.04:
            v = None
        else:
            v = gen_field(f, depth, R.random() < bad_rate)
        out[key] = v
        if R.random() < 0.01 and f.json_name != f.name:
            out[f.name if key == f.json_name else f.json_name] = \
                None if R.random() < 0.3 else gen_field(f, depth, False)
    if R.random() < 0.05:
        out[pick('unknownField', 'future_field', '@type', 'x')] = \
            gen_json_value(1)
    return out


# ------------------------------------------------------------------ reading

def has_presence(fd):
    try:
        return fd.has_presence
    except AttributeError:
        return (fd.label != FD.LABEL_REPEATED and
                (fd.type == FD.TYPE_MESSAGE or fd.containing_oneof is not None))


def real_oneof(fd):
    o = fd.containing_oneof
    if o is None:
        return None
    synthetic = getattr(o, 'is_synthetic', None)
    if synthetic is None:
        synthetic = len(o.fields) == 1 and o.name == '_' + fd.name
    return None if synthetic else o


def field_keys(fd):
    return {fd.json_name, fd.name}


def subdoc(md, obj, path, kind):
    """The keys of obj that concern the column at path (its field under
    either name, the other members of its oneof), so that protobuf's
    verdict on them is its verdict on this column."""
    if not isinstance(obj, dict):
        return obj
    name = path[0]
    if len(path) == 1 and kind == 'oneof':
        o = md.oneofs_by_name[name]
        keys = set()
        for f in o.fields:
            keys |= field_keys(f)
        return {k: v for k, v in obj.items() if k in keys}
    f = md.fields_by_name[name]
    keys = field_keys(f)
    sib = {}
    o = real_oneof(f)
    if o is not None:
        for s in o.fields:
            if s.name != f.name:
                for k in field_keys(s):
                    sib[k] = s
    out = {}
    for k, v in obj.items():
        if k in keys:
            out[k] = v if len(path) == 1 else \
                subdoc(f.message_type, v, path[1:], kind)
        elif k in sib and (v is not None or null_is_value(sib[k])):
            # a member set beside it makes it invalid; null sets none
            out[k] = v
    return out


def leaf_value(md, obj, path):
    """The JSON value(s) at path: a list (one per key naming the field)."""
    if not isinstance(obj, dict):
        return [('<parent>', obj)]
    f = md.fields_by_name.get(path[0])
    keys = field_keys(f) if f else {path[0]}
    out = []
    for k, v in obj.items():
        if k in keys:
            if len(path) == 1:
                out.append((k, v))
            elif v is not None:
                out += leaf_value(f.message_type, v, path[1:])
    return out


def read(col, msg):
    """(field descriptor, present, value, parent message) of col."""
    md = msg.DESCRIPTOR
    for seg in col.path[:-1]:
        if msg is not None and msg.HasField(seg):
            msg = getattr(msg, seg)
        else:
            msg = None
        md = md.fields_by_name[seg].message_type
    leaf = col.path[-1]
    if col.kind == 'oneof':
        return None, msg is not None, (msg.WhichOneof(leaf) if msg else None), msg
    fd = md.fields_by_name[leaf]
    if msg is None:
        return fd, False, None, None
    if fd.label == FD.LABEL_REPEATED:
        return fd, True, getattr(msg, leaf), msg
    if has_presence(fd) and not msg.HasField(leaf):
        return fd, False, None, msg
    return fd, True, getattr(msg, leaf), msg


def msg_dict(m, only=None):
    """m as protobuf writes it (a dict); only: just that field of it (when
    another field cannot be written, a Timestamp before year 1)."""
    if only is not None:
        one = new_msg(m.DESCRIPTOR)
        one.CopyFrom(m)
        for f in m.DESCRIPTOR.fields:
            if f.name != only:
                one.ClearField(f.name)
        m = one
    try:
        return json_format.MessageToDict(m, descriptor_pool=POOL)
    except (ValueError, OverflowError) as e:
        if only is not None:
            return {'<unprintable>': str(e)}
        return None


def field_json(fd, pdict):
    """The field's value as protobuf writes it, from its parent's dict."""
    return json.dumps(pdict.get(fd.json_name), sort_keys=True)


def canonical_enum(ed, n):
    for v in ed.values:
        if v.number == n:
            return v.name
    return str(n)


def round_half_up(n, d):
    q, r = divmod(n, d)
    return q + (1 if 2 * r >= d else 0)


def round_half_away(n, d):
    return round_half_up(n, d) if n >= 0 else -round_half_up(-n, d)


TS_MAX_US = 253402300799 * 10**6 + 999999


def expect(col, fd, present, v, parent, pdict):
    """What the column should hold, as conv_sql() spells it (None: NULL),
    or a tuple to compare by meaning: ('json', JSON of the field alone),
    ('dec', Decimal), ('f32'/'f64', float)."""
    t = col.pgtype
    if col.kind == 'oneof':
        return v
    if t == 'jsonb':
        return ('json', field_json(fd, pdict() if parent is not None else {}),
                fd, present)
    if not present:
        if has_presence(fd) and fd.type != FD.TYPE_MESSAGE:
            return None
        if fd.type != FD.TYPE_MESSAGE:
            v = fd.default_value
        else:
            mt = fd.message_type.full_name
            if mt == 'google.protobuf.Empty':
                return 'false'
            return None
    if fd.type == FD.TYPE_MESSAGE:
        mt = fd.message_type.full_name
        if mt in WRAPPER_NAMES:
            return scalar_text(col, fd.message_type.fields_by_name['value'],
                               v.value)
        if mt == 'google.protobuf.Timestamp':
            us = v.seconds * 10**6 + round_half_up(v.nanos, 1000)
            return ('dec', Dec(min(us, TS_MAX_US)) / 10**6)
        if mt == 'google.protobuf.Duration':
            ns = v.seconds * 10**9 + v.nanos
            if t == 'interval':
                return ('dec', Dec(round_half_away(ns, 1000)) / 10**6)
            return ('dec', Dec(ns) / 10**9)
        if mt == 'google.protobuf.FieldMask':
            return json.dumps(list(v.paths), separators=(',', ':'),
                              ensure_ascii=False)
        if mt == 'google.protobuf.Empty':
            return 'true'
        raise SystemExit('no expectation for %s' % col.name)
    return scalar_text(col, fd, v)


def scalar_text(col, fd, v):
    t = fd.type
    if t in INT_RANGES:
        return str(v)
    if t == FD.TYPE_FLOAT:
        return ('f32', v)
    if t == FD.TYPE_DOUBLE:
        return ('f64', v)
    if t == FD.TYPE_BOOL:
        return 'true' if v else 'false'
    if t == FD.TYPE_STRING:
        return v
    if t == FD.TYPE_BYTES:
        return v.hex()
    if t == FD.TYPE_ENUM:
        if col.pgtype == 'integer':
            return str(v)
        return canonical_enum(fd.enum_type, v)
    raise SystemExit('no expectation for %s' % col.name)


def pyfloat(text):
    return float(text)


def same_float(a, b, is32):
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    fmt = '<f' if is32 else '<d'
    return struct.pack(fmt, a) == struct.pack(fmt, b)


def agrees(col, want, ours, parent_md):
    """Does our column text match the oracle's expectation?"""
    if isinstance(want, tuple) and want[0] == 'json':
        pass
    elif want is None or ours is None:
        return want is None and ours is None
    if isinstance(want, str):
        return want == ours
    kind = want[0]
    if kind == 'dec':
        return Dec(ours) == want[1]
    if kind in ('f32', 'f64'):
        try:
            return same_float(pyfloat(ours), want[1], kind == 'f32')
        except (ValueError, OverflowError):
            return False
    if kind == 'json':
        _, js, fd, present = want
        if ours is None:
            return not present and fd.label != FD.LABEL_REPEATED
        sh = Shim()
        v = sh.field(fd, loads_dec(ours))
        m2, err = parse({} if v is DROP else {fd.json_name: v}, fd.containing_type)
        if err:
            return False
        d = msg_dict(m2)
        return field_json(fd, d if d is not None else msg_dict(m2, fd.name)) == js
    raise SystemExit('bad expectation %r' % (want,))


def show(want):
    if isinstance(want, tuple):
        if want[0] == 'json':
            return 'json:' + want[1]
        return '%s:%r' % want
    return repr(want)


# ------------------------------------------------------------------ the shim
# Where pbtable reads a value otherwise than Debian's python3-protobuf 3.21
# -- because the conformance suite or the JSON mapping says so, or because
# jsonb cannot keep what was written -- the Shim rewrites the value into
# what pbtable reads and names the kind of difference (a `json-diff:` tag
# of docs/pbtables.md).  INVALID makes the parser reject a field (every
# type refuses an object it does not know).  Nothing else is rewritten,
# so any other difference between pbtable and the parser is a failure.


class Invalid:
    def __repr__(self):
        return 'INVALID'


INVALID = Invalid()
DROP = object()
NUM_RE = re.compile(r'[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?0*[0-9]{1,4})?\Z')
INT_RE = re.compile(r'[-+]?[0-9]+\Z')
B64_RE = re.compile(r'[A-Za-z0-9+/_-]*={0,2}\Z')
TS_RE = re.compile(r'([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):'
                   r'([0-9]{2})(\.[0-9]{1,9})?(Z|([+-])([0-9]{2}):([0-9]{2}))\Z')
DUR_RE = re.compile(r'-?[0-9]+(\.[0-9]{1,9})?s\Z')
DBL_MID = Dec(2**1024 - 2**970)
FLT_MID = 2.0**128 - 2.0**103


def ts_strict(t):
    """The timestamp grammar and ranges of the conformance suite."""
    m = TS_RE.match(t)
    if not m:
        return False
    y, mo, d, h, mi, sec = (int(m.group(i)) for i in range(1, 7))
    try:
        base = datetime.datetime(y, mo, d, h, mi, sec)
    except ValueError:
        return False
    if m.group(8) != 'Z':
        oh, om = int(m.group(10)), int(m.group(11))
        if oh > 23 or om > 59:
            return False
        off = datetime.timedelta(hours=oh, minutes=om)
        try:
            base = base - off if m.group(9) == '+' else base + off
        except OverflowError:
            return False
    return datetime.datetime(1, 1, 1) <= base <= \
        datetime.datetime(9999, 12, 31, 23, 59, 59)


def dur_strict(t):
    return bool(DUR_RE.match(t)) and abs(int(Dec(t[:-1]))) <= 315576000000


def null_is_value(f):
    return (f.type == FD.TYPE_MESSAGE and
            f.message_type.full_name == 'google.protobuf.Value') or \
        (f.type == FD.TYPE_ENUM and
         f.enum_type.full_name == 'google.protobuf.NullValue')


KEYS = {}


def field_by_key(md, k):
    """The field of md under JSON key k (json_name or proto name)."""
    if md.full_name not in KEYS:
        d = {}
        for f in md.fields:
            d[f.json_name] = f
            d[f.name] = f
        KEYS[md.full_name] = d
    return KEYS[md.full_name].get(k)


def in_oneof(f, o):
    return f is not None and f.containing_oneof is not None and \
        f.containing_oneof.full_name == o.full_name


def floats(v):
    if isinstance(v, Dec):
        return float(v) if abs(v) < DBL_MID else math.copysign(math.inf, v)
    if isinstance(v, dict):
        return {k: floats(x) for k, x in v.items()}
    if isinstance(v, list):
        return [floats(x) for x in v]
    return v


def loads_dec(text):
    return json.loads(text, object_pairs_hook=dup_check, parse_float=Dec)


class Shim:
    def __init__(self):
        self.kinds = set()

    def msg(self, md, obj):
        fn = md.full_name
        if not isinstance(obj, dict):
            if obj is not None and (isinstance(obj, (str, list))):
                # python iterates a string or a list given for a message
                self.kinds.add('py-message-not-object')
                return INVALID
            return floats(obj)
        if fn == 'google.protobuf.Any':
            return self.any(obj)
        if fn in ('google.protobuf.Struct', 'google.protobuf.Empty'):
            return floats(obj)
        out = {}
        byfield = {}
        for k in obj:
            f = field_by_key(md, k)
            if f is None:
                out[k] = floats(obj[k])
                continue
            byfield.setdefault(f.name, []).append(k)
        for name, ks in byfield.items():
            f = md.fields_by_name[name]
            if len(ks) > 1:
                # protobuf takes the last; jsonb has no order: invalid
                self.kinds.add('both-names')
                out[f.json_name] = INVALID
                continue
            v = self.field(f, obj[ks[0]])
            if v is not DROP:
                out[ks[0]] = v
        for o in md.oneofs:
            if len(o.fields) == 1 and o.name == '_' + o.fields[0].name:
                continue
            keys = [k for k in obj if in_oneof(field_by_key(md, k), o)]
            nulls = [k for k in keys if obj[k] is None and
                     null_is_value(field_by_key(md, k))]
            set_ = [k for k in keys if obj[k] is not None]
            if nulls and len(set_) + len(nulls) > 1:
                # python: the last member wins; jsonb has no order
                self.kinds.add('oneof-null-member')
                for k in keys:
                    out[k] = INVALID
        return out

    def any(self, obj):
        if obj and isinstance(obj.get('@type'), str):
            # pbtable checks an Any's @type, not its content: an Any
            # protobuf refuses, or reads otherwise, is an empty one
            sub = Shim()
            try:
                md = POOL.FindMessageTypeByName(obj['@type'].split('/')[-1])
            except KeyError:
                md = None
            if md is not None and md.full_name.startswith('google.protobuf.'):
                sub.message_value(md, obj.get('value'))
            elif md is not None:
                sub.msg(md, {k: v for k, v in obj.items() if k != '@type'})
            m, err = parse({'any': floats(obj)}, POOL.FindMessageTypeByName(MSG))
            if m is None or sub.kinds:
                self.kinds.add('any-content')
                return {}
        return floats(obj)

    def field(self, f, v):
        if v is None:
            if f.label == FD.LABEL_REPEATED and not is_map(f) and \
                    null_is_value(f):
                # python fails on null for a repeated Value or NullValue
                self.kinds.add('py-repeated-null')
                return DROP
            return None
        if is_map(f):
            if not isinstance(v, dict):
                return floats(v)
            kd = f.message_type.fields_by_name['key']
            vd = f.message_type.fields_by_name['value']
            out = {}
            norm = {}
            for k, x in v.items():
                out[k] = self.single(vd, x) if x is not None else None
                if kd.type in INT_RANGES and INT_RE.match(k):
                    if int(k) in norm:
                        # python keeps the last; jsonb has no order
                        self.kinds.add('map-key-twice')
                        out[k] = out[norm[int(k)]] = INVALID
                    norm[int(k)] = k
                if kd.type in INT_RANGES and not INT_RE.match(k):
                    lo, hi, _ = INT_RANGES[kd.type]
                    try:
                        n = int(k)
                    except ValueError:
                        continue
                    if lo <= n <= hi and ' ' not in k:
                        # python's int() takes '1_0', '\u0661', '\t1'
                        self.kinds.add('py-lenient-number')
                        out[k] = INVALID
            return out
        if f.label == FD.LABEL_REPEATED:
            if not isinstance(v, list):
                return floats(v)
            if f.type == FD.TYPE_ENUM and null_is_value(f) and None in v:
                # python refuses null for a NullValue in a list
                self.kinds.add('py-repeated-null')
                v = [0 if x is None else x for x in v]
            return [self.single(f, x) if x is not None else None for x in v]
        return self.single(f, v)

    def single(self, f, v):
        t = f.type
        if t in INT_RANGES:
            return self.integer(v, *INT_RANGES[t][:2])
        if t in (FD.TYPE_FLOAT, FD.TYPE_DOUBLE):
            return self.real(v, t == FD.TYPE_FLOAT)
        if t == FD.TYPE_BYTES and isinstance(v, str):
            if not (B64_RE.match(v) and len(v.rstrip('=')) % 4 != 1):
                self.kinds.add('py-lenient-base64')
                return INVALID
            return v
        if t == FD.TYPE_ENUM:
            return self.enum(f.enum_type, v)
        if t == FD.TYPE_MESSAGE:
            return self.message_value(f.message_type, v)
        return floats(v)

    def message_value(self, md, v):
        if True:
            fn = md.full_name
            if fn in WRAPPER_NAMES:
                return self.single(md.fields_by_name['value'], v)
            if fn == 'google.protobuf.Timestamp' and isinstance(v, str):
                if not ts_strict(v):
                    self.kinds.add('py-lenient-timestamp')
                    return INVALID
                return v
            if fn == 'google.protobuf.Duration' and isinstance(v, str):
                if not dur_strict(v):
                    self.kinds.add('py-lenient-duration')
                    return INVALID
                return v
            if fn in ('google.protobuf.Value', 'google.protobuf.ListValue',
                      'google.protobuf.FieldMask', 'google.protobuf.Timestamp',
                      'google.protobuf.Duration'):
                return floats(v)
            return self.msg(md, v)

    def integer(self, v, lo, hi):
        if isinstance(v, bool):
            return v
        if isinstance(v, str):
            if INT_RE.match(v):
                return v
            if NUM_RE.match(v):
                d = float(Dec(v)) if abs(Dec(v)) < DBL_MID else math.inf
                if math.isfinite(d) and d == int(d) and lo <= int(d) <= hi:
                    # python reads quoted integers with int(); the suite
                    # wants "1e5" (Int32FieldQuotedExponentialValue)
                    self.kinds.add('py-quoted-float-int')
                    return int(d)
                return v
            try:
                int(v)
                ok = ' ' not in v
            except ValueError:
                ok = False
            if ok:
                # python's int() takes '1_0', '\u0661', '\t1'
                self.kinds.add('py-lenient-number')
                return INVALID
            return v
        if isinstance(v, Dec):
            if v.is_finite() and abs(v) < 2**64 and v == v.to_integral_value() \
                    and v.as_tuple().exponent >= 0 and int(v) != int(float(v)):
                # jsonb keeps 1.2e19 as an exact integer
                self.kinds.add('jsonb-number')
                return int(v)
            return floats(v)
        return v

    def real(self, v, f32_):
        if isinstance(v, bool):
            # python's float(True) is 1.0 (FloatFieldTrueValue rejects it)
            self.kinds.add('py-bool-number')
            return INVALID
        if isinstance(v, str):
            if v in ('NaN', 'Infinity', '-Infinity'):
                return v
            if NUM_RE.match(v):
                d = Dec(v)
                x = float(d) if abs(d) < DBL_MID else math.copysign(math.inf, d)
                if f32_ and math.isfinite(x) and abs(x) >= FLT_MID:
                    # python makes it Infinity, C++ refuses it
                    self.kinds.add('py-float-string-range')
                    return INVALID
                return v
            try:
                float(v)
                ok = v != 'nan'
            except ValueError:
                ok = False
            if ok:
                # python's float() takes ' 1', '1_0', 'inf', 'NAN'
                self.kinds.add('py-lenient-number')
                return INVALID
            return v
        if isinstance(v, Dec):
            if v.is_zero() and v.is_signed():
                # a JSON number -0 is 0 in jsonb
                self.kinds.add('jsonb-number')
                return 0.0
            x = floats(v)
            if f32_ and math.isfinite(x) and FLT_MAX < abs(x) < FLT_MID:
                # it rounds to FLT_MAX; python refuses it
                self.kinds.add('py-float-max')
                return math.copysign(FLT_MAX, x)
            return x
        return v

    def enum(self, ed, v):
        if isinstance(v, bool):
            # python's int(True) is 1 (EnumFieldTrueValue rejects it)
            self.kinds.add('py-bool-number')
            return INVALID
        if isinstance(v, str):
            if ed.values_by_name.get(v) is not None:
                return v
            if INT_RE.match(v):
                if not -2**31 <= int(v) < 2**31:
                    # python wraps it into 32 bits
                    self.kinds.add('py-enum-range')
                    return INVALID
                return v
            try:
                int(v)
            except ValueError:
                return v
            self.kinds.add('py-lenient-number')
            return INVALID
        if isinstance(v, Dec):
            x = floats(v)
            if not math.isfinite(x):
                return x
            if x != int(x):
                # python truncates 1.5 to 1
                self.kinds.add('py-enum-fraction')
                return INVALID
            v = int(x)
        if isinstance(v, int) and not isinstance(v, bool) and \
                not -2**31 <= v < 2**31:
            self.kinds.add('py-enum-range')
            return INVALID
        return v


# ------------------------------------------------------------------ documents

class Tally:
    def __init__(self, allowed):
        self.allowed = allowed
        self.agree = 0
        self.documented = {}
        self.undocumented = []
        self.unknown_kinds = set()

    def ok(self):
        self.agree += 1

    def differ(self, kinds, what):
        kinds = sorted(kinds) if kinds else []
        if kinds and all(k in self.allowed for k in kinds):
            key = '+'.join(kinds)
            self.documented[key] = self.documented.get(key, 0) + 1
            return
        for k in kinds:
            if k not in self.allowed:
                self.unknown_kinds.add(k)
        self.undocumented.append(('%s [%s]' % (what, ' '.join(kinds)))
                                 if kinds else what)


def make_docs(n, desc):
    """n documents: (id, text); canonical ones re-serialised by protobuf."""
    docs = []
    i = 0
    while len(docs) < n:
        i += 1
        did = 'd%d' % i
        bad_rate = R.choice([0.0, 0.0, 0.0, 0.01, 0.03])
        tree = {'id': did}
        tree.update(gen_message(desc, 0, bad_rate, top=True))
        text = dumps(tree)
        docs.append((did, text))
        if R.random() < 0.25 and len(docs) < n:
            try:
                m, err = parse(loads(text), desc)
            except ValueError:
                m = None
            if m is not None:
                m.id = did + 'c'
                canon = json_format.MessageToJson(
                    m, indent=None, descriptor_pool=POOL,
                    preserving_proto_field_name=R.random() < 0.2)
                docs.append((did + 'c', canon))
    return docs


def insert_docs(docs):
    psql('DROP TABLE IF EXISTS oracle.stage, oracle.outcome; '
         'CREATE TABLE oracle.stage (id text PRIMARY KEY, doc text); '
         'CREATE TABLE oracle.outcome (id text, plain text, strict text)')
    copy_in('oracle.stage', docs)
    psql("""DO $$
DECLARE r record; e1 text; e2 text;
BEGIN
  FOR r IN SELECT * FROM oracle.stage LOOP
    e1 := NULL; e2 := NULL;
    BEGIN
      INSERT INTO %s (data) VALUES (r.doc::jsonb);
    EXCEPTION WHEN OTHERS THEN e1 := SQLSTATE || ' ' || SQLERRM;
    END;
    BEGIN
      INSERT INTO %s (data) VALUES (r.doc::jsonb);
    EXCEPTION WHEN OTHERS THEN e2 := SQLSTATE || ' ' || SQLERRM;
    END;
    INSERT INTO oracle.outcome VALUES (r.id, e1, e2);
  END LOOP;
END $$""" % (TABLE, STRICT))
    outcome = {}
    for line in psql("SELECT to_jsonb(o)::text FROM oracle.outcome o").split("\n"):
        if line:
            o = json.loads(line)
            outcome[o['id']] = o
    return outcome


def fetch_rows(table, cols, where=''):
    sel = ', '.join('%s AS "%s"' % (conv_sql(c), c.name) for c in cols)
    rows = {}
    for line in psql('SELECT to_jsonb(r)::text FROM (SELECT %s FROM %s %s) r'
                     % (sel, table, where)).split("\n"):
        if line:
            o = json.loads(line)
            rows[o['id']] = o
    return rows


EMPTY = [None]


class Doc:
    """One document as protobuf reads it, as written and shimmed."""

    def __init__(self, desc, text):
        self.desc = desc
        self.kinds = set()
        self.dicts = {}
        self.same = False
        sh = Shim()
        try:
            self.raw_js = loads(text)
        except ValueError:
            self.raw_js = None
        try:
            self.dec_js = json.loads(text, parse_float=Dec)
        except ValueError:
            self.dec_js = None
        if self.dec_js is None:
            self.full = self.sfull = None
            self.ferr = self.serr = 'not JSON for python'
            return
        if self.raw_js is None:
            # a key twice: python refuses it, jsonb keeps the last (the
            # suite allows both: FieldNameDuplicate)
            sh.kinds.add('duplicate-key')
            self.full, self.ferr = None, 'a key twice'
        else:
            self.full, self.ferr = parse(self.raw_js, desc)
        self.sfull, self.serr = parse(sh.msg(desc, self.dec_js), desc)
        self.kinds = sh.kinds
        # nothing rewritten: protobuf reads the same either way
        self.same = not self.kinds and self.full is not None

    def reading(self, col, shimmed):
        """(message, None) or (None, error) for the column."""
        full = self.sfull if shimmed else self.full
        if full is not None:
            return full, None
        if shimmed:
            js = Shim().msg(self.desc, subdoc(self.desc, self.dec_js, col.path,
                                              col.kind))
        elif self.raw_js is None:
            return None, self.ferr
        else:
            js = subdoc(self.desc, self.raw_js, col.path, col.kind)
        if js == {}:
            # most columns of a document are absent: parse that once
            if EMPTY[0] is None:
                EMPTY[0] = parse({}, self.desc)
            return EMPTY[0]
        return parse(js, self.desc)

    def column_kinds(self, col):
        sh = Shim()
        sh.msg(self.desc, subdoc(self.desc, self.dec_js, col.path, col.kind))
        if self.raw_js is None:
            sh.kinds.add('duplicate-key')
        return sh.kinds


def check_docs(docs, desc, cols, tally):
    outcome = insert_docs(docs)
    rows = fetch_rows(TABLE, cols)
    n_cmp = 0
    for did, text in docs:
        out = outcome[did]
        doc = Doc(desc, text)
        if out['plain'] is not None:
            # jsonb refused the text: protobuf must refuse it too
            if doc.full is None:
                tally.ok()
            else:
                tally.differ(['jsonb-refuses'] if '\\u0000' in text else [],
                             'doc %s: jsonb refused %s (%s), protobuf reads it'
                             % (did, text[:200], out['plain'][:80]))
            continue
        row = rows[did]
        strict_ok = out['strict'] is None
        if strict_ok != (doc.sfull is not None):
            tally.differ([], 'doc %s: strict %s, protobuf (shim: %s) %s: %s' % (
                did, 'accepts' if strict_ok else
                'rejects (%s)' % out['strict'][:120],
                ' '.join(sorted(doc.kinds)) or '-',
                'accepts' if doc.sfull is not None else
                'rejects (%s)' % doc.serr[:160], text[:300]))
        elif (doc.full is not None) != (doc.sfull is not None):
            tally.differ(doc.kinds, 'doc %s: strict' % did)
        else:
            tally.ok()
        for c in cols:
            n_cmp += 1
            compare_column(c, doc, row.get(c.name), did, tally)
    return n_cmp


def parent_desc(desc, col):
    md = desc
    for seg in col.path[:-1]:
        md = md.fields_by_name[seg].message_type
    return md


def expectation(c, doc, shimmed):
    """(('ok', what the column should hold), None) or (None, error)."""
    msg, err = doc.reading(c, shimmed)
    if msg is None:
        return None, err
    fd, present, v, parent = read(c, msg)
    # the parent's dict once per document (not for a column's own subdoc)
    key = (msg is doc.sfull, tuple(c.path[:-1])) \
        if msg is doc.sfull or msg is doc.full else None

    def pdict():
        if key is None:
            d = msg_dict(parent)
        else:
            if key not in doc.dicts:
                doc.dicts[key] = msg_dict(parent)
            d = doc.dicts[key]
        return d if d is not None else msg_dict(parent, fd.name)
    want = expect(c, fd, present, v, parent, pdict)
    leafs = leaf_value(doc.desc, doc.dec_js, c.path) if c.kind != 'oneof' else []
    if c.pgtype == 'jsonb' and c.helper == 'pbtable.value_v2' and not leafs and \
            not (fd.type == FD.TYPE_MESSAGE and
                 fd.message_type.full_name == 'google.protobuf.Value'):
        # type: jsonb is the JSON value as written: absent is NULL
        want = None
    return ('ok', want), None


def same_expectation(a, b):
    if a is None or b is None:
        return a is None and b is None
    return show(a[1]) == show(b[1])


def compare_column(c, doc, ours, did, tally):
    leafs = leaf_value(doc.desc, doc.dec_js, c.path) if c.kind != 'oneof' else []
    want, err = expectation(c, doc, True)
    if want is None:
        good = ours is None
    else:
        good = agrees(c, want[1], ours, parent_desc(doc.desc, c))
    if good:
        if doc.same:
            tally.ok()
            return
        raw, _ = expectation(c, doc, False)
        if same_expectation(raw, want):
            tally.ok()
        else:
            tally.differ(doc.column_kinds(c),
                         'doc %s column %s: raw %s, shimmed %s' % (
                             did, c.name, show(raw[1]) if raw else 'rejects',
                             show(want[1]) if want else 'rejects'))
        return
    tally.differ(post_hoc(c, doc, leafs, ours, want),
                 'doc %s column %s: json %s: ours %r, protobuf %s' %
                 (did, c.name, dumps_leafs(leafs), ours,
                  show(want[1]) if want else 'rejects (%s)' % err[:150]))


def post_hoc(c, doc, leafs, ours, want):
    """The kind of a difference no rewrite of the input expresses."""
    if want is None and ours is not None:
        if c.kind == 'oneof':
            return ['oneof-case-unchecked']
        if c.pgtype == 'jsonb' and c.helper == 'pbtable.json_v2':
            return ['jsonb-content']
        if c.pgtype == 'jsonb' and c.helper == 'pbtable.value_v2':
            return ['jsonb-raw']
        if c.helper == 'pbtable.enum_v2' and len(leafs) == 1 and \
                isinstance(leafs[0][1], str) and ours == leafs[0][1]:
            return ['enum-unknown-name']
    if 'google.protobuf.Any' in c.ptype and 'any-content' in doc.column_kinds(c):
        # jsonb rewrote a number inside an Any, whose content pbtable
        # does not read
        return ['any-content']
    if c.helper == 'pbtable.fieldmask_v2' and any(
            isinstance(v, str) and any(ch.isupper() and ord(ch) > 127 for ch in v)
            for _, v in leafs):
        return ['fieldmask-non-ascii']
    return []


def dumps_leafs(leafs):
    return ', '.join('%s=%s' % (k, json.dumps(floats(v), ensure_ascii=False,
                                              default=repr)[:100])
                     for k, v in leafs) or '(absent)'


# ------------------------------------------------------------------ the view
# Typed values written through the view: what JSON can hold must be
# written as JSON protobuf reads back as that value; what it cannot hold
# must be refused with a clear error (22003 out of range, 22007 not a
# Timestamp/Duration, 22P02 not a value of the field) naming the column.

BASES = ['{}', '{"cString": "x"}', '{"f_int32": 7, "c_uint32": 3}',
         '{"inner": {"n": 1, "label_text": "a", "pickS": "p"}}',
         '{"fInt64": "5", "unknownKey": [1], "o_color": "RED"}']


def col_field(desc, c):
    md = desc
    for seg in c.path[:-1]:
        md = md.fields_by_name[seg].message_type
    return md.fields_by_name.get(c.path[-1])


def canonical_json(fd, bad):
    """A value of fd as protobuf writes it (bad: one it refuses), as
    jsonb text, or None."""
    for _ in range(20):
        v = gen_field(fd, 0, bad)
        md = fd.containing_type
        sh = Shim()
        try:
            js = sh.field(fd, loads_dec(dumps(v)))
        except ValueError:
            continue    # a key twice
        m, err = parse({} if js is DROP else {fd.json_name: js}, md)
        if bad:
            if m is None and not sh.kinds:
                return dumps(v)
            continue
        if m is None or sh.kinds:
            continue
        out = json.loads(json_format.MessageToJson(m, indent=None,
                                                   descriptor_pool=POOL))
        return json.dumps(out.get(fd.json_name, [] if fd.label == FD.LABEL_REPEATED
                                  and not is_map(fd) else
                                  {} if is_map(fd) else None))
    return None


def pg_float(x):
    if math.isnan(x):
        return 'NaN'
    if math.isinf(x):
        return 'Infinity' if x > 0 else '-Infinity'
    return repr(x)


def gen_write(c, fd):
    """(value, expected read-back or None, 'ok' or an SQLSTATE)."""
    t, ft = c.pgtype, fd.type
    if c.helper == 'pbtable.value_v2' and t == 'jsonb' or t == 'jsonb':
        bad = R.random() < 0.3
        v = canonical_json(fd, bad)
        if v is None:
            return None
        return v, (None if bad else v), '22P02' if bad else 'ok'
    if ft in INT_RANGES or (ft == FD.TYPE_ENUM and t == 'integer'):
        lo, hi, _ = INT_RANGES.get(ft, (-2**31, 2**31 - 1, False))
        if t == 'integer':
            v = str(int_value(-2**31, 2**31 - 1))
            return v, v, 'ok'
        r = R.random()
        if r < 0.15 and (t != 'bigint' or hi < 2**63 - 1):
            v = str(pick(lo - 1, hi + 1, lo - 10**6, hi + 10**6))
            return v, None, '22003'
        if r < 0.25 and t == 'numeric':
            return pick('1.5', '-0.25', '7.000001'), None, '22P02'
        v = str(int_value(lo, hi))
        return v, v, 'ok'
    if ft in (FD.TYPE_FLOAT, FD.TYPE_DOUBLE):
        is32 = ft == FD.TYPE_FLOAT
        r = R.random()
        if r < 0.1:
            v = pick('NaN', 'Infinity', '-Infinity', '-0')
            return v, v, 'ok'
        if r < 0.2 and is32 and t == 'double precision':
            return pick('1e39', '-3.5e38'), None, '22003'
        v = gen_float(is32, False)
        x = float(v.text if isinstance(v, Raw) else v) \
            if (v.text if isinstance(v, Raw) else v) not in (
                'NaN', 'Infinity', '-Infinity') else float(
                    (v.text if isinstance(v, Raw) else v).replace('Infinity', 'inf'))
        if is32:
            x = f32(x) if abs(x) < FLT_MID else math.copysign(math.inf, x)
        if r < 0.25:
            x = pick(FLT_MAX, -FLT_MAX) if is32 else pick(1.7976931348623157e308,
                                                         5e-324)
        return pg_float(x), pg_float(x), 'ok'
    if ft == FD.TYPE_BOOL:
        v = pick('true', 'false')
        return v, v, 'ok'
    if ft == FD.TYPE_STRING:
        v = gen_string(False)
        if isinstance(v, Raw):
            v = 'raw'
        return v, v, 'ok'
    if ft == FD.TYPE_BYTES:
        v = '\\x' + bytes(R.getrandbits(8) for _ in range(R.randint(0, 60))).hex()
        return v, v, 'ok'
    if ft == FD.TYPE_ENUM:
        ed = fd.enum_type
        r = R.random()
        if r < 0.1:
            return pick('BOGUS', 'red', ' RED', ''), None, '22P02'
        if r < 0.15:
            return pick('2147483648', '-2147483649'), None, '22003'
        if r < 0.6:
            val = R.choice(ed.values)
            return val.name, canonical_enum(ed, val.number), 'ok'
        n = pick(R.choice(ed.values).number, 7, -1, 2**31 - 1)
        return str(n), canonical_enum(ed, n), 'ok'
    mt = fd.message_type.full_name if ft == FD.TYPE_MESSAGE else ''
    if mt in WRAPPER_NAMES:
        return gen_write(c, fd.message_type.fields_by_name['value'])
    if mt == 'google.protobuf.Timestamp':
        r = R.random()
        if r < 0.15:
            return pick('0044-03-15 12:00:00+00 BC', '10000-01-01 00:00:00+00',
                        'infinity', '-infinity', '0001-01-01 00:00:00+01'), \
                None, '22007'
        v = '%04d-%02d-%02d %02d:%02d:%02d.%06d+00' % (
            pick(1, 1970, 2024, 9999, R.randint(1, 9999)), R.randint(1, 12),
            R.randint(1, 28), R.randint(0, 23), R.randint(0, 59), R.randint(0, 59),
            pick(0, 500000, R.randint(0, 999999)))
        return v, v, 'ok'
    if mt == 'google.protobuf.Duration':
        r = R.random()
        if t == 'interval':
            if r < 0.1:
                return pick('1 month', '-2 years 3 seconds'), None, '22007'
            if r < 0.2:
                return pick('3652501 days', '-3652500 days -1 seconds'), None, '22003'
            v = '%d days %d hours %d.%06d seconds' % (
                R.randint(-5000, 5000), R.randint(-30, 30), R.randint(-100, 100),
                R.randint(0, 999999))
            return v, v, 'ok'
        if r < 0.15:
            return pick('315576000001', '-315576000001.5'), None, '22003'
        v = '%d.%09d' % (R.randint(-315576000000, 315576000000), R.randint(0, 10**9 - 1))
        return v, v, 'ok'
    if mt == 'google.protobuf.FieldMask':
        if R.random() < 0.3:
            return pick('{FooBar}', '{foo__bar}', '{a_1}', '{""}', '{a_}', '{x,NULL}',
                        '{a,B}'), None, '22P02'
        v = '{%s}' % ','.join(R.choice(['foo_bar.baz', 'a', 'x1.y_z', 'b.c_d_e'])
                              for _ in range(R.randint(0, 3)))
        return v, v, 'ok'
    if mt == 'google.protobuf.Empty':
        v = pick('true', 'false')
        return v, v, 'ok'
    return None


def check_writes(desc, cols, n, tally):
    writable = [c for c in cols if c.kind != 'oneof' and c.name != 'id']
    writes = []
    for i in range(n):
        c = R.choice(writable)
        w = gen_write(c, col_field(desc, c))
        if w is None or re.search(r'\\u(0000|d[89a-f])', w[0], re.I):
            continue    # not even jsonb
        writes.append((str(i), c.name, c.pgtype, w[0], R.choice(BASES),
                       w[1] if w[1] is not None else '', w[2]))
    psql('DROP TABLE IF EXISTS oracle.writes, oracle.wresult; '
         'CREATE TABLE oracle.writes (n int, col text, typ text, val text, '
         'base text, back text, expect text); '
         'CREATE TABLE oracle.wresult (n int, err text, data text, same boolean)')
    copy_in('oracle.writes', writes)
    psql("""DO $$
DECLARE r record; e text; d text; same boolean;
BEGIN
  FOR r IN SELECT * FROM oracle.writes ORDER BY n LOOP
    e := NULL; d := NULL; same := NULL;
    BEGIN
      EXECUTE format('INSERT INTO %s (id, data, %%I) VALUES ($1, $2::jsonb, $3::%%s)
                      RETURNING data::text', r.col, r.typ)
        INTO d USING 'w' || r.n, r.base, r.val;
      IF r.expect = 'ok' THEN
        EXECUTE format('SELECT %%I IS NOT DISTINCT FROM $1::%%s FROM %s WHERE id = $2',
                       r.col, r.typ)
          INTO same USING r.back, 'w' || r.n;
      END IF;
    EXCEPTION WHEN OTHERS THEN e := SQLSTATE || ' ' || SQLERRM;
    END;
    INSERT INTO oracle.wresult VALUES (r.n, e, d, same);
  END LOOP;
END $$""" % (VIEW, TABLE))
    res = {}
    for line in psql('SELECT to_jsonb(r)::text FROM oracle.wresult r').split('\n'):
        if line:
            o = json.loads(line)
            res[str(o['n'])] = o
    rows = fetch_rows(TABLE, cols, "WHERE id LIKE 'w%'")
    for n_, col, typ, val, base, back, want in writes:
        o = res[n_]
        what = 'write %s %s = %r (%s) on %s' % (n_, col, val, typ, base)
        if want != 'ok':
            if o['err'] and o['err'].startswith(want + ' ') and col in o['err']:
                tally.ok()
            else:
                tally.differ([], '%s: want error %s naming the column, got %s' % (
                    what, want, o['err'] or 'data ' + (o['data'] or '')))
            continue
        if o['err']:
            tally.differ([], '%s: failed: %s' % (what, o['err']))
            continue
        if not o['same']:
            tally.differ([], '%s: reads back %r, want %r (data %s)' % (
                what, rows['w' + n_].get(col), back, o['data']))
            continue
        doc = Doc(desc, o['data'])
        if doc.sfull is None:
            tally.differ([], '%s: wrote %s, which protobuf refuses (%s)' % (
                what, o['data'], doc.serr))
            continue
        if doc.full is None:
            tally.differ(doc.kinds, '%s: wrote %s' % (what, o['data']))
        else:
            tally.ok()
        for c in cols:
            compare_column(c, doc, rows['w' + n_].get(c.name), 'w' + n_, tally)
    return len(writes)


# ------------------------------------------------------------------ main

def allowed_kinds(md_path):
    with open(md_path, encoding='utf-8') as f:
        return set(re.findall(r'json-diff: ([a-z0-9-]+)', f.read()))


def main():
    global POOL, FACTORY
    set_path, md_path = sys.argv[1], sys.argv[2]
    n_docs = int(sys.argv[3]) if len(sys.argv) > 3 else 6000
    R.seed(int(sys.argv[4]) if len(sys.argv) > 4 else 14)
    POOL = load_pool(set_path)
    FACTORY = message_factory.MessageFactory(POOL)
    desc = POOL.FindMessageTypeByName(MSG)
    tally = Tally(allowed_kinds(md_path))
    cols = columns(TABLE)
    docs = make_docs(n_docs, desc)
    n_cmp = check_docs(docs, desc, cols, tally)
    n_writes = check_writes(desc, cols, n_docs // 3, tally)
    print('json oracle: %d documents, %d columns, %d column readings, '
          '%d writes through the view' % (len(docs), len(cols), n_cmp, n_writes))
    show_n = int(os.environ.get('ORACLE_SHOW', '60'))
    for d in tally.undocumented[:show_n]:
        print('not ok - ' + d)
    if len(tally.undocumented) > show_n:
        print('... and %d more' % (len(tally.undocumented) - show_n))
    for k in sorted(tally.documented):
        print('json oracle: documented difference %s: %d' % (k, tally.documented[k]))
    for k in sorted(tally.unknown_kinds):
        print('not ok - kind %s is not in %s' % (k, md_path))
    n_diff = len(tally.undocumented) + sum(tally.documented.values())
    print('json oracle: %d agree, %d differ' % (tally.agree, n_diff))
    failed = len(tally.undocumented)
    print('%s: %d passed, %d failed' % (os.environ.get('SUITE', 'json'),
                                       tally.agree + sum(tally.documented.values()),
                                       failed))
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
