/* sipkb's ladder (glue): a sequence analysis, "SIP with sipkb verdicts" in Statistics > Flow
 * Graph and `tshark -z flow,sipkb,standard`: one arrow per SIP message, its comment the method
 * or code and the message's most telling finding (the core's sipkb_result_ladder()).
 *
 * Built where the Wireshark release's sequence analysis API is known (CMakeLists.txt,
 * ws-compat.h): SIPKB_WITH_LADDER is then defined.
 */
#ifndef SIPKB_LADDER_H
#define SIPKB_LADDER_H

/* At registration, after the "sipkb" tap (stats.c): registers the sequence analysis. */
void sipkb_ladder_register(int proto_sipkb);

#endif /* SIPKB_LADDER_H */
