# Writes the sipkb Wireshark configuration profile as a zip that Edit > Configuration Profiles
# > Import takes: one top folder named after the profile, holding its colorfilters (sipkb's
# rules first, then the Wireshark release's own default rules) and preferences.
#
# cmake -DSIPKB_RULES=<sipkb.colorfilters> -DDEFAULT_RULES=<share/wireshark/colorfilters>
#       -DRELEASE=<4.0.17> -DPREFERENCES=<preferences> -DWORK_DIR=<folder> -DOUTPUT=<zip>
#       -P make-profile.cmake
set(profile_name sipkb)

foreach(input SIPKB_RULES DEFAULT_RULES PREFERENCES)
    if(NOT EXISTS "${${input}}")
        message(FATAL_ERROR "make-profile: ${input} '${${input}}' does not exist")
    endif()
endforeach()

# The rule lines of a colorfilters file (comments dropped).
function(read_rules file out)
    file(STRINGS "${file}" lines)
    set(rules "")
    foreach(line IN LISTS lines)
        if(line MATCHES "^@")
            string(APPEND rules "${line}\n")
        elseif(NOT line MATCHES "^#" AND NOT line STREQUAL "")
            message(FATAL_ERROR "make-profile: ${file}: not a colouring rule: ${line}")
        endif()
    endforeach()
    if(rules STREQUAL "")
        message(FATAL_ERROR "make-profile: ${file} has no colouring rules")
    endif()
    set(${out} "${rules}" PARENT_SCOPE)
endfunction()

read_rules("${SIPKB_RULES}" sipkb_rules)
read_rules("${DEFAULT_RULES}" default_rules)

set(folder "${WORK_DIR}/${profile_name}")
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${folder}")
file(WRITE "${folder}/colorfilters"
    "# The sipkb profile's colouring rules: sipkb's first (the first matching rule colours a\n"
    "# packet), then Wireshark ${RELEASE}'s default rules (${DEFAULT_RULES}).\n"
    "${sipkb_rules}${default_rules}")
configure_file("${PREFERENCES}" "${folder}/preferences" COPYONLY)

# File entries only (no folder entries), in a fixed order with a fixed time: the same zip
# from the same inputs.
file(REMOVE "${OUTPUT}")
execute_process(
    COMMAND "${CMAKE_COMMAND}" -E tar cf "${OUTPUT}" --format=zip "--mtime=2000-01-01 00:00:00 UTC"
            "${profile_name}/colorfilters" "${profile_name}/preferences"
    WORKING_DIRECTORY "${WORK_DIR}"
    RESULT_VARIABLE status)
if(NOT status EQUAL 0)
    message(FATAL_ERROR "make-profile: writing ${OUTPUT} failed")
endif()
