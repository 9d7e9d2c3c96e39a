# lib/module.mk -- libcmn.a, the code every service shares. Included by the
# top Makefile.
CMN_PKGS := hiredis jansson libjwt libsodium libmicrohttpd libcrypto
CMN_SRCS := $(wildcard lib/src/*.c)
CMN_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(CMN_SRCS))
CMN_CFLAGS := $(shell pkg-config --cflags $(CMN_PKGS))
CMN_LIBS := $(shell pkg-config --libs $(CMN_PKGS))

$(BUILD)/lib/%.o: private CPPFLAGS += $(CMN_CFLAGS)

$(LIBCMN): $(CMN_OBJS)
	@mkdir -p $(@D)
	$(AR) rcs $@ $^

# one cmocka binary per module: lib/tests/test_cmn_<module>.c
CMN_TESTS := $(patsubst lib/tests/%.c,$(BUILD)/lib/tests/%,$(wildcard lib/tests/test_*.c))
TESTS += $(CMN_TESTS)
$(BUILD)/lib/tests/%: $(BUILD)/lib/tests/%.o $(LIBCMN)
	$(CC) $(LDFLAGS) -o $@ $^ $(CMN_LIBS) $(CMOCKA) $(LDLIBS)
