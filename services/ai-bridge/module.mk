# services/ai-bridge/module.mk -- the bots' bridge. Included by the top
# Makefile.
AIB_PKGS := libcurl hiredis jansson libsodium libmicrohttpd libjwt
AIB_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard services/ai-bridge/src/*.c))
AIB_MODS := $(filter-out %/main.o,$(AIB_OBJS))
AIB_LIBS := $(shell pkg-config --libs $(AIB_PKGS) libcrypto)

$(BUILD)/services/ai-bridge/%.o: private CPPFLAGS += -Iservices/ai-bridge/src \
    $(shell pkg-config --cflags $(AIB_PKGS))

BINS += $(BUILD)/bin/ai-bridge
$(BUILD)/bin/ai-bridge: $(AIB_OBJS) $(LIBCMN)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(AIB_LIBS) $(LDLIBS)

AIB_TESTS := $(patsubst services/ai-bridge/tests/%.c,$(BUILD)/services/ai-bridge/tests/%,$(wildcard services/ai-bridge/tests/test_*.c))
TESTS += $(AIB_TESTS)
$(BUILD)/services/ai-bridge/tests/%: $(BUILD)/services/ai-bridge/tests/%.o $(AIB_MODS) $(LIBCMN)
	$(CC) $(LDFLAGS) -o $@ $^ $(AIB_LIBS) $(CMOCKA) $(LDLIBS)
