# tools/loadgen/module.mk -- the load generator (build/bin/loadgen), its
# unit tests, and `make bench` (bench/run.sh; QUICK=1 for the short set).
# Included by ../../Makefile. Links libsioc from tests/lib, which sorts
# after tools/, hence the include (guarded there).
include tests/lib/module.mk

LG_PKGS := hiredis libcurl
LG_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard tools/loadgen/src/*.c))
LG_MODS := $(filter-out %/main.o,$(LG_OBJS))
LG_LIBS := $(shell pkg-config --libs $(LG_PKGS)) $(SIOC_LIBS)

$(BUILD)/tools/loadgen/%.o: private CPPFLAGS += -Itools/loadgen/src \
    $(SIOC_CPPFLAGS) $(shell pkg-config --cflags $(LG_PKGS))

BINS += $(BUILD)/bin/loadgen
$(BUILD)/bin/loadgen: $(LG_OBJS) $(LIBSIOC) $(LIBCMN)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LG_LIBS) $(LDLIBS)

LG_TESTS := $(patsubst tools/loadgen/tests/%.c,$(BUILD)/tools/loadgen/tests/%,$(wildcard tools/loadgen/tests/test_*.c))
TESTS += $(LG_TESTS)
$(BUILD)/tools/loadgen/tests/%: $(BUILD)/tools/loadgen/tests/%.o $(LG_MODS) $(LIBSIOC) $(LIBCMN)
	$(CC) $(LDFLAGS) -o $@ $^ $(LG_LIBS) $(CMOCKA) $(LDLIBS)

# make bench [QUICK=1]: every scenario against private stacks, results in
# bench/results/ (see docs/performance.md)
bench: bins
	@BUILD=$(BUILD) QUICK=$(QUICK) bench/run.sh
