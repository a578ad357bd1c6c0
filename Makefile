# The rump kernel server for Linux: one non-recursive Makefile.
#
#   make              build the libraries and programs into build/
#   make test         build and run the test suite (prints "N passed, N failed")
#   make SAN=1 test   the same under AddressSanitizer + UBSan (build-san/)
#   make TSAN=1 test  the same under ThreadSanitizer (build-tsan/)
#   make bench        run the benchmarks in bench/
#   make install PREFIX=/usr/local

CC      ?= cc
PREFIX  ?= /usr/local
OPT     ?= -O2
CSTD    := -std=c17 -D_GNU_SOURCE
WARN    := -Wall -Wextra -Werror
ifeq ($(SAN),1)
B       ?= build-san
SANFL   := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else ifeq ($(TSAN),1)
B       ?= build-tsan
SANFL   := -fsanitize=thread
else
B       ?= build
SANFL   :=
endif
CFLAGS  += $(CSTD) $(WARN) $(OPT) -g -fPIC -I. -Iinclude $(SANFL)
LDFLAGS += $(SANFL)
LIB     := $(B)/lib
# Programs in bin/, tests/ and bench/ find the libraries beside them,
# in the build tree and once installed alike.
RPATH   := -Wl,-rpath,'$$ORIGIN/../lib'
OBJ     := $(B)/obj

# Each library: its sources and what it links against.
RUMPUSER_SRC := $(wildcard rumpuser/*.c)
RUMP_SRC     := $(wildcard kern/*.c)
RUMPVFS_SRC  := $(wildcard vfs/*.c)
TMPFS_SRC    := $(wildcard fs/tmpfs/*.c)
FFS_SRC      := $(wildcard fs/ffs/*.c)
SYSPROXY_SRC := $(wildcard sysproxy/*.c)
CLIENT_SRC   := $(wildcard client/*.c)

LIBS := $(LIB)/librumpuser.so $(LIB)/librump.so $(LIB)/librumpvfs.so \
        $(LIB)/librumpfs_tmpfs.so $(LIB)/librumpfs_ffs.so \
        $(if $(SYSPROXY_SRC),$(LIB)/librumpkern_sysproxy.so) \
        $(if $(CLIENT_SRC),$(LIB)/librumpclient.so)
# What make install copies: real libraries, linker scripts, link objects.
INSTALL_LIBS := $(LIBS) $(LIB)/librumpvfs.so.0 $(LIB)/librumpfs_tmpfs.so.0 \
        $(LIB)/librumpfs_ffs.so.0 $(LIB)/librumpfs_ffs_link.o \
        $(LIB)/librumpvfs_link.o $(LIB)/librumpfs_tmpfs_link.o \
        $(if $(CLIENT_SRC),$(LIB)/librumpclient.so.0)

objs = $(patsubst %.c,$(OBJ)/%.o,$(1))

all: $(LIBS) $(PROGS) $(B)/bin/rumpdemo $(B)/bin/rumpdemo_remote tests bench-progs

$(OBJ)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

-include $(shell find $(OBJ) -name '*.d' 2>/dev/null)

$(LIB)/librumpuser.so: $(call objs,$(RUMPUSER_SRC))
	@mkdir -p $(LIB)
	$(CC) -shared $(LDFLAGS) -Wl,-z,defs -Wl,-rpath,'$$ORIGIN' -Wl,-soname,librumpuser.so -o $@ $^ -lpthread -ldl

$(LIB)/librump.so: $(call objs,$(RUMP_SRC)) $(LIB)/librumpuser.so
	$(CC) -shared $(LDFLAGS) -Wl,-z,defs -Wl,-rpath,'$$ORIGIN' -Wl,-soname,librump.so -o $@ $(call objs,$(RUMP_SRC)) -L$(LIB) -lrumpuser

# Component libraries register themselves from constructors, so a
# program need not call into them; but linkers that default to
# --as-needed (Debian's gcc) would drop them.  So -lX finds a linker
# script, libX.so, naming a tiny object that refers to the library's
# marker symbol X_linked, and the real library, libX.so.0.
$(LIB)/librumpvfs.so.0: $(call objs,$(RUMPVFS_SRC)) $(LIB)/librump.so
	$(CC) -shared $(LDFLAGS) -Wl,-z,defs -Wl,-rpath,'$$ORIGIN' -Wl,-soname,librumpvfs.so.0 -o $@ $(call objs,$(RUMPVFS_SRC)) -L$(LIB) -lrump -lrumpuser

$(LIB)/librumpfs_tmpfs.so.0: $(call objs,$(TMPFS_SRC)) $(LIB)/librumpvfs.so
	$(CC) -shared $(LDFLAGS) -Wl,-z,defs -Wl,-rpath,'$$ORIGIN' -Wl,-soname,librumpfs_tmpfs.so.0 -o $@ $(call objs,$(TMPFS_SRC)) -L$(LIB) -lrumpvfs -lrump -lrumpuser

$(LIB)/librumpfs_ffs.so.0: $(call objs,$(FFS_SRC)) $(LIB)/librumpvfs.so
	$(CC) -shared $(LDFLAGS) -Wl,-z,defs -Wl,-rpath,'$$ORIGIN' -Wl,-soname,librumpfs_ffs.so.0 -o $@ $(call objs,$(FFS_SRC)) -L$(LIB) -lrumpvfs -lrump -lrumpuser

$(LIB)/lib%_link.o:
	@mkdir -p $(LIB)
	printf 'extern const int %s_linked;\nstatic const int *const ref __attribute__((used)) = &%s_linked;\n' $* $* | \
	    $(CC) $(CFLAGS) -x c -c - -o $@

$(LIB)/lib%.so: $(LIB)/lib%.so.0 $(LIB)/lib%_link.o
	printf '/* GNU ld script: keep lib$*.so.0 even with --as-needed */\nINPUT(lib$*_link.o lib$*.so.0)\n' > $@

# The sysproxy server's kernel half (the host half is in librumpuser).
$(LIB)/librumpkern_sysproxy.so: $(call objs,$(SYSPROXY_SRC)) $(LIB)/librump.so
	$(CC) -shared $(LDFLAGS) -Wl,-z,defs -Wl,-rpath,'$$ORIGIN' -Wl,-soname,librumpkern_sysproxy.so -o $@ $(call objs,$(SYSPROXY_SRC)) -L$(LIB) -lrump -lrumpuser

# The client library: its own code, the shared wire code, and the
# rump_sys_* stubs compiled a second time to call rumpclient_syscall.
$(OBJ)/client/rump_syscalls.o: kern/rump_syscalls.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -DRSYS_CALL=rumpclient_syscall -MMD -MP -c $< -o $@
$(OBJ)/client/sp_wire.o: rumpuser/sp_wire.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -fvisibility=hidden -MMD -MP -c $< -o $@
CLIENT_OBJS := $(call objs,$(CLIENT_SRC)) $(OBJ)/client/rump_syscalls.o $(OBJ)/client/sp_wire.o
$(LIB)/librumpclient.so.0: $(CLIENT_OBJS)
	@mkdir -p $(LIB)
	$(CC) -shared $(LDFLAGS) -Wl,-z,defs -Wl,-soname,librumpclient.so.0 -o $@ $(CLIENT_OBJS) -lpthread
$(LIB)/librumpclient.so: $(LIB)/librumpclient.so.0
	ln -sf librumpclient.so.0 $@

# Programs.  rump_server carries the kernel core and sysproxy only;
# rump_allserver every component we have.  One source, two link sets.
SERVER_LIBS    := -L$(LIB) $(RPATH) -lrumpkern_sysproxy -lrump -lrumpuser -ldl -lpthread
ALLSERVER_LIBS := -L$(LIB) $(RPATH) -lrumpfs_ffs -lrumpfs_tmpfs -lrumpvfs -lrumpkern_sysproxy -lrump -lrumpuser -ldl -lpthread
CLIENT_LIBS    := -L$(LIB) $(RPATH) -lrumpclient -lpthread
SERVER_SRC := $(wildcard server/*.c)
$(B)/bin/rump_server: $(SERVER_SRC) $(LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $(SERVER_SRC) $(LDFLAGS) $(SERVER_LIBS)
$(B)/bin/rump_allserver: $(SERVER_SRC) $(LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -DRUMP_ALLSERVER -o $@ $(SERVER_SRC) $(LDFLAGS) $(ALLSERVER_LIBS)
# Client tools: each tools/rump_X.c is the program rump.X on librumpclient.
TOOL_SRC := $(wildcard tools/rump_*.c)
$(B)/bin/rump.%: tools/rump_%.c $(LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(LDFLAGS) $(CLIENT_LIBS)
PROGS := $(if $(SERVER_SRC),$(B)/bin/rump_server $(B)/bin/rump_allserver) \
         $(patsubst tools/rump_%.c,$(B)/bin/rump.%,$(TOOL_SRC))
TEST_LIBS := -L$(LIB) $(RPATH) \
             -lrumpfs_ffs -lrumpfs_tmpfs -lrumpvfs -lrump -lrumpuser -lpthread

# Larger parts keep their own rules in mk/NAME.mk (one file per part,
# so parts can grow without editing this file).  A fragment may add to
# PROGS (installed into bin/), LIBS, INSTALL_LIBS, EXTRA_ALL (built by
# make and before the tests) and add prerequisites to install.
EXTRA_ALL :=
include $(wildcard mk/*.mk)

# Example programs, linked as a user's program would be.
$(B)/bin/%: examples/%.c $(LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(LDFLAGS) $(TEST_LIBS)
$(B)/bin/rumpdemo_remote: examples/rumpdemo.c $(LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -DREMOTE -o $@ $< $(LDFLAGS) $(CLIENT_LIBS)

# Tests: every tests/t_*.c is a program linked like a user's program.
TEST_SRC  := $(wildcard tests/t_*.c)
TEST_BINS := $(patsubst tests/%.c,$(B)/tests/%,$(TEST_SRC))
$(B)/tests/%: tests/%.c $(wildcard tests/*.h) $(call objs,tests/harness.c) $(LIBS) $(EXTRA_ALL)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(call objs,tests/harness.c) $(LDFLAGS) $(TEST_LIBS) $(if $(findstring t_sp_,$*),-lrumpkern_sysproxy)

# Client tests (tests/tc_*.c): programs on librumpclient that talk to
# servers they start; the harness is built without kernel calls.
TC_SRC  := $(wildcard tests/tc_*.c)
TC_BINS := $(patsubst tests/%.c,$(B)/tests/%,$(TC_SRC))
$(OBJ)/tests/harness_client.o: tests/harness.c tests/t.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -DT_CLIENT -c $< -o $@
$(B)/tests/tc_%: tests/tc_%.c $(wildcard tests/*.h) $(OBJ)/tests/harness_client.o $(LIBS) $(PROGS) $(EXTRA_ALL)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -DT_CLIENT -o $@ $< $(OBJ)/tests/harness_client.o $(LDFLAGS) $(CLIENT_LIBS)

tests: $(TEST_BINS) $(TC_BINS)

# Fragments' additions (mk/*.mk) are known only from here on.
all: $(PROGS) $(EXTRA_ALL)

# Fuzz targets (clang's libFuzzer); not part of make test.  The
# libraries are rebuilt with clang and the sanitizers (shared runtime,
# found through the rpath) in build-fuzz, then each fuzz/X.c is linked
# as build-fuzz/fuzz/X.  Run with ASAN_OPTIONS=verify_asan_link_order=0.
FUZZ_SRC := $(wildcard fuzz/*.c)
FUZZ_SAN := -fsanitize=fuzzer-no-link,address,undefined -shared-libsan -Wno-unused-command-line-argument
fuzz:
	@for f in $(FUZZ_SRC); do $(MAKE) -s B=build-fuzz CC=clang SANFL="$(FUZZ_SAN)" \
	    build-fuzz/fuzz/$$(basename $$f .c) || exit 1; done
FUZZ_LIBS := $(LIB)/librumpuser.so $(LIB)/librump.so $(LIB)/librumpvfs.so \
             $(LIB)/librumpfs_tmpfs.so $(LIB)/librumpfs_ffs.so $(LIB)/librumpkern_sysproxy.so
build-fuzz/fuzz/%: fuzz/%.c $(FUZZ_LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_EXTRA_$*) -L$(LIB) -Wl,-rpath,$(abspath $(LIB)) \
	    -Wl,-rpath,$(shell $(CC) -print-resource-dir 2>/dev/null)/lib/linux \
	    -lrumpkern_sysproxy -lrumpfs_ffs -lrumpfs_tmpfs -lrumpvfs -lrump -lrumpuser -lm

test: all
	@sh tests/need.sh
	@sh tests/run.sh $(B)

# Benchmarks.
BENCH_SRC  := $(wildcard bench/*.c)
BENCH_BINS := $(patsubst bench/%.c,$(B)/bench/%,$(BENCH_SRC))
$(B)/bench/%: bench/%.c $(LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(LDFLAGS) $(TEST_LIBS)
bench-progs: $(BENCH_BINS)
bench: bench-progs
	@for b in $(BENCH_BINS); do $$b || exit 1; done

HEADERS := $(wildcard include/rump/*.h)
install: all
	install -d $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include/rump \
	    $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	    $(DESTDIR)$(PREFIX)/share/man/man3 $(DESTDIR)$(PREFIX)/share/man/man8
	install -m 755 $(INSTALL_LIBS) $(DESTDIR)$(PREFIX)/lib/
	install -m 755 $(B)/bin/rumpdemo $(B)/bin/rumpdemo_remote $(PROGS) $(DESTDIR)$(PREFIX)/bin/
	if [ -n "$(CLIENT_SRC)" ]; then ln -sf librumpclient.so.0 $(DESTDIR)$(PREFIX)/lib/librumpclient.so; fi
	install -m 644 $(HEADERS) $(DESTDIR)$(PREFIX)/include/rump/
	for m in $(wildcard man/*.1); do install -m 644 $$m $(DESTDIR)$(PREFIX)/share/man/man1/; done
	for m in $(wildcard man/*.3); do install -m 644 $$m $(DESTDIR)$(PREFIX)/share/man/man3/; done
	for m in $(wildcard man/*.8); do install -m 644 $$m $(DESTDIR)$(PREFIX)/share/man/man8/; done
	if [ -f $(DESTDIR)$(PREFIX)/share/man/man1/rump_server.1 ]; then \
	    ln -sf rump_server.1 $(DESTDIR)$(PREFIX)/share/man/man1/rump_allserver.1; fi

clean:
	rm -rf build build-san build-tsan build-fuzz

.SECONDARY:
.PHONY: all test tests bench bench-progs install clean fuzz
