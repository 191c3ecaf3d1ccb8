/* The simulator (cxm/sim.h). Included by cxm.i after journey.i (handles,
 * tables) and io.i (summaries). */

CXM_HANDLE(cxm_sim_settings, cxm_sim_settings_free)
CXM_HANDLE(cxm_sim, cxm_sim_free)

/* Bound through the adapters below. */
%ignore cxm_sim_settings_parse_json;
%ignore cxm_sim_run;
%ignore cxm_sim_options;
%ignore cxm_sim_options_init;
%ignore cxm_sim_rfm;
%ignore cxm_sim_get_settings;
%ignore cxm_table_write_csv;

%include "cxm/sim.h"

%rename(sim_settings_parse_json) cxmb_sim_settings_parse_json;
%rename(sim_run) cxmb_sim_run;
%rename(sim_rfm) cxmb_sim_rfm;
%inline %{
/* Settings from JSON text (a str: no NUL inside). */
static int cxmb_sim_settings_parse_json(cxm_sim_settings **out, const char *text,
                                        const char *source)
{
    if (text == NULL)
        return cxmb_fail(CXM_EINVAL, "the settings text is missing");
    return cxm_sim_settings_parse_json(out, text, strlen(text), source);
}

/* A world with the default options (no progress callback). */
static int cxmb_sim_run(cxm_sim **out, const cxm_sim_settings *settings)
{
    return cxm_sim_run(out, settings, NULL);
}

/* The transaction summary with the default options: minutes as units,
 * times in the settings' unit, observed to the settings' end. */
static int cxmb_sim_rfm(cxm_rfm **out, const cxm_sim *sim)
{
    return cxm_sim_rfm(out, sim, NULL);
}
%}
