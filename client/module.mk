# client/module.mk -- the GTK4 desktop client (issue 7). Included by the top
# Makefile.
#
#   client/core/  ChatSession and its parts: Engine.IO/Socket.IO, HTTP API,
#                 state machine, models (GLib, libsoup-3.0, jansson; no GTK)
#                 -> $(BUILD)/client/libchatcore.a, unit-tested headless
#   client/src/   the GTK4 UI (templates in a GResource) -> iseecubes-client
#   client/tests/ cmocka unit tests of the core; e2e/ the Xvfb end-to-end test
#
#   make client          build and run against http://127.0.0.1:$PUBLIC_PORT
#   make client-e2e      the end-to-end test (real stack, Xvfb)
#   make install-client  binary, .desktop file and icon under $(PREFIX)
CLIENT_CORE_PKGS   := gio-2.0 libsoup-3.0 jansson
CLIENT_UI_PKGS     := gtk4 libsoup-3.0 jansson
CLIENT_CORE_CFLAGS := $(shell pkg-config --cflags $(CLIENT_CORE_PKGS))
CLIENT_CORE_LIBS   := $(shell pkg-config --libs $(CLIENT_CORE_PKGS))
CLIENT_UI_CFLAGS   := $(shell pkg-config --cflags $(CLIENT_UI_PKGS))
CLIENT_UI_LIBS     := $(shell pkg-config --libs $(CLIENT_UI_PKGS))
# fail on API newer than Debian 12's GLib 2.74 / GTK 4.8
CLIENT_VERSION_DEFS := -DGLIB_VERSION_MIN_REQUIRED=GLIB_VERSION_2_74 \
                       -DGLIB_VERSION_MAX_ALLOWED=GLIB_VERSION_2_74 \
                       -DGDK_VERSION_MIN_REQUIRED=GDK_VERSION_4_8 \
                       -DGDK_VERSION_MAX_ALLOWED=GDK_VERSION_4_8

CLIENT_CORE_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard client/core/*.c))
CLIENT_CORE_LIB  := $(BUILD)/client/libchatcore.a

$(BUILD)/client/core/%.o: private CPPFLAGS += -Iclient/core \
        $(CLIENT_CORE_CFLAGS) $(CLIENT_VERSION_DEFS)
$(BUILD)/client/tests/%.o: private CPPFLAGS += -Iclient/core \
        $(CLIENT_CORE_CFLAGS) $(CLIENT_VERSION_DEFS)

$(CLIENT_CORE_LIB): $(CLIENT_CORE_OBJS)
	@mkdir -p $(@D)
	$(AR) rcs $@ $^

# ---- the app: client/src/*.c + templates/CSS/icon in a GResource ----------
CLIENT_UI_OBJS   := $(patsubst %.c,$(BUILD)/%.o,$(wildcard client/src/*.c)) \
                    $(BUILD)/client/src/chat-resources.o
CLIENT_GRESOURCE := client/src/chat.gresource.xml
CLIENT_RES_DEPS  := $(shell glib-compile-resources --sourcedir=client/src \
                      --generate-dependencies $(CLIENT_GRESOURCE))

$(BUILD)/client/src/%.o: private CPPFLAGS += -Iclient/core -Iclient/src \
        $(CLIENT_UI_CFLAGS) $(CLIENT_VERSION_DEFS)

$(BUILD)/client/src/chat-resources.c: $(CLIENT_GRESOURCE) $(CLIENT_RES_DEPS)
	@mkdir -p $(@D)
	glib-compile-resources --sourcedir=client/src --target=$@ \
	    --generate-source $<

$(BUILD)/client/src/chat-resources.o: $(BUILD)/client/src/chat-resources.c
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

BINS += $(BUILD)/bin/iseecubes-client
$(BUILD)/bin/iseecubes-client: $(CLIENT_UI_OBJS) $(CLIENT_CORE_LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(CLIENT_UI_LIBS) $(LDLIBS)

# ---- unit tests: client/tests/test_chat_<module>.c, no display needed ----
CLIENT_TESTS := $(patsubst client/tests/%.c,$(BUILD)/client/tests/%,\
                  $(wildcard client/tests/test_*.c))
TESTS += $(CLIENT_TESTS)
$(CLIENT_TESTS): $(BUILD)/client/tests/%: $(BUILD)/client/tests/%.o \
                 $(CLIENT_CORE_LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(CLIENT_CORE_LIBS) $(CMOCKA)

.PHONY: client-unit
client-unit: $(CLIENT_TESTS)
	@tests/run-unit.sh $(CLIENT_TESTS)

# the session test talks to a loopback server built from these
$(BUILD)/client/tests/test_chat_session: $(BUILD)/client/tests/chat-fake-server.o

# every core test under valgrind: no definite/indirect leak, no error
.PHONY: client-valgrind
client-valgrind: $(CLIENT_TESTS)
	@for t in $(CLIENT_TESTS); do \
	    G_SLICE=always-malloc valgrind -q --leak-check=full \
	        --show-leak-kinds=definite,indirect \
	        --errors-for-leak-kinds=definite,indirect --error-exitcode=9 \
	        --suppressions=client/tests/valgrind.supp $$t >/dev/null 2>$$t.vg \
	    && echo "valgrind ok: $$t" \
	    || { echo "valgrind FAILED: $$t (see $$t.vg)"; exit 1; }; \
	done

# ---- running, end-to-end test, install --------------------------------------
# the e2e test's stand-in notification server; in BINS so that a plain
# `make` has everything the e2e run needs
CLIENT_NOTIFY_RECORDER := $(BUILD)/client/tests/e2e/chat-notify-recorder
BINS += $(CLIENT_NOTIFY_RECORDER)
$(BUILD)/client/tests/e2e/%.o: private CPPFLAGS += $(CLIENT_CORE_CFLAGS) \
        $(CLIENT_VERSION_DEFS)
$(CLIENT_NOTIFY_RECORDER): $(CLIENT_NOTIFY_RECORDER).o
	$(CC) $(LDFLAGS) -o $@ $^ $(CLIENT_CORE_LIBS)

# `make client`: the app against the stack of `make run` (PUBLIC_PORT, 5000)
client: $(BUILD)/bin/iseecubes-client
	$(BUILD)/bin/iseecubes-client --server http://127.0.0.1:$${PUBLIC_PORT:-5000}

# the Xvfb end-to-end test against a real stack of its own (free ports)
.PHONY: client-e2e
client-e2e: bins
	@client/tests/e2e/run.sh $(BUILD)

PREFIX ?= /usr/local
CLIENT_APP_ID := org.iseecubes.Client
.PHONY: install-client
install-client: $(BUILD)/bin/iseecubes-client
	install -Dm755 $< $(DESTDIR)$(PREFIX)/bin/iseecubes-client
	install -Dm644 client/data/$(CLIENT_APP_ID).desktop \
	    $(DESTDIR)$(PREFIX)/share/applications/$(CLIENT_APP_ID).desktop
	install -Dm644 client/data/$(CLIENT_APP_ID).svg \
	    $(DESTDIR)$(PREFIX)/share/icons/hicolor/scalable/apps/$(CLIENT_APP_ID).svg
	-[ -n "$(DESTDIR)" ] || gtk4-update-icon-cache -qtf $(PREFIX)/share/icons/hicolor
	-[ -n "$(DESTDIR)" ] || update-desktop-database -q $(PREFIX)/share/applications
