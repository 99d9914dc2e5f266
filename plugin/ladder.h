/* sipkb's ladder (glue): one arrow per SIP message, its comment the method or code and the
 * message's most telling finding (the core's sipkb_result_ladder()), drawn from the "sipkb"
 * tap two ways:
 *  - the sequence analysis "SIP with sipkb verdicts" (Statistics > Flow Graph,
 *    `tshark -z flow,sipkb,standard`), where the release's sequence analysis API is known
 *    (CMakeLists.txt, ws-compat.h: SIPKB_WITH_LADDER is then defined);
 *  - the text report `tshark -q -z sipkb,ladder[,FILTER]`, on every release: the same arrows,
 *    one line each, with frame numbers.
 */
#ifndef SIPKB_LADDER_H
#define SIPKB_LADDER_H

/* At registration, after the "sipkb" tap (stats.c). */
void sipkb_ladder_register(int proto_sipkb);

#endif /* SIPKB_LADDER_H */
