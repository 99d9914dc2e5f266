/* Linked into the Wireshark-based programs of a sanitizer build (cmake/Sanitizers.cmake): their
 * sanitizer defaults when the environment sets none (tests often run them with `env -i`).
 * Wireshark keeps memory until exit, so LeakSanitizer would fail every run; leaks are checked
 * with valgrind (tests/robustness/valgrind-check.sh). */
__attribute__((visibility("default"), used)) const char *__asan_default_options(void);
__attribute__((visibility("default"), used)) const char *__ubsan_default_options(void);

const char *
__asan_default_options(void)
{
    return "detect_leaks=0";
}

const char *
__ubsan_default_options(void)
{
    return "print_stacktrace=1:halt_on_error=1";
}
