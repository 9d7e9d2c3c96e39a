# Makefile -- the only Makefile of ISeeCubes. Each component adds its
# binaries and unit tests through its own module.mk; objects go under build/.
#
#   make            build every service, tool and the client
#   make test       deps + build + unit tests + integration suite (real stack)
#   make run        deps + build + the local stack on 127.0.0.1:$(PUBLIC_PORT)
#   make stop       stop what `make run` started
#   make SAN=1 ...  the same with ASan+UBSan (objects under build/san)

BUILD    := build
CC       ?= cc
OPT      := -O2 -g
WARN     := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wwrite-strings \
            -Wformat=2 -Wno-missing-field-initializers -Wno-format-nonliteral
ifneq ($(WERROR),0)
WARN     += -Werror
endif
ifeq ($(SAN),1)
OPT      := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
            -fno-sanitize-recover=undefined
LDFLAGS  += -fsanitize=address,undefined
BUILD    := build/san
endif
# _DEFAULT_SOURCE: POSIX 2008 plus explicit_bzero()
CPPFLAGS += -D_DEFAULT_SOURCE -Ilib/include
CFLAGS   += -std=c11 $(WARN) $(OPT) -MMD -MP
LDLIBS   := -lpthread
CMOCKA   := $(shell pkg-config --libs cmocka)

BINS     :=
TESTS    :=
LIBCMN   := $(BUILD)/lib/libcmn.a

.PHONY: all deps unit test integration run stop client bench clean fuzz install \
        docker-env
all: bins

include lib/module.mk
include $(sort $(wildcard services/*/module.mk))
include $(sort $(wildcard tools/*/module.mk))
include $(wildcard client/module.mk)
include tests/module.mk

.PHONY: bins
bins: $(BINS)

# quiet by default; make V=1 shows the commands
ifneq ($(V),1)
Q := @
endif

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC    $<")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

deps:
	@deploy/deps.sh

# unit tests: one cmocka binary per module; a throwaway redis-server for the
# ones that need Redis (TEST_REDIS_PORT)
unit: $(BINS) $(TESTS)
	@tests/with-redis.sh tests/run-unit.sh $(TESTS)

test: deps
	@$(MAKE) --no-print-directory -j2 bins tests-bins
	@TESTS="$(TESTS)" tests/run-all.sh $(BUILD)

.PHONY: tests-bins
tests-bins: $(TESTS) $(TEST_BINS)

integration: bins tests-bins
	@tests/integration/run.sh $(BUILD) $(T)

run: deps
	@$(MAKE) --no-print-directory -j2 bins
	@BUILD=$(BUILD) deploy/stack.sh run

stop:
	@deploy/stack.sh stop

# .env for docker compose with fresh random secrets (never overwrites one)
docker-env:
	@deploy/docker/gen-env.sh .env

# the desktop client's .desktop file, icon and binary (client/module.mk)
install: install-client

clean:
	rm -rf build

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
