# librumphijack (hijack/): an LD_PRELOAD library for unmodified Linux
# programs, and rump.run (tools/rump_run.c, built by the pattern rule).
#
# It is loaded into programs that are not built with sanitizers, so its
# objects never are: under SAN=1/TSAN=1 it carries its own plain copy
# of librumpclient's objects instead of linking the sanitized
# librumpclient.so.0 (which such programs could not load).
HIJACK_SRC := $(wildcard hijack/*.c)
HJ_OBJ     := $(OBJ)/hijack-plain
HJ_CFLAGS  := $(CSTD) $(WARN) $(OPT) -g -fPIC -I. -Iinclude \
              -fno-delete-null-pointer-checks -Wno-nonnull-compare
HJ_OBJS    := $(patsubst %.c,$(HJ_OBJ)/%.o,$(HIJACK_SRC))
HJ_CLIENT_OBJS := $(patsubst %.c,$(HJ_OBJ)/%.o,$(CLIENT_SRC)) \
              $(HJ_OBJ)/client/rump_syscalls.o $(HJ_OBJ)/client/sp_wire.o

$(HJ_OBJ)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(HJ_CFLAGS) -MMD -MP -c $< -o $@
$(HJ_OBJ)/client/rump_syscalls.o: kern/rump_syscalls.c
	@mkdir -p $(dir $@)
	$(CC) $(HJ_CFLAGS) -DRSYS_CALL=rumpclient_syscall -MMD -MP -c $< -o $@
$(HJ_OBJ)/client/sp_wire.o: rumpuser/sp_wire.c
	@mkdir -p $(dir $@)
	$(CC) $(HJ_CFLAGS) -fvisibility=hidden -MMD -MP -c $< -o $@

ifeq ($(SANFL),)
$(LIB)/librumphijack.so: $(HJ_OBJS) $(LIB)/librumpclient.so.0
	$(CC) -shared -Wl,-z,defs -Wl,-rpath,'$$ORIGIN' -Wl,-soname,librumphijack.so -o $@ $(HJ_OBJS) -L$(LIB) -l:librumpclient.so.0 -ldl -lpthread
else
$(LIB)/librumphijack.so: $(HJ_OBJS) $(HJ_CLIENT_OBJS)
	@mkdir -p $(LIB)
	$(CC) -shared -Wl,-z,defs -Wl,-soname,librumphijack.so -o $@ $(HJ_OBJS) $(HJ_CLIENT_OBJS) -ldl -lpthread
endif

LIBS += $(LIB)/librumphijack.so
INSTALL_LIBS += $(LIB)/librumphijack.so
