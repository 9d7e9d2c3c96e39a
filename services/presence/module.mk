# services/presence/module.mk -- presence: who is online. Included by ../../Makefile.
PRESENCE_PKGS := hiredis libsodium libmicrohttpd jansson libjwt
PRESENCE_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard services/presence/src/*.c))
PRESENCE_MODS := $(filter-out %/main.o,$(PRESENCE_OBJS))
PRESENCE_LIBS := $(shell pkg-config --libs $(PRESENCE_PKGS) libcrypto)

$(BUILD)/services/presence/%.o: private CPPFLAGS += -Iservices/presence/src \
    $(shell pkg-config --cflags $(PRESENCE_PKGS))

BINS += $(BUILD)/bin/presence
$(BUILD)/bin/presence: $(PRESENCE_OBJS) $(LIBCMN)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(PRESENCE_LIBS) $(LDLIBS)

PRESENCE_TESTS := $(patsubst services/presence/tests/%.c,$(BUILD)/services/presence/tests/%,$(wildcard services/presence/tests/test_*.c))
TESTS += $(PRESENCE_TESTS)
$(BUILD)/services/presence/tests/%: $(BUILD)/services/presence/tests/%.o $(PRESENCE_MODS) $(LIBCMN)
	$(CC) $(LDFLAGS) -o $@ $^ $(PRESENCE_LIBS) $(CMOCKA) $(LDLIBS)
