#ifndef PBT_FUZZ_H
#define PBT_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/*
 * Every fuzz target is one libFuzzer entry point.  `make fuzz` links it
 * with libFuzzer (clang); `make check` links it with replay.c and feeds
 * it the seeds in testdata/fuzz/<target>/ under ASan+UBSan.  Targets
 * never print: errors are expected results, crashes are bugs.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
