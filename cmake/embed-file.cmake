# Writes a C file that holds INPUT's bytes as `const char SYMBOL_text[]` (NUL-terminated)
# and `const gsize SYMBOL_length`. Run with: cmake -DINPUT=... -DOUTPUT=... -DSYMBOL=... -P
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" hex_length)
math(EXPR byte_count "${hex_length} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "((0x[0-9a-f][0-9a-f],){16})" "\\1\n    " bytes "${bytes}")
get_filename_component(input_name "${INPUT}" NAME)
file(WRITE "${OUTPUT}" "/* Generated from ${input_name} at build time; edit that file instead. */
#include <glib.h>

const char ${SYMBOL}_text[] = {
    ${bytes}0x00};
const gsize ${SYMBOL}_length = ${byte_count};
")
