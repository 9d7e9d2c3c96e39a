# tests/fakes/module.mk -- fake bot back ends (OpenAI-compatible, Leonid,
# webhook) for the ai-bridge's integration tests: fake_bots.o linked into
# tests/integration/test_bots*, and the fake-bots program for trying the
# bridge by hand. Included by tests/module.mk.
FAKES_PKGS := libmicrohttpd jansson
FAKES_OBJ  := $(BUILD)/tests/fakes/fake_bots.o
FAKES_BIN  := $(BUILD)/tests/fakes/fake-bots

$(BUILD)/tests/fakes/%.o: private CPPFLAGS += -Itests/fakes \
    $(shell pkg-config --cflags $(FAKES_PKGS))

$(FAKES_BIN): $(BUILD)/tests/fakes/fake_main.o $(FAKES_OBJ)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(shell pkg-config --libs $(FAKES_PKGS)) $(LDLIBS)
TEST_BINS += $(FAKES_BIN)

# The bots' integration tests (tests/integration/test_bots*.c) link the
# fakes and their helper, itest_bots.c; the pattern rule in
# tests/integration/module.mk links every prerequisite ($^).
BOTS_IT := $(patsubst tests/integration/%.c,$(BUILD)/tests/integration/%,\
             $(wildcard tests/integration/test_bots*.c))
$(BOTS_IT): $(FAKES_OBJ) $(BUILD)/tests/integration/itest_bots.o
$(BOTS_IT): private LDLIBS += $(shell pkg-config --libs $(FAKES_PKGS)) \
    $(LIBCMN)
$(BUILD)/tests/integration/itest_bots.o $(patsubst %,%.o,$(BOTS_IT)): \
    private CPPFLAGS += -Itests/fakes
