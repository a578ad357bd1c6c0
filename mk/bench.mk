# Benchmarks that are clients of a server link librumpclient instead of
# the kernel (the pattern rule for bench/%.c links the kernel).
$(B)/bench/bench_ffs: bench/bench_ffs.c $(LIBS) $(PROGS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(LDFLAGS) $(CLIENT_LIBS)
