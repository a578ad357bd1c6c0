# Kernel modules (.kmod): ELF relocatable objects that kern/kobj.c links
# into a running kernel (modctl, rump_server -m, rump.modload).
#
# A module is the file system's sources compiled once more with
# -DRUMP_KMOD (no registering constructor; fs/X/X_module.c declares the
# module), without -fPIC and with -mcmodel=large so that every reference
# to a kernel symbol is a 64-bit absolute address the linker can fill
# in wherever the kernel's libraries lie, then combined with ld -r.
# Modules never carry sanitizer instrumentation (they are data to the
# kernel that loads them).  They sit in lib/rump/modules/NAME/NAME.kmod,
# NetBSD's layout, in the build tree and once installed; rump_server
# maps that directory at the kernel's module path.
#
# tests/kmod/*.c are small modules the tests load (good and bad ones),
# built as $(B)/tests/kmod/NAME/NAME.kmod.  tests/t_mod_*.c link the
# kernel without tmpfs and ffs, so that their modules can load.
KMOD_CFLAGS := $(CSTD) $(WARN) -O2 -I. -Iinclude -DRUMP_KMOD -fno-pic \
               -mcmodel=large -fno-common -fno-asynchronous-unwind-tables \
               -fno-stack-protector
KMOD_OBJ    := $(OBJ)/kmod
KMOD_DIR    := $(LIB)/rump/modules
KMODS       := $(KMOD_DIR)/tmpfs/tmpfs.kmod \
               $(if $(wildcard fs/ffs/ffs_module.c),$(KMOD_DIR)/ffs/ffs.kmod)
TKMOD_SRC   := $(wildcard tests/kmod/*.c)
TKMODS      := $(foreach m,$(notdir $(TKMOD_SRC:.c=)),$(B)/tests/kmod/$(m)/$(m).kmod)

$(KMOD_OBJ)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(KMOD_CFLAGS) -MMD -MP -c $< -o $@

$(KMOD_DIR)/tmpfs/tmpfs.kmod: $(patsubst %.c,$(KMOD_OBJ)/%.o,$(TMPFS_SRC))
	@mkdir -p $(dir $@)
	$(LD) -r -o $@ $^
$(KMOD_DIR)/ffs/ffs.kmod: $(patsubst %.c,$(KMOD_OBJ)/%.o,$(FFS_SRC))
	@mkdir -p $(dir $@)
	$(LD) -r -o $@ $^

# Test modules; t_modctor is built without -DRUMP_KMOD on purpose (it
# keeps a constructor, which the linker must refuse).
$(KMOD_OBJ)/tests/kmod/t_modctor.o: KMOD_CFLAGS := $(filter-out -DRUMP_KMOD,$(KMOD_CFLAGS))
# t_modpic is position-independent code in the small model: PLT and GOT
# relocations, which the linker meets with stubs and GOT slots.
$(KMOD_OBJ)/tests/kmod/t_modpic.o: KMOD_CFLAGS := $(filter-out -fno-pic -mcmodel=large,$(KMOD_CFLAGS)) -fPIC
define tkmod_rule
$(B)/tests/kmod/$(1)/$(1).kmod: $(KMOD_OBJ)/tests/kmod/$(1).o
	@mkdir -p $$(dir $$@)
	$$(LD) -r -o $$@ $$^
endef
$(foreach m,$(notdir $(TKMOD_SRC:.c=)),$(eval $(call tkmod_rule,$(m))))

EXTRA_ALL += $(KMODS) $(TKMODS)

# Module tests link the kernel without the file systems.
MODTEST_LIBS := -L$(LIB) $(RPATH) -lrumpvfs -lrump -lrumpuser -lpthread
$(B)/tests/t_mod_%: tests/t_mod_%.c $(wildcard tests/*.h) $(call objs,tests/harness.c) $(LIBS) $(PROGS) $(B)/bin/rumpdemo_remote $(EXTRA_ALL)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(call objs,tests/harness.c) $(LDFLAGS) $(MODTEST_LIBS)

install: install-modules
install-modules: $(KMODS)
	for m in $(KMODS); do n=$$(basename $$m .kmod); \
	    install -d $(DESTDIR)$(PREFIX)/lib/rump/modules/$$n && \
	    install -m 644 $$m $(DESTDIR)$(PREFIX)/lib/rump/modules/$$n/ || exit 1; done
.PHONY: install-modules
