# services/relay/module.mk -- the relay worker. Included by ../../Makefile.
RELAY_PKGS := hiredis libsodium libmicrohttpd jansson libjwt
RELAY_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard services/relay/src/*.c))
RELAY_MODS := $(filter-out %/main.o,$(RELAY_OBJS))
RELAY_LIBS := $(shell pkg-config --libs $(RELAY_PKGS) libcrypto)

$(BUILD)/services/relay/%.o: private CPPFLAGS += -Iservices/relay/src \
    $(shell pkg-config --cflags $(RELAY_PKGS))

BINS += $(BUILD)/bin/relay
$(BUILD)/bin/relay: $(RELAY_OBJS) $(LIBCMN)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(RELAY_LIBS) $(LDLIBS)

RELAY_TESTS := $(patsubst services/relay/tests/%.c,$(BUILD)/services/relay/tests/%,$(wildcard services/relay/tests/test_*.c))
TESTS += $(RELAY_TESTS)
$(BUILD)/services/relay/tests/%: $(BUILD)/services/relay/tests/%.o $(RELAY_MODS) $(LIBCMN)
	$(CC) $(LDFLAGS) -o $@ $^ $(RELAY_LIBS) $(CMOCKA) $(LDLIBS)
