# tests/auth/module.mk -- auth's integration tests: C + cmocka + libcurl +
# jansson against the real auth binary, real Postgres (with-postgres.sh)
# and real Redis. Run them with tests/auth/run.sh BUILD. The binaries are
# named authit_* (not test_*) because they manage their own Postgres and
# Redis and stop them on purpose; the shared stack runner must not pick
# them up. Included by tests/module.mk.
AUTHIT_PKGS := libcurl jansson hiredis libpq
AUTHIT_HELPERS := $(BUILD)/tests/auth/authit.o \
                  $(BUILD)/tests/auth/authit_proc.o \
                  $(BUILD)/tests/auth/authit_http.o
AUTHIT_BINS := $(patsubst tests/auth/%.c,$(BUILD)/tests/auth/%,\
                 $(wildcard tests/auth/authit_t_*.c))

$(BUILD)/tests/auth/%.o: private CPPFLAGS += -Itests/auth \
    $(shell pkg-config --cflags $(AUTHIT_PKGS) cmocka)

TEST_BINS += $(AUTHIT_BINS)
$(BUILD)/tests/auth/authit_t_%: $(BUILD)/tests/auth/authit_t_%.o \
        $(AUTHIT_HELPERS) $(LIBCMN)
	$(CC) $(LDFLAGS) -o $@ $^ $(shell pkg-config --libs $(AUTHIT_PKGS)) \
	    $(CMN_LIBS) $(CMOCKA) $(LDLIBS)
