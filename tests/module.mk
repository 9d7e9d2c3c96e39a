# tests/module.mk -- binaries of the cross-component test suite.
TEST_BINS :=
