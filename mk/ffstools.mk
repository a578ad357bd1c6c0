# The user-space FFS tools (tools/ffs): rump.newfs and rump.fsck_ffs,
# librumpclient programs sharing the format code in tools/ffs/ffs_*.c.
FFSTOOLS_COMMON := tools/ffs/ffs_dev.c tools/ffs/ffs_sb.c tools/ffs/ffs_swap.c
NEWFS_SRC := tools/ffs/newfs.c tools/ffs/mkfs.c $(FFSTOOLS_COMMON)
FSCK_SRC  := tools/ffs/fsck.c tools/ffs/fsck_pass1.c tools/ffs/fsck_pass2.c \
             tools/ffs/fsck_pass5.c tools/ffs/fsck_dir.c $(FFSTOOLS_COMMON)

$(B)/bin/rump.newfs: $(call objs,$(NEWFS_SRC)) $(LIB)/librumpclient.so
	@mkdir -p $(dir $@)
	$(CC) -o $@ $(call objs,$(NEWFS_SRC)) $(LDFLAGS) $(CLIENT_LIBS)
$(B)/bin/rump.fsck_ffs: $(call objs,$(FSCK_SRC)) $(LIB)/librumpclient.so
	@mkdir -p $(dir $@)
	$(CC) -o $@ $(call objs,$(FSCK_SRC)) $(LDFLAGS) $(CLIENT_LIBS)

PROGS += $(B)/bin/rump.newfs $(B)/bin/rump.fsck_ffs
# The kernel-linked tests that run the tools.
$(B)/tests/t_fsck_ffs: $(B)/bin/rump.newfs $(B)/bin/rump.fsck_ffs
