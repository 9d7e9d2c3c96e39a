# tests/module.mk -- binaries of the cross-component test suite. Each test
# area adds its own fragment: tests/*/module.mk (integration, interop, ...).
TEST_BINS :=
include $(sort $(wildcard tests/*/module.mk))
# built for tests/suites/sioc-interop.sh (not a stack test)
TEST_BINS += $(SIOC_INTEROP)
