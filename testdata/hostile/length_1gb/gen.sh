# set { file { name: "h.proto" message_type: <1 GiB declared, 3 bytes there> } }
# then a second file whose own length says 2^63.
printf '\012\022\012\007h.proto\042\200\200\200\200\004\012\001A'
printf '\012\200\200\200\200\200\200\200\200\200\001\012\001x'
