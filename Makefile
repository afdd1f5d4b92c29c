# pbtable: one non-recursive Makefile.  A new module is one LIB_OBJS line.
#
#   make            build build/pbtable
#   make demo       install missing packages, build, run `breaking` on testdata/demo
#   make check      install missing packages, build, run every test, then again
#                   under AddressSanitizer + UndefinedBehaviorSanitizer
#   make conformance   buf's own cases from ../shared (when present)
#   make bench      performance against buf and the load floor (see docs/performance.md)
#   make history-corpus   `history` against all pairwise runs on ../shared's googleapis snapshots

CC       ?= cc
PROTOC   ?= protoc
PROTOC_C ?= protoc-c
# Where the system's google/protobuf/descriptor.proto lives (libprotobuf-dev).
PROTO_INC ?= /usr/include
PG_INC   := $(shell pg_config --includedir 2>/dev/null || echo /usr/include/postgresql)

B        := build
GEN      := $(B)/gen
SHARED   ?= ../shared

CFLAGS   ?= -O2 -g
CFLAGS   += -std=c11 -D_POSIX_C_SOURCE=200809L -MMD -MP -pthread
CPPFLAGS += -I$(GEN) -Isrc -I$(PG_INC)
WARNINGS  = -Wall -Wextra -Werror -Wpedantic -Wmissing-prototypes -Wstrict-prototypes \
            -Wold-style-definition -Wshadow -Wwrite-strings -Wpointer-arith -Wvla \
            -Wformat=2 -Wimplicit-fallthrough -fno-common
SANITIZE  = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
LDLIBS   += -lprotobuf-c -lyaml -lpq -lpthread

VERSION  := $(shell cat VERSION 2>/dev/null || echo 0.0.0)
CPPFLAGS += -DPBT_VERSION='"$(VERSION)"'

GEN_SRCS  = $(GEN)/google/protobuf/descriptor.pb-c.c $(GEN)/pbt_ext.pb-c.c
GEN_HDRS  = $(GEN_SRCS:.c=.h)

LIB_OBJS += src/arena.o
LIB_OBJS += src/buf.o
LIB_OBJS += src/err.o
LIB_OBJS += src/map.o
LIB_OBJS += src/desc_load.o
LIB_OBJS += src/schema.o
LIB_OBJS += src/featureset.o
LIB_OBJS += src/srcloc.o
LIB_OBJS += src/compat.o
LIB_OBJS += src/rules.o
LIB_OBJS += src/rule_file.o
LIB_OBJS += src/rule_package.o
LIB_OBJS += src/rule_message.o
LIB_OBJS += src/rule_field.o
LIB_OBJS += src/rule_enum.o
LIB_OBJS += src/rule_service.o
LIB_OBJS += src/findings.o
LIB_OBJS += src/yaml_doc.o
LIB_OBJS += src/config.o
LIB_OBJS += src/breaking.o
LIB_OBJS += src/report.o
LIB_OBJS += src/report_text.o
LIB_OBJS += src/report_json.o
LIB_OBJS += src/history.o
LIB_OBJS += src/lock.o
LIB_OBJS += src/lock_check.o
LIB_OBJS += src/lock_update.o

CMD_OBJS += cmd/main.o
CMD_OBJS += cmd/opt.o
CMD_OBJS += cmd/breaking.o
CMD_OBJS += cmd/rules.o
CMD_OBJS += cmd/bench_load.o
CMD_OBJS += cmd/history.o
CMD_OBJS += cmd/lock.o


TEST_OBJS += src/test/main.o
TEST_OBJS += src/test/t_arena.o
TEST_OBJS += src/test/t_map.o
TEST_OBJS += src/test/t_config.o
TEST_OBJS += src/test/t_rules.o
TEST_OBJS += src/test/t_schema.o
TEST_OBJS += src/test/t_lock.o


# ---------------------------------------------------------------- variants
# $(1) = output dir, $(2) = extra CFLAGS
OBJ   := $(B)/obj
ASAN  := $(B)/asan

all: $(B)/pbtable

$(GEN)/google/protobuf/descriptor.pb-c.c $(GEN)/google/protobuf/descriptor.pb-c.h: $(PROTO_INC)/google/protobuf/descriptor.proto
	@mkdir -p $(GEN)
	$(PROTOC_C) --c_out=$(GEN) -I$(PROTO_INC) $<

$(GEN)/pbt_ext.pb-c.c $(GEN)/pbt_ext.pb-c.h: src/proto/pbt_ext.proto
	@mkdir -p $(GEN)
	$(PROTOC_C) --c_out=$(GEN) -Isrc/proto $<

# Generated code is not ours: build it without -Werror and our stricter warnings.
$(OBJ)/gen/%.o: $(GEN)/%.c $(GEN_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -w -c -o $@ $<
$(ASAN)/gen/%.o: $(GEN)/%.c $(GEN_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(SANITIZE) -DPBT_ARENA_DEBUG -w -c -o $@ $<

$(OBJ)/%.o: %.c $(GEN_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARNINGS) -c -o $@ $<
$(ASAN)/%.o: %.c $(GEN_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARNINGS) $(SANITIZE) -DPBT_ARENA_DEBUG -c -o $@ $<

GEN_O = $(patsubst $(GEN)/%.c,%.o,$(GEN_SRCS))

$(OBJ)/libpbt.a: $(addprefix $(OBJ)/,$(LIB_OBJS)) $(addprefix $(OBJ)/gen/,$(GEN_O))
	@rm -f $@
	$(AR) rcs $@ $^
$(ASAN)/libpbt.a: $(addprefix $(ASAN)/,$(LIB_OBJS)) $(addprefix $(ASAN)/gen/,$(GEN_O))
	@rm -f $@
	$(AR) rcs $@ $^

$(B)/pbtable: $(addprefix $(OBJ)/,$(CMD_OBJS)) $(OBJ)/libpbt.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS)
$(ASAN)/pbtable: $(addprefix $(ASAN)/,$(CMD_OBJS)) $(ASAN)/libpbt.a
	$(CC) $(CFLAGS) $(SANITIZE) -o $@ $^ $(LDFLAGS) $(LDLIBS)

$(B)/pbt-test: $(addprefix $(OBJ)/,$(TEST_OBJS)) $(OBJ)/libpbt.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS)
$(ASAN)/pbt-test: $(addprefix $(ASAN)/,$(TEST_OBJS)) $(ASAN)/libpbt.a
	$(CC) $(CFLAGS) $(SANITIZE) -o $@ $^ $(LDFLAGS) $(LDLIBS)

# ---------------------------------------------------------------- set-up
# Debian packages the build and the tests need; `deps` installs the missing ones.
DEB_PKGS = gcc make libc6-dev pkg-config libprotobuf-c-dev protobuf-c-compiler \
           libprotobuf-dev protobuf-compiler libpq-dev libyaml-dev postgresql \
           git zstd python3 libxml2-utils valgrind
deps:
	@sh src/test/deps.sh $(DEB_PKGS)

# ---------------------------------------------------------------- tests
# Every test script prints `<suite>: N passed, N failed`; summary.sh adds
# them up and prints the final `tests: N passed, N failed`.
TEST_LOG := $(B)/test-log

test: $(B)/pbtable $(B)/pbt-test
	@mkdir -p $(TEST_LOG)
	@$(B)/pbt-test > $(TEST_LOG)/unit.out 2>&1; tail -n 1 $(TEST_LOG)/unit.out
	@PBTABLE=$(B)/pbtable sh src/test/golden.sh > $(TEST_LOG)/golden.out 2>&1; tail -n 1 $(TEST_LOG)/golden.out

test-asan: $(ASAN)/pbtable $(ASAN)/pbt-test
	@mkdir -p $(TEST_LOG)
	@ASAN_OPTIONS=detect_leaks=1 $(ASAN)/pbt-test > $(TEST_LOG)/unit-asan.out 2>&1; \
		sed 's/^tests:/asan unit:/' $(TEST_LOG)/unit-asan.out | tail -n 1
	@PBTABLE=$(ASAN)/pbtable SUITE="asan golden" sh src/test/golden.sh > $(TEST_LOG)/golden-asan.out 2>&1; \
		tail -n 1 $(TEST_LOG)/golden-asan.out

check: deps
	@$(MAKE) --no-print-directory all $(B)/pbt-test $(ASAN)/pbtable $(ASAN)/pbt-test
	@rm -rf $(TEST_LOG); mkdir -p $(TEST_LOG)
	@$(MAKE) --no-print-directory test test-asan
	@sh src/test/summary.sh $(TEST_LOG)

conformance: $(B)/pbtable
	@PBTABLE=$(B)/pbtable sh src/test/conformance.sh $(SHARED)/conformance/buf-breaking

# history v1..vN against all pairwise runs on real snapshots (slow; docs/history.md)
history-corpus: $(B)/pbtable
	@if [ -d $(SHARED)/corpus/googleapis ]; then \
		PBTABLE=$(B)/pbtable sh src/test/history_corpus.sh $(SHARED)/corpus/googleapis; \
	else \
		echo "history-corpus: no $(SHARED)/corpus/googleapis: 0 passed, 0 failed"; \
	fi

golden-update: $(B)/pbtable
	@PBTABLE=$(B)/pbtable UPDATE=1 sh src/test/golden.sh

demo: deps
	@$(MAKE) --no-print-directory all
	@sh src/test/demo.sh $(B)/pbtable

clean:
	rm -rf $(B)

.PHONY: all deps test test-asan check conformance history-corpus golden-update demo clean

-include $(shell find $(B) -name '*.d' 2>/dev/null)
