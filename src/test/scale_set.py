# scale_set.py IN OUT K: write to OUT a copy of the FileDescriptorSet IN
# with every file, package and type reference moved under "pbtscaleK", so
# that `cat IN OUT1 OUT2 ...` is one valid set holding the schema several
# times over (make bench's scaling runs).  Source info is kept as is.
# Runs with Debian's python3-protobuf: /usr/bin/python3.
import sys

from google.protobuf import descriptor_pb2


def ref(p, name):
    return "." + p + name if name.startswith(".") else name


def fields(p, fs):
    for f in fs:
        if f.HasField("type_name"):
            f.type_name = ref(p, f.type_name)
        if f.HasField("extendee"):
            f.extendee = ref(p, f.extendee)


def message(p, m):
    fields(p, m.field)
    fields(p, m.extension)
    for n in m.nested_type:
        message(p, n)


def main():
    src, dst, k = sys.argv[1], sys.argv[2], int(sys.argv[3])
    p = "pbtscale%d" % k
    s = descriptor_pb2.FileDescriptorSet()
    with open(src, "rb") as f:
        s.ParseFromString(f.read())
    for f in s.file:
        f.name = p + "/" + f.name
        deps = [p + "/" + d for d in f.dependency]
        del f.dependency[:]
        f.dependency.extend(deps)
        f.package = p + "." + f.package if f.package else p
        for m in f.message_type:
            message(p, m)
        fields(p, f.extension)
        for sv in f.service:
            for m in sv.method:
                m.input_type = ref(p, m.input_type)
                m.output_type = ref(p, m.output_type)
    with open(dst, "wb") as f:
        f.write(s.SerializeToString())


main()
