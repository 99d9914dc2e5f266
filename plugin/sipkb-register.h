/* Registration functions of sipkb's protocol, called from the plugin entry point. */
#ifndef SIPKB_REGISTER_H
#define SIPKB_REGISTER_H

void proto_register_sipkb(void);
void proto_reg_handoff_sipkb(void);

#endif /* SIPKB_REGISTER_H */
