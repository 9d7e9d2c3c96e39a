# tests/lib/module.mk -- libsioc.a, our Socket.IO v5 / Engine.IO v4 client
# library (integration tests now, the load generator later), its cmocka
# unit tests and the interop test against the stock Node socket.io server.
# Included by tests/module.mk.
#
# Other fragments link it as:  $(LIBSIOC) $(LIBCMN) $(SIOC_LIBS)
# and compile with:            private CPPFLAGS += $(SIOC_CPPFLAGS)
# Make expands prerequisites when it reads them, so a fragment that sorts
# before this one (tests/integration/) must `include tests/lib/module.mk`
# first; the guard makes that safe.
ifndef SIOC_MODULE_MK
SIOC_MODULE_MK := 1

SIOC_PKGS     := libcurl libcrypto
SIOC_CPPFLAGS := -Itests/lib
SIOC_LIBS     := $(shell pkg-config --libs $(SIOC_PKGS))
LIBSIOC       := $(BUILD)/tests/lib/libsioc.a
SIOC_OBJS     := $(patsubst %.c,$(BUILD)/%.o,$(wildcard tests/lib/sioc_*.c))

$(BUILD)/tests/lib/%.o: private CPPFLAGS += $(SIOC_CPPFLAGS) \
                            $(shell pkg-config --cflags $(SIOC_PKGS) cmocka)

$(LIBSIOC): $(SIOC_OBJS)
	@mkdir -p $(@D)
	$(AR) rcs $@ $^

# unit tests: one cmocka binary per module, tests/lib/tests/test_sioc_*.c,
# plus the shared fake server the connection tests talk to
SIOC_TEST_HELPERS := $(BUILD)/tests/lib/tests/sioc_fake_server.o
SIOC_TESTS := $(patsubst tests/lib/tests/%.c,$(BUILD)/tests/lib/tests/%,\
                $(wildcard tests/lib/tests/test_sioc_*.c))
TESTS += $(SIOC_TESTS)
$(BUILD)/tests/lib/tests/test_sioc_%: $(BUILD)/tests/lib/tests/test_sioc_%.o \
        $(SIOC_TEST_HELPERS) $(LIBSIOC) $(LIBCMN)
	$(CC) $(LDFLAGS) -o $@ $^ $(SIOC_LIBS) $(CMOCKA) $(LDLIBS)
# the HTTP helpers are tested against a libmicrohttpd server in the test
$(BUILD)/tests/lib/tests/test_sioc_http.o: private CPPFLAGS += \
                            $(shell pkg-config --cflags libmicrohttpd)
$(BUILD)/tests/lib/tests/test_sioc_http: private LDLIBS += \
                            $(shell pkg-config --libs libmicrohttpd)

# interop test: needs the Node server; run with tests/lib/run-interop.sh
# (not in TESTS or TEST_BINS, whose runners do not start that server)
SIOC_INTEROP := $(BUILD)/tests/lib/tests/interop_sioc
$(SIOC_INTEROP): $(BUILD)/tests/lib/tests/interop_sioc.o $(LIBSIOC) $(LIBCMN)
	$(CC) $(LDFLAGS) -o $@ $^ $(SIOC_LIBS) $(CMOCKA) $(LDLIBS)

.PHONY: sioc sioc-interop
sioc: $(LIBSIOC) $(SIOC_TESTS) $(SIOC_INTEROP)
sioc-interop: $(LIBSIOC) $(SIOC_INTEROP)
	@tests/lib/run-interop.sh

endif
