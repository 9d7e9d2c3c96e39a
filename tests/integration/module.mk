# tests/integration/module.mk -- integration tests against the real stack
# (one stack per test binary, started by itest.c). Included by
# tests/module.mk; run by tests/integration/run.sh.
include tests/lib/module.mk

IT_SRCS := $(wildcard tests/integration/test_*.c)
IT_BINS := $(patsubst tests/integration/%.c,$(BUILD)/tests/integration/%,$(IT_SRCS))
IT_SUPPORT := $(BUILD)/tests/integration/itest.o
IT_LIBS := $(SIOC_LIBS) $(CMN_LIBS) $(CMOCKA)

$(BUILD)/tests/integration/%.o: private CPPFLAGS += $(SIOC_CPPFLAGS) \
    $(shell pkg-config --cflags hiredis cmocka)

TEST_BINS += $(IT_BINS)
$(BUILD)/tests/integration/test_%: $(BUILD)/tests/integration/test_%.o \
        $(IT_SUPPORT) $(LIBSIOC) $(LIBCMN)
	$(CC) $(LDFLAGS) -o $@ $^ $(IT_LIBS) $(LDLIBS)
