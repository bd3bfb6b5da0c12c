# UTM build. `make` builds everything into build/.
#   make demo   installs the Debian packages, builds, and runs the UTM in the
#               veth lab (the README's first command)
#   make check  installs the Debian packages, builds, and runs the whole test
#               suite (the README's second command; .ci/run calls it)
#
# Variables: SANITIZE=1 builds user space with ASan+UBSan; FUZZ_SECONDS=N
# sets how long `make fuzz` runs each target.

CC ?= cc
CLANG ?= clang
BPFTOOL ?= bpftool
# The sanitizer build has its own tree, so both can coexist.
ifeq ($(SANITIZE),1)
B := build-san
else
B := build
endif

# Path buffers are PATH_MAX; truncation is checked where it matters.
WARN := -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter -Wno-format-truncation
CFLAGS := -O2 -g -std=gnu11 $(WARN) -I. -I$(B) -D_GNU_SOURCE
LDLIBS := -lbpf -lelf -lz -lyaml -ljansson -lidn2 -lcurl -lsodium -lpcre2-8 -lhs -lndpi -lstdc++ -lm -lpthread -lsqlite3 -lclamav

ifeq ($(SANITIZE),1)
CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
endif

BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_x86 -Wall -Werror -I. -Ibpf

BPF_SRCS := $(wildcard bpf/*.bpf.c)
BPF_OBJS := $(patsubst bpf/%.bpf.c,$(B)/%.bpf.o,$(BPF_SRCS))
SKELS := $(patsubst bpf/%.bpf.c,$(B)/%.skel.h,$(BPF_SRCS))

LIB_SRCS := $(wildcard lib/*.c)
LIB_OBJS := $(patsubst lib/%.c,$(B)/lib/%.o,$(LIB_SRCS))
LIB := $(B)/libutm.a

# utm-inspect's engine (parsers, reassembly, rules) is a library too, so that
# unit tests and fuzzers link it without the program's main.
# Its I/O edges (main.c, io_*.c: AF_XDP, maps) are the program's alone.
INSPECT_PROG_SRCS := inspect/main.c $(wildcard inspect/io_*.c)
INSPECT_SRCS := $(filter-out $(INSPECT_PROG_SRCS),$(wildcard inspect/*.c))
INSPECT_OBJS := $(patsubst inspect/%.c,$(B)/inspect/%.o,$(INSPECT_SRCS))
INSPECT_LIB := $(B)/libinspect.a

LOADER_SRCS := $(wildcard loader/*.c)
LOADER_OBJS := $(patsubst loader/%.c,$(B)/loader/%.o,$(LOADER_SRCS))

TOOL_MAINS := $(filter-out $(wildcard tools/*-*-*.c),$(wildcard tools/*.c))
TOOLS := $(patsubst tools/%.c,$(B)/%,$(TOOL_MAINS))
UNIT_TESTS := $(patsubst tests/unit/%.c,$(B)/tests/%,$(wildcard tests/unit/test_*.c))
BPF_TESTS := $(patsubst tests/bpf/%.c,$(B)/tests/%,$(wildcard tests/bpf/test_*.c))
FUZZ_SRCS := $(wildcard fuzz/fuzz_*.c)
FUZZERS := $(patsubst fuzz/%.c,$(B)/fuzz/%,$(FUZZ_SRCS))

HEADERS := $(wildcard bpf/*.h lib/*.h loader/*.h tools/*.h inspect/*.h)

.PHONY: all deps test check demo bench bench-tcp bench-dns bench-feeds bench-categories bench-inspect bench-web bench-av fuzz clean format
.SECONDARY:

all: $(BPF_OBJS) $(SKELS) $(LIB) $(INSPECT_LIB) $(B)/utm-load $(B)/utm-inspect $(TOOLS) $(UNIT_TESTS) $(BPF_TESTS)

$(B)/%.bpf.o: bpf/%.bpf.c $(wildcard bpf/*.h) vmlinux.h
	@mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(B)/%.skel.h: $(B)/%.bpf.o
	$(BPFTOOL) gen skeleton $< > $@.tmp && mv $@.tmp $@

$(B)/lib/%.o: lib/%.c $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJS)
	rm -f $@ && ar rcs $@ $^

$(B)/inspect/%.o: inspect/%.c $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c $< -o $@

$(INSPECT_LIB): $(INSPECT_OBJS)
	rm -f $@ && ar rcs $@ $^

$(B)/loader/%.o: loader/%.c $(HEADERS) $(SKELS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c $< -o $@

$(B)/utm-load: $(LOADER_OBJS) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/utm-inspect: $(INSPECT_PROG_SRCS) $(HEADERS) $(INSPECT_LIB) $(LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(INSPECT_PROG_SRCS) $(INSPECT_LIB) $(LIB) $(LDLIBS) -lxdp

# A tool is tools/NAME.c plus its parts tools/NAME-*.c.
.SECONDEXPANSION:
$(B)/%: tools/%.c $$(wildcard tools/%-*.c) $(HEADERS) $(SKELS) $(LIB) $(INSPECT_LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.c,$^) $(INSPECT_LIB) $(LIB) $(LDLIBS)

$(B)/tests/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(HEADERS) $(LIB) $(INSPECT_LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(INSPECT_LIB) $(LIB) $(LDLIBS) -lcmocka

$(B)/tests/%: tests/bpf/%.c $(wildcard tests/bpf/*.h) $(HEADERS) $(SKELS) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS) -lcmocka

# libFuzzer targets: the library sources are compiled once with clang's
# fuzzer instrumentation into one archive, which every target links.
FUZZ_CFLAGS := -g -O1 -I. -D_GNU_SOURCE -fsanitize=fuzzer-no-link,address,undefined
FUZZ_OBJS := $(patsubst %.c,$(B)/fuzzobj/%.o,$(LIB_SRCS) $(INSPECT_SRCS))
FUZZ_LIB := $(B)/fuzzobj/libfuzz.a

$(B)/fuzzobj/%.o: %.c $(HEADERS)
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_CFLAGS) -c $< -o $@

$(FUZZ_LIB): $(FUZZ_OBJS)
	rm -f $@ && ar rcs $@ $^

$(B)/fuzz/%: fuzz/%.c $(FUZZ_LIB) $(HEADERS)
	@mkdir -p $(@D)
	$(CLANG) -g -O1 -I. -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined \
		-o $@ $< $(FUZZ_LIB) $(LDLIBS)

deps:
	tools/install-deps.sh

test: all $(FUZZERS)
	$(MAKE) SANITIZE=1 all
	tests/run-all.sh $(B)

check: deps
	$(MAKE) test

demo: deps
	$(MAKE) all
	tools/lab-demo.sh $(B)

bench: all
	bench/run.sh $(B)

bench-tcp: all
	bench/tcp.sh $(B)

bench-dns: all
	bench/dns.sh $(B)

bench-inspect: all
	bench/inspect.sh $(B)

bench-feeds: all
	bench/feeds.sh $(B)

bench-categories: all
	bench/categories.sh $(B)

bench-web: all
	bench/web.sh $(B)

bench-av: all
	bench/av.sh $(B)

FUZZ_SECONDS ?= 60
fuzz: $(FUZZERS)
	tests/run-fuzz.sh $(B) $(FUZZ_SECONDS)

format:
	clang-format -i $$(git ls-files '*.c' '*.h' | grep -v vmlinux.h)

clean:
	rm -rf build build-san
