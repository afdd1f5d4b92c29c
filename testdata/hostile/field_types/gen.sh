protoc --encode=loose.FileDescriptorSet -I "$TESTDATA/hostile" \
	"$TESTDATA/hostile/loose.proto" < loose.txt
