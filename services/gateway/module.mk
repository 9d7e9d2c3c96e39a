# services/gateway/module.mk -- the Socket.IO gateway. Included by the top
# Makefile.
GW_PKGS := libwebsockets hiredis libjwt libsodium libmicrohttpd jansson
GW_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard services/gateway/src/*.c))
GW_MODS := $(filter-out %/main.o,$(GW_OBJS))
GW_LIBS := $(shell pkg-config --libs $(GW_PKGS) libcrypto) -lev

$(BUILD)/services/gateway/%.o: private CPPFLAGS += -Iservices/gateway/src \
    $(shell pkg-config --cflags $(GW_PKGS))

BINS += $(BUILD)/bin/gateway
$(BUILD)/bin/gateway: $(GW_OBJS) $(LIBCMN)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(GW_LIBS) $(LDLIBS)

# the conformance server: the engine without Redis (conformance/)
GW_CONF_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard services/gateway/conformance/*.c))
GW_ENGINE_OBJS := $(addprefix $(BUILD)/services/gateway/src/,gw_eio.o gw_sio.o \
    gw_engine.o gw_queue.o gw_session.o gw_server.o)
BINS += $(BUILD)/bin/gateway-conformance
$(BUILD)/bin/gateway-conformance: $(GW_CONF_OBJS) $(GW_ENGINE_OBJS) $(LIBCMN)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(GW_LIBS) $(LDLIBS)

# unit tests: services/gateway/tests/test_gw_<module>.c
GW_TESTS := $(patsubst services/gateway/tests/%.c,$(BUILD)/services/gateway/tests/%,$(wildcard services/gateway/tests/test_*.c))
TESTS += $(GW_TESTS)
$(BUILD)/services/gateway/tests/%: $(BUILD)/services/gateway/tests/%.o $(GW_MODS) $(LIBCMN)
	$(CC) $(LDFLAGS) -o $@ $^ $(GW_LIBS) $(CMOCKA) $(LDLIBS)
