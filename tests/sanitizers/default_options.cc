// The sanitizers' runtime options for a SIGNET_SANITIZE build, compiled into
// every executable (CMakeLists.txt adds this file) so that CTest, the
// integration scripts and a developer's shell all run with the same ones.
// ASAN_OPTIONS, UBSAN_OPTIONS, LSAN_OPTIONS and TSAN_OPTIONS still override
// them for one run. Each suppression below says why it is not our bug.

extern "C" {

// AddressSanitizer: stop at the first report (its default) and check the
// order of global initializers across translation units.
__attribute__((used, visibility("default"))) const char* __asan_default_options() {
  return "check_initialization_order=1:strict_init_order=1:detect_leaks=1";
}

// UndefinedBehaviorSanitizer: -fno-sanitize-recover=all already makes every
// finding fatal; print where it happened.
__attribute__((used, visibility("default"))) const char* __ubsan_default_options() {
  return "print_stacktrace=1:halt_on_error=1";
}

// ThreadSanitizer: the first race ends the process, so the test that drove
// it fails rather than a summary being printed at exit, if ever.
__attribute__((used, visibility("default"))) const char* __tsan_default_options() {
  return "halt_on_error=1:second_deadlock_stack=1";
}

// LeakSanitizer suppressions (one per line: leak:FUNCTION_OR_LIBRARY).
__attribute__((used, visibility("default"))) const char* __lsan_default_suppressions() {
  return "";
}

// ThreadSanitizer suppressions (race:FUNCTION_OR_LIBRARY).
__attribute__((used, visibility("default"))) const char* __tsan_default_suppressions() {
  return "";
}

}  // extern "C"
