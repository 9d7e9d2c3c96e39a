# services/auth/module.mk -- the auth service (users, passwords, JWT
# sessions, the original's HTTP API) and the iseecubes-admin tool, which
# shares auth's user-store modules. Included by ../../Makefile.
AUTH_PKGS := libmicrohttpd libpq hiredis libsodium libjwt jansson
AUTH_CFLAGS := $(shell pkg-config --cflags $(AUTH_PKGS))
AUTH_LIBS := $(shell pkg-config --libs $(AUTH_PKGS))

AUTH_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard services/auth/src/*.c))
AUTH_MODS := $(filter-out %/main.o,$(AUTH_OBJS))
AUTH_CLI_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard services/auth/cli/*.c))

$(BUILD)/services/auth/%.o: private CPPFLAGS += -Iservices/auth/src \
                                 $(AUTH_CFLAGS)

BINS += $(BUILD)/bin/auth $(BUILD)/bin/iseecubes-admin
$(BUILD)/bin/auth: $(AUTH_OBJS) $(LIBCMN)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(AUTH_LIBS) $(CMN_LIBS) $(LDLIBS)

$(BUILD)/bin/iseecubes-admin: $(AUTH_CLI_OBJS) $(AUTH_MODS) $(LIBCMN)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(AUTH_LIBS) $(CMN_LIBS) $(LDLIBS)

# one cmocka binary per module: services/auth/tests/test_auth_<module>.c
AUTH_TESTS := $(patsubst services/auth/tests/%.c,$(BUILD)/services/auth/tests/%,\
                $(wildcard services/auth/tests/test_*.c))
TESTS += $(AUTH_TESTS)
$(BUILD)/services/auth/tests/%: $(BUILD)/services/auth/tests/%.o \
        $(AUTH_MODS) $(LIBCMN)
	$(CC) $(LDFLAGS) -o $@ $^ $(AUTH_LIBS) $(CMN_LIBS) $(CMOCKA) $(LDLIBS)
