# tests/fuzz/module.mk -- libFuzzer targets (clang -fsanitize=fuzzer with
# ASan and UBSan). Included by tests/module.mk; not part of `make` or
# `make test`:
#
#   make fuzz                   build every target, run each for FUZZ_TIME
#                               seconds from its seed corpus; nonzero exit
#                               on a crash (artifacts under build/fuzz/)
#   make fuzz FUZZ_TIME=300     longer runs
#   make fuzz FUZZ_TARGETS=fuzz_gw_codec
#   make fuzz-bins              build only
#
# Everything is compiled again with clang into build/fuzz/ (coverage
# instrumentation needs clang; the gcc objects under build/ stay as they
# are). Targets: fuzz_gw_codec (Engine.IO/Socket.IO codecs), fuzz_cmn_json
# (the JSON scanner, differential against jansson), fuzz_gw_chat (engine +
# chat event checks with an in-memory bus). Seeds: tests/fuzz/corpus/<t>/.
FUZZ_CC      ?= clang
FUZZ_TIME    ?= 20
FUZZ_DIR     := build/fuzz
FUZZ_TARGETS ?= fuzz_gw_codec fuzz_cmn_json fuzz_gw_chat
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_PKGS    := hiredis jansson libjwt libsodium libmicrohttpd libcrypto \
                libwebsockets
FUZZ_CPPFLAGS := -D_DEFAULT_SOURCE -Ilib/include -Iservices/gateway/src \
                 $(shell pkg-config --cflags $(FUZZ_PKGS))
# other people's code must not break the fuzz build over a clang-only
# warning: no -Werror here
FUZZ_CFLAGS  := -std=c11 $(filter-out -Werror,$(WARN)) -g -O1 \
                -fno-omit-frame-pointer -fsanitize=fuzzer-no-link $(FUZZ_SAN)
FUZZ_LIBS    := $(shell pkg-config --libs $(FUZZ_PKGS)) -lpthread

FUZZ_CMN_OBJS := $(patsubst %.c,$(FUZZ_DIR)/%.o,$(wildcard lib/src/*.c))
FUZZ_LIBCMN   := $(FUZZ_DIR)/lib/libcmn.a
FUZZ_GW       := $(addprefix $(FUZZ_DIR)/services/gateway/src/,gw_job.o gw_eio.o \
                   gw_sio.o gw_engine.o gw_chat.o gw_session.o gw_queue.o \
                   gw_users.o gw_metrics.o)
FUZZ_BINS     := $(addprefix $(FUZZ_DIR)/bin/,$(FUZZ_TARGETS))

$(FUZZ_DIR)/%.o: %.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  FUZZCC $<")
	$(Q)$(FUZZ_CC) $(FUZZ_CPPFLAGS) $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<

$(FUZZ_LIBCMN): $(FUZZ_CMN_OBJS)
	$(AR) rcs $@ $^

FUZZ_LINK = $(FUZZ_CC) -fsanitize=fuzzer $(FUZZ_SAN) -o $@ $^ $(FUZZ_LIBS)

$(FUZZ_DIR)/bin/fuzz_gw_codec: $(FUZZ_DIR)/tests/fuzz/fuzz_gw_codec.o \
        $(FUZZ_DIR)/services/gateway/src/gw_eio.o \
        $(FUZZ_DIR)/services/gateway/src/gw_sio.o $(FUZZ_LIBCMN)
	@mkdir -p $(@D)
	$(FUZZ_LINK)

$(FUZZ_DIR)/bin/fuzz_cmn_json: $(FUZZ_DIR)/tests/fuzz/fuzz_cmn_json.o \
        $(FUZZ_LIBCMN)
	@mkdir -p $(@D)
	$(FUZZ_LINK)

# gw_bus.o is left out: the target brings its own in-memory bus (gw_job.o
# holds the job and event values both share)
$(FUZZ_DIR)/bin/fuzz_gw_chat: $(FUZZ_DIR)/tests/fuzz/fuzz_gw_chat.o \
        $(FUZZ_GW) $(FUZZ_LIBCMN)
	@mkdir -p $(@D)
	$(FUZZ_LINK)

.PHONY: fuzz fuzz-bins
fuzz-bins: $(FUZZ_BINS)

fuzz: fuzz-bins
	@tests/fuzz/run.sh $(FUZZ_DIR) $(FUZZ_TIME) $(FUZZ_TARGETS)
