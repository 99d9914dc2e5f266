/* The analyzer of the open capture file (see store.h). It lives from the file's init routine to
 * its cleanup routine, like wmem_file_scope(): every result it keeps goes with the file. */
#include <wireshark.h>

#include "store.h"

#include "kb-sources.h"

static const sipkb_findings_table *findings_table;
static sipkb_analyzer *analyzer;

void
sipkb_store_register(const sipkb_findings_table *findings)
{
    findings_table = findings;
}

void
sipkb_store_init(void)
{
    sipkb_analyzer_free(analyzer);
    analyzer = sipkb_analyzer_new(findings_table, sipkb_kb_sources_kb());
}

void
sipkb_store_cleanup(void)
{
    sipkb_analyzer_free(analyzer);
    analyzer = NULL;
}

guint
sipkb_store_first_pass(const sipkb_extracted *messages, guint n_messages,
                       const sipkb_result *const **results)
{
    if (!analyzer)
        sipkb_store_init();
    for (guint i = 0; i < n_messages; i++)
        sipkb_analyzer_add(analyzer, &messages[i].msg);
    return sipkb_analyzer_results(analyzer, messages[0].msg.frame, results);
}

void
sipkb_store_first_pass_dns(const sipkb_dns_message *messages, guint n_messages)
{
    if (!analyzer)
        sipkb_store_init();
    for (guint i = 0; i < n_messages; i++)
        sipkb_analyzer_add_dns(analyzer, &messages[i]);
}

guint
sipkb_store_read(guint32 frame, const sipkb_result *const **results)
{
    *results = NULL;
    if (!analyzer)
        return 0;
    if (sipkb_analyzer_needs_finish(analyzer))
        sipkb_analyzer_finish(analyzer);
    return sipkb_analyzer_results(analyzer, frame, results);
}

gboolean
sipkb_store_settled(void)
{
    return analyzer && !sipkb_analyzer_needs_finish(analyzer);
}
