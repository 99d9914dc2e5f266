# Sanitizer build: -DSIPKB_SANITIZE=ON builds every target of the project (the plugin, the core,
# the tools and the tests) with AddressSanitizer and UndefinedBehaviorSanitizer, gcc or clang.
#
# The distribution's tshark is not instrumented, so the sanitizer runtime has to be the first
# library of the process: <build>/sanitizer-bin/tshark runs the real tshark with the runtime in
# LD_PRELOAD. The tests that run tshark get that folder first in PATH and the *SAN_OPTIONS of
# SIPKB_SANITIZER_ENV; `. <build>/sanitizer-env.sh` does the same for a shell.
#
# Included from the top-level CMakeLists.txt and from tests/CMakeLists.txt (whichever comes
# first); the flags are applied to every target at the end of the top-level directory, so
# targets added anywhere, before or after the include, are instrumented.
include_guard(GLOBAL)

option(SIPKB_SANITIZE "Build everything with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)

set(SIPKB_SANITIZER_ENV "" CACHE INTERNAL "Environment of tests that run tshark under ASan")
set(SIPKB_SANITIZERS_DIR "${CMAKE_CURRENT_LIST_DIR}" CACHE INTERNAL "")
if(NOT SIPKB_SANITIZE)
    # A build folder switched back from a sanitizer build must not look like one to the scripts.
    file(REMOVE_RECURSE "${CMAKE_BINARY_DIR}/sanitizer-env.sh" "${CMAKE_BINARY_DIR}/sanitizer-bin")
    return()
endif()

set(SIPKB_SANITIZE_COMPILE_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=undefined
    -fno-omit-frame-pointer)
set(SIPKB_SANITIZE_LINK_FLAGS -fsanitize=address,undefined)

# The runtime to preload, and the flags that make the module and the executables share it.
if(CMAKE_C_COMPILER_ID MATCHES "Clang")
    # clang links a static runtime into executables by default; the module expects the shared
    # one, which tshark preloads, so every target uses the shared runtime.
    list(APPEND SIPKB_SANITIZE_LINK_FLAGS -shared-libsan)
    set(runtime_name libclang_rt.asan-${CMAKE_SYSTEM_PROCESSOR}.so)
elseif(CMAKE_C_COMPILER_ID STREQUAL "GNU")
    set(runtime_name libasan.so)
else()
    message(FATAL_ERROR "SIPKB_SANITIZE needs gcc or clang, not ${CMAKE_C_COMPILER_ID}")
endif()
execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=${runtime_name}
    OUTPUT_VARIABLE runtime OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT IS_ABSOLUTE "${runtime}" OR NOT EXISTS "${runtime}")
    message(FATAL_ERROR "SIPKB_SANITIZE: ${CMAKE_C_COMPILER} has no ${runtime_name} (Debian: "
        "libasan8 for gcc, libclang-rt-14-dev for clang)")
endif()
# libasan.so is a link-time symlink to libasan.so.8 (only libasan8 is needed at run time).
file(REAL_PATH "${runtime}" runtime)
get_filename_component(runtime_dir "${runtime}" DIRECTORY)
if(CMAKE_C_COMPILER_ID MATCHES "Clang")
    # Executables find the shared runtime outside the linker's default folders.
    list(APPEND SIPKB_SANITIZE_LINK_FLAGS "-Wl,-rpath,${runtime_dir}")
endif()
set(SIPKB_SANITIZER_RUNTIME "${runtime}" CACHE INTERNAL "Sanitizer runtime tshark preloads")
# Cache variables: the flags are applied at the end of the top-level directory, whose scope does
# not see variables set here when the first include comes from tests/CMakeLists.txt.
set(SIPKB_SANITIZE_COMPILE_FLAGS "${SIPKB_SANITIZE_COMPILE_FLAGS}" CACHE INTERNAL "")
set(SIPKB_SANITIZE_LINK_FLAGS "${SIPKB_SANITIZE_LINK_FLAGS}" CACHE INTERNAL "")

# tshark and GLib keep memory until exit: leaks are checked separately, with valgrind and the
# replay harness (tests/robustness). The symbolizer names the plugin's frames in reports;
# WIRESHARK_DEBUG_WMEM_OVERRIDE=simple makes every wmem allocation a malloc of its own, so that
# ASan sees overflows of packet- and file-scope buffers; a dissector bug aborts.
find_program(SIPKB_LLVM_SYMBOLIZER NAMES llvm-symbolizer llvm-symbolizer-14)
set(asan_options "detect_leaks=0:abort_on_error=0:exitcode=86:print_summary=1")
set(ubsan_options "print_stacktrace=1:halt_on_error=1")
if(SIPKB_LLVM_SYMBOLIZER)
    string(APPEND asan_options ":external_symbolizer_path=${SIPKB_LLVM_SYMBOLIZER}")
    string(APPEND ubsan_options ":external_symbolizer_path=${SIPKB_LLVM_SYMBOLIZER}")
endif()
set(SIPKB_SANITIZER_ENV
    "ASAN_OPTIONS=${asan_options}"
    "UBSAN_OPTIONS=${ubsan_options}"
    "G_SLICE=always-malloc"
    "WIRESHARK_DEBUG_WMEM_OVERRIDE=simple"
    "WIRESHARK_ABORT_ON_DISSECTOR_BUG=1"
    CACHE INTERNAL "Environment of tests that run tshark under ASan")

# The runtime is preloaded into tshark only, never into the shell scripts and tools around it
# (ASan in mawk or coreutils reports their own bugs): a `tshark` first in PATH execs the real
# one with LD_PRELOAD set. The test wrappers (tests/e2e/tshark-sipkb, run-as-user, ...) keep
# PATH, so every tshark they start is the sanitized one.
find_program(SIPKB_REAL_TSHARK tshark REQUIRED)
set(SIPKB_SANITIZER_BIN "${CMAKE_BINARY_DIR}/sanitizer-bin" CACHE INTERNAL "")
set(shim "#!/bin/sh\n# tshark with the sanitizer runtime first (sipkb sanitizer build, cmake/Sanitizers.cmake)\n")
foreach(assignment IN LISTS SIPKB_SANITIZER_ENV)
    string(FIND "${assignment}" "=" equals)
    string(SUBSTRING "${assignment}" 0 ${equals} name)
    math(EXPR equals "${equals} + 1")
    string(SUBSTRING "${assignment}" ${equals} -1 value)
    string(APPEND shim ": \"\${${name}:=${value}}\"; export ${name}\n")
endforeach()
string(APPEND shim "LD_PRELOAD=${runtime}\${LD_PRELOAD:+:\$LD_PRELOAD} exec ${SIPKB_REAL_TSHARK} \"\$@\"\n")
file(WRITE "${SIPKB_SANITIZER_BIN}/tshark" "${shim}")
file(CHMOD "${SIPKB_SANITIZER_BIN}/tshark" PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE
    GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
message(STATUS "sipkb: sanitizer build (ASan+UBSan); ${SIPKB_SANITIZER_BIN}/tshark preloads "
    "${runtime}")

# Instruments every target of `dir` and of its subdirectories, but those that choose their own
# sanitizers (target property SIPKB_OWN_SANITIZERS, e.g. the libFuzzer targets).
function(sipkb_sanitize_targets dir)
    get_property(targets DIRECTORY "${dir}" PROPERTY BUILDSYSTEM_TARGETS)
    foreach(target IN LISTS targets)
        get_target_property(type ${target} TYPE)
        get_target_property(own ${target} SIPKB_OWN_SANITIZERS)
        if(own)
            continue()
        endif()
        if(type MATCHES "^(EXECUTABLE|MODULE_LIBRARY|SHARED_LIBRARY|STATIC_LIBRARY|OBJECT_LIBRARY)$")
            target_compile_options(${target} PRIVATE ${SIPKB_SANITIZE_COMPILE_FLAGS})
            if(NOT type MATCHES "^(STATIC_LIBRARY|OBJECT_LIBRARY)$")
                target_link_options(${target} PRIVATE ${SIPKB_SANITIZE_LINK_FLAGS})
            endif()
            # Wireshark-based programs leak at exit by design: no LeakSanitizer by default.
            get_target_property(libraries ${target} LINK_LIBRARIES)
            if(type STREQUAL "EXECUTABLE" AND "epan" IN_LIST libraries)
                target_sources(${target} PRIVATE
                    "${SIPKB_SANITIZERS_DIR}/sanitizer-default-options.c")
            endif()
        endif()
    endforeach()
    get_property(subdirs DIRECTORY "${dir}" PROPERTY SUBDIRECTORIES)
    foreach(subdir IN LISTS subdirs)
        sipkb_sanitize_targets("${subdir}")
    endforeach()
endfunction()

function(sipkb_sanitize_all_targets)
    sipkb_sanitize_targets("${CMAKE_SOURCE_DIR}")
endfunction()
cmake_language(DEFER DIRECTORY "${CMAKE_SOURCE_DIR}" CALL sipkb_sanitize_all_targets)

# Adds the sanitizer environment to every test of the calling directory that runs tshark or a
# Wireshark-based program (all of them but the unit tests, which are instrumented executables),
# and gives every test three times its time limit: sanitized runs are slower.
function(sipkb_sanitize_tests)
    get_property(tests DIRECTORY PROPERTY TESTS)
    foreach(test IN LISTS tests)
        get_test_property("${test}" TIMEOUT timeout)
        if(timeout)
            math(EXPR timeout "${timeout} * 3")
            set_tests_properties("${test}" PROPERTIES TIMEOUT ${timeout})
        endif()
        if(NOT test MATCHES "^unit/")
            set_property(TEST "${test}" APPEND PROPERTY ENVIRONMENT ${SIPKB_SANITIZER_ENV})
            set_property(TEST "${test}" APPEND PROPERTY ENVIRONMENT_MODIFICATION
                "PATH=path_list_prepend:${SIPKB_SANITIZER_BIN}")
        endif()
    endforeach()
endfunction()

# For running tshark by hand, and for the robustness scripts: . <build>/sanitizer-env.sh
set(env_lines "export PATH='${SIPKB_SANITIZER_BIN}':\"\$PATH\"\n")
foreach(assignment IN LISTS SIPKB_SANITIZER_ENV)
    string(APPEND env_lines "export '${assignment}'\n")
endforeach()
file(WRITE "${CMAKE_BINARY_DIR}/sanitizer-env.sh" "${env_lines}")
